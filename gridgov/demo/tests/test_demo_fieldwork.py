"""The demo's year of fieldwork: every worker's patrols, visits, diary, requests and
services, tied to the cases they reported, with work left for today."""

import datetime
import itertools
import math
import random

import numpy as np
import pytest
from django.db.models import Count
from django.utils import timezone
from shapely.geometry import box

from gridgov.accounts.models import User
from gridgov.cases.choices import Source
from gridgov.cases.models import Case
from gridgov.core.models import AuditEntry
from gridgov.demo.fieldwork_tracks import GridWalker
from gridgov.demo.load import load_demo
from gridgov.fieldwork import coverage, rules
from gridgov.fieldwork.choices import CorrectionState, DiaryItemKind, RequestStatus
from gridgov.fieldwork.models import (
    ConvenienceService,
    DiaryComment,
    DiaryEntry,
    DiaryItem,
    Mediation,
    Patrol,
    Request,
    RequestEvent,
    Visit,
    VisitRule,
)
from gridgov.fieldwork.request_workflow import MOVES
from gridgov.people.models import Household, Resident
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Building


@pytest.fixture
def year(db, monkeypatch):
    """A street of a few hundred households and two months of its fieldwork (the
    module's own sizes: the other demo tests use fewer)."""
    monkeypatch.setattr("gridgov.demo.population.DEFAULT_HOUSEHOLDS", 300)
    monkeypatch.setattr("gridgov.demo.cases.DEFAULT_CASES", 800)
    monkeypatch.setattr("gridgov.demo.fieldwork.DEFAULT_DAYS", 45)
    monkeypatch.setattr("gridgov.demo.fieldwork.TRACK_DAYS", 3)
    load_demo()


def test_every_worker_gets_patrols_visits_a_diary_requests_and_services(year):
    workers = User.objects.filter(role_assignments__role="grid_worker").count()
    assert workers == 79
    assert Patrol.objects.values("worker").distinct().count() == workers
    assert DiaryEntry.objects.values("worker").distinct().count() == workers
    assert Visit.objects.count() > 400
    assert Request.objects.exists() and ConvenienceService.objects.exists()
    assert VisitRule.objects.count() == 5
    assert not Patrol.objects.filter(ended_at__isnull=True).exists()
    (entry,) = AuditEntry.objects.filter(action="demo.fieldwork")
    assert entry.after["patrols"] == Patrol.objects.count()
    assert entry.after["visits"] == Visit.objects.count()


def test_loading_again_adds_nothing(year):
    counts = (Patrol.objects.count(), Visit.objects.count(), DiaryItem.objects.count())
    load_demo()
    assert (Patrol.objects.count(), Visit.objects.count(), DiaryItem.objects.count()) == counts
    assert AuditEntry.objects.filter(action="demo.fieldwork").count() == 1


def test_nobody_has_patrolled_or_written_the_diary_today(year):
    today = timezone.localdate()
    gridworker = User.objects.get(username="gridworker")
    assert not DiaryEntry.objects.filter(day__gte=today).exists()
    midnight = datetime.datetime.combine(today, datetime.time.min, timezone.get_current_timezone())
    assert not Patrol.objects.filter(started_at__gte=midnight).exists()
    assert Patrol.objects.filter(worker=gridworker).exists()
    assert DiaryEntry.objects.filter(worker=gridworker).exists()


def test_the_visit_rules_leave_some_households_overdue_today(year):
    staff = User.objects.get(username="staff")
    living = Household.objects.visible_to(staff).filter(member_count__gt=0)
    due = rules.due_visits(staff, living)
    overdue = [d for d in due if d.status == rules.OVERDUE]
    assert overdue and len(overdue) < 0.3 * living.count()
    assert Visit.objects.filter(household__isnull=False).values("household").distinct().count() > (
        0.8 * living.count()
    )


def test_a_tracked_patrols_figures_are_those_of_its_track(year):
    tracked = list(Patrol.objects.filter(track__isnull=False).select_related("grid")[:25])
    assert tracked
    assert Patrol.objects.filter(track__isnull=True).exists()  # older ones keep figures only
    for patrol in tracked:
        buildings = Building.objects.filter(grid=patrol.grid).values_list("lon", "lat")
        summary = coverage.summarize(
            coverage.decode_track(patrol.track),
            parse_boundary(patrol.grid.boundary),
            np.array(list(buildings), dtype=float).reshape(-1, 2),
        )
        assert patrol.distance_m == pytest.approx(summary.distance_m, abs=0.1)
        assert patrol.coverage == pytest.approx(summary.coverage)
        assert patrol.off_grid_minutes == round(summary.off_grid_minutes)
        assert patrol.duration.total_seconds() == pytest.approx(summary.duration_s, abs=0.01)
        assert summary.fixes > 300 and summary.distance_m > 300


