"""The rules the database itself keeps for the grid worker's records."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridgov.fieldwork.choices import RuleKind, VisitKind
from gridgov.fieldwork.models import DiaryEntry, Patrol, Visit, VisitRule
from gridgov.testing import place

TODAY = datetime.date(2026, 3, 2)


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_worker_has_one_diary_entry_a_day(tree, field):
    worker = field["worker"]
    place(DiaryEntry(worker=worker, day=TODAY), tree["g1"])
    _refused(lambda: place(DiaryEntry(worker=worker, day=TODAY), tree["g1"]))
    place(DiaryEntry(worker=worker, day=TODAY + datetime.timedelta(days=1)), tree["g1"])


def test_a_worker_has_one_running_patrol(tree, field):
    worker, now = field["worker"], timezone.now()
    place(Patrol(worker=worker, started_at=now), tree["g1"])
    _refused(lambda: place(Patrol(worker=worker, started_at=now), tree["g1"]))


def test_a_patrol_ends_after_it_starts_and_its_coverage_is_a_share(tree, field):
    worker, now = field["worker"], timezone.now()
    _refused(
        lambda: place(
            Patrol(worker=worker, started_at=now, ended_at=now - datetime.timedelta(1)),
            tree["g1"],
        )
    )
    _refused(
        lambda: place(Patrol(worker=worker, started_at=now, ended_at=now, coverage=1.5), tree["g1"])
    )


def test_a_visit_is_to_a_household_or_an_organization_not_both(tree, field):
    base = {"kind": VisitKind.ROUTINE, "worker": field["worker"], "visited_at": timezone.now()}
    _refused(lambda: place(Visit(**base), tree["g1"]))
    both = {"household": field["households"]["101"], "organization": field["shop"]}
    _refused(lambda: place(Visit(**base, **both), tree["g1"]))
    place(Visit(**base, organization=field["shop"]), tree["g1"])


def test_a_client_id_is_stored_once(tree, field):
    client_id = uuid.uuid4()
    base = {"kind": VisitKind.ROUTINE, "worker": field["worker"], "visited_at": timezone.now()}
    place(Visit(**base, organization=field["shop"], client_id=client_id), tree["g1"])
    _refused(
        lambda: place(Visit(**base, organization=field["shop"], client_id=client_id), tree["g1"])
    )
    # Records made on a page have none, as many as there are.
    place(Visit(**base, organization=field["shop"]), tree["g1"])
    place(Visit(**base, organization=field["shop"]), tree["g1"])


def test_a_street_has_one_rule_per_kind_and_per_focus_group(tree, field):
    street, alone = tree["street"], field["groups"]["alone"]
    yearly = {"kind": RuleKind.YEARLY, "interval_days": 365, "visit_kind": VisitKind.ROUTINE}
    VisitRule.objects.create(street=street, **yearly)
    _refused(lambda: VisitRule.objects.create(street=street, **yearly))
    VisitRule.objects.create(street=tree["other_street"], **yearly)
    group = {"kind": RuleKind.FOCUS_GROUP, "interval_days": 7, "visit_kind": "elderly_alone"}
    VisitRule.objects.create(street=street, focus_group=alone, **group)
    _refused(lambda: VisitRule.objects.create(street=street, focus_group=alone, **group))
    # A focus-group rule names its group; no other rule does.
    _refused(lambda: VisitRule.objects.create(street=street, **group))
    rental = {"kind": RuleKind.RENTAL, "interval_days": 90, "visit_kind": "rental_check"}
    _refused(lambda: VisitRule.objects.create(street=street, focus_group=alone, **rental))
    _refused(lambda: VisitRule.objects.create(street=street, **{**rental, "interval_days": 0}))
