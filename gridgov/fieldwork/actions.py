"""The writes of the grid worker's day that need no module of their own: patrols and
convenience services. Visits, corrections, the diary, requests and the visit rules
have theirs (`*_actions.py`); `fieldwork.checks` says what they all follow.

A patrol is started and stopped on the phone (`start_patrol`, `stop_patrol`); stopping
measures the positions the worker sent meanwhile (`fieldwork.patrols`) and ends it
through `end_patrol`, which stores the figures. What is found on patrol is reported
as a case with the patrol as its source (`report_case_from_patrol`).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.actions import report_case
from gridgov.cases.choices import Source
from gridgov.cases.models import Case
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork import patrols
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
    """Start a patrol of the actor's grid. One runs at a time per worker; one left
    running from an earlier day is first closed at its real end (its last fix that
    day, `patrols.real_end`)."""
    check_capability(actor, RECORD)

    def create(client_id):
        place = worker_grid(actor, grid)
        start = moment(started_at, "started_at")
        running = Patrol.objects.filter(worker=actor, ended_at__isnull=True).first()
        if running is not None and not patrols.started_today(running, start):
            stop_patrol(actor, running, now=start)
        elif running is not None:
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


def stop_patrol(actor, patrol=None, *, now=None) -> Patrol:
    """Stop the actor's patrol (the one named, or the one running): measure the
    positions sent since it started and end it with its figures. Stopping a patrol
    already ended changes nothing and returns it (`replayed`): a second tap, or the
    phone sending the stop again, is not an error."""
    check_capability(actor, RECORD)
    if patrol is None:
        patrol = Patrol.objects.filter(worker=actor, ended_at__isnull=True).first()
        if patrol is None:
            raise ActionError(_("没有进行中的巡查。"), status=409)
    else:
        patrol = visible(Patrol, actor, patrol, "patrol")
    if patrol.worker_id != actor.pk:
        raise ActionError(_("只能结束本人的巡查。"), status=403)
    if patrol.ended_at is None:
        end = patrols.real_end(patrol, now or timezone.now())
        try:
            patrol = end_patrol(actor, patrol, ended_at=end, **patrols.measure(patrol, end))
        except ActionError as refusal:
            if refusal.status != 409:
                raise
            patrol.refresh_from_db()  # stopped meanwhile by another request
        else:
            patrol.replayed = False
            return patrol
    patrol.replayed = True
    return patrol


def report_case_from_patrol(actor, patrol, **inputs) -> Case:
    """Report what the actor found on their patrol (running or finished) as a case
    through the case loop's report action (`cases.actions.report_case`, its inputs),
    with the patrol as its source (Source.PATROL, `source_ref` "patrol:<id>"), so the
    case keeps its patrol."""
    patrol = visible(Patrol, actor, patrol, "patrol")
    if patrol.worker_id != actor.pk:
        raise ActionError(_("只能从本人的巡查上报案件。"), status=403)
    inputs |= {"source": Source.PATROL, "source_ref": f"patrol:{patrol.pk}"}
    with transaction.atomic():
        case = report_case(actor, **inputs)
        audit.record(actor, "patrol.report_case", patrol, after={"case": case.number})
    return case


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
