"""The grid worker's "today" (今日工作): what is due today in one list ordered by
urgency, the day's patrol and diary, and the month's counts; and the board of a
supervisor's grid workers with the state of each one's day.

The list, most urgent first:
  1. cases past their due time (to verify on site, or to follow up);
  2. cases due before the day ends;
  3. households whose visit is overdue, the most overdue first (`fieldwork.rules`);
  4. households due a visit today;
  5. the day's diary, not yet written (on working days);
  6. the day's patrol, not yet started;
  7. cases due on a later day.
Only the first `VISITS_SHOWN` households are items; the rest are one item leading to
the due list.

Everything is read as the viewer sees it (`visible_to(viewer)`): the worker on their own
page, or a supervisor reading a worker's day. The page costs a fixed number of queries
however much work there is.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import Status
from gridgov.cases.models import Case, CaseEvent
from gridgov.command.models import WorkerLocation
from gridgov.fieldwork import rules
from gridgov.fieldwork.models import DiaryEntry, Patrol, Visit
from gridgov.fieldwork.queries import grid_workers
from gridgov.fieldwork.thumbnail import grid_svg
from gridgov.people.models import Household
from gridgov.places.models import Area, Building

VISITS_SHOWN = 5
CASES_SHOWN = 20
_BEFORE_DISPATCH = (Status.REPORTED, Status.ACCEPTED)

# The urgency groups, in the order the list shows them.
LATE_CASE, CASE_TODAY, LATE_VISIT, VISIT_TODAY, DIARY, PATROL, CASE_LATER = range(7)


@dataclass
class Item:
    """One thing to do today, with the page that does it."""

    group: int
    kind: str  # verify, follow_up, visit, more_visits, diary, patrol
    title: str
    detail: str
    url: str
    icon: str
    due: datetime.datetime | None = None
    badge: str = ""
    late: bool = False


@dataclass
class Month:
    """The worker's month so far."""

    first: datetime.date
    patrol_days: int = 0
    patrol_hours: float = 0.0
    visits: int = 0
    cases_found: int = 0
    follow_ups: int = 0
    follow_ups_on_time: int = 0


@dataclass
class Day:
    worker: object
    grid: Area
    today: datetime.date
    now: datetime.datetime
    is_working_day: bool
    items: list[Item] = field(default_factory=list)
    patrol: Patrol | None = None  # running, or the day's latest
    diary: DiaryEntry | None = None
    visits_due: int = 0
    visits_overdue: int = 0
    month: Month | None = None
    thumbnail: str = ""

    @property
    def late(self) -> int:
        return sum(1 for item in self.items if item.late)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def worker_grid_of(worker) -> Area | None:
    """The grid a grid worker holds (the first by code if several)."""
    ids = worker.scope.grid_ids
    if not ids:
        return None
    grids = Area.objects.filter(pk__in=ids).only("id", "code", "name", "path", "boundary")
    return grids.order_by("code").first()


