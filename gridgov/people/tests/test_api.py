"""The read API of base data: people.view or 403, scope or 404, masked numbers only."""

import json

import pytest

from gridgov.testing import (
    HOUSEHOLD_PHONE,
    SHOP_PHONE,
    WANG_ID,
    WANG_PHONE,
    ZHANG_ID,
    ZHANG_PHONE,
    login,
)

API = "/api/v1/people"
CLEAR = (ZHANG_ID, ZHANG_PHONE, WANG_ID, WANG_PHONE, HOUSEHOLD_PHONE, SHOP_PHONE)


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response["Content-Type"].startswith("application/json")
    return response


def no_clear_numbers(response):
    text = response.content.decode()
    for number in CLEAR:
        assert number not in text, number


def search(client, text):
    return client.post(f"{API}/search", {"text": text}, content_type="application/json")


def test_anonymous_callers_get_a_json_401(client, people_base):
    assert get(client, "/residents").status_code == 401


@pytest.mark.parametrize("persona", ["department_staff", "system_admin", "auditor", "stranger"])
@pytest.mark.parametrize("path", ["/residents", "/households", "/buildings", "/organizations"])
def test_roles_without_residents_get_a_403(client, personas, people_base, persona, path):
    login(client, personas[persona])
    response = get(client, path)
    assert response.status_code == 403 and response.json()["detail"]
    assert search(client, "张三").status_code == 403


def test_residents_are_scoped_paginated_and_masked(client, personas, people_base):
    login(client, personas["grid_worker"])
    response = get(client, "/residents")
    body = response.json()
    assert body["count"] == 4
    assert {r["name"] for r in body["items"]} == {"张三", "李四", "张三丰", "欧阳明"}
    zhang = next(r for r in body["items"] if r["name"] == "张三")
    assert zhang["id_masked"] == people_base["residents"]["zhang"].id_masked
    assert zhang["household_number"] == "HH-101" and zhang["dwelling"] == "幸福里1号楼1单元101"
    assert not {"id_cipher", "id_index", "phone_cipher"} & set(zhang)
    no_clear_numbers(response)


def resident_names(client, **params) -> set[str]:
    return {r["name"] for r in get(client, "/residents", **params).json()["items"]}


def household_numbers(client, **params) -> list[str]:
    return [h["number"] for h in get(client, "/households", **params).json()["items"]]


def test_resident_filters(client, personas, people_base, tree):
    login(client, personas["street_leader"])
    assert resident_names(client, grid=tree["g2"].code) == {"赵四"}
    assert resident_names(client, q="zs") == {"张三", "张三丰", "赵四"}
    assert resident_names(client, q="小明") == {"王小明"}
    assert resident_names(client, registration="floating") == {"李四"}
    assert resident_names(client, status="moved_out") == {"欧阳明"}
    assert resident_names(client, focus="elderly_alone") == {"张三"}


def test_bad_resident_filters_are_field_errors(client, personas, people_base, tree):
    login(client, personas["grid_worker"])
    outside = get(client, "/residents", grid=tree["g3"].code)
    assert outside.status_code == 400 and outside.json()["field"] == "grid"
    sensitive = get(client, "/residents", focus="disabled")
    assert sensitive.status_code == 400 and sensitive.json()["field"] == "focus"
    assert get(client, "/residents", status="nonsense").status_code == 422


def test_one_resident_with_visible_focus_groups_only(client, personas, people_base):
    zhang = people_base["residents"]["zhang"]
    login(client, personas["grid_worker"])
    response = get(client, f"/residents/{zhang.pk}")
    body = response.json()
    assert body["name"] == "张三" and body["address"] == "南华西路幸福里1号"
    assert [tag["code"] for tag in body["focus"]] == ["elderly_alone"]
    no_clear_numbers(response)
    login(client, personas["community_staff"])
    body = get(client, f"/residents/{zhang.pk}").json()
    assert [tag["code"] for tag in body["focus"]] == ["elderly_alone", "disabled"]


