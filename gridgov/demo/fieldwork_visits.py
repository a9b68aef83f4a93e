"""Home visits of the demo year, following the street's visit rules
(`rule_actions.DEFAULT_RULES`): every household once a year, elderly living alone
every week, disabled members every month, rented dwellings every quarter, a new
arrival within a week.

Each household's visits are played as a chain: the next one falls some share of the
rule's interval after the last — mostly a little before it is due, sometimes late, now
and then very late — on the first day after that its worker is at work (leave delays
it). Any visit resets every rule's clock, as `fieldwork.rules` counts them. A household
whose chain has no visit in the year keeps the one before it (last year's round), so
the rules make it due. So today some households are overdue, by days or by months,
as in any real street.

Beside the rounds: visits to the organizations of the grid, home visits that told a
resident a case's result (the case's follow-up), and visits that found a problem
reported as a case there and then. About one visit in twenty corrects the household
file: applied at once mostly; where the community has staff to confirm them, some
wait for them (the last three weeks), were confirmed, or were refused.
"""

import datetime as dt
import math
from bisect import bisect_left

from django.utils import timezone

from gridgov.core.protect import protect
from gridgov.demo.fieldwork_requests import weighted_range
from gridgov.demo.fieldwork_text import (
    FINDINGS,
    MET,
    NOBODY_HOME,
    OCCUPATIONS,
    OLD_PHONE,
    OPINIONS,
    ORGANIZATION_FINDINGS,
    REFUSED_NOTE,
    WORK_UNITS,
)
from gridgov.demo.fieldwork_world import Writer
from gridgov.fieldwork.choices import CorrectionState, RequestChannel, RuleKind, VisitKind
from gridgov.fieldwork.corrections import FIELDS
from gridgov.fieldwork.models import Visit
from gridgov.fieldwork.rule_actions import DEFAULT_RULES
from gridgov.people.choices import Education, ResidentStatus
from gridgov.people.models import Resident

# The share of the interval after which the next visit comes: (from, to, weight).
LATENESS = ((0.75, 1.0, 75), (1.0, 1.5, 17), (1.5, 2.6, 8))
LATENESS_YEARLY = ((0.6, 1.0, 85), (1.0, 1.25, 12), (1.25, 1.6, 3))
CORRECTED = 0.05
QUEUED = 0.3  # of the corrections, where community staff confirm them
QUEUE_DAYS = 21  # the queued ones still waiting are this recent
OPINION = 0.1
REQUEST_FROM_OPINION = 0.25
VISIT_CASES = 0.3  # of the cases reported off a patrol: found on a visit
FOLLOW_UP_VISITS = 0.25  # of the cases followed up at the door
EVENING = 0.1


def _intervals() -> dict:
    """(days, visit kind) of each rule of the usual set, by what it applies to."""
    found = {}
    for kind, code, days, visit_kind in DEFAULT_RULES:
        found[code or kind] = (days, visit_kind)
    return found


RULES = _intervals()


def rule_of(home) -> tuple[int, str]:
    """The rule that makes a household due soonest: (interval, visit kind)."""
    options = [RULES[RuleKind.YEARLY]]
    options += [RULES[code] for code in ("elderly_alone", "disabled") if code in home.groups]
    if home.rental:
        options.append(RULES[RuleKind.RENTAL])
    return min(options)


class Calendar:
    """The days one worker was at work, to put a planned visit on."""

    def __init__(self, grid):
        self.days = sorted(d.day for d in grid.days.values() if d.present)
        self.ordinals = [d.toordinal() for d in self.days]

    def on_or_after(self, ordinal: float) -> dt.date | None:
        i = bisect_left(self.ordinals, math.ceil(ordinal))
        return self.days[i] if i < len(self.days) else None


def chain(home, calendar: Calendar, first: dt.date, rng) -> list[tuple[dt.date, str]]:
    """A household's visits in the year: (day, visit kind)."""
    interval, kind = rule_of(home)
    ranges = LATENESS_YEARLY if interval >= 365 else LATENESS
    start = first.toordinal()
    last = start - interval * rng.random()
    arrival = home.arrival.toordinal() + rng.uniform(1, 9) if home.arrival else None
    visits = []
    while True:
        low, high, _w = weighted_range(rng, ranges)
        planned, planned_kind = last + interval * rng.uniform(low, high), kind
        if arrival is not None and arrival <= planned:
            planned, planned_kind, arrival = arrival, VisitKind.NEW_ARRIVAL, None
        if planned < start:
            last = planned
            continue
        day = calendar.on_or_after(planned)
        if day is None:
            break
        visits.append((day, planned_kind))
        last = day.toordinal()
    if not visits:  # last year's round, before the year played
        day = dt.date.fromordinal(int(last))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        visits.append((day, kind))
    return visits


