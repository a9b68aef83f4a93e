"""The writes of the grid worker's day, and what they all share.

Every action takes the actor and plain inputs (records or their ids), checks the
actor's capability and scope, validates, and writes in one transaction with its
AuditEntry; a refusal is an ActionError with a Chinese message (404 for a record
outside the actor's scope, exactly as for one that does not exist). A grid worker
records only in their own grid; community staff in their community.

Items made on a phone carry the phone's `client_id`: an action given a client id it
has already stored writes nothing and returns the stored record with `replayed` set,
so the batch sync endpoint answers "duplicate"; two replays at once store one row
(the unique constraint) and the loser returns the winner's record.

This module holds the shared checks, patrols and convenience services; visits,
corrections, the diary, requests and the visit rules have their own modules.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.actions import report_case
from gridgov.cases.choices import Priority
from gridgov.cases.models import Case, Category
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import scope_of
from gridgov.fieldwork.choices import ServiceKind
from gridgov.fieldwork.models import ConvenienceService, Patrol
from gridgov.people.models import Household
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


# -- cases reported from the grid worker's records -------------------------------------


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


# -- patrols -----------------------------------------------------------------------------

PATROL_FIELDS = (
    "worker",
    "grid",
    "started_at",
    "ended_at",
    "distance_m",
    "coverage",
    "off_grid_minutes",
)


def start_patrol(actor, *, grid=None, started_at=None, client_id=None) -> Patrol:
    """Start a patrol of the actor's grid. One runs at a time per worker."""
    check_capability(actor, RECORD)

    def create(client_id):
        place = worker_grid(actor, grid)
        start = moment(started_at, "started_at")
        if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
            raise ActionError(_("已有进行中的巡查，请先结束。"), status=409)
        patrol = Patrol(worker=actor, started_at=start, client_id=client_id)
        patrol.place_in(place)
        try:
            with transaction.atomic():
                patrol.save()
                audit.record(
                    actor, "patrol.start", patrol, after=audit.snapshot(patrol, PATROL_FIELDS)
                )
        except IntegrityError:
            if client_id is not None and Patrol.objects.filter(client_id=client_id).exists():
                raise
            raise ActionError(_("已有进行中的巡查，请先结束。"), status=409) from None
        return patrol

    return once(Patrol, client_id, actor, "worker", create)


def end_patrol(
    actor,
    patrol: Patrol,
    *,
    ended_at=None,
    distance_m: float = 0,
    coverage: float | None = None,
    off_grid_minutes: int = 0,
    track=None,
) -> Patrol:
    """End the actor's running patrol with its figures, computed by the caller from the
    positions (`fieldwork.coverage`); the duration is the span from start to end."""
    check_in_scope(actor, patrol)
    if patrol.worker_id != actor.pk:
        raise ActionError(_("只能结束本人的巡查。"), status=403)
    end = moment(ended_at, "ended_at")
    if coverage is not None and not 0 <= coverage <= 1:
        raise ActionError(_("覆盖率应在 0 到 1 之间。"), "coverage")
    if distance_m < 0 or off_grid_minutes < 0:
        raise ActionError(_("里程和离开网格时间不能为负数。"), "distance_m")
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if patrol.ended_at is not None:
            raise ActionError(_("该巡查已结束。"), status=409)
        if end < patrol.started_at:
            raise ActionError(_("结束时间早于开始时间。"), "ended_at")
        before = audit.snapshot(patrol, PATROL_FIELDS)
        patrol.ended_at, patrol.duration = end, end - patrol.started_at
        patrol.distance_m, patrol.coverage = float(distance_m), coverage
        patrol.off_grid_minutes, patrol.track = int(off_grid_minutes), track
        patrol.save()
        after = audit.snapshot(patrol, PATROL_FIELDS)
        after["duration_s"] = int(patrol.duration.total_seconds())
        audit.record(actor, "patrol.end", patrol, before=before, after=after)
    return patrol


# -- convenience services ----------------------------------------------------------------

SERVICE_FIELDS = ("household", "kind", "worker", "day", "minutes", "note")


def record_service(
    actor, *, household, kind, minutes, day=None, note: str = "", client_id=None
) -> ConvenienceService:
    """A convenience service the actor did for a household of their grid."""
    check_capability(actor, RECORD)

    def create(client_id):
        target = visible(Household, actor, household, "household")
        if target is None:
            raise ActionError(_("请选择住户。"), "household")
        service = ConvenienceService(
            household=target,
            kind=choice(kind, ServiceKind, "kind", _("服务类型")),
            worker=actor,
            day=day_of(day, "day"),
            minutes=_minutes(minutes),
            note=clean_text(note, 200, "note", _("说明")),
            client_id=client_id,
        )
        service.place_like(target)
        with transaction.atomic():
            service.save()
            audit.record(
                actor, "service.record", service, after=audit.snapshot(service, SERVICE_FIELDS)
            )
        return service

    return once(ConvenienceService, client_id, actor, "worker", create)


def _minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ActionError(_("用时应为整数分钟。"), "minutes") from None
    if not 1 <= minutes <= 1440:
        raise ActionError(_("用时应在 1 到 1440 分钟之间。"), "minutes")
    return minutes
