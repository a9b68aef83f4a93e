"""The community-conditions diary of the demo year (民情一日一记): an entry for every
working day a worker was at work (a forgotten one now and then; leave and sick days
show as missing), written at the end of the day with two to six items — opinions,
requests, hazards, good deeds, the odd dispute, the day's work — tied to the
households and buildings they name.

A dispute opens its mediation (most settled within days, some failed or referred,
the recent ones still open); some requests are recorded as requests (channel
"diary"); a problem the worker reported off a patrol that day is noted as a
hazard and turned into its case. Community staff, where the community has them, read
and comment on some entries in the following days.
"""

import datetime as dt

from gridgov.demo.fieldwork_text import (
    COMMENTS,
    DIARY,
    DIARY_NO_PATROL,
    DIARY_TODAY,
    MEDIATION_OUTCOMES,
)
from gridgov.demo.fieldwork_world import Writer
from gridgov.demo.names import weighted
from gridgov.fieldwork.choices import DiaryItemKind, MediationState, RequestChannel
from gridgov.fieldwork.models import DiaryComment, DiaryEntry, DiaryItem, Mediation

ITEMS = ((2, 15), (3, 30), (4, 30), (5, 15), (6, 10))
KINDS = (
    (DiaryItemKind.OPINION, 30),
    (DiaryItemKind.REQUEST, 13),
    (DiaryItemKind.HAZARD, 18),
    (DiaryItemKind.GOOD_DEED, 10),
    (DiaryItemKind.DISPUTE, 2),
    (DiaryItemKind.OTHER, 17),
)
SUMMARY = 0.4  # entries that start with the day's patrol and visits
TO_REQUEST = 0.5  # request items recorded as a request
DIARY_CASES = 0.5  # of the cases reported off a patrol (and not on a visit)
COMMENTED = 0.15
OUTCOMES = (
    (MediationState.SETTLED, 75),
    (MediationState.FAILED, 8),
    (MediationState.REFERRED, 17),
)
NAMED = (DiaryItemKind.OPINION, DiaryItemKind.REQUEST, DiaryItemKind.DISPUTE)


