"""Street staff keep their street's visit rules; nobody else does."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.core.errors import ActionError
from gridgov.fieldwork import rule_actions
from gridgov.fieldwork.models import VisitRule
from gridgov.fieldwork.tests.helpers import audited


def test_the_usual_rules_are_added_once(field, tree):
    added = rule_actions.add_default_rules(field["street_staff"], tree["street"])
    kinds = sorted((r.kind, r.focus_group_id or 0, r.interval_days) for r in added)
    assert kinds == sorted(
        [
            ("yearly", 0, 365),
            ("focus_group", field["groups"]["alone"].pk, 7),
            ("focus_group", field["groups"]["disabled"].pk, 30),
            ("rental", 0, 90),
            ("new_arrival", 0, 7),
        ]
    )
    assert len(audited("visit_rule.save")) == 5
    assert rule_actions.add_default_rules(field["street_staff"], tree["street"]) == []


def test_saving_a_rule_changes_it_in_place_and_audits_the_change(field, tree):
    staff, street = field["street_staff"], tree["street"]
    values = {"kind": "rental", "interval_days": 90, "visit_kind": "rental_check"}
    rule = rule_actions.save_rule(staff, street, **values)
    again = rule_actions.save_rule(staff, street, **(values | {"interval_days": 60}))
    assert again.pk == rule.pk and again.interval_days == 60
    rule_actions.save_rule(staff, street, **(values | {"interval_days": 60}))  # no change
    rows = audited("visit_rule.save", rule)
    assert len(rows) == 2 and rows[0].before["interval_days"] == 90


@pytest.mark.parametrize(
    ("inputs", "name"),
    [
        ({"interval_days": 0}, "interval_days"),
        ({"interval_days": "每周"}, "interval_days"),
        ({"kind": "focus_group"}, "focus_group"),
        ({"visit_kind": "tea"}, "visit_kind"),
    ],
)
def test_a_wrong_rule_is_refused_beside_its_field(field, tree, inputs, name):
    values = {"kind": "yearly", "interval_days": 365, "visit_kind": "routine"} | inputs
    with pytest.raises(ActionError) as refusal:
        rule_actions.save_rule(field["street_staff"], tree["street"], **values)
    assert refusal.value.field == name
    assert not VisitRule.objects.exists()


def test_only_street_staff_of_the_street_keep_its_rules(field, tree):
    values = {"kind": "yearly", "interval_days": 365, "visit_kind": "routine"}
    with pytest.raises(ActionError) as refusal:
        rule_actions.save_rule(field["street_staff"], tree["other_street"], **values)
    assert refusal.value.status == 404
    for outsider in (field["staff"], field["leader"], field["worker"]):
        with pytest.raises(PermissionDenied):
            rule_actions.save_rule(outsider, tree["street"], **values)
