"""Reads of the grid worker's day that pages (and later the "today" page) share: the
lists of visits, requests and services in scope, a household's visits, the grid
workers of a scope and their diaries by day with the missing working days.

Every list starts from `visible_to(user)` and reads only the columns its rows show.
"""

import datetime

from django.db.models import Count, Max, Q

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.models import SpecialDay
from gridgov.cases.worktime import WorkCalendar
from gridgov.core.scope import scope_of
from gridgov.fieldwork.models import ConvenienceService, DiaryEntry, Request, Visit
from gridgov.people.choices import ResidentStatus
from gridgov.people.models import Household, Resident
from gridgov.places.models import Building

# The diary reader shows each worker's last few working days: a missing day stands out.
DIARY_STRIP_DAYS = 7


def visit_list(user, *, grid=None, kind: str = "", pending: bool = False):
    visits = Visit.objects.visible_to(user)
    if grid is not None:
        visits = visits.filter(grid=grid)
    if kind:
        visits = visits.filter(kind=kind)
    if pending:
        visits = visits.filter(corrections_pending=True)
    return (
        visits.select_related("household", "organization", "worker", "grid")
        .only(
            "id",
            "kind",
            "visited_at",
            "met",
            "findings",
            "corrections_pending",
            "case_id",
            "household__number",
            "organization__name",
            "worker__username",
            "worker__full_name",
            "grid__name",
        )
        .order_by("-visited_at", "-id")
    )


def pending_corrections(user):
    """Visits with corrections waiting for community staff, oldest first."""
    return (
        Visit.objects.visible_to(user)
        .filter(corrections_pending=True)
        .select_related("household", "worker", "grid")
        .only(
            "id",
            "visited_at",
            "corrections",
            "household__number",
            "worker__username",
            "worker__full_name",
            "grid__name",
        )
        .order_by("visited_at", "id")
    )


def household_visits(user, household, limit: int):
    """A household's latest visits the user may see, for its file."""
    return list(
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("worker")
        .only(
            "id",
            "kind",
            "visited_at",
            "met",
            "findings",
            "corrections_pending",
            "case_id",
            "worker__username",
            "worker__full_name",
        )
        .order_by("-visited_at", "-id")[:limit]
    )


def request_list(user, *, status: str = "", grid=None):
    requests = Request.objects.visible_to(user)
    if status:
        requests = requests.filter(status=status)
    if grid is not None:
        requests = requests.filter(grid=grid)
    return (
        requests.select_related("grid")
        .only(
            "id",
            "requester_name",
            "content",
            "channel",
            "status",
            "recorded_at",
            "case_id",
            "grid__name",
        )
        .order_by("-recorded_at", "-id")
    )


def service_list(user, *, grid=None):
    services = ConvenienceService.objects.visible_to(user)
    if grid is not None:
        services = services.filter(grid=grid)
    return (
        services.select_related("household", "worker")
        .only(
            "id",
            "kind",
            "day",
            "minutes",
            "note",
            "household__number",
            "worker__username",
            "worker__full_name",
        )
        .order_by("-day", "-id")
    )


# -- the diaries of a scope's grid workers -------------------------------------------


def grid_workers(user, grid=None) -> list[RoleAssignment]:
    """The grid workers holding a grid in the user's scope (each with `.user` and
    `.area`), by grid."""
    scope = scope_of(user)
    inside = (
        Q(area_id__in=scope.grid_ids)
        | Q(area__parent_id__in=scope.community_ids)
        | Q(area__parent__parent_id__in=scope.street_ids)
    )
    held = RoleAssignment.objects.filter(inside, role=Role.GRID_WORKER, user__is_active=True)
    if grid is not None:
        held = held.filter(area=grid)
    return list(
        held.select_related("user", "area")
        .only("id", "user__username", "user__full_name", "area__name", "area__code")
        .order_by("area__code", "user_id")
    )


def working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The working days from `first` to `last`, by the case loop's calendar (holidays
    and make-up days read for the span only)."""
    special = SpecialDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
    special = list(special)
    calendar = WorkCalendar(
        holidays=frozenset(d for d, kind in special if kind == "holiday"),
        makeup_days=frozenset(d for d, kind in special if kind == "makeup"),
    )
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def diary_board(user, day: datetime.date, grid=None) -> dict:
    """Each grid worker in scope with their entry of `day` (items and comments counted)
    and their last DIARY_STRIP_DAYS working days, written or missing; in three queries."""
    held = grid_workers(user, grid)
    strip = working_days(day - datetime.timedelta(days=DIARY_STRIP_DAYS * 2), day)
    strip = strip[-DIARY_STRIP_DAYS:]
    first = min([day, *strip])
    entries = (
        DiaryEntry.objects.visible_to(user)
        .filter(worker__in=[h.user_id for h in held], day__range=(first, day))
        .annotate(
            n_items=Count("items", distinct=True), n_comments=Count("comments", distinct=True)
        )
        .only("id", "worker_id", "day")
    )
    by_key = {(e.worker_id, e.day): e for e in entries}
    rows = []
    for assignment in held:
        worker = assignment.user_id
        days = [(d, (worker, d) in by_key) for d in strip]
        rows.append(
            {
                "worker": assignment.user,
                "grid": assignment.area,
                "entry": by_key.get((worker, day)),
                "strip": days,
                "missing": sum(1 for _d, written in days if not written),
            }
        )
    return {
        "rows": rows,
        "strip": strip,
        "is_working_day": day in strip,
        "missing_today": sum(1 for r in rows if r["entry"] is None) if day in strip else 0,
    }


# -- what the phone's forms are built from (the pages and the batch sync alike) ----------


def members_of(household: Household) -> list[Resident]:
    """The living members of a household a visit may correct, the head marked."""
    members = list(
        household.members.filter(status=ResidentStatus.LIVING).only("id", "name").order_by("id")
    )
    for member in members:
        member.is_head = member.pk == household.head_id
    return members


def grid_buildings(user, entry=None) -> list[Building]:
    """The buildings a diary item may name: those of the entry's grid, else all the
    user sees (the first 200 by code)."""
    buildings = Building.objects.visible_to(user)
    if entry is not None:
        buildings = buildings.filter(grid_id=entry.grid_id)
    return list(buildings.only("id", "name").order_by("code")[:200])


def record_grids(user, grids):
    """The grids a user picks from when recording: those their scope holds directly."""
    return [g for g in grids if g.pk in user.scope.grid_ids] or grids


def household_version(household: Household) -> str:
    """When the household's file last changed (the household or any of its members), as
    the visit form carries it: a visit made offline against an older file is a conflict
    (`fieldwork.sync`)."""
    latest = Resident.objects.filter(household_id=household.pk).aggregate(at=Max("updated_at"))
    stamps = [s for s in (household.updated_at, latest["at"]) if s is not None]
    return max(stamps).isoformat(timespec="microseconds")