class DiaryWriter:
    def __init__(self, world, requests):
        self.world, self.requests = world, requests
        self.entries = Writer(DiaryEntry)
        self.items = Writer(DiaryItem)
        self.households = Writer(DiaryItem.households.through)
        self.buildings = Writer(DiaryItem.buildings.through)
        self.mediations = Writer(Mediation)
        self.comments = Writer(DiaryComment)
        self.cases = 0

    def entry(self, grid, day) -> None:
        world, rng = self.world, self.world.rng
        written = world.at(day.day, rng.uniform(17.2, 18.8))
        count = weighted(rng, ITEMS)
        summary = rng.random() < SUMMARY
        # Problems reported off a patrol, noted first and turned into their case.
        noted = [c for c in day.off_patrol if rng.random() < DIARY_CASES][: count - summary]
        times = [c["reported_at"] - dt.timedelta(minutes=rng.uniform(2, 10)) for c in noted]
        entry = self.entries.add(
            {
                **grid.place,
                "worker_id": grid.worker_id,
                "day": day.day,
                "created_at": min([written, *times]),
                "updated_at": written + dt.timedelta(minutes=rng.uniform(0, 25)),
            }
        )
        for case, at in zip(noted, times, strict=True):
            building = grid.by_address.get(case["address"])
            name = grid.building_name(building) if building else ""
            text = f"{name}发现{case['category__name']}问题，已转为案件处理。"
            kind = DiaryItemKind.HAZARD
            pk = self._item(grid, entry, kind, text, at, case=case, building=building)
            world.link_case(case, "diary_item", pk)
            day.off_patrol.remove(case)
            self.cases += 1
        count -= len(noted)
        moment = written
        if summary:
            hours = sum((end - start).total_seconds() for start, end in day.patrols) / 3600
            text = (DIARY_TODAY if day.patrols else DIARY_NO_PATROL).format(
                hours=f"{hours:.1f}", visits=day.visits
            )
            self._item(grid, entry, DiaryItemKind.OTHER, text, moment)
            count -= 1
        for _ in range(count):
            kind = weighted(rng, KINDS)
            home = rng.choice(grid.homes) if grid.homes else None
            building = home.building if home else None
            if building is None and grid.buildings:
                building = rng.choice(grid.buildings)[0]
            template = rng.choice(DIARY[kind])
            text = template.format(
                building=grid.building_name(building), name=(home.head if home else "") or "居民"
            )
            moment += dt.timedelta(minutes=rng.uniform(1, 4))
            named = home if "{name}" in template else None
            placed = building if "{building}" in template else None
            self._item(grid, entry, kind, text, moment, home=named, building=placed)
        self._comment(grid, entry, day.day)

    def _item(self, grid, entry, kind, text, at, *, case=None, home=None, building=None) -> int:
        world, rng = self.world, self.world.rng
        pk = self.items.add(
            {
                "entry_id": entry,
                "kind": kind,
                "text": text,
                "case_id": case["id"] if case else None,
                "client_id": world.client_id(),
                "created_at": at,
                "updated_at": at,
            }
        )
        if home is not None:
            self.households.add({"diaryitem_id": pk, "household_id": home.id})
        if building is not None:
            self.buildings.add({"diaryitem_id": pk, "building_id": building})
        if kind == DiaryItemKind.DISPUTE:
            self._mediation(grid, pk, at, home)
        elif kind == DiaryItemKind.REQUEST and home is not None and rng.random() < TO_REQUEST:
            later = at + dt.timedelta(minutes=rng.uniform(1, 10))
            self.requests.add(grid, later, RequestChannel.DIARY, home, text, diary_item=pk)
        return pk

    def _mediation(self, grid, item: int, opened, home) -> None:
        world, rng = self.world, self.world.rng
        other = rng.choice(grid.homes) if grid.homes else None
        names = [h.head for h in (home, other) if h is not None and h.head]
        parties = "、".join(dict.fromkeys(names)) or "邻里双方"
        row = {
            **grid.place,
            "item_id": item,
            "parties": parties[:200],
            "mediator": grid.worker_name[:50],
            "opened_at": opened,
            "updated_at": opened,
            "state": MediationState.OPEN,
        }
        closed = opened + dt.timedelta(days=rng.uniform(1, 14))
        age = (world.now - opened).days
        if closed <= world.now and (age > 30 or rng.random() < 0.7):
            state = weighted(rng, OUTCOMES)
            row.update(
                state=state,
                outcome=rng.choice(MEDIATION_OUTCOMES[state]),
                closed_at=closed,
                updated_at=closed,
            )
        self.mediations.add(row)

    def _comment(self, grid, entry: int, day) -> None:
        """Read on one of the next working days."""
        world, rng = self.world, self.world.rng
        staff = world.staff.get(grid.community_id)
        if not staff or rng.random() >= COMMENTED:
            return
        later = day + dt.timedelta(days=rng.choice((1, 1, 2, 3)))
        while later.weekday() >= 5:
            later += dt.timedelta(days=1)
        at = world.at(later, rng.uniform(9.0, 17.5))
        if at < world.now:
            self.comments.add(
                {
                    "entry_id": entry,
                    "author_id": rng.choice(staff),
                    "text": rng.choice(COMMENTS),
                    "created_at": at,
                }
            )

    def finish(self) -> dict:
        return {
            "diary_entries": self.entries.finish(),
            "diary_items": self.items.finish(),
            "diary_households": self.households.finish(),
            "diary_buildings": self.buildings.finish(),
            "mediations": self.mediations.finish(),
            "diary_comments": self.comments.finish(),
            "diary_cases": self.cases,
        }


def write_diary(world, requests) -> dict:
    """Every worker's diary of the year."""
    writer = DiaryWriter(world, requests)
    for grid in world.grids:
        for day in sorted(grid.days.values(), key=lambda d: d.day):
            if day.diary:
                writer.entry(grid, day)
    return writer.finish()
