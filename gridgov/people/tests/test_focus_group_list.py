"""The focus-group list (重点人群): its actions write an audit row with before and
after, a change of who sees a group is audited as such, wrong values are refused
beside their field, and only street staff and the system administrator open its pages
(403 for everyone else)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.people import actions
from gridgov.people.models import FocusGroup
from gridgov.testing import login, make_user

NEW_GROUP = {
    "code": "low_income",
    "name": "低保户",
    "sensitivity": "sensitive",
    "visible_roles": [Role.STREET_STAFF],
    "detail_fields": ["低保证号"],
    "sort": 3,
}


@pytest.fixture
def street_staff(tree):
    return make_user("street_staff", Role.STREET_STAFF, tree["street"])


@pytest.fixture
def disabled(db):
    return FocusGroup.objects.create(
        code="disabled",
        name="残疾人",
        sensitivity="sensitive",
        visible_roles=[Role.COMMUNITY_STAFF],
        detail_fields=["残疾证号"],
    )


def _row(action):
    return AuditEntry.objects.get(action=action)


# -- actions ----------------------------------------------------------------------------


def test_a_new_group_is_audited_with_what_it_is(street_staff):
    group = actions.create_focus_group(street_staff, **NEW_GROUP)
    row = _row("focus_group.create")
    assert row.object_id == str(group.pk) and row.before is None
    assert row.after == {**NEW_GROUP, "is_active": True}


def test_who_sees_a_group_is_a_change_audited_with_before_and_after(street_staff, disabled):
    fields = {name: getattr(disabled, name) for name in actions.FOCUS_GROUP_FIELDS}
    roles = [Role.COMMUNITY_STAFF, Role.GRID_WORKER]
    actions.update_focus_group(street_staff, disabled, **{**fields, "visible_roles": roles})
    row = _row("focus_group.change_visibility")
    assert row.before["visible_roles"] == [Role.COMMUNITY_STAFF]
    assert row.after["visible_roles"] == sorted(roles)
    disabled.refresh_from_db()
    assert disabled.visible_roles == sorted(roles)


def test_a_rename_is_an_ordinary_update_and_no_change_writes_nothing(street_staff, disabled):
    fields = {name: getattr(disabled, name) for name in actions.FOCUS_GROUP_FIELDS}
    actions.update_focus_group(street_staff, disabled, **fields)
    assert not AuditEntry.objects.exists()
    actions.update_focus_group(street_staff, disabled, **{**fields, "name": "持证残疾人"})
    row = _row("focus_group.update")
    assert (row.before["name"], row.after["name"]) == ("残疾人", "持证残疾人")


def test_roles_stored_in_another_order_are_no_change(street_staff, disabled):
    """The demo stores its groups' roles unsorted; saving one as it is writes nothing."""
    FocusGroup.objects.filter(pk=disabled.pk).update(
        visible_roles=[Role.STREET_STAFF, Role.COMMUNITY_STAFF]
    )
    disabled.refresh_from_db()
    fields = {f: getattr(disabled, f) for f in ("name", "sensitivity", "detail_fields", "sort")}
    roles = [Role.COMMUNITY_STAFF, Role.STREET_STAFF]
    actions.update_focus_group(street_staff, disabled, **fields, visible_roles=roles)
    assert not AuditEntry.objects.exists()


def test_the_code_stays_what_it_was(street_staff, disabled):
    fields = {name: getattr(disabled, name) for name in actions.FOCUS_GROUP_FIELDS}
    actions.update_focus_group(street_staff, disabled, **{**fields, "code": "other"})
    disabled.refresh_from_db()
    assert disabled.code == "disabled"


def test_deactivating_keeps_the_group_and_is_audited(street_staff, disabled):
    actions.set_focus_group_active(street_staff, disabled, False)
    disabled.refresh_from_db()
    assert disabled.is_active is False
    row = _row("focus_group.deactivate")
    assert (row.before, row.after) == ({"is_active": True}, {"is_active": False})
    actions.set_focus_group_active(street_staff, disabled, True)
    assert _row("focus_group.activate").after == {"is_active": True}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "disabled"}, "code", "已被使用"),
        ({"code": "低保"}, "code", "小写字母"),
        ({"name": ""}, "name", "必填"),
        ({"sensitivity": "secret"}, "sensitivity", "不是可选值"),
        ({"visible_roles": ["street_staff", "mayor"]}, "visible_roles", "未知角色：mayor"),
        ({"detail_fields": ["证号"] * 2}, "detail_fields", "不能重复"),
        ({"detail_fields": ["很长" * 11]}, "detail_fields", "最多 20 个字"),
        ({"detail_fields": [str(n) for n in range(11)]}, "detail_fields", "最多 10 项"),
        ({"detail_fields": [{"key": "no"}]}, "detail_fields", "简短的文字"),
        ({"sort": "-1"}, "sort", "应在 0 到 32767 之间"),
        ({"sort": "1e999"}, "sort", "应为整数"),
    ],
)
def test_wrong_values_are_refused_beside_their_field(
    street_staff, disabled, change, field, message
):
    with pytest.raises(ActionError) as refused:
        actions.create_focus_group(street_staff, **{**NEW_GROUP, **change})
    assert refused.value.field == field and message in str(refused.value.message)
    assert FocusGroup.objects.count() == 1 and not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["street_leader", "community_staff", "auditor"])
