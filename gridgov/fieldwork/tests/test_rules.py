"""The visit rules: due dates by rule and focus group, new arrivals, the yearly rule, and
a visit resetting the clock — computed in two queries."""

import datetime

import pytest
from django.utils import timezone

from gridgov.fieldwork import rule_actions, rules, visit_actions
from gridgov.fieldwork.models import Visit, VisitRule
from gridgov.people.models import FocusMembership, Household, HouseholdEvent, Resident
from gridgov.testing import place

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.datetime:
    noon = datetime.datetime.combine(TODAY, datetime.time(12), timezone.get_current_timezone())
    return noon - datetime.timedelta(days=n)


@pytest.fixture
def world(field, tree):
    """The usual rules; every household recorded today (so nothing is due yet)."""
    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at=timezone.now())
    return field


def visited(field, household: str, n: int) -> Visit:
    home = field["households"][household]
    return place(
        Visit(household=home, kind="routine", worker=field["worker"], visited_at=days_ago(n)),
        home.grid,
    )


def due(field, user=None, horizon=0, **where) -> dict:
    user = user or field["staff"]
    households = Household.objects.visible_to(user).filter(**where)
    return {d.household.number: d for d in rules.due_visits(user, households, TODAY, horizon)}


def reasons(found) -> list[tuple]:
    return [(r.rule.kind, r.due_on) for r in found.reasons]


def test_nothing_is_due_in_a_street_without_rules(field):
    Household.objects.update(created_at=days_ago(800))
    assert due(field) == {}


def test_the_yearly_rule_counts_from_the_last_visit_or_the_recording(world):
    Household.objects.filter(number="HH-201").update(created_at=days_ago(400))
    found = due(world)
    assert list(found) == ["HH-201"]
    assert reasons(found["HH-201"]) == [("yearly", TODAY - datetime.timedelta(days=35))]
    assert found["HH-201"].status == rules.OVERDUE and found["HH-201"].overdue_days == 35
    assert found["HH-201"].last_visit is None
    visited(world, "201", 365)
    found = due(world)["HH-201"]
    assert (found.status, found.last_visit) == (rules.DUE, TODAY - datetime.timedelta(365))
    visited(world, "201", 100)
    assert due(world) == {}


def test_focus_groups_are_due_by_their_own_interval(world):
    visited(world, "101", 8)
    found = due(world)["HH-101"]
    assert reasons(found) == [("focus_group", TODAY - datetime.timedelta(days=1))]
    assert found.reasons[0].rule.focus_group == world["groups"]["alone"]
    assert found.visit_kind == "elderly_alone"
    visited(world, "101", 31)  # an older visit changes nothing: the last one counts
    assert len(due(world)["HH-101"].reasons) == 1


def test_both_groups_of_a_member_when_both_intervals_passed(world):
    visited(world, "101", 31)
    found = due(world)["HH-101"]
    assert [r.due_on for r in found.reasons] == [
        TODAY - datetime.timedelta(days=24),
        TODAY - datetime.timedelta(days=1),
    ]
    assert [r.label for r in found.reasons] == ["独居老人定期走访", "残疾人定期走访"]


def test_a_sensitive_group_is_not_named_to_those_who_may_not_see_it(world):
    visited(world, "101", 31)
    labels = [r.label for r in due(world, world["worker"])["HH-101"].reasons]
    assert labels == ["独居老人定期走访", "重点人群关爱"]


def test_a_visit_due_tomorrow_shows_within_the_horizon(world):
    visited(world, "101", 6)
    assert due(world) == {}
    found = due(world, horizon=1)["HH-101"]
    assert found.status == rules.SOON and found.due_on == TODAY + datetime.timedelta(days=1)


def test_an_ended_membership_or_a_member_gone_is_no_longer_due(world):
    visited(world, "101", 8)
    FocusMembership.objects.filter(group=world["groups"]["alone"]).update(ended_on=TODAY)
    assert "HH-101" not in due(world)
    visited(world, "101", 40)
    Visit.objects.filter(visited_at__gt=days_ago(10)).delete()
    assert "HH-101" in due(world)
    Resident.objects.filter(pk=world["residents"]["zhang"].pk).update(status="deceased")
    Household.objects.filter(number="HH-101").update(member_count=0)
    assert "HH-101" not in due(world)


def test_rented_dwellings_are_checked_every_90_days(world):
    visited(world, "102", 91)
    visited(world, "101", 91)
    Visit.objects.filter(household=world["households"]["101"]).update(visited_at=days_ago(5))
    found = due(world)
    assert list(found) == ["HH-102"]
    assert reasons(found["HH-102"]) == [("rental", TODAY - datetime.timedelta(days=1))]
    assert found["HH-102"].visit_kind == "rental_check"


def arrived(field, household: str, n: int, kind="moved_in"):
    home = field["households"][household]
    event = HouseholdEvent(household=home, kind=kind, happened_on=TODAY - datetime.timedelta(n))
    return place(event, home.grid)


def test_a_new_arrival_is_due_within_7_days(world):
    arrived(world, "201", 3)
    assert due(world) == {}
    found = due(world, horizon=7)["HH-201"]
    assert reasons(found) == [("new_arrival", TODAY + datetime.timedelta(days=4))]
    assert found.reasons[0].since == TODAY - datetime.timedelta(days=3)
    arrived(world, "301", 8, kind="moved_dwelling")
    found = due(world, world["staff102"])["HH-301"]
    assert found.status == rules.OVERDUE and found.visit_kind == "new_arrival"


def test_a_new_arrival_visited_since_or_long_ago_is_not_due(world):
    arrived(world, "201", 10)
    visited(world, "201", 2)
    arrived(world, "102", rules.ARRIVAL_LOOKBACK_DAYS + 1)
    these = {"horizon": 7, "number__in": ["HH-201", "HH-102"]}
    assert due(world, **these) == {}
    visited(world, "102", rules.ARRIVAL_LOOKBACK_DAYS + 5)  # before the arrival
    Visit.objects.filter(household=world["households"]["201"]).update(visited_at=days_ago(12))
    assert list(due(world, **these)) == ["HH-201"]


def test_a_visit_resets_the_clock(world):
    Household.objects.update(created_at=days_ago(400))
    assert set(due(world, world["worker"])) == {"HH-101", "HH-102"}
    visit_actions.record_visit(
        world["worker"], kind="elderly_alone", household=world["households"]["101"]
    )
    assert set(due(world, world["worker"])) == {"HH-102"}


def test_a_switched_off_rule_is_not_applied(world):
    Household.objects.update(created_at=days_ago(400))
    VisitRule.objects.filter(kind="yearly").update(is_active=False)
    assert set(due(world)) == {"HH-101", "HH-102"}  # the elderly and the rental rules


def test_the_due_list_of_a_grid_is_two_queries(world, tree, django_assert_num_queries):
    Household.objects.update(created_at=days_ago(400))
    world["worker"].has_capability("fieldwork.record")  # roles resolved, as on any page
    with django_assert_num_queries(2):
        found = due(world, world["worker"], grid=tree["g1"])
    assert [d.household.number for d in found.values()] == ["HH-101", "HH-102"]
    assert found["HH-101"].household.dwelling.building.name == "幸福里1号楼"
