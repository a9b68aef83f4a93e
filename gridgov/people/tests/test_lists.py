"""The lists of residents, households, buildings and organizations: scope, filters,
sensitive focus groups, masking, pagination and pinned query counts."""

import pytest

from gridgov.core import pagination
from gridgov.people import list_views, queries
from gridgov.testing import WANG_ID, ZHANG_ID, ZHANG_PHONE, login, resident

LISTS = [
    "/people/residents/",
    "/people/households/",
    "/people/buildings/",
    "/people/organizations/",
]


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("persona", ["department_staff", "system_admin", "auditor", "stranger"])
def test_roles_without_residents_get_a_403(client, personas, people_base, url, persona):
    login(client, personas[persona])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_visitors_are_sent_to_log_in(client, people_base, url):
    assert client.get(url).status_code == 302


def test_a_grid_worker_lists_only_their_grid(client, personas, people_base):
    login(client, personas["grid_worker"])  # g1
    residents = page(client, "/people/residents/")
    assert "张三" in residents and "欧阳明" in residents
    assert "赵四" not in residents and "王小明" not in residents
    households = page(client, "/people/households/")
    assert "HH-101" in households and "HH-201" not in households
    buildings = page(client, "/people/buildings/")
    assert "幸福里1号楼" in buildings and "幸福里2号楼" not in buildings
    assert "幸福便利店" in page(client, "/people/organizations/")


def test_community_staff_see_nothing_of_the_other_community(client, personas, people_base):
    login(client, personas["community_staff"])  # 101
    residents = page(client, "/people/residents/")
    assert "赵四" in residents and "王小明" not in residents
    assert "福安大厦" not in page(client, "/people/buildings/")


def test_the_street_leader_filters_residents(client, personas, people_base, tree):
    login(client, personas["street_leader"])
    by_grid = page(client, "/people/residents/", grid=tree["g2"].code)
    assert "赵四" in by_grid and "张三" not in by_grid
    floating = page(client, "/people/residents/", registration="floating")
    assert "李四" in floating and "张三" not in floating
    moved = page(client, "/people/residents/", status="moved_out")
    assert "欧阳明" in moved and "张三丰" not in moved
    by_name = page(client, "/people/residents/", q="zs")
    assert "张三丰" in by_name and "李四" not in by_name
    alone = page(client, "/people/residents/", focus="elderly_alone")
    assert "张三" in alone and "张三丰" not in alone


def test_household_building_and_organization_filters(client, personas, people_base, tree):
    login(client, personas["street_leader"])
    building = people_base["buildings"]["a"]
    at_building = page(client, "/people/households/", building=building.pk)
    assert "HH-101" in at_building and "HH-102" in at_building and "HH-201" not in at_building
    assert "幸福里1号楼" in at_building
    assert "HH-301" in page(client, "/people/households/", grid=tree["g3"].code)
    assert "HH-101" not in page(client, "/people/households/", kind="floating")
    assert "福安大厦" in page(client, "/people/buildings/", q="福安")
    assert "幸福里1号楼" not in page(client, "/people/buildings/", use="commercial")
    assert "幸福便利店" in page(client, "/people/organizations/", key_unit="1")
    assert "幸福便利店" not in page(client, "/people/organizations/", key_unit="0")
    assert "幸福便利店" in page(client, "/people/organizations/", kind="shop", q="91440105")


def test_a_grid_outside_the_scope_is_ignored_with_a_message(client, personas, people_base, tree):
    login(client, personas["grid_worker"])
    text = page(client, "/people/residents/", grid=tree["g3"].code)
    assert "此条件已忽略" in text
    assert "张三" in text and "王小明" not in text


def test_a_building_outside_the_scope_is_ignored_with_a_message(client, personas, people_base):
    login(client, personas["grid_worker"])
    text = page(client, "/people/households/", building=people_base["buildings"]["c"].pk)
    assert "不在您的管辖范围内" in text and "HH-301" not in text and "HH-101" in text