def _hour(rng) -> float:
    if rng.random() < EVENING:
        return rng.uniform(19.0, 20.5)
    return rng.uniform(9.3, 11.8) if rng.random() < 0.5 else rng.uniform(14.4, 17.3)


def _met(home, kind, rng) -> str:
    if not home.head:
        return "家庭成员"
    if rng.random() < 0.04:
        return NOBODY_HOME.format(name=home.head)
    if kind == VisitKind.ELDERLY_ALONE:
        key = "self"
    elif kind == VisitKind.RENTAL_CHECK:
        key = "tenant"
    else:
        key = rng.choice(("head", "head", "head", "family", "relative"))
    return MET[key].format(name=home.head)


class Corrections:
    """Corrections of the household file found on visits (`fieldwork.corrections`'s
    stored form): one living member's field each."""

    def __init__(self, world, households: set[int]):
        self.world = world
        self.members: dict[int, list[dict]] = {}
        ids = sorted(households)
        for first in range(0, len(ids), 900):
            for row in Resident.objects.filter(
                household_id__in=ids[first : first + 900], status=ResidentStatus.LIVING
            ).values(
                "id",
                "household_id",
                "name",
                "occupation",
                "work_unit",
                "education",
                "phone_cipher",
                "phone_masked",
            ):
                self.members.setdefault(row["household_id"], []).append(row)

    def make(self, grid, home, at) -> tuple[list, bool]:
        world, rng = self.world, self.world.rng
        members = self.members.get(home.id)
        if not members:
            return [], False
        member = rng.choice(members)
        staff = world.staff.get(grid.community_id)
        if staff and rng.random() < QUEUED:
            if (world.now - at).days < QUEUE_DAYS:  # still waiting for community staff
                proposal = self._proposed(member) if rng.random() < 0.8 else self._leaving(member)
                proposal["state"] = CorrectionState.QUEUED
                return [proposal], True
            proposal = self._applied(member) if rng.random() < 0.6 else None
            if proposal is None:
                proposal = self._leaving(member)
                proposal.update(state=CorrectionState.REFUSED, note=REFUSED_NOTE)
            else:  # confirmed: the file holds the value now
                proposal.update(state=CorrectionState.CONFIRMED, note="")
            decided = at + dt.timedelta(days=rng.uniform(0.5, 5))
            proposal.update(decided_by=rng.choice(staff), decided_at=decided.isoformat())
            return [proposal], False
        proposal = self._applied(member)
        if proposal is None:
            return [], False
        proposal["state"] = CorrectionState.APPLIED
        return [proposal], False

    def _base(self, member, field) -> dict:
        label = str(FIELDS[field][0])
        return {"resident": member["id"], "name": member["name"], "field": field, "label": label}

    def _applied(self, member) -> dict | None:
        """A correction already in the file: what it held before, what it holds."""
        rng = self.world.rng
        fields = [f for f in ("occupation", "work_unit", "education") if member[f]]
        if member["phone_masked"]:
            fields.append("phone")
        if not fields:
            return None
        field = rng.choice(fields)
        proposal = self._base(member, field)
        if field == "phone":
            old = OLD_PHONE.format(d=rng.choice("5789"), t=rng.randrange(10_000))
            proposal.update(before=old, shown=member["phone_masked"], value=member["phone_cipher"])
        elif field == "education":
            others = [c for c in Education.values if c != member["education"]]
            proposal.update(
                before=rng.choice(others),
                shown=str(Education(member["education"]).label),
                value=member["education"],
            )
        else:
            pool = OCCUPATIONS if field == "occupation" else WORK_UNITS
            old = rng.choice([v for v in pool if v != member[field]] or ["无"])
            proposal.update(before=old, shown=member[field], value=member[field])
        return proposal

    def _proposed(self, member) -> dict:
        """A new value the file does not hold yet."""
        rng = self.world.rng
        if rng.random() < 0.4:
            proposal = self._base(member, "phone")
            number = protect(f"13{rng.choice('5789')}{rng.randrange(10**8):08d}", "phone")
            proposal.update(before=member["phone_masked"], shown=number.masked, value=number.cipher)
            return proposal
        proposal = self._base(member, "occupation")
        value = rng.choice([v for v in OCCUPATIONS if v != member["occupation"]])
        proposal.update(before=member["occupation"], shown=value, value=value)
        return proposal

    def _leaving(self, member) -> dict:
        proposal = self._base(member, "status")
        proposal.update(
            before=ResidentStatus.LIVING,
            shown=str(ResidentStatus.MOVED_OUT.label),
            value=ResidentStatus.MOVED_OUT,
        )
        return proposal


