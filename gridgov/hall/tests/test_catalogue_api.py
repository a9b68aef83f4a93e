"""The public catalogue API: no login, published items only, nothing but the items'
reference data; search as on the page; a documented 404 for drafts and unknown codes."""

import json

import pytest

ITEMS = "/api/v1/hall/items"
ITEM_FIELDS = {
    *("code", "name", "theme", "theme_label", "department", "statutory_days"),
    *("promised_days", "fee", "online", "window_group", "window_group_name"),
}


def test_anyone_lists_the_published_items_and_nothing_else(client, hall):
    response = client.get(ITEMS)
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body] == ["LL-001", "MZ-001", "SB-001"]
    allowance = body[1]
    assert set(allowance) == ITEM_FIELDS
    assert allowance == allowance | {
        "name": "最低生活保障申请",
        "theme": "civil_affairs",
        "theme_label": "民政救助",
        "statutory_days": 20,
        "promised_days": 10,
        "fee": "不收费",
        "online": False,
        "window_group": "B",
        "window_group_name": "民政",
    }


@pytest.mark.parametrize(
    "params, codes",
    [
        ({"q": "zuidi"}, ["MZ-001"]),
        ({"q": "zdshbz"}, ["MZ-001"]),
        ({"q": "养老"}, ["SB-001"]),
        ({"theme": "elderly"}, ["LL-001"]),
        ({"q": "居住证", "theme": "social_security"}, ["SB-001"]),
        ({"q": "尚未发布"}, []),
        ({"street": "440105008"}, ["LL-001", "MZ-001", "SB-001"]),
    ],
)
def test_search_and_theme(client, hall, params, codes):
    assert [item["code"] for item in client.get(ITEMS, params).json()] == codes


def test_a_wrong_theme_is_a_422_and_an_unknown_street_a_404(client, hall):
    assert client.get(ITEMS, {"theme": "lottery"}).status_code == 422
    response = client.get(ITEMS, {"street": "440105009"})
    assert response.status_code == 404
    assert response.json()["detail"] == "没有这个服务中心。"


def test_one_item_with_its_materials_and_windows(client, hall):
    body = client.get(f"{ITEMS}/MZ-001").json()
    assert set(body) == ITEM_FIELDS | {
        "legal_basis",
        "authority",
        "conditions",
        "materials",
        "windows",
    }
    assert body["windows"] == [2]
    assert body["conditions"] == "本街道户籍或居住证持有人"
    assert [(m["name"], m["form"], m["form_label"], m["count"]) for m in body["materials"]] == [
        ("居民身份证", "both", "原件和复印件", 1),
        ("家庭收入证明", "original", "原件", 1),
        ("低保申请书", "original", "原件", 1),
    ]
    assert client.get(f"{ITEMS}/SB-001").json()["windows"] == [1, 2]


@pytest.mark.parametrize("code", ["SB-099", "NO-SUCH"])
def test_a_draft_or_unknown_item_is_a_404(client, hall, code):
    response = client.get(f"{ITEMS}/{code}")
    assert response.status_code == 404
    assert response.json() == {"detail": "没有这个事项，或它未发布。"}


def test_the_openapi_documents_the_404_and_asks_for_no_login(client, hall):
    schema = json.loads(client.get("/api/openapi.json").content)
    for route in (ITEMS, ITEMS + "/{code}"):
        operation = schema["paths"][route]["get"]
        assert {"200", "404"} <= set(operation["responses"])
        assert not operation.get("security")


def test_query_counts_are_pinned(client, hall, django_assert_num_queries):
    with django_assert_num_queries(2):  # the hall, the items with their groups
        assert client.get(ITEMS, {"q": "zdshbz"}).status_code == 200
    with django_assert_num_queries(4):  # the hall, the item, its materials, its windows
        assert client.get(f"{ITEMS}/MZ-001").status_code == 200