@pytest.mark.parametrize(
    "params", [{"status": "nonsense"}, {"page": "abc"}, {"page": "999"}, {"building": "x"}]
)
def test_bad_filters_never_give_a_500(client, personas, people_base, params):
    login(client, personas["street_leader"])
    for url in LISTS:
        assert client.get(url, params).status_code == 200


# --- sensitive focus groups ---------------------------------------------------------


def test_a_sensitive_group_is_hidden_from_a_grid_worker(client, personas, people_base):
    login(client, personas["grid_worker"])
    text = page(client, "/people/residents/")
    assert "独居老人" in text and "残疾人" not in text
    refused = page(client, "/people/residents/", focus="disabled")
    assert "此条件已忽略" in refused and "残疾人" not in refused
    assert "张三丰" in refused  # the filter was not applied


def test_community_staff_see_and_filter_the_sensitive_group(client, personas, people_base):
    login(client, personas["community_staff"])
    text = page(client, "/people/residents/", focus="disabled")
    assert "残疾人" in text and "张三" in text and "张三丰" not in text


def test_visible_focus_groups_follow_the_roles(personas, people_base):
    def codes(user):
        return [g.code for g in queries.visible_focus_groups(user)]

    assert codes(personas["grid_worker"]) == ["elderly_alone"]
    assert codes(personas["street_leader"]) == ["elderly_alone"]
    assert codes(personas["community_staff"]) == ["elderly_alone", "disabled"]
    assert codes(personas["department_staff"]) == []


# --- masking and size ---------------------------------------------------------------


def test_lists_show_numbers_masked_only(client, personas, people_base):
    login(client, personas["street_leader"])
    text = page(client, "/people/residents/")
    zhang = people_base["residents"]["zhang"]
    assert zhang.id_masked in text and zhang.phone_masked in text
    for clear in (ZHANG_ID, ZHANG_PHONE, WANG_ID):
        assert clear not in text
    households = page(client, "/people/households/")
    assert people_base["households"]["101"].phone_masked in households
    organizations = page(client, "/people/organizations/")
    assert people_base["shop"].contact_phone_masked in organizations


def test_residents_are_paginated_by_fifty(client, personas, people_base):
    household = people_base["households"]["102"]
    for i in range(60):
        resident(household, f"测{chr(0x4E00 + i)}")
    login(client, personas["street_leader"])
    first = page(client, "/people/residents/")
    assert "共 66 条" in first and "第 1 / 2 页" in first
    assert first.count("/people/households/") >= 50
    assert "第 2 / 2 页" in page(client, "/people/residents/", page=2)


@pytest.mark.parametrize(
    ("url", "queries_"),
    [
        # session, user, grids, focus groups, count, rows, their focus tags
        ("/people/residents/", 8),
        # session, user, grids, count, rows (household, head, dwelling, building joined)
        ("/people/households/", 6),
        ("/people/buildings/", 6),
        ("/people/organizations/", 6),
    ],
)
def test_list_query_counts_are_pinned_and_do_not_grow(
    client, personas, people_base, django_assert_num_queries, url, queries_
):
    login(client, personas["street_leader"])
    client.get(url)  # warms the per-user access cache
    with django_assert_num_queries(queries_):
        assert client.get(url).status_code == 200
    household = people_base["households"]["102"]
    for i in range(30):
        resident(household, f"多{chr(0x4E00 + i)}")
    with django_assert_num_queries(queries_):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", LISTS[:3])  # organizations share the same view code
def test_the_count_stops_at_a_cap_and_pages_still_go_forward(
    client, personas, people_base, monkeypatch, url
):
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    monkeypatch.setattr(list_views, "PAGE_SIZE", 1)
    login(client, personas["street_leader"])
    first = client.get(url)
    text = first.content.decode()
    assert first.context["page"].paginator.capped
    assert "共 1+ 条" in text and "下一页" in text and "末页" not in text
    second = client.get(url, {"page": 2})  # the cap's extra row, one page further
    assert second.context["page"].number == 2 and len(second.context["page"]) == 1
