"""The alert kinds (告警类型): their actions write an audit row with before and after,
a kind must become a case sub-class in force, one that alerts refer to is not
deleted, and only the command center's managers (street staff, dispatchers) open its
pages (403 for everyone else)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from gridgov.command import actions
from gridgov.command.models import AlertKind
from gridgov.command.seed import seed_alert_kinds
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import login


@pytest.fixture
def garbage(category):
    """The seeded kinds (gone if a transactional test flushed the database)."""
    seed_alert_kinds(AlertKind)
    return AlertKind.objects.get(code="garbage")


@pytest.fixture
def used(garbage, make_map_camera, tree):
    """An alert of kind garbage has come in."""
    camera = make_map_camera("g1")
    source, _secret = actions.create_alert_source(None, "AI智能分析盒", tree["street"])
    actions.receive_alert(
        source,
        alert_id="A-1",
        camera_code=camera.code,
        kind="garbage",
        occurred_at=timezone.now(),
    )
    return garbage


def _row(action):
    return AuditEntry.objects.get(action=action)


# -- actions ----------------------------------------------------------------------------


def test_a_new_kind_is_audited_and_becomes_its_category(dispatcher, garbage):
    kind = actions.create_alert_kind(dispatcher, "smoke", "烟雾", "e0103")
    assert kind.category_code == "E0103"
    row = _row("alert_kind.create")
    assert row.object_id == str(kind.pk) and row.before is None
    assert row.after == {"code": "smoke", "name": "烟雾", "category_code": "E0103"}


def test_a_change_is_audited_with_before_and_after(dispatcher, garbage):
    actions.update_alert_kind(dispatcher, garbage, "暴露垃圾", "E0102")
    assert not AuditEntry.objects.filter(action="alert_kind.update").exists()
    actions.update_alert_kind(dispatcher, garbage, "垃圾堆放", "E0103")
    row = _row("alert_kind.update")
    assert row.before == {"code": "garbage", "name": "暴露垃圾", "category_code": "E0102"}
    assert row.after == {"code": "garbage", "name": "垃圾堆放", "category_code": "E0103"}


@pytest.mark.parametrize(
    ("code", "name", "category_code", "field", "message"),
    [
        ("garbage", "垃圾", "E0102", "code", "已被使用"),
        ("Smoke!", "烟雾", "E0102", "code", "小写字母"),
        ("smoke", " ", "E0102", "name", "请填写名称"),
        ("smoke", "烟雾", "E01", "category_code", "不是小类"),
        ("smoke", "烟雾", "E9999", "category_code", "不存在"),
    ],
)
def test_wrong_values_are_refused_beside_their_field(
    dispatcher, garbage, code, name, category_code, field, message
):
    count = AlertKind.objects.count()
    with pytest.raises(ActionError) as refused:
        actions.create_alert_kind(dispatcher, code, name, category_code)
    assert refused.value.field == field and message in str(refused.value.message)
    assert AlertKind.objects.count() == count and not AuditEntry.objects.exists()


def test_an_unused_kind_is_deleted_with_its_audit_row(dispatcher, garbage):
    actions.delete_alert_kind(dispatcher, garbage)
    assert not AlertKind.objects.filter(code="garbage").exists()
    assert _row("alert_kind.delete").before["code"] == "garbage"


def test_a_kind_alerts_refer_to_is_not_deleted(dispatcher, used):
    with pytest.raises(ActionError) as refused:
        actions.delete_alert_kind(dispatcher, used)
    assert refused.value.status == 409 and "已有 1 条告警" in str(refused.value.message)
    assert AlertKind.objects.filter(code="garbage").exists()
    assert not AuditEntry.objects.filter(action="alert_kind.delete").exists()


@pytest.mark.parametrize("who", ["street_leader", "community_staff", "system_admin"])
def test_roles_without_the_capability_are_refused(personas, garbage, who):
    with pytest.raises(PermissionDenied):
        actions.create_alert_kind(personas[who], "smoke", "烟雾", "E0103")
    with pytest.raises(PermissionDenied):
        actions.delete_alert_kind(personas[who], garbage)
    assert AlertKind.objects.filter(code="garbage").exists()
    assert not AlertKind.objects.filter(code="smoke").exists()


# -- pages ------------------------------------------------------------------------------


def _pages(kind):
    return [
        reverse("command:alert_kinds"),
        reverse("command:alert_kind_new"),
        reverse("command:alert_kind_edit", args=[kind.pk]),
    ]


@pytest.mark.parametrize("who", ["dispatcher", "street_staff"])
def test_the_command_centre_managers_open_every_page(
    client, dispatcher, street_staff, garbage, who
):
    login(client, dispatcher if who == "dispatcher" else street_staff)
    for url in _pages(garbage):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["street_leader", "community_staff", "grid_worker", "system_admin", "auditor"]
)
def test_other_roles_get_403_and_change_nothing(client, personas, garbage, who):
    login(client, personas[who])
    for url in _pages(garbage):
        assert client.get(url).status_code == 403, url
    url = reverse("command:alert_kind_delete", args=[garbage.pk])
    assert client.post(url).status_code == 403
    data = {"code": "smoke", "name": "烟雾", "category_code": "E0103"}
    assert client.post(reverse("command:alert_kind_new"), data).status_code == 403
    assert AlertKind.objects.filter(code="garbage").exists()
    assert not AuditEntry.objects.exists()


def test_the_list_names_each_category_in_few_queries(
    client, dispatcher, garbage, django_assert_num_queries
):
    AlertKind.objects.filter(pk=garbage.pk).update(name="垃圾堆放")
    AlertKind.objects.create(code="gone", name="旧类型", category_code="E9999")
    login(client, dispatcher)
    client.get(reverse("command:alert_kinds"))  # the session and the menu are cached
    with django_assert_num_queries(4):
        text = client.get(reverse("command:alert_kinds")).text
    assert "垃圾堆放" in text and "暴露垃圾" in text  # the kind, and the category it becomes
    assert "类别不存在或已失效" in text


def test_a_kind_is_added_through_the_form(client, dispatcher, garbage):
    login(client, dispatcher)
    data = {"code": "smoke", "name": "烟雾", "category_code": "E0103"}
    assert client.post(reverse("command:alert_kind_new"), data).status_code == 302
    assert AlertKind.objects.get(code="smoke").category_code == "E0103"
    assert _row("alert_kind.create").actor == dispatcher


def test_the_form_shows_each_problem_in_chinese(client, dispatcher, garbage):
    login(client, dispatcher)
    data = {"code": "garbage", "name": "", "category_code": "E01"}
    response = client.post(reverse("command:alert_kind_new"), data)
    errors = response.context["form"].errors
    assert "请填写名称" in errors["name"][0]
    assert "现行的案件小类" in errors["category_code"][0]
    data = {"code": "garbage", "name": "垃圾", "category_code": "E0102"}
    response = client.post(reverse("command:alert_kind_new"), data)
    assert "已被使用" in response.context["form"].errors["code"][0]


def test_editing_keeps_the_code(client, dispatcher, garbage):
    login(client, dispatcher)
    url = reverse("command:alert_kind_edit", args=[garbage.pk])
    data = {"code": "other", "name": "垃圾堆放", "category_code": "E0103"}
    assert client.post(url, data).status_code == 302
    garbage.refresh_from_db()
    assert (garbage.code, garbage.name, garbage.category_code) == ("garbage", "垃圾堆放", "E0103")


def test_deleting_a_kind_in_use_says_why_not(client, dispatcher, used):
    login(client, dispatcher)
    url = reverse("command:alert_kind_delete", args=[used.pk])
    response = client.post(url, follow=True)
    assert "不能删除" in response.text
    assert AlertKind.objects.filter(pk=used.pk).exists()
