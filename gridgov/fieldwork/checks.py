"""What the fieldwork actions share (these are checks, not actions: they write nothing).

Every action takes the actor and plain inputs (records or their ids), checks the
actor's capability and scope, validates, and writes in one transaction with its
AuditEntry; a refusal is an ActionError with a Chinese message (404 for a record
outside the actor's scope, exactly as for one that does not exist). A grid worker
records only in their own grid; community staff in their community.

Items made on a phone carry the phone's `client_id`: an action given a client id it
has already stored writes nothing and returns the stored record with `replayed` set,
so the batch sync endpoint answers "duplicate"; two replays at once store one row
(the unique constraint) and the loser returns the winner's record (`once`).
"""

import datetime
import uuid

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.actions import report_case
from gridgov.cases.choices import Priority
from gridgov.cases.models import Case, Category
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import scope_of
from gridgov.places.models import Area, Level

RECORD = "fieldwork.record"
SUPERVISE = "fieldwork.supervise"
# How far a phone's clock may run ahead of the server's before a time is "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)
# How late a record may be entered (a phone offline for days, a visit written up later).
LATE_DAYS = 30


def not_found(field: str | None = None) -> ActionError:
    return ActionError(_("记录不存在或不在您的管辖范围内。"), field, 404)


def visible(model, actor, value, field: str):
    """The record of `model` (given as itself or its id) if the actor may see it."""
    if value in (None, ""):
        return None
    pk = value.pk if hasattr(value, "pk") else value
    try:
        return model.objects.visible_to(actor).get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError):
        raise not_found(field) from None


def check_in_scope(actor, record, capability: str = RECORD) -> None:
    """The actor may do `capability` and the record (carrying its place) is theirs."""
    check_capability(actor, capability)
    if not scope_of(actor).contains(record):
        raise not_found()


def scope_grids_q(actor) -> Q:
    """The grids (Area rows) inside the actor's scope ids."""
    scope = scope_of(actor)
    return (
        Q(id__in=scope.grid_ids)
        | Q(parent_id__in=scope.community_ids)
        | Q(parent__parent_id__in=scope.street_ids)
    )


def worker_grid(actor, grid=None) -> Area:
    """The grid an actor works in: the one named if it is in their scope, else their
    only grid. Community staff, with many, must name one."""
    grids = Area.objects.filter(scope_grids_q(actor), level=Level.GRID, retired_on__isnull=True)
    if grid not in (None, ""):
        pk = grid.pk if hasattr(grid, "pk") else grid
        try:
            return grids.only("id", "code", "name", "path").get(pk=int(pk))
        except (Area.DoesNotExist, TypeError, ValueError):
            raise not_found("grid") from None
    own = list(grids.filter(id__in=scope_of(actor).grid_ids).only("id", "code", "name", "path"))
    if len(own) != 1:
        raise ActionError(_("请选择网格。"), "grid")
    return own[0]


def clean_client_id(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ActionError(_("客户端编号无效。"), "client_id") from None


def _stored(model, client_id, actor, owner: str):
    if client_id is None:
        return None
    found = model.objects.filter(client_id=client_id).first()
    if found is None:
        return None
    if _owner_id(found, owner) != actor.pk:
        raise ActionError(_("客户端编号已被使用。"), "client_id", 409)
    found.replayed = True
    return found


def _owner_id(record, owner: str):
    for part in owner.split("__")[:-1]:
        record = getattr(record, part)
    return getattr(record, owner.split("__")[-1] + "_id")


def once(model, client_id, actor, owner: str, create):
    """`create(client_id)` unless the actor stored this client id before (that record,
    `replayed`). `owner` is the path to the user who made it (e.g. "entry__worker")."""
    client_id = clean_client_id(client_id)
    found = _stored(model, client_id, actor, owner)
    if found is not None:
        return found
    try:
        record = create(client_id)
    except IntegrityError:
        found = _stored(model, client_id, actor, owner)
        if found is None:
            raise
        return found
    record.replayed = False
    return record


def moment(value, field: str, default=None) -> datetime.datetime:
    """A time of the work: now if not given; never in the future, at most LATE_DAYS ago."""
    now = timezone.now()
    if value in (None, ""):
        return default or now
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ActionError(_("时间格式不正确。"), field) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        raise ActionError(_("时间不能晚于现在。"), field)
    if value < now - datetime.timedelta(days=LATE_DAYS):
        raise ActionError(_("只能补录 %(n)d 天内的记录。") % {"n": LATE_DAYS}, field)
    return value


def day_of(value, field: str) -> datetime.date:
    """A working day: today if not given; never in the future, at most LATE_DAYS ago."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ActionError(_("日期格式应为 2024-05-01。"), field) from None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value > today:
        raise ActionError(_("日期不能晚于今天。"), field)
    if value < today - datetime.timedelta(days=LATE_DAYS):
        raise ActionError(_("只能补录 %(n)d 天内的记录。") % {"n": LATE_DAYS}, field)
    return value


def clean_text(value, limit: int, field: str, label: str, required: bool = False) -> str:
    value = " ".join(str(value or "").split()) if limit <= 200 else str(value or "").strip()
    if required and not value:
        raise ActionError(_("请填写%(label)s。") % {"label": label}, field)
    if len(value) > limit:
        raise ActionError(_("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}, field)
    if "\x00" in value:
        raise ActionError(_("%(label)s含有无效字符。") % {"label": label}, field)
    return value


def choice(value, enum, field: str, label: str) -> str:
    if value not in enum.values:
        raise ActionError(_("请选择%(label)s。") % {"label": label}, field)
    return value


# -- cases reported from the grid worker's records (through the case loop's action) -------------------------------------


def visible_case(actor, case) -> Case:
    pk = case.pk if hasattr(case, "pk") else case
    try:
        return Case.objects.visible_to(actor).get(pk=int(pk))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise not_found("case") from None


def report_from(
    actor, *, grid, source, source_ref, category, title, description, priority, address
) -> Case:
    """A case reported through the case loop's action from a fieldwork record."""
    if not isinstance(category, Category):
        category = Category.objects.current().filter(pk=category).first() if category else None
    return report_case(
        actor,
        category=category,
        title=title,
        description=description,
        grid=grid,
        address=address,
        source=source,
        source_ref=source_ref,
        priority=priority or Priority.NORMAL,
    )
