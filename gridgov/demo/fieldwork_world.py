"""What the demo's fieldwork year is played on (`demo.fieldwork`): the street's
grids with their worker, buildings, households and organizations, the cases of the
year, community staff and departments, read once; and the bulk writer the parts use.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, models
from django.utils import timezone

from gridgov.accounts.models import Department, RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import Source
from gridgov.cases.models import Case, CaseEvent
from gridgov.demo.rows import BATCH, RowWriter
from gridgov.fieldwork.rules import ARRIVALS
from gridgov.people.choices import ResidentStatus
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    HouseholdEvent,
    Organization,
)
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Building, Level

PHONE_SHARE = 0.8  # records made on the phone carry its client id
# What a case came from, as the fieldwork actions name it in `source_ref`.
SOURCES = {
    "patrol": Source.PATROL,
    "visit": Source.VISIT,
    "diary_item": Source.DIARY,
    "request": Source.RESIDENT,
}


class Writer(RowWriter):
    """`RowWriter` that takes `created_at`/`updated_at` from the row when given (the
    demo's rows were made on their day, not when the demo loads) and adapts UUID and
    duration values, which `RowWriter` sends as they are."""

    def __init__(self, model, batch: int = BATCH):
        super().__init__(model, batch)
        adapt_time = connection.ops.adapt_datetimefield_value
        for position, f in enumerate(model._meta.concrete_fields):
            name, default = self._pairs[position]
            if name == f"<{f.attname}>":
                self._pairs[position] = (f.attname, default)
                self._convert.append((position, f.attname, adapt_time))
            elif isinstance(f, models.UUIDField | models.DurationField):
                self._convert.append(
                    (position, f.attname, lambda v, f=f: f.get_db_prep_value(v, connection))
                )


@dataclass
class Home:
    """A household as the demo's workers see it."""

    id: int
    building: int
    head_id: int | None
    head: str
    rental: bool
    groups: set[str] = field(default_factory=set)
    arrival: dt.date | None = None


@dataclass
class Grid:
    """A grid, its worker and what is in it."""

    id: int
    community_id: int
    street_id: int
    geom: object
    worker_id: int
    worker_name: str
    buildings: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, address
    lonlat: np.ndarray | None = None
    homes: list[Home] = field(default_factory=list)
    organizations: list[int] = field(default_factory=list)
    days: dict = field(default_factory=dict)  # date → fieldwork_days.Day
    by_building: dict[int, list[Home]] = field(default_factory=dict)
    by_address: dict[str, int] = field(default_factory=dict)

    @property
    def place(self) -> dict:
        return {"grid_id": self.id, "community_id": self.community_id, "street_id": self.street_id}

    def building_name(self, building: int | None) -> str:
        return next((name for pk, name, _a in self.buildings if pk == building), "辖区")


@dataclass
class World:
    """Everything the year is played on, read once."""

    street: Area
    now: dt.datetime
    today: dt.date
    first: dt.date
    grids: list[Grid]
    cases: dict[int, list[dict]]  # grid id → its cases in the year, by time
    staff: dict[int, list[int]]  # community id → community staff user ids
    departments: list[tuple[int, str]]
    relabel: dict[int, tuple[str, str]] = field(default_factory=dict)  # case → source, ref
    rng: random.Random = field(default_factory=random.Random)
    zone: dt.tzinfo = field(default_factory=timezone.get_current_timezone)

    def client_id(self):
        if self.rng.random() >= PHONE_SHARE:
            return None
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def link_case(self, case: dict, kind: str, pk: int) -> None:
        """The case came from the fieldwork record `kind`:`pk`."""
        self.relabel[case["id"]] = (SOURCES[kind], f"{kind}:{pk}")
        case["linked"] = True

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, self.zone) + dt.timedelta(hours=hour)


