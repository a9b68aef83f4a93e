"""The demo's year of cases: every timeline is one the transition table allows, so the
pages show cases as the loop really leaves them."""

import pytest
from django.db.models import Count

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import FINAL_STATUSES, Status
from gridgov.cases.models import Case, CaseCounter, CaseEvent
from gridgov.cases.workflow import TRANSITIONS
from gridgov.core.models import AuditEntry
from gridgov.demo.load import load_demo
from gridgov.places.models import Area, Level


@pytest.fixture
def demo(db):
    load_demo(cases=400)


def test_every_timeline_follows_the_transition_table(demo):
    events = CaseEvent.objects.order_by("case_id", "id").values_list(
        "case_id", "action", "from_status", "to_status"
    )
    last_status = {}
    for case_id, action, before, after in events:
        if action == "report":
            assert case_id not in last_status and after == Status.REPORTED
        else:
            assert before == last_status[case_id], (case_id, action)
            move = TRANSITIONS[(before, action)]
            assert after == (move.to or before) or action == "reopen", (case_id, action)
        last_status[case_id] = after
    for case_id, status in Case.objects.values_list("id", "status"):
        assert last_status[case_id] == status


def test_the_year_has_every_kind_of_case(demo):
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Status.CLOSED] > 300
    assert Status.REJECTED in statuses
    closed = Case.objects.filter(status__in=FINAL_STATUSES)
    assert not closed.filter(due_at__isnull=False).exists()
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert len(set(Case.objects.values_list("source", flat=True))) >= 4
    assert AuditEntry.objects.filter(action="demo.cases").count() == 1


def test_numbers_are_unique_and_the_counters_continue_them(demo):
    assert Case.objects.values("number").distinct().count() == Case.objects.count() == 400
    total = sum(CaseCounter.objects.values_list("last", flat=True))
    assert total == 400


def test_every_grid_has_its_grid_worker(demo):
    grids = Area.objects.filter(level=Level.GRID).count()
    staffed = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values("area_id").distinct().count()
    )
    assert staffed == grids == 79


def test_loading_again_adds_no_cases(demo):
    load_demo(cases=400)
    assert Case.objects.count() == 400