def worker_day(viewer, worker, grid: Area, now: datetime.datetime | None = None) -> Day:
    """The worker's day in `grid`, as `viewer` may see it (the worker or a supervisor)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = load_calendar()
    day = Day(worker, grid, today, now, calendar.is_working_day(today))
    _map(day, viewer)
    _cases(day, viewer, calendar)
    _visits(day, viewer)
    _diary_and_patrol(day, viewer)
    day.items.sort(key=lambda i: (i.group, i.due or now))
    day.month = month_counts(viewer, worker, today, calendar)
    return day


def _map(day: Day, viewer) -> None:
    if "boundary" in day.grid.get_deferred_fields():
        boundary = Area.objects.filter(pk=day.grid.pk).values_list("boundary", flat=True).first()
    else:
        boundary = day.grid.boundary
    points = Building.objects.visible_to(viewer).filter(grid_id=day.grid.pk)
    points = points.values_list("lon", "lat")
    day.thumbnail = grid_svg(boundary, list(points), _("%(grid)s地图") % {"grid": day.grid.name})


def _due_badge(due: datetime.datetime, now: datetime.datetime) -> tuple[str, bool]:
    if due < now:
        minutes = int((now - due).total_seconds() // 60)
        if minutes < 60:
            return _("超时 %(n)d 分钟") % {"n": max(minutes, 1)}, True
        if minutes < 24 * 60:
            return _("超时 %(n)d 小时") % {"n": minutes // 60}, True
        return _("超时 %(n)d 天") % {"n": minutes // (24 * 60)}, True
    local = timezone.localtime(due)
    if local.date() == timezone.localdate(now):
        return _("%(time)s 前") % {"time": f"{local:%H:%M}"}, False
    return _("%(day)s 前") % {"day": f"{local:%m-%d %H:%M}"}, False


def _cases(day: Day, viewer, calendar) -> None:
    """Cases waiting for the worker: sent to verify on site, or handled and due their
    follow-up (assigned to the worker, or to the grid's worker)."""
    worker = day.worker
    verify = Q(verifier=worker, verify_due_at__isnull=False, status__in=_BEFORE_DISPATCH)
    follow = Q(status=Status.HANDLED) & (
        Q(assignee=worker) | Q(assignee__isnull=True, grid_id=day.grid.pk)
    )
    rows = (
        Case.objects.visible_to(viewer)
        .filter(verify | follow)
        .select_related("category")
        .only(
            "id",
            "number",
            "title",
            "status",
            "address",
            "due_at",
            "verify_due_at",
            "suspended_at",
            "category__name",
        )
        .order_by("id")[:CASES_SHOWN]
    )
    end_of_day = _midnight(day.today + datetime.timedelta(days=1))
    for case in rows:
        verifying = case.status != Status.HANDLED
        due = case.verify_due_at if verifying else case.due_at
        badge, late = _due_badge(due, day.now) if due else ("", False)
        late = late and case.suspended_at is None
        if late:
            group = LATE_CASE
        elif due is not None and due < end_of_day:
            group = CASE_TODAY
        else:
            group = CASE_LATER
        day.items.append(
            Item(
                group=group,
                kind="verify" if verifying else "follow_up",
                title=(_("现场核实：%(title)s") if verifying else _("回访：%(title)s"))
                % {"title": case.title},
                detail=f"{case.number} · {case.category.name}"
                + (f" · {case.address}" if case.address else ""),
                url=reverse("cases:detail", args=[case.pk]) + "#case-actions-title",
                icon="search" if verifying else "telephone",
                due=due,
                badge=badge,
                late=late,
            )
        )


def _visits(day: Day, viewer) -> None:
    households = Household.objects.visible_to(viewer).filter(grid_id=day.grid.pk)
    found = rules.due_visits(viewer, households, today=day.today)
    day.visits_due = len(found)
    day.visits_overdue = sum(1 for d in found if d.status == rules.OVERDUE)
    new_visit = reverse("fieldwork:visit_new")
    for due in found[:VISITS_SHOWN]:
        household = due.household
        late = due.status == rules.OVERDUE
        dwelling = household.dwelling
        where = f"{dwelling.building.name} {dwelling.room}".strip()
        day.items.append(
            Item(
                group=LATE_VISIT if late else VISIT_TODAY,
                kind="visit",
                title=_("走访 %(number)s %(head)s")
                % {
                    "number": household.number,
                    "head": household.head.name if household.head else "",
                },
                detail=" · ".join([where, *(r.label for r in due.reasons)]),
                url=f"{new_visit}?household={household.pk}&kind={due.visit_kind}",
                icon="door-open",
                due=_midnight(due.due_on),
                badge=(
                    ngettext("超期 %(n)d 天", "超期 %(n)d 天", due.overdue_days)
                    % {"n": due.overdue_days}
                    if late
                    else _("今天到期")
                ),
                late=late,
            )
        )
    more = len(found) - VISITS_SHOWN
    if more > 0:
        day.items.append(
            Item(
                group=VISIT_TODAY,
                kind="more_visits",
                title=ngettext("还有 %(n)d 户待走访", "还有 %(n)d 户待走访", more) % {"n": more},
                detail=_("查看全部待走访住户"),
                url=reverse("fieldwork:due"),
                icon="list-check",
                due=_midnight(day.today + datetime.timedelta(days=1)),
            )
        )


def _diary_and_patrol(day: Day, viewer) -> None:
    worker = day.worker
    day.diary = (
        DiaryEntry.objects.visible_to(viewer)
        .filter(worker=worker, day=day.today)
        .annotate(n_items=Count("items"))
        .only("id", "day")
        .first()
    )
    end_of_day = _midnight(day.today + datetime.timedelta(days=1))
    if day.diary is None and day.is_working_day:
        day.items.append(
            Item(
                group=DIARY,
                kind="diary",
                title=_("今日民情日志未写"),
                detail=_("记下走访、巡查中了解到的社情民意"),
                url=reverse("fieldwork:diary"),
                icon="journal-richtext",
                due=end_of_day,
            )
        )
    day.patrol = (
        Patrol.objects.visible_to(viewer)
        .filter(worker=worker)
        .filter(Q(ended_at__isnull=True) | Q(started_at__gte=_midnight(day.today)))
        .defer("track")
        .order_by("-started_at", "-id")
        .first()
    )
    if day.patrol is None:
        day.items.append(
            Item(
                group=PATROL,
                kind="patrol",
                title=_("今日巡查未开始"),
                detail=_("每天进网格巡查，发现问题及时上报"),
                url=reverse("fieldwork:patrol"),
                icon="person-walking",
                due=end_of_day,
            )
        )


def month_counts(viewer, worker, today: datetime.date, calendar=None) -> Month:
    """Patrol days and hours, visits, cases found and follow-ups (on time: recorded by
    the follow-up's deadline, the category's limit from when the case was handled)."""
    first = today.replace(day=1)
    since = _midnight(first)
    month = Month(first)
    patrols = (
        Patrol.objects.visible_to(viewer)
        .filter(worker=worker, started_at__gte=since)
        .aggregate(days=Count(TruncDate("started_at"), distinct=True), spent=Sum("duration"))
    )
    month.patrol_days = patrols["days"] or 0
    month.patrol_hours = (patrols["spent"] or datetime.timedelta()).total_seconds() / 3600
    month.visits = (
        Visit.objects.visible_to(viewer).filter(worker=worker, visited_at__gte=since).count()
    )
    month.cases_found = (
        Case.objects.visible_to(viewer).filter(reporter=worker, reported_at__gte=since).count()
    )
    follow_ups = (
        CaseEvent.objects.visible_to(viewer)
        .filter(action="follow_up", actor=worker, created_at__gte=since)
        .select_related("case__category")
        .only(
            "created_at",
            "case__id",
            "case__handled_at",
            "case__category__follow_up_limit",
            "case__category__follow_up_unit",
        )
    )
    calendar = calendar or load_calendar()
    for event in follow_ups:
        month.follow_ups += 1
        handled = event.case.handled_at
        if handled is None:
            continue
        amount, unit = event.case.category.limit("follow_up")
        if event.created_at <= calendar.add(handled, amount, unit):
            month.follow_ups_on_time += 1
    return month


# -- a supervisor's board of grid workers --------------------------------------------


@dataclass
class WorkerRow:
    """One grid worker's day on a supervisor's board."""

    worker: object
    grid: Area
    patrol: Patrol | None = None
    patrol_minutes: int = 0
    diary_items: int | None = None  # None: not written
    visits: int = 0
    last_fix: datetime.datetime | None = None


def workers_board(viewer, rows, now: datetime.datetime | None = None) -> list[WorkerRow]:
    """The state of the day of each grid worker held in `rows` (RoleAssignments of
    `queries.grid_workers`): their patrol, diary, visits and last position; in five
    queries however many workers."""
    now = now or timezone.now()
    since = _midnight(timezone.localdate(now))
    board = [WorkerRow(r.user, r.area) for r in rows]
    ids = [r.worker.pk for r in board]
    patrols = {}
    for patrol in (
        Patrol.objects.visible_to(viewer)
        .filter(worker__in=ids)
        .filter(Q(ended_at__isnull=True) | Q(started_at__gte=since))
        .defer("track")
        .order_by("started_at", "id")
    ):
        patrols[patrol.worker_id] = patrol  # the latest wins
    minutes = dict(
        Patrol.objects.visible_to(viewer)
        .filter(worker__in=ids, started_at__gte=since, ended_at__isnull=False)
        .values("worker")
        .annotate(spent=Sum("duration"))
        .values_list("worker", "spent")
    )
    diaries = dict(
        DiaryEntry.objects.visible_to(viewer)
        .filter(worker__in=ids, day=timezone.localdate(now))
        .annotate(n=Count("items"))
        .values_list("worker", "n")
    )
    visits = dict(
        Visit.objects.visible_to(viewer)
        .filter(worker__in=ids, visited_at__gte=since)
        .values("worker")
        .annotate(n=Count("id"))
        .values_list("worker", "n")
    )
    fixes = dict(
        WorkerLocation.objects.visible_to(viewer)
        .filter(user__in=ids)
        .values("user")
        .annotate(at=Max("recorded_at"))
        .values_list("user", "at")
    )
    for row in board:
        pk = row.worker.pk
        row.patrol = patrols.get(pk)
        spent = minutes.get(pk)
        if row.patrol is not None and row.patrol.is_running:
            spent = (spent or datetime.timedelta()) + (now - row.patrol.started_at)
        row.patrol_minutes = int(spent.total_seconds() // 60) if spent else 0
        row.diary_items = diaries.get(pk)
        row.visits = visits.get(pk, 0)
        row.last_fix = fixes.get(pk)
    return board


def supervised(viewer, worker_id: int):
    """The assignment of a grid worker in the viewer's scope, or None."""
    return next((r for r in grid_workers(viewer) if r.user_id == worker_id), None)
