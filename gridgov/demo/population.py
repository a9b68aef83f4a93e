"""The demo population of a street: buildings, dwellings, households, residents, focus
groups, organizations and household history, generated from a fixed seed and written
in bulk.

About 20,000 households and 60,000 residents in 1,400 buildings with 2,000
organizations for Nanhua West; the same street shape can be copied (`--scale`), each
copy with its own people (the seed includes the street's code). Everything is planned
in memory first (`plan_street`) and then written in one transaction per street, in
batches of 2,000 rows (`rows.RowWriter`: `bulk_create` was eight times slower), so a
street is either all there or not at all, and one audit row ("demo.population", with
the counts) records it. Running it again skips a street that already has buildings
or residents.

Personal numbers go through `core.protect` like every other write; the audit row and
the household history are written as by the system (no actor): the demo's system
administrator, who sets up areas and accounts, never handles residents' data.
"""

import random
import time
from dataclasses import dataclass

from django.db import transaction

from gridgov.core import audit
from gridgov.core.protect import blind_index
from gridgov.demo import details
from gridgov.demo.buildings import GridSpot, Site, plan_sites
from gridgov.demo.grids import draw_grids
from gridgov.demo.households import PeopleMaker
from gridgov.demo.names import NameMaker
from gridgov.demo.orgs import plan_organizations
from gridgov.demo.persons import Family
from gridgov.demo.scale import ensure_streets
from gridgov.demo.write import write_street
from gridgov.people.choices import Sensitivity
from gridgov.people.models import FocusGroup, Organization, Resident
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Building, Level

SEED = 20260105
DEFAULT_HOUSEHOLDS = 20_000

SENSITIVE_ROLES = ["street_staff", "community_staff"]


@dataclass(frozen=True)
class FocusSpec:
    code: str
    name: str
    sensitive: bool
    detail_fields: tuple[str, ...] = ()


FOCUS_GROUPS = (
    FocusSpec("elderly_alone", "独居老人", False),
    FocusSpec("elderly_80", "80岁以上老人", False),
    FocusSpec("disabled", "残疾人", True, ("certificate_no", "type", "grade")),
    FocusSpec("low_income", "低保户", True, ("certificate_no",)),
    FocusSpec("special_hardship", "特困人员", True, ("support_type",)),
    FocusSpec("left_behind_children", "留守儿童", False),
    FocusSpec("community_correction", "社区矫正人员", True, ("correction_type", "period_end")),
)


def ensure_focus_groups() -> tuple[dict[str, FocusGroup], int]:
    """The managed list of focus groups; missing ones are added, existing ones (perhaps
    edited by an administrator) are left as they are. Returns (groups, added)."""
    found = {g.code: g for g in FocusGroup.objects.filter(code__in=[s.code for s in FOCUS_GROUPS])}
    missing = [
        FocusGroup(
            code=spec.code,
            name=spec.name,
            sensitivity=Sensitivity.SENSITIVE if spec.sensitive else Sensitivity.ORDINARY,
            visible_roles=list(SENSITIVE_ROLES) if spec.sensitive else [],
            detail_fields=list(spec.detail_fields),
            sort=(index + 1) * 10,
        )
        for index, spec in enumerate(FOCUS_GROUPS)
        if spec.code not in found
    ]
    for group in FocusGroup.objects.bulk_create(missing):
        found[group.code] = group
    return found, len(missing)


# -- planning ----------------------------------------------------------------------------


@dataclass
class StreetPlan:
    street: Area
    sites: list[Site]
    orgs: list[dict]
    families: list[Family]


def street_grids(street: Area) -> list[GridSpot]:
    """The street's grids with their polygons (as stored: an existing database keeps
    its own boundaries)."""
    grids = (
        Area.objects.filter(level=Level.GRID, path__startswith=street.path)
        .filter(boundary__isnull=False)
        .select_related("parent")
        .order_by("code")
    )
    spots = []
    for grid in grids:
        geom = parse_boundary(grid.boundary)
        spots.append(
            GridSpot(
                grid.id,
                grid.code,
                grid.parent_id,
                grid.parent.code,
                grid.parent.name,
                street.id,
                geom,
                geom.area,
            )
        )
    return spots


def _street_short(street: Area) -> str:
    return street.name.split("街道")[0] or street.name


