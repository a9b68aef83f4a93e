"""Street staff set up their hall's window groups and windows through audited actions:
letters and numbers unique in the street, a window calling the street's own groups,
and nothing deleted that history refers to. A clerk is refused (403); staff of
another street find nothing here (404)."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import queue_actions, window_actions
from gridgov.hall.models import Window, WindowGroup
from gridgov.testing import make_user


@pytest.fixture
def other_staff(tree):
    return make_user("staff9", Role.STREET_STAFF, tree["other_street"])


def _refusal(call) -> ActionError:
    with pytest.raises(ActionError) as refused:
        call()
    return refused.value


def test_a_new_group_is_audited(staff, hall):
    group = window_actions.create_group(staff, hall["street"], " c ", " 残联 ")
    assert (group.letter, group.name) == ("C", "残联")
    entry = AuditEntry.objects.get(action="window_group.create")
    assert (entry.actor, entry.object_id) == (staff, str(group.pk))
    assert entry.after == {"letter": "C", "name": "残联"}


@pytest.mark.parametrize(
    ("letter", "name", "field", "message"),
    [
        ("A", "社保二", "letter", "本服务中心已有 A 分组。"),
        ("1", "残联", "letter", "分组字母应为 A 到 Z 之间的一个字母。"),
        ("Ä", "残联", "letter", "分组字母应为 A 到 Z 之间的一个字母。"),
        ("C", "  ", "name", "请填写分组名称。"),
    ],
)
def test_a_group_needs_a_free_letter_and_a_name(staff, hall, letter, name, field, message):
    refused = _refusal(lambda: window_actions.create_group(staff, hall["street"], letter, name))
    assert (refused.field, refused.message) == (field, message)
    assert WindowGroup.objects.count() == 2
    assert not AuditEntry.objects.exists()


def test_the_same_letter_is_free_in_another_street(other_staff, tree):
    group = window_actions.create_group(other_staff, tree["other_street"], "A", "社保")
    assert group.street == tree["other_street"]


def test_renaming_keeps_the_letter_and_is_audited(staff, hall):
    group = window_actions.rename_group(staff, hall["groups"]["A"], "社会保障")
    assert (group.letter, group.name) == ("A", "社会保障")
    entry = AuditEntry.objects.get(action="window_group.rename")
    assert (entry.before, entry.after) == (
        {"letter": "A", "name": "社保"},
        {"letter": "A", "name": "社会保障"},
    )
    window_actions.rename_group(staff, group, "社会保障")
    assert AuditEntry.objects.filter(action="window_group.rename").count() == 1


def test_a_group_nothing_names_is_deleted_and_audited(staff, hall):
    group = window_actions.create_group(staff, hall["street"], "C", "残联")
    window = window_actions.create_window(staff, hall["street"], 3, [group])
    window_actions.delete_group(staff, group)
    assert not WindowGroup.objects.filter(letter="C").exists()
    assert list(window.groups.all()) == []
    entry = AuditEntry.objects.get(action="window_group.delete")
    assert (entry.object_id, entry.before) == (str(group.pk), {"letter": "C", "name": "残联"})


def test_a_group_with_service_items_is_not_deleted(staff, hall):
    refused = _refusal(lambda: window_actions.delete_group(staff, hall["groups"]["B"]))
    assert refused.message == "B 民政 分组下还有服务事项，不能删除。请先把这些事项改到其他分组。"
    assert WindowGroup.objects.filter(letter="B").exists()


def test_a_group_with_tickets_is_not_deleted(staff, hall):
    group = window_actions.create_group(staff, hall["street"], "C", "残联")
    queue_actions.issue_ticket(hall["clerk"], group)
    refused = _refusal(lambda: window_actions.delete_group(staff, group))
    assert refused.message == "C 残联 分组已有取号记录，为保留历史不能删除。"
    assert not AuditEntry.objects.filter(action="window_group.delete").exists()


def test_a_new_window_calls_the_groups_chosen_and_is_audited(staff, hall):
    groups = [hall["groups"]["B"], hall["groups"]["A"]]
    window = window_actions.create_window(staff, hall["street"], 3, groups)
    assert (window.number, window.status, window.is_pickup) == (3, "closed", False)
    assert {g.letter for g in window.groups.all()} == {"A", "B"}
    entry = AuditEntry.objects.get(action="window.create")
    assert entry.after == {"number": 3, "groups": ["A", "B"], "is_pickup": False}


@pytest.mark.parametrize(
    ("number", "groups", "field", "message"),
    [
        (2, ["A"], "number", "本服务中心已有 2 号窗口。"),
        (0, ["A"], "number", "窗口号应在 1 到 999 之间。"),
        (1000, ["A"], "number", "窗口号应在 1 到 999 之间。"),
        (3, [], "groups", "请至少选择一个服务分组（统一出件窗口可不选）。"),
    ],
)
def test_a_window_needs_a_free_number_and_a_group(staff, hall, number, groups, field, message):
    chosen = [hall["groups"][letter] for letter in groups]
    refused = _refusal(lambda: window_actions.create_window(staff, hall["street"], number, chosen))
    assert (refused.field, refused.message) == (field, message)
    assert Window.objects.count() == 3
    assert not AuditEntry.objects.exists()


def test_a_pickup_window_may_call_no_group(staff, hall):
    window = window_actions.create_window(staff, hall["street"], 9, [], is_pickup=True)
    assert window.is_pickup and not window.groups.exists()


def test_a_window_calls_only_its_own_streets_groups(staff, other_staff, hall, tree):
    theirs = window_actions.create_group(other_staff, tree["other_street"], "A", "社保")
    refused = _refusal(lambda: window_actions.create_window(staff, hall["street"], 3, [theirs]))
    assert (refused.field, refused.message) == ("groups", "请选择本服务中心的窗口分组。")
    window = hall["windows"][2]
    refused = _refusal(lambda: window_actions.change_window(staff, window, [theirs], False))
    assert refused.field == "groups"


def test_changing_a_windows_groups_and_pickup_flag_is_audited(staff, hall):
    window = window_actions.change_window(staff, hall["windows"][2], [hall["groups"]["B"]], True)
    assert window.is_pickup and [g.letter for g in window.groups.all()] == ["B"]
    entry = AuditEntry.objects.get(action="window.change")
    assert entry.before == {"number": 2, "groups": ["A", "B"], "is_pickup": False}
    assert entry.after == {"number": 2, "groups": ["B"], "is_pickup": True}
    window_actions.change_window(staff, window, [hall["groups"]["B"]], True)
    assert AuditEntry.objects.filter(action="window.change").count() == 1


def test_a_window_never_used_is_deleted_and_audited(staff, hall):
    window = window_actions.create_window(staff, hall["street"], 3, [hall["groups"]["A"]])
    window_actions.delete_window(staff, window)
    assert not Window.objects.filter(number=3).exists()
    entry = AuditEntry.objects.get(action="window.delete")
    assert entry.before == {"number": 3, "groups": ["A"], "is_pickup": False}


def test_a_window_that_called_a_number_is_kept(staff, hall):
    window = hall["windows"][1]
    queue_actions.issue_ticket(hall["clerk"], hall["groups"]["A"])
    queue_actions.call_next(hall["clerk"], window)
    refused = _refusal(lambda: window_actions.delete_window(staff, window))
    assert refused.message.startswith("1号窗口已有叫号或评价记录，为保留历史不能删除")
    assert Window.objects.filter(pk=window.pk).exists()
    assert not AuditEntry.objects.filter(action="window.delete").exists()


def test_a_clerk_may_not_set_up_the_hall(hall):
    clerk = hall["clerk"]
    with pytest.raises(PermissionDenied):
        window_actions.create_group(clerk, hall["street"], "C", "残联")
    with pytest.raises(PermissionDenied):
        window_actions.create_window(clerk, hall["street"], 3, [hall["groups"]["A"]])
    with pytest.raises(PermissionDenied):
        window_actions.change_window(clerk, hall["windows"][2], [hall["groups"]["A"]], False)
    with pytest.raises(PermissionDenied):
        window_actions.delete_window(clerk, hall["windows"][8])


def test_another_streets_staff_find_nothing_here(other_staff, hall):
    calls = [
        lambda: window_actions.create_group(other_staff, hall["street"], "C", "残联"),
        lambda: window_actions.rename_group(other_staff, hall["groups"]["A"], "社会保障"),
        lambda: window_actions.delete_group(other_staff, hall["groups"]["A"]),
        lambda: window_actions.create_window(other_staff, hall["street"], 3, []),
        lambda: window_actions.change_window(other_staff, hall["windows"][8], [], True),
        lambda: window_actions.delete_window(other_staff, hall["windows"][8]),
    ]
    for call in calls:
        assert _refusal(call).status == 404
    assert WindowGroup.objects.get(letter="A").name == "社保"
    assert not AuditEntry.objects.exists()
