"""The writes of the grid worker's day that need no module of their own: patrols and
convenience services. Visits, corrections, the diary, requests and the visit rules
have theirs (`*_actions.py`); `fieldwork.checks` says what they all follow.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork.checks import (
    RECORD,
    check_in_scope,
    choice,
    clean_text,
    day_of,
    moment,
    once,
    visible,
    worker_grid,
)
from gridgov.fieldwork.choices import ServiceKind
from gridgov.fieldwork.models import ConvenienceService, Patrol
from gridgov.people.models import Household

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