def write_visits(world, requests) -> dict:
    """The year's visits of every grid; requests raised on them go to `requests`."""
    rng = world.rng
    plans = []
    for grid in world.grids:
        calendar = Calendar(grid)
        rounds = [
            (day, kind, home)
            for home in grid.homes
            for day, kind in chain(home, calendar, world.first, rng)
        ]
        rounds.sort(key=lambda r: (r[0], r[2].id))
        plans.append((grid, calendar, rounds))
    corrected = {
        id(r): r[2].id for _g, _c, rounds in plans for r in rounds if rng.random() < CORRECTED
    }
    corrections = Corrections(world, set(corrected.values()))
    writer = Writer(Visit)
    counts = {"corrections_applied": 0, "corrections_queued": 0, "visit_cases": 0}

    def add(grid, at, kind, home=None, organization=None, findings="", case=None, fix=False):
        row = {
            **grid.place,
            "household_id": home.id if home else None,
            "organization_id": organization,
            "kind": kind,
            "worker_id": grid.worker_id,
            "visited_at": at,
            "met": _met(home, kind, rng) if home else "负责人",
            "findings": findings or rng.choice(FINDINGS[kind]),
            "client_id": world.client_id(),
            "created_at": at + dt.timedelta(minutes=rng.uniform(1, 20)),
        }
        if case is not None:
            row["case_id"] = case["id"]
        opinion = home is not None and rng.random() < OPINION
        if opinion:
            row["opinions"] = rng.choice(OPINIONS)
        if fix:
            row["corrections"], row["corrections_pending"] = corrections.make(grid, home, at)
            if row["corrections"]:
                state = (
                    "corrections_queued" if row["corrections_pending"] else "corrections_applied"
                )
                counts[state] += 1
        pk = writer.add(row)
        if opinion and rng.random() < REQUEST_FROM_OPINION:
            later = at + dt.timedelta(minutes=5)
            requests.add(grid, later, RequestChannel.VISIT, home, row["opinions"], visit=pk)
        return pk

    for grid, calendar, rounds in plans:
        for entry in rounds:
            day, kind, home = entry
            at = world.at(day, _hour(rng))
            add(grid, at, kind, home, fix=id(entry) in corrected)
            if day in grid.days:
                grid.days[day].visits += 1
        for organization in grid.organizations:
            for _ in range(1 if rng.random() < 0.7 else 2):
                day = rng.choice(calendar.days) if calendar.days else None
                if day is not None:
                    at = world.at(day, rng.uniform(9.3, 17.0))
                    findings = rng.choice(ORGANIZATION_FINDINGS)
                    add(grid, at, VisitKind.ROUTINE, organization=organization, findings=findings)
                    grid.days[day].visits += 1
        counts["visit_cases"] += _case_visits(world, grid, add)
    counts["visits"] = writer.finish()
    return counts


def _case_visits(world, grid, add) -> int:
    """Visits that reported a case there and then, and those that told a resident a
    case's result at their door."""
    rng = world.rng
    found = 0
    for day in grid.days.values():
        for case in list(day.off_patrol):
            homes = grid.by_building.get(grid.by_address.get(case["address"]))
            if not homes or rng.random() >= VISIT_CASES:
                continue
            at = case["reported_at"] - dt.timedelta(minutes=rng.uniform(5, 25))
            findings = f"入户走访时发现{case['category__name']}问题，已拍照上报。"
            pk = add(grid, at, VisitKind.ROUTINE, rng.choice(homes), findings=findings, case=case)
            world.link_case(case, "visit", pk)
            day.off_patrol.remove(case)
            day.visits += 1
            found += 1
    for case in world.cases.get(grid.id, ()):
        at = case["visited_at"]
        homes = grid.by_building.get(grid.by_address.get(case["address"]))
        if at is None or not homes or rng.random() >= FOLLOW_UP_VISITS:
            continue
        at -= dt.timedelta(minutes=rng.uniform(2, 20))
        if timezone.localdate(at) >= world.first:
            add(grid, at, VisitKind.CASE_FOLLOW_UP, rng.choice(homes), case=case)
    return found
