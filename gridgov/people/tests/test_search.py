"""The search: names, pinyin and initials, ID and phone numbers by POST only, addresses,
household numbers and organizations — within the user's scope, masked, in few queries."""

import pytest
from django.test import Client

from gridgov.people import queries
from gridgov.testing import (
    HOUSEHOLD_PHONE,
    SHOP_PHONE,
    WANG_ID,
    WANG_PHONE,
    ZHANG_ID,
    ZHANG_PHONE,
    login,
    resident,
)

URL = "/people/search/"


def names(results) -> list[str]:
    return [r.name for r in results.residents.rows]


# --- matching -----------------------------------------------------------------------


def test_initials_find_zhang_san_and_every_zs(personas, people_base):
    found = queries.search(personas["street_leader"], "zs")
    assert names(found) == ["张三", "赵四", "张三丰"]  # "zs" before "zsf"


@pytest.mark.parametrize("text", ["zhangs", "zhangsan", "ZhangSan", "zhang san"])
def test_full_pinyin_prefix_finds_zhang_san(personas, people_base, text):
    found = queries.search(personas["street_leader"], text)
    assert names(found)[0] == "张三"
    assert "赵四" not in names(found)


def test_a_chinese_name_matches_from_its_start(personas, people_base):
    assert names(queries.search(personas["street_leader"], "张三")) == ["张三", "张三丰"]
    assert names(queries.search(personas["street_leader"], "张")) == ["张三", "张三丰"]


def test_one_character_also_finds_names_containing_it(personas, people_base):
    found = queries.search(personas["street_leader"], "明")
    assert names(found) == ["欧阳明", "王小明"]


def test_a_given_name_is_found_inside_full_names(personas, people_base):
    assert names(queries.search(personas["street_leader"], "小明")) == ["王小明"]


def test_phone_numbers_match_exactly_through_the_blind_index(personas, people_base):
    leader = personas["street_leader"]
    assert names(queries.search(leader, ZHANG_PHONE)) == ["张三"]
    assert names(queries.search(leader, "138 0000 1111")) == ["张三"]
    assert names(queries.search(leader, "+86 138-0000-1111")) == ["张三"]
    assert names(queries.search(leader, ZHANG_PHONE[:-1] + "9")) == []
    by_household = queries.search(leader, HOUSEHOLD_PHONE)
    assert [h.number for h in by_household.households.rows] == ["HH-101"]
    by_shop = queries.search(leader, SHOP_PHONE)
    assert [o.name for o in by_shop.organizations.rows] == ["幸福便利店"]


def test_id_numbers_match_exactly_through_the_blind_index(personas, people_base):
    leader = personas["street_leader"]
    found = queries.search(leader, ZHANG_ID)
    assert found.kind == "id" and names(found) == ["张三"]
    assert names(queries.search(leader, ZHANG_ID[:-1] + "0" if ZHANG_ID[-1] != "0" else "1")) == []


def test_household_numbers_buildings_rooms_and_organizations(personas, people_base):
    leader = personas["street_leader"]
    by_number = queries.search(leader, "HH-1")
    assert [h.number for h in by_number.households.rows] == ["HH-101", "HH-102"]
    by_building = queries.search(leader, "幸福里")
    assert [b.name for b in by_building.buildings.rows] == ["幸福里1号楼", "幸福里2号楼"]
    assert [o.name for o in by_building.organizations.rows] == ["幸福便利店"]
    by_room = queries.search(leader, "幸福里1号 101")
    assert [h.number for h in by_room.households.rows] == ["HH-101"]
    by_code = queries.search(leader, "91440105MA59")
    assert [o.name for o in by_code.organizations.rows] == ["幸福便利店"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "请输入"), ("   ", "请输入"), ("z", "至少"), ("7", "至少"), ("张" * 51, "不能超过")],
)
def test_empty_or_too_short_text_gets_a_chinese_message(personas, people_base, text, message):
    found = queries.search(personas["street_leader"], text)
    assert message in found.message and found.total == 0


def test_each_group_stops_at_twenty_and_says_there_are_more(personas, people_base):
    household = people_base["households"]["102"]
    for i in range(25):
        resident(household, f"张{chr(0x4E00 + i)}")
    found = queries.search(personas["street_leader"], "张")
    assert found.residents.count == queries.LIMIT and found.residents.more


def test_prefix_ranges_stop_before_the_next_prefix():
    assert queries.next_prefix("zs") == "zt"
    assert queries.next_prefix("张") == "弡"


# --- scope --------------------------------------------------------------------------


