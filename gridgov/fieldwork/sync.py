"""The phone's outbox, sent in one batch (POST /api/v1/field/sync).

What a grid worker records without a network waits on the phone (static/fieldwork/
outbox.js) as the fields of the page's form, and comes here when the network returns:
`{"client_id", "kind", "payload", "recorded_at"?}` per item. Each item is read by the
very form its page posts (`KINDS`: one mapping from a page's fields to an action's
inputs, for the page and for the phone) and applied by the same action, in a
transaction of its own, so one refused item leaves the others stored. Each answer:

- stored — applied now (`id` names the record);
- duplicate — the client id was stored before (a resent batch, a send whose answer was
  lost): nothing is written, `id` names the record stored then;
- refused — the form or the action refused it; `reason` says why, in the page's words;
- conflict — a visit made against a household file that has changed on the server
  since the phone loaded it (the form's `household_version`): nothing is written;
  `current` says what the file is now. Sent again without the version, it is stored.

A file in a payload comes as {"filename", "content_type", "base64"}, an image of at
most MAX_PHOTO_BYTES once decoded (`core.uploads.decoded_image`).
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from gridgov.cases.forms import ReportForm
from gridgov.cases.models import Case, Category
from gridgov.core.errors import ActionError
from gridgov.core.uploads import decoded_image
from gridgov.fieldwork import (
    actions,
    diary_actions,
    phone_actions,
    queries,
    request_actions,
    visit_actions,
)
from gridgov.fieldwork.checks import clean_client_id, once, visible
from gridgov.fieldwork.diary_forms import DiaryItemForm
from gridgov.fieldwork.forms import RequestForm, ServiceForm, VisitForm
from gridgov.fieldwork.models import ConvenienceService, DiaryEntry, DiaryItem, Request, Visit
from gridgov.people.models import Household, Organization
from gridgov.people.queries import visible_grids

logger = logging.getLogger(__name__)

MAX_ITEMS = 50
MAX_PHOTO_BYTES = 1024 * 1024
# The field a visit's form carries with the household file's version (queries.household_version).
VERSION_FIELD = "household_version"
# A phone's time of recording further off than this is its clock's fault: not used.
CLOCK_RANGE = datetime.timedelta(days=366)

STORED, DUPLICATE, REFUSED, CONFLICT = "stored", "duplicate", "refused", "conflict"


@dataclasses.dataclass
class Answer:
    client_id: str
    status: str
    reason: str | None = None
    id: int | None = None
    current: dict | None = None


class Refused(Exception):
    """A form's field errors, as one reason."""


class Conflict(Exception):
    def __init__(self, reason: str, current: dict):
        super().__init__(reason)
        self.reason, self.current = reason, current


@dataclasses.dataclass(frozen=True)
class Item:
    """One item as the form of its page takes it."""

    actor: object
    data: MultiValueDict
    files: MultiValueDict
    client_id: object
    recorded_at: datetime.datetime | None


# -- one kind each: the page's form, then its action ---------------------------------------


def _valid(form):
    """The form's action inputs, or Refused with its errors."""
    if form.is_valid():
        inputs = form.inputs() if hasattr(form, "inputs") else form.report_inputs()
        if not form.errors:  # inputs() may add one (a case title without its category)
            return inputs
    raise Refused(_errors(form))


def _errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            parts.append(f"{label}：{error}" if label else str(error))
    return "；".join(parts) or _("提交的内容不正确。")


def _day(item: Item) -> datetime.date | None:
    """The day the phone recorded the item on (its clock, never after the server's)."""
    if item.recorded_at is None:
        return None
    return timezone.localtime(min(item.recorded_at, timezone.now())).date()


def _visit(item: Item) -> Visit:
    actor, data = item.actor, item.data

    def create(client_id):
        target = visible(Household, actor, data.get("household"), "household")
        org = None
        if target is None:
            org = visible(Organization, actor, data.get("organization"), "organization")
        if target is None and org is None:
            raise ActionError(_("请选择走访的住户或单位。"), "household")
        loaded = data.get(VERSION_FIELD, "")
        if target is not None and loaded:
            _check_version(target, loaded)
        members = queries.members_of(target) if target is not None else []
        form = VisitForm(data, item.files, members=members)
        inputs = _valid(form)
        if inputs["visited_at"] is None and item.recorded_at is not None:
            inputs["visited_at"] = min(item.recorded_at, timezone.now())
        where = {"household": target} if target is not None else {"organization": org}
        return visit_actions.record_visit(actor, client_id=client_id, **where, **inputs)

    return once(Visit, item.client_id, actor, "worker", create)


def _check_version(household: Household, loaded: str) -> None:
    try:
        seen = datetime.datetime.fromisoformat(loaded)
    except ValueError:
        raise ActionError(_("住户版本格式不正确。"), VERSION_FIELD) from None
    now = queries.household_version(household)
    if datetime.datetime.fromisoformat(now) > seen:
        changed = timezone.localtime(datetime.datetime.fromisoformat(now))
        raise Conflict(
            _("住户 %(number)s 的信息在 %(at)s 已被修改，请核对后再发送。")
            % {"number": household.number, "at": f"{changed:%Y-%m-%d %H:%M}"},
            {"household": household.pk, "number": household.number, VERSION_FIELD: now},
        )


