"""The household actions: each writes its audit row and, where it changes who lives
where, a line of the household's history; the record of a person is never deleted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.core.errors import ActionError
from gridgov.core.models import AccessLog, AuditEntry
from gridgov.people import actions
from gridgov.people.models import FocusMembership, Household, HouseholdEvent, Resident
from gridgov.people.tests.household_fixtures import (
    HOUSEHOLD_PHONE,
    ZHANG_ID,
    ZHANG_PHONE,
    build_household_file,
    resident_values,
)
from gridgov.places.models import Building
from gridgov.testing import resident_id

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def hf(tree, personas):
    return build_household_file(tree)


def audit_rows(action, obj):
    return AuditEntry.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def kinds(household):
    return list(household.events.order_by("id").values_list("kind", flat=True))


def test_creating_a_household_is_audited_starts_its_history_and_counts_in_the_building(hf):
    household = hf["households"]["a"]
    assert audit_rows("household.create", household).count() == 1
    assert kinds(household)[0] == "created"
    assert Building.objects.get(pk=hf["buildings"]["a"].pk).household_count == 1
    assert household.phone_masked == "020****3456"
    assert HOUSEHOLD_PHONE not in str(audit_rows("household.create", household).get().after)


def test_a_duplicate_household_number_is_409(hf):
    with pytest.raises(ActionError) as refused:
        actions.create_household(
            hf["street_staff"], hf["dwellings"]["a102"], {"number": "H-A101", "kind": "mixed"}
        )
    assert refused.value.status == 409 and refused.value.field == "number"


def test_adding_residents_writes_audit_history_and_member_count(hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    assert household.member_count == 2
    assert household.head_id == zhang.pk  # the first "head" becomes the head
    assert kinds(household) == ["created", "moved_in", "moved_in"]
    row = audit_rows("resident.create", zhang).get()
    assert row.after["id_masked"] == zhang.id_masked and ZHANG_ID not in str(row.after)
    assert ZHANG_PHONE not in str(row.after)
    assert zhang.grid_id == household.grid_id and zhang.street_id == household.street_id
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsan", "zs")


def test_an_id_number_already_registered_is_409_and_nothing_is_written(hf):
    household = hf["households"]["b"]
    before = (Resident.objects.count(), AuditEntry.objects.count(), HouseholdEvent.objects.count())
    with pytest.raises(ActionError) as refused:
        actions.add_resident(hf["street_staff"], household, resident_values("张三丰", ZHANG_ID))
    assert refused.value.status == 409 and refused.value.field == "id_number"
    after = (Resident.objects.count(), AuditEntry.objects.count(), HouseholdEvent.objects.count())
    assert after == before


def test_updating_a_resident_is_audited_and_in_the_history(hf):
    li = hf["residents"]["li"]
    actions.update_resident(hf["street_staff"], li, {"occupation": "教师"})
    row = audit_rows("resident.update", li).get()
    assert row.before["occupation"] == "" and row.after["occupation"] == "教师"
    assert kinds(hf["households"]["a"])[-1] == "updated"


def test_a_new_phone_with_the_same_mask_is_still_a_change(hf):
    zhang = hf["residents"]["zhang"]
    household = hf["households"]["a"]
    events = household.events.count()
    actions.update_resident(hf["street_staff"], zhang, {"phone": "13899995678"})
    assert zhang.phone_masked == "138****5678"
    assert household.events.count() == events + 1


def test_moving_out_keeps_the_record_with_its_date(hf):
    household, li = hf["households"]["a"], hf["residents"]["li"]
    actions.mark_moved_out(hf["street_staff"], li, YESTERDAY, "迁往天河区")
    li = Resident.objects.get(pk=li.pk)
    assert (li.status, li.status_date) == ("moved_out", YESTERDAY)
    assert Household.objects.get(pk=household.pk).member_count == 1
    event = household.events.order_by("-id").first()
    assert (event.kind, event.resident_id, event.note, event.happened_on) == (
        "moved_out",
        li.pk,
        "迁往天河区",
        YESTERDAY,
    )
    assert audit_rows("resident.move_out", li).count() == 1
    with pytest.raises(ActionError) as again:
        actions.mark_moved_out(hf["street_staff"], li, YESTERDAY)
    assert again.value.status == 409


def test_the_death_of_the_head_leaves_the_household_without_head(hf):
    household, zhang = hf["households"]["a"], hf["residents"]["zhang"]
    actions.mark_deceased(hf["street_staff"], zhang, YESTERDAY)
    household.refresh_from_db()
    assert household.head_id is None and household.member_count == 1
    assert Resident.objects.get(pk=zhang.pk).status == "deceased"
    assert audit_rows("resident.decease", zhang).count() == 1
    assert household.events.order_by("-id").first().note == "张三 死亡"


def test_a_date_in_the_future_is_refused(hf):
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(ActionError):
        actions.mark_moved_out(hf["street_staff"], hf["residents"]["li"], tomorrow)
    with pytest.raises(ActionError):
        actions.move_household(
            hf["street_staff"], hf["households"]["a"], hf["dwellings"]["a102"], tomorrow
        )


def test_setting_the_head(hf):
    household, li = hf["households"]["a"], hf["residents"]["li"]
    actions.set_head(hf["street_staff"], household, li)
    assert Household.objects.get(pk=household.pk).head_id == li.pk
    assert audit_rows("household.set_head", household).count() == 1
    assert household.events.order_by("-id").first().note == "户主变更为 李四"
    with pytest.raises(ActionError):
        actions.set_head(hf["street_staff"], household, hf["residents"]["wang"])


def test_moving_a_household_moves_its_members_and_tags_to_the_new_grid(hf, tree):
    household = hf["households"]["a"]
    zhang = hf["residents"]["zhang"]
    tag = actions.add_focus(hf["street_staff"], zhang, hf["groups"]["alone"])
    actions.move_household(hf["street_staff"], household, hf["dwellings"]["b201"], YESTERDAY)
    household.refresh_from_db()
    assert household.grid_id == tree["g2"].pk
    assert set(household.members.values_list("grid_id", flat=True)) == {tree["g2"].pk}
    assert FocusMembership.objects.get(pk=tag.pk).grid_id == tree["g2"].pk
    assert Building.objects.get(pk=hf["buildings"]["a"].pk).household_count == 0
    assert Building.objects.get(pk=hf["buildings"]["b"].pk).household_count == 2
    event = household.events.order_by("-id").first()
    assert event.kind == "moved_dwelling" and "洪德巷2号" in event.note
    row = audit_rows("household.move", household).get()
    assert row.before["dwelling"] == hf["dwellings"]["a101"].pk
    assert row.after["dwelling"] == hf["dwellings"]["b201"].pk
    with pytest.raises(ActionError):
        actions.move_household(hf["street_staff"], household, hf["dwellings"]["b201"], TODAY)


def test_a_grid_worker_cannot_move_a_household_out_of_their_grid(hf, personas):
    with pytest.raises(ActionError) as refused:
        actions.move_household(
            personas["grid_worker"], hf["households"]["a"], hf["dwellings"]["b201"], TODAY
        )
    assert refused.value.status == 404


def test_focus_groups_are_audited_and_in_the_history(hf):
    zhang = hf["residents"]["zhang"]
    details = {"残疾证号": "44010519580304123342", "等级": "二级"}
    membership = actions.add_focus(
        hf["street_staff"], zhang, hf["groups"]["disabled"], details, YESTERDAY
    )
    assert membership.grid_id == zhang.grid_id and membership.details == details
    assert audit_rows("resident.add_focus", zhang).get().after == {"group": "disabled"}
    with pytest.raises(ActionError) as twice:
        actions.add_focus(hf["street_staff"], zhang, hf["groups"]["disabled"])
    assert twice.value.status == 409
    actions.end_focus(hf["street_staff"], membership, TODAY)
    assert audit_rows("resident.end_focus", zhang).count() == 1
    notes = list(hf["households"]["a"].events.filter(kind="focus_changed").values_list("note"))
    assert notes == [("张三 移出残疾人",), ("张三 列入残疾人",)]
    with pytest.raises(ActionError) as ended:
        actions.end_focus(hf["street_staff"], membership, TODAY)
    assert ended.value.status == 409


def test_a_sensitive_group_is_refused_to_a_role_it_does_not_name(hf, personas):
    with pytest.raises(ActionError) as refused:
        actions.add_focus(
            personas["grid_worker"], hf["residents"]["zhang"], hf["groups"]["disabled"]
        )
    assert refused.value.status == 403
    assert not FocusMembership.objects.exists()


def test_an_inactive_group_cannot_be_added(hf):
    group = hf["groups"]["alone"]
    group.is_active = False
    group.save()
    with pytest.raises(ActionError):
        actions.add_focus(hf["street_staff"], hf["residents"]["zhang"], group)


def test_edits_need_the_capability_and_the_scope(hf, personas):
    values = resident_values("钱七", resident_id(datetime.date(2001, 2, 3), 157), "child")
    with pytest.raises(PermissionDenied):
        actions.add_resident(personas["department_staff"], hf["households"]["a"], values)
    with pytest.raises(PermissionDenied):
        actions.add_resident(personas["street_leader"], hf["households"]["a"], values)
    with pytest.raises(ActionError) as outside:
        actions.add_resident(personas["grid_worker"], hf["households"]["b"], values)
    assert outside.value.status == 404
    resident = actions.add_resident(personas["grid_worker"], hf["households"]["a"], values)
    assert resident.grid_id == hf["households"]["a"].grid_id


def test_revealing_a_number_logs_who_why_and_what(hf, personas):
    staff = personas["community_staff"]
    zhang = hf["residents"]["zhang"]
    assert actions.reveal_number(staff, zhang, "id_number", "核实身份") == ZHANG_ID
    log = AccessLog.objects.get()
    assert (log.actor, log.object_id, log.fields, log.reason) == (
        staff,
        str(zhang.pk),
        "id_number",
        "核实身份",
    )
    household = hf["households"]["a"]
    assert actions.reveal_number(staff, household, "phone", "联系户主") == HOUSEHOLD_PHONE
    assert AccessLog.objects.count() == 2


def test_a_reveal_without_reason_permission_or_scope_is_refused_and_not_logged(hf, personas):
    zhang = hf["residents"]["zhang"]
    with pytest.raises(ActionError) as no_reason:
        actions.reveal_number(personas["community_staff"], zhang, "id_number", "  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        actions.reveal_number(personas["grid_worker"], zhang, "id_number", "核实身份")
    with pytest.raises(ActionError) as outside:
        actions.reveal_number(
            personas["community_staff"], hf["residents"]["zhao"], "id_number", "核实身份"
        )
    assert outside.value.status == 404
    with pytest.raises(ActionError):
        actions.reveal_number(personas["community_staff"], zhang, "name", "核实身份")
    assert not AccessLog.objects.exists()