def plan_street(street: Area, households: int) -> StreetPlan:
    """Everything of one street, in memory; nothing is written. The seed is the
    demo's seed and the street's code, so each copy of a scaled demo differs."""
    rng = random.Random(f"{SEED}:{street.code}")
    grids = street_grids(street)
    if not grids:
        raise ValueError(f"{street} has no grids with boundaries")
    planner = plan_sites(rng, grids, households)
    names = NameMaker(rng)
    maker = plan_organizations(rng, names, planner, grids, households, _street_short(street))
    people = PeopleMaker(rng, street.code, maker.work)
    families = details.fill_homes(rng, people, planner.sites, households)
    details.give_shops_to_owners(rng, families, maker.work)
    details.let_and_own(rng, names, planner.sites, families)
    details.assign_focus(rng, families, street.code)
    details.building_heads(rng, planner.sites, families)
    details.household_numbers(planner.sites, families)
    _avoid_stored_numbers(people, families, maker)
    return StreetPlan(street, planner.sites, maker.orgs, families)


def _avoid_stored_numbers(people: PeopleMaker, families: list[Family], maker) -> None:
    """Other streets of a scaled demo were drawn from other seeds: redraw the rare ID
    number or credit code that one of them holds already."""
    if Resident.objects.exists():
        persons = {blind_index(p.id_number): p for f in families for p in f.members}
        while clashes := _stored(Resident, "id_index", list(persons)):
            for index in clashes:
                person = persons.pop(index)
                people.redraw_id(person)
                persons[blind_index(person.id_number)] = person
    if Organization.objects.exists():
        orgs = {o["credit_code"]: o for o in maker.orgs}
        while clashes := _stored(Organization, "credit_code", list(orgs)):
            for code in clashes:
                org = orgs.pop(code)
                org["credit_code"] = maker.credit_code(code[:2])
                orgs[org["credit_code"]] = org


def _stored(model, field: str, values: list[str]) -> list[str]:
    """Which of `values` are stored. The `<> ''` term lets SQLite use the partial
    unique index (WHERE field <> ''): without it each chunk scans the whole table."""
    found = []
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        stored = model.objects.filter(**{f"{field}__in": chunk}).exclude(**{field: ""})
        found += stored.order_by().values_list(field, flat=True)
    return found


# -- entry points ------------------------------------------------------------------------


def _loaded(street: Area) -> bool:
    return (
        Resident.objects.filter(street=street).exists()
        or Building.objects.filter(street=street).exists()
    )


def generate_population(
    street: Area, households: int = DEFAULT_HOUSEHOLDS, out=None
) -> dict | None:
    """Generate and write one street's population; None if it is there already."""
    write = (out or _Silent()).write
    if _loaded(street):
        write(f"{street.name}：人口数据已存在，跳过。\n")
        return None
    started = time.perf_counter()
    plan = plan_street(street, households)
    planned = time.perf_counter()
    with transaction.atomic():
        if _loaded(street):  # written meanwhile by another process
            write(f"{street.name}：人口数据已存在，跳过。\n")
            return None
        groups, added = ensure_focus_groups()
        counts = write_street(plan, groups)
        counts["focus_groups_added"] = added
        counts["seed"] = f"{SEED}:{street.code}"
        audit.record(None, "demo.population", street, after=counts)
    done = time.perf_counter()
    counts["seconds_plan"] = round(planned - started, 2)
    counts["seconds_write"] = round(done - planned, 2)
    write(
        f"{street.name}：{counts['buildings']:,} 栋楼宇、{counts['households']:,} 户、"
        f"{counts['residents']:,} 人、{counts['organizations']:,} 个单位"
        f"（{done - started:.1f} 秒）\n"
    )
    return counts


def load_population(actor, scale: int = 1, households: int | None = None, out=None) -> list:
    """Every street of the demo (Nanhua West and, with scale > 1, its copies), one
    after the other so memory stays at one street's worth; each street's grids are
    then redrawn by the partitioner (`demo.grids`)."""
    streets = ensure_streets(actor, scale)
    written = []
    for street in streets:
        written.append(generate_population(street, households or DEFAULT_HOUSEHOLDS, out))
        draw_grids(actor, street, out)
    return written


class _Silent:
    def write(self, text: str) -> None:
        pass