def test_roles_without_the_capability_are_refused(personas, disabled, who):
    with pytest.raises(PermissionDenied):
        actions.create_focus_group(personas[who], **NEW_GROUP)
    with pytest.raises(PermissionDenied):
        actions.set_focus_group_active(personas[who], disabled, False)
    assert FocusGroup.objects.count() == 1 and not AuditEntry.objects.exists()


# -- pages ------------------------------------------------------------------------------


def _pages(group):
    return [
        reverse("people:focus_groups"),
        reverse("people:focus_group_new"),
        reverse("people:focus_group_edit", args=[group.pk]),
    ]


@pytest.mark.parametrize("who", ["system_admin", "street_staff"])
def test_street_staff_and_the_administrator_open_every_page(
    client, personas, street_staff, disabled, who
):
    login(client, street_staff if who == "street_staff" else personas[who])
    for url in _pages(disabled):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["street_leader", "community_staff", "grid_worker", "department_staff", "auditor"]
)
def test_other_roles_get_403_and_change_nothing(client, personas, disabled, who):
    login(client, personas[who])
    for url in _pages(disabled):
        assert client.get(url).status_code == 403, url
    url = reverse("people:focus_group_active", args=[disabled.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    assert client.post(reverse("people:focus_group_new"), NEW_GROUP).status_code == 403
    assert FocusGroup.objects.get().is_active and not AuditEntry.objects.exists()


def test_the_list_shows_who_sees_each_group_in_few_queries(
    client, street_staff, disabled, django_assert_num_queries
):
    FocusGroup.objects.create(code="elderly_alone", name="独居老人", sensitivity="ordinary")
    FocusGroup.objects.create(code="hidden", name="社区矫正", sensitivity="sensitive")
    login(client, street_staff)
    client.get(reverse("people:focus_groups"))  # the session and the menu are cached
    with django_assert_num_queries(3):
        text = client.get(reverse("people:focus_groups")).text
    assert "社区工作人员" in text and "所有能查看居民的角色" in text and "无人可见" in text


def test_a_group_is_added_through_the_form(client, street_staff):
    login(client, street_staff)
    data = {**NEW_GROUP, "detail_fields": "低保证号\n\n"}
    response = client.post(reverse("people:focus_group_new"), data)
    assert response.status_code == 302
    group = FocusGroup.objects.get(code="low_income")
    assert group.detail_fields == ["低保证号"] and group.visible_roles == ["street_staff"]
    assert _row("focus_group.create").actor == street_staff


def test_the_form_shows_each_problem_in_chinese_and_keeps_what_was_typed(
    client, street_staff, disabled
):
    login(client, street_staff)
    data = {**NEW_GROUP, "code": "disabled", "name": "", "visible_roles": ["mayor"]}
    response = client.post(reverse("people:focus_group_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "必填" in errors["name"][0] and "mayor" in errors["visible_roles"][0]
    assert 'value="disabled"' in response.text
    assert FocusGroup.objects.count() == 1


def test_an_existing_code_is_refused_beside_the_code(client, street_staff, disabled):
    login(client, street_staff)
    response = client.post(reverse("people:focus_group_new"), {**NEW_GROUP, "code": "disabled"})
    assert "已被使用" in response.context["form"].errors["code"][0]


def test_editing_changes_who_sees_the_group_and_deactivating_keeps_it(
    client, street_staff, disabled
):
    login(client, street_staff)
    url = reverse("people:focus_group_edit", args=[disabled.pk])
    data = {
        "name": "残疾人",
        "sensitivity": "sensitive",
        "visible_roles": ["street_staff"],
        "detail_fields": "残疾证号",
        "sort": "0",
    }
    assert client.post(url, data).status_code == 302
    assert _row("focus_group.change_visibility").after["visible_roles"] == ["street_staff"]
    url = reverse("people:focus_group_active", args=[disabled.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    disabled.refresh_from_db()
    assert disabled.is_active is False and disabled.code == "disabled"


def test_the_edit_form_starts_from_the_group_as_it_is(client, street_staff, disabled):
    login(client, street_staff)
    form = client.get(reverse("people:focus_group_edit", args=[disabled.pk])).context["form"]
    assert form["detail_fields"].value() == "残疾证号"
    assert form["visible_roles"].value() == [Role.COMMUNITY_STAFF]
    assert form.fields["code"].disabled