@pytest.mark.parametrize(
    ("persona", "kind", "key"),
    [
        ("grid_worker", "residents", "zhao"),
        ("grid_worker", "households", "201"),
        ("grid_worker", "buildings", "b"),
        ("community_staff", "residents", "wang"),
        ("community_staff", "households", "301"),
        ("community_staff", "buildings", "c"),
    ],
)
def test_records_outside_the_scope_are_404_like_missing_ones(
    client, personas, people_base, persona, kind, key
):
    login(client, personas[persona])
    record = people_base[kind][key]
    hidden = get(client, f"/{kind}/{record.pk}")
    missing = get(client, f"/{kind}/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_household_with_its_members(client, personas, people_base):
    household = people_base["households"]["101"]
    login(client, personas["community_staff"])
    response = get(client, f"/households/{household.pk}")
    body = response.json()
    assert body["number"] == "HH-101" and body["head_name"] == "张三"
    assert body["phone_masked"] == household.phone_masked
    assert [(m["name"], m["relation"]) for m in body["members"]] == [
        ("张三", "head"),
        ("李四", "spouse"),
    ]
    no_clear_numbers(response)


def test_households_list_and_filters(client, personas, people_base):
    login(client, personas["street_leader"])
    assert household_numbers(client) == ["HH-101", "HH-102", "HH-201", "HH-301"]
    assert household_numbers(client, building=people_base["buildings"]["a"].pk) == [
        "HH-101",
        "HH-102",
    ]
    assert household_numbers(client, q="HH-2") == ["HH-201"]
    login(client, personas["grid_worker"])
    outside = get(client, "/households", building=people_base["buildings"]["c"].pk)
    assert outside.status_code == 400 and outside.json()["field"] == "building"


def test_a_building_with_its_dwellings(client, personas, people_base):
    building = people_base["buildings"]["a"]
    login(client, personas["grid_worker"])
    body = get(client, f"/buildings/{building.pk}").json()
    assert body["name"] == "幸福里1号楼"
    assert [(d["unit"], d["room"], d["households"]) for d in body["dwellings"]] == [
        ("1", "101", 1),
        ("1", "102", 1),
    ]
    assert [b["name"] for b in get(client, "/buildings").json()["items"]] == ["幸福里1号楼"]


def test_organizations(client, personas, people_base):
    login(client, personas["community_staff"])
    response = get(client, "/organizations", key_unit="true")
    items = response.json()["items"]
    assert [o["name"] for o in items] == ["幸福便利店"]
    assert items[0]["contact_phone_masked"] == people_base["shop"].contact_phone_masked
    no_clear_numbers(response)
    assert get(client, "/organizations", key_unit="false").json()["items"] == []
    login(client, personas["grid_worker"])
    assert get(client, "/organizations", kind="school").json()["count"] == 0


def test_search_groups_results_and_masks_the_number_it_was_given(client, personas, people_base):
    login(client, personas["street_leader"])
    response = search(client, ZHANG_ID)
    body = response.json()
    assert response.status_code == 200 and body["kind"] == "id"
    assert [r["name"] for r in body["residents"]["items"]] == ["张三"]
    assert body["residents"]["count"] == 1 and body["residents"]["more"] is False
    assert body["text"] == people_base["residents"]["zhang"].id_masked
    no_clear_numbers(response)
    by_name = search(client, "幸福里").json()
    assert [b["name"] for b in by_name["buildings"]["items"]] == ["幸福里1号楼", "幸福里2号楼"]
    assert [o["name"] for o in by_name["organizations"]["items"]] == ["幸福便利店"]


def test_search_is_scoped(client, personas, people_base):
    login(client, personas["grid_worker"])
    body = search(client, "zs").json()
    assert [r["name"] for r in body["residents"]["items"]] == ["张三", "张三丰"]
    assert search(client, WANG_PHONE).json()["residents"]["count"] == 0


def test_search_text_is_never_taken_from_the_url(client, personas, people_base):
    login(client, personas["street_leader"])
    assert client.get(f"{API}/search", {"text": ZHANG_ID}).status_code == 405
    short = search(client, "z").json()
    assert short["message"] and short["residents"]["count"] == 0
    too_long = client.post(f"{API}/search", {"text": "x" * 300}, content_type="application/json")
    assert too_long.status_code == 422


def test_the_openapi_documents_the_errors(client, people_base):
    schema = json.loads(client.get("/api/openapi.json").content)
    for path in ("/api/v1/people/residents", "/api/v1/people/households/{household_id}"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "404"} <= set(responses)
    assert "/api/v1/people/search" in schema["paths"]


def test_list_query_counts_are_pinned(client, personas, people_base, django_assert_num_queries):
    """Session, user, count and one page of rows with their joins."""
    login(client, personas["street_leader"])
    get(client, "/residents")  # warms the per-user access cache
    with django_assert_num_queries(5):
        assert get(client, "/residents").status_code == 200
    with django_assert_num_queries(5):
        assert get(client, "/households").status_code == 200