def test_a_case_reported_on_patrol_names_the_patrol_it_was_found_on(year):
    found = Case.objects.filter(source=Source.PATROL)
    assert found.exists()
    for case in found:
        patrol = Patrol.objects.get(pk=int(case.source_ref.removeprefix("patrol:")))
        assert patrol.worker_id == case.reporter_id and patrol.grid_id == case.grid_id
        assert patrol.started_at <= case.reported_at <= patrol.ended_at


def test_a_walk_passes_each_case_when_it_was_reported():
    grid = box(113.25, 23.10, 113.2535, 23.1025)
    buildings = np.array([(113.2505 + 0.0005 * i, 23.1005 + 0.0004 * (i % 4)) for i in range(6)])
    walker = GridWalker(grid, buildings, seed=7)
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC).timestamp()
    cases = [(start + 1800, (113.2531, 23.1021)), (start + 5400, (113.2503, 23.1003))]
    stops = [(at, walker.xy(lonlat)[0]) for at, lonlat in cases]
    fixes = walker.fixes(start, start + 3 * 3600, stops, random.Random(3))
    steps = [b[0] - a[0] for a, b in itertools.pairwise(fixes)]
    assert all(4.9 <= s <= 10.1 or s > 120 for s in steps)  # 5–10 s, or the phone slept
    for at, (lon, lat) in cases:
        near = [
            math.hypot((x - lon) * 102_400, (y - lat) * 110_800)
            for t, x, y, accuracy in fixes
            if abs(t - at) <= 900 and accuracy < 50
        ]
        assert near and min(near) < 25  # stood there, give or take the GPS


def test_cases_from_visits_diaries_and_requests_name_their_record(year):
    for case in Case.objects.filter(source=Source.VISIT):
        visit = Visit.objects.get(pk=int(case.source_ref.removeprefix("visit:")))
        assert visit.case_id == case.pk and visit.worker_id == case.reporter_id
    for case in Case.objects.filter(source=Source.DIARY):
        item = DiaryItem.objects.get(pk=int(case.source_ref.removeprefix("diary_item:")))
        assert item.case_id == case.pk and item.entry.worker_id == case.reporter_id
    requested = Case.objects.filter(source=Source.RESIDENT, source_ref__startswith="request:")
    assert requested.exists()
    for case in requested:
        assert Request.objects.get(pk=int(case.source_ref.removeprefix("request:"))).case == case


def test_a_diary_entry_for_most_working_days_with_two_to_six_items(year):
    sizes = DiaryEntry.objects.annotate(n=Count("items")).values_list("n", flat=True)
    assert min(sizes) >= 2 and max(sizes) <= 6
    kinds = set(DiaryItem.objects.values_list("kind", flat=True))
    assert kinds == set(DiaryItemKind.values)
    disputes = DiaryItem.objects.filter(kind=DiaryItemKind.DISPUTE).count()
    assert Mediation.objects.count() == disputes > 0
    assert DiaryComment.objects.exists()
    assert Request.objects.filter(diary_item__isnull=False).exists()
    worked = DiaryEntry.objects.values_list("day", flat=True).distinct().count()
    per_worker = DiaryEntry.objects.values("worker").annotate(n=Count("id"))
    missing = sum(worked - row["n"] for row in per_worker)
    assert 0 < missing < 0.15 * worked * len(per_worker)  # a few missing days


def test_requests_go_round_their_loop(year):
    statuses = set(Request.objects.values_list("status", flat=True))
    assert RequestStatus.TOLD in statuses and statuses & {
        RequestStatus.RECORDED,
        RequestStatus.PASSED_ON,
        RequestStatus.ANSWERED,
    }
    told = Request.objects.filter(status=RequestStatus.TOLD).count()
    assert told > 0.7 * Request.objects.count()
    for request in Request.objects.prefetch_related("events")[:300]:
        events = list(request.events.all())
        assert events[0].action == "record"
        status = events[0].to_status
        for event in events[1:]:
            move = MOVES[event.action]
            assert (
                (event.from_status, event.to_status)
                == (move.source, move.target)
                == (
                    status,
                    move.target,
                )
            )
            assert getattr(request, move.stamp) == event.at
            status = event.to_status
        assert status == request.status
    assert RequestEvent.objects.filter(at__gt=timezone.now()).count() == 0


def test_corrections_applied_are_what_the_file_holds(year):
    corrected = Visit.objects.exclude(corrections=[])
    assert corrected.exists()
    for visit in corrected:
        (proposal,) = visit.corrections
        if proposal["state"] in (CorrectionState.APPLIED, CorrectionState.CONFIRMED):
            resident = Resident.objects.get(pk=proposal["resident"])
            held = getattr(resident, f"{proposal['field']}_cipher", None)
            if proposal["field"] != "phone":
                held = getattr(resident, proposal["field"])
            assert held == proposal["value"]
        assert visit.corrections_pending == (proposal["state"] == CorrectionState.QUEUED)