def _grids(street: Area) -> list[Grid]:
    workers = {}
    held = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, area__path__startswith=street.path)
        .select_related("user")
        .order_by("id")
    )
    for assignment in held:
        workers.setdefault(assignment.area_id, assignment.user)
    areas = (
        Area.objects.filter(level=Level.GRID, path__startswith=street.path, boundary__isnull=False)
        .current()
        .order_by("code")
        .values_list("id", "parent_id", "boundary")
    )
    grids = {
        pk: Grid(pk, parent, street.pk, parse_boundary(boundary), workers[pk].pk, str(workers[pk]))
        for pk, parent, boundary in areas
        if pk in workers
    }
    points: dict[int, list] = {pk: [] for pk in grids}
    for pk, grid_id, name, address, lon, lat in (
        Building.objects.filter(grid__in=grids)
        .order_by("id")
        .values_list("id", "grid_id", "name", "address", "lon", "lat")
    ):
        grids[grid_id].buildings.append((pk, name, address))
        grids[grid_id].by_address[address] = pk
        points[grid_id].append((lon, lat))
    for pk, grid in grids.items():
        grid.lonlat = np.array(points[pk], dtype=float).reshape(-1, 2)
    _homes(grids)
    for pk, grid_id in Organization.objects.filter(grid__in=grids).values_list("id", "grid_id"):
        grids[grid_id].organizations.append(pk)
    return list(grids.values())


def _homes(grids: dict[int, Grid]) -> None:
    """The households living in each grid, with their focus groups and whether they
    rent."""
    homes = {}
    rows = (
        Household.objects.filter(grid__in=grids, member_count__gt=0)
        .order_by("id")
        .values_list("id", "grid_id", "dwelling__building_id", "head_id", "head__name")
    )
    rental = set(
        Household.objects.filter(grid__in=grids, dwelling__is_rental=True).values_list(
            "id", flat=True
        )
    )
    for pk, grid_id, building, head_id, head in rows:
        home = Home(pk, building, head_id, head or "", pk in rental)
        homes[pk] = home
        grids[grid_id].homes.append(home)
        grids[grid_id].by_building.setdefault(building, []).append(home)
    codes = dict(FocusGroup.objects.values_list("id", "code"))
    for household, group in FocusMembership.objects.filter(
        grid__in=grids, ended_on__isnull=True, resident__status=ResidentStatus.LIVING
    ).values_list("resident__household_id", "group_id"):
        if household in homes:
            homes[household].groups.add(codes[group])


def _arrivals(grids: list[Grid], first: dt.date) -> None:
    homes = {h.id: h for g in grids for h in g.homes}
    for household, on in HouseholdEvent.objects.filter(
        grid__in=[g.id for g in grids], kind__in=ARRIVALS, happened_on__gte=first
    ).values_list("household_id", "happened_on"):
        if household in homes:
            homes[household].arrival = max(homes[household].arrival or on, on)


def _cases(street: Area, first: dt.date, now: dt.datetime) -> dict[int, list[dict]]:
    since = dt.datetime.combine(first, dt.time.min, timezone.get_current_timezone())
    found: dict[int, list[dict]] = {}
    rows = (
        Case.objects.filter(street=street, reported_at__gte=since, reported_at__lt=now)
        .order_by("reported_at", "id")
        .values(
            "id",
            "number",
            "grid_id",
            "source",
            "reporter_id",
            "reported_at",
            "handled_at",
            "followed_up_at",
            "address",
            "lon",
            "lat",
            "category__name",
        )
    )
    for row in rows:
        found.setdefault(row["grid_id"], []).append(row)
    visited = dict(
        CaseEvent.objects.filter(
            case__street=street, action="follow_up", note__contains="上门"
        ).values_list("case_id", "created_at")
    )
    visited.update(
        CaseEvent.objects.filter(
            case__street=street, action="follow_up", note__startswith="现场回访"
        ).values_list("case_id", "created_at")
    )
    for cases in found.values():
        for row in cases:
            row["visited_at"] = visited.get(row["id"])
    return found


def _staff(street: Area) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = {}
    for user, area in (
        RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, area__path__startswith=street.path)
        .order_by("id")
        .values_list("user_id", "area_id")
    ):
        staff.setdefault(area, []).append(user)
    return staff


def read_world(street: Area, days: int, seed: int) -> World | None:
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=days)
    grids = _grids(street)
    if not grids:
        return None
    _arrivals(grids, first)
    return World(
        street=street,
        now=now,
        today=today,
        first=first,
        grids=grids,
        cases=_cases(street, first, now),
        staff=_staff(street),
        departments=list(
            Department.objects.filter(is_active=True).order_by("id").values_list("id", "name")
        ),
        rng=random.Random(f"{seed}:{street.code}"),
    )
