"""The window setup page (窗口设置): street staff list their hall's groups and windows
and add or change them through the forms; refusals come back in Chinese beside the
field with what was typed kept. A clerk gets 403; another street's staff get 404 for
this street's groups and windows."""

from django.urls import reverse

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.hall.models import Window, WindowGroup
from gridgov.testing import login, make_user

PAGE = reverse("hall:window_setup")


def test_the_page_lists_the_streets_groups_and_windows(staff_client, hall):
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    groups = {g.letter: (g.item_count, g.window_count) for g in response.context["groups"]}
    assert groups == {"A": (2, 2), "B": (2, 1)}
    assert [w.number for w in response.context["windows"]] == [1, 2, 8]
    assert "统一出件" in response.text


def test_the_page_runs_a_fixed_number_of_queries(staff_client, hall, django_assert_num_queries):
    staff_client.get(PAGE)  # warms the per-user access cache
    # Session, user, the user's streets, the groups with their item counts, the windows
    # with their clerks, the windows' groups.
    with django_assert_num_queries(6):
        assert staff_client.get(PAGE).status_code == 200


def test_the_settings_page_and_the_menu_lead_here(staff_client, hall):
    assert PAGE in staff_client.get(reverse("hall:settings")).text
    assert PAGE in staff_client.get(PAGE).text  # the menu entry


def test_adding_a_group_and_a_window(staff_client, staff, hall):
    response = staff_client.post(reverse("hall:window_group_new"), {"letter": "c", "name": "残联"})
    assert response.status_code == 302
    group = WindowGroup.objects.get(letter="C")
    assert "已新增 C 残联 分组。" in staff_client.get(response["Location"]).text
    data = {"number": "5", "groups": [str(group.pk), str(hall["groups"]["A"].pk)]}
    response = staff_client.post(reverse("hall:window_new"), data)
    assert response.status_code == 302
    window = Window.objects.get(number=5)
    assert {g.letter for g in window.groups.all()} == {"A", "C"}
    actions = AuditEntry.objects.filter(actor=staff).values_list("action", flat=True)
    assert sorted(actions) == ["window.create", "window_group.create"]


def test_a_refused_group_shows_why_and_keeps_what_was_typed(staff_client, hall):
    response = staff_client.post(
        reverse("hall:window_group_new"), {"letter": "A", "name": "社保二"}
    )
    assert response.status_code == 400
    assert response.context["group_form"].errors == {"letter": ["本服务中心已有 A 分组。"]}
    assert 'value="社保二"' in response.text
    response = staff_client.post(reverse("hall:window_group_new"), {"letter": "", "name": ""})
    assert response.context["group_form"].errors == {
        "letter": ["请填写分组字母。"],
        "name": ["请填写分组名称。"],
    }


def test_a_refused_window_shows_why_and_keeps_what_was_typed(staff_client, hall):
    b = hall["groups"]["B"]
    response = staff_client.post(reverse("hall:window_new"), {"number": "2", "groups": [b.pk]})
    assert response.status_code == 400
    assert response.context["window_form"].errors == {"number": ["本服务中心已有 2 号窗口。"]}
    assert f'value="{b.pk}" class="form-check-input" id="id_groups_1" checked' in response.text
    response = staff_client.post(reverse("hall:window_new"), {"number": "三"})
    assert response.context["window_form"].errors == {"number": ["请填写整数。"]}
    response = staff_client.post(reverse("hall:window_new"), {"number": "3"})
    assert response.context["window_form"].errors == {
        "groups": ["请至少选择一个服务分组（统一出件窗口可不选）。"]
    }
    assert Window.objects.count() == 3


def test_renaming_a_group_and_changing_a_window(staff_client, hall):
    a = hall["groups"]["A"]
    edit = reverse("hall:window_group_edit", args=[a.pk])
    assert staff_client.get(edit).context["editing_group"] == a
    # The letter cannot be changed: a posted one is ignored.
    response = staff_client.post(edit, {"letter": "Z", "name": "社会保障"})
    assert response.status_code == 302
    assert WindowGroup.objects.filter(letter="A", name="社会保障").exists()
    window = hall["windows"][8]
    edit = reverse("hall:window_edit", args=[window.pk])
    assert staff_client.get(edit).status_code == 200
    response = staff_client.post(edit, {"number": "99", "groups": [a.pk]})
    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.number, window.is_pickup, list(window.groups.all())) == (8, False, [a])


def test_deleting_what_history_needs_is_refused_with_a_message(staff_client, hall):
    b = hall["groups"]["B"]
    response = staff_client.post(reverse("hall:window_group_delete", args=[b.pk]), follow=True)
    assert "B 民政 分组下还有服务事项，不能删除" in response.text
    assert WindowGroup.objects.filter(pk=b.pk).exists()
    window = hall["windows"][8]
    response = staff_client.post(reverse("hall:window_delete", args=[window.pk]), follow=True)
    assert "已删除“8号窗口”。" in response.text
    assert not Window.objects.filter(pk=window.pk).exists()


def test_a_clerk_is_refused(client, hall):
    login(client, hall["clerk"])
    assert client.get(PAGE).status_code == 403
    a = hall["groups"]["A"]
    assert (
        client.post(reverse("hall:window_group_edit", args=[a.pk]), {"name": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("hall:window_group_new"), {"letter": "C", "name": "x"}).status_code
        == 403
    )


def test_another_streets_staff_get_404_for_this_streets_records(client, hall, tree):
    login(client, make_user("staff9", Role.STREET_STAFF, tree["other_street"]))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["groups"] == [] and response.context["windows"] == []
    assert client.get(PAGE, {"street": hall["street"].code}).status_code == 404
    a, window = hall["groups"]["A"], hall["windows"][8]
    urls = [
        reverse("hall:window_group_edit", args=[a.pk]),
        reverse("hall:window_group_delete", args=[a.pk]),
        reverse("hall:window_edit", args=[window.pk]),
        reverse("hall:window_delete", args=[window.pk]),
    ]
    for url in urls:
        assert client.post(url, {"name": "x"}).status_code == 404
    posted = client.post(
        f"{reverse('hall:window_group_new')}?street={hall['street'].code}",
        {"letter": "C", "name": "x"},
    )
    assert posted.status_code == 404
    assert not AuditEntry.objects.exists()