def _diary_item(item: Item) -> DiaryItem:
    actor, data = item.actor, item.data

    def create(client_id):
        day = data.get("day") or _day(item) or timezone.localdate()
        try:
            day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
        except ValueError:
            raise ActionError(_("日期格式应为 2024-05-01。"), "day") from None
        entry = DiaryEntry.objects.filter(worker=actor, day=day).first()
        form = DiaryItemForm(data, user=actor, buildings=queries.grid_buildings(actor, entry))
        return diary_actions.add_item(actor, day=day, client_id=client_id, **_valid(form))

    return once(DiaryItem, item.client_id, actor, "entry__worker", create)


def _request(item: Item) -> Request:
    actor = item.actor
    grids = queries.record_grids(actor, visible_grids(actor))

    def create(client_id):
        form = RequestForm(item.data, user=actor, grids=grids)
        inputs = _valid(form)
        if item.recorded_at is not None:
            inputs["recorded_at"] = min(item.recorded_at, timezone.now())
        return request_actions.record_request(actor, client_id=client_id, **inputs)

    return once(Request, item.client_id, actor, "recorded_by", create)


def _service(item: Item) -> ConvenienceService:
    actor = item.actor

    def create(client_id):
        inputs = _valid(ServiceForm(item.data, user=actor))
        inputs["day"] = inputs.get("day") or _day(item)
        return actions.record_service(actor, client_id=client_id, **inputs)

    return once(ConvenienceService, item.client_id, actor, "worker", create)


def report_categories() -> list[Category]:
    """The categories the case report form offers (cases/report_views reads the same)."""
    return list(
        Category.objects.current()
        .only("id", "code", "name", "parent_code")
        .order_by("code", "-valid_from")
    )


def _case(item: Item) -> Case:
    form = ReportForm(item.data, item.files, user=item.actor, categories=report_categories())
    inputs = _valid(form)
    return phone_actions.report_case(item.actor, client_id=item.client_id, **inputs)


# kind → what applies it. The outbox names its items by these kinds; each page's form
# carries its kind in data-offline-kind.
KINDS: dict[str, Callable[[Item], object]] = {
    "visit": _visit,
    "diary_item": _diary_item,
    "request": _request,
    "service": _service,
    "case": _case,
}


# -- the batch ------------------------------------------------------------------------------


def wire_values(payload: dict) -> tuple[MultiValueDict, MultiValueDict]:
    """A payload (one value or a list per field name, as the phone read the form) as
    the form data and files a page's POST would give. Files are decoded here: a bad
    one is an ActionError naming its field."""
    data, files = MultiValueDict(), MultiValueDict()
    for name, value in payload.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, dict):
                files.appendlist(name, decoded_image(one, limit=MAX_PHOTO_BYTES, field=name))
            elif one is None or one is False:
                continue  # an unchecked box, a field left out
            elif one is True:
                data.appendlist(name, "on")
            else:
                data.appendlist(name, str(one))
    return data, files


def apply(actor, *, client_id, kind: str, payload: dict, recorded_at=None) -> Answer:
    """One item of the outbox, in a transaction of its own."""
    try:
        client_id = clean_client_id(client_id)
        if client_id is None:
            raise ActionError(_("客户端编号无效。"), "client_id")
        data, files = wire_values(payload)
        data.pop("client_id", None)  # the item's own id is the one that counts
        if recorded_at is not None and abs(recorded_at - timezone.now()) > CLOCK_RANGE:
            recorded_at = None  # a phone whose clock is far off: the form's times or now
        item = Item(actor, data, files, client_id, recorded_at)
        with transaction.atomic():
            record = KINDS[kind](item)
    except Conflict as conflict:
        return Answer(str(client_id), CONFLICT, conflict.reason, current=conflict.current)
    except Refused as refused:
        return Answer(str(client_id), REFUSED, str(refused))
    except ActionError as error:
        return Answer(str(client_id), REFUSED, str(error.message))
    except PermissionDenied:
        return Answer(str(client_id), REFUSED, _("您的角色不能执行这个操作。"))
    except Exception:  # one item's fault must not lose the batch: it stays on the phone
        logger.exception("field sync: %s item %s failed", kind, client_id)
        return Answer(str(client_id), REFUSED, _("系统暂时无法保存这条记录，已记录，请稍后重试。"))
    status = DUPLICATE if getattr(record, "replayed", False) else STORED
    return Answer(str(client_id), status, id=record.pk)


def sync(actor, items) -> list[Answer]:
    """Each item in order (a later item may rely on an earlier one, e.g. the day's
    diary entry), each answered."""
    if len(items) > MAX_ITEMS:
        raise ActionError(_("一次最多发送 %(n)d 条记录。") % {"n": MAX_ITEMS}, "items", 422)
    return [apply(actor, **item) for item in items]