def test_a_grid_worker_finds_nothing_outside_their_grid(personas, people_base):
    worker = personas["grid_worker"]  # g1
    assert names(queries.search(worker, "zs")) == ["张三", "张三丰"]  # not 赵四 (g2)
    assert queries.search(worker, "赵四").total == 0
    assert queries.search(worker, WANG_PHONE).total == 0
    assert queries.search(worker, WANG_ID).total == 0
    assert [b.name for b in queries.search(worker, "幸福里").buildings.rows] == ["幸福里1号楼"]


def test_community_staff_find_nothing_in_the_other_community(personas, people_base):
    staff = personas["community_staff"]  # 101: g1 and g2
    assert names(queries.search(staff, "zs")) == ["张三", "赵四", "张三丰"]
    assert queries.search(staff, "王小明").total == 0
    assert queries.search(staff, "福安").total == 0
    assert queries.search(staff, WANG_ID).total == 0


@pytest.mark.parametrize("persona", ["department_staff", "system_admin", "auditor", "stranger"])
def test_roles_without_residents_get_a_403_and_nothing(client, personas, people_base, persona):
    user = personas[persona]
    assert queries.search(user, "张三").total == 0
    login(client, user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"q": "张三"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, people_base):
    response = client.post(URL, {"q": "张三"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the page -----------------------------------------------------------------------


def test_the_page_groups_results_with_counts_and_links_to_the_household_file(
    client, personas, people_base
):
    login(client, personas["street_leader"])
    response = client.post(URL, {"q": "幸福里1号"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "楼宇" in text and "幸福里1号楼" in text and "幸福便利店" in text
    assert f"/people/buildings/{people_base['buildings']['a'].pk}/" in text
    response = client.post(URL, {"q": "张三"})
    text = response.content.decode()
    assert "居民 2" in text
    assert f"/people/households/{people_base['households']['101'].pk}/" in text


def test_numbers_show_masked_only(client, personas, people_base):
    login(client, personas["street_leader"])
    text = client.post(URL, {"q": "张三"}).content.decode()
    zhang = people_base["residents"]["zhang"]
    assert zhang.id_masked in text and zhang.phone_masked in text
    assert ZHANG_ID not in text and ZHANG_PHONE not in text


def test_an_id_number_is_searched_by_post_and_never_echoed_in_clear(client, personas, people_base):
    login(client, personas["street_leader"])
    response = client.post(URL, {"q": ZHANG_ID})
    text = response.content.decode()
    assert "张三" in text and people_base["residents"]["zhang"].id_masked in text
    assert ZHANG_ID not in text


@pytest.mark.parametrize("number", [ZHANG_ID, ZHANG_PHONE])
def test_a_number_in_the_url_is_refused_not_looked_up(client, personas, people_base, number):
    login(client, personas["street_leader"])
    response = client.get(URL, {"q": number})
    assert response.status_code == 302 and response["Location"] == URL
    text = client.get(URL).content.decode()
    assert "不要放在网址里" in text
    assert "list-group-item" not in text and number not in text


def test_names_may_come_in_the_url(client, personas, people_base):
    login(client, personas["street_leader"])
    text = client.get(URL, {"q": "zs"}).content.decode()
    assert "张三丰" in text and "赵四" in text


def test_the_form_posts_with_a_csrf_token(personas, people_base):
    client = Client(enforce_csrf_checks=True)
    login(client, personas["street_leader"])
    page = client.get(URL).content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert client.post(URL, {"q": "张三"}).status_code == 403


def test_htmx_gets_only_the_results(client, personas, people_base):
    login(client, personas["street_leader"])
    response = client.post(URL, {"q": "张三"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "张三丰" in text and "<html" not in text


def test_bad_input_gets_a_message_not_an_error(client, personas, people_base):
    login(client, personas["street_leader"])
    for text in ["", "z", "%", "'; drop table", "\x00", "张" * 500]:
        response = client.post(URL, {"q": text})
        assert response.status_code == 200, text


def test_the_menu_shows_the_search_to_roles_that_see_residents(client, personas):
    login(client, personas["grid_worker"])
    assert "人口查询" in client.get("/").content.decode()
    login(client, personas["department_staff"])
    assert "人口查询" not in client.get("/").content.decode()


def test_search_query_count_is_pinned(client, personas, people_base, django_assert_num_queries):
    """Session and user, then one query per kind of match: for a full name, the names
    starting with it, buildings and organizations; for a phone, each blind index (ids
    first) and the rows found. The count does not grow with the data."""
    login(client, personas["street_leader"])
    client.post(URL, {"q": "幸福"})  # warms the per-user access cache
    with django_assert_num_queries(5):
        assert client.post(URL, {"q": "张三"}).status_code == 200
    with django_assert_num_queries(6):
        assert client.post(URL, {"q": ZHANG_PHONE}).status_code == 200
