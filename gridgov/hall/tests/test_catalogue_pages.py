"""The public catalogue a resident opens on a phone, without logging in: the hall's
published items grouped by theme, found by keyword, full pinyin or initials; an item's
page with its materials, time limits, fee and the windows that take it. Drafts and
withdrawn items are not there."""

import re

import pytest
from django.urls import reverse

from gridgov.hall.models import ItemStatus, Material, MaterialForm

CATALOGUE = reverse("hall:catalogue")


def item_url(code):
    return reverse("hall:item_detail", args=[code])


def _codes(response):
    return [item.code for group in response.context["shown"] for item in group.items]


def test_anyone_sees_the_published_items_grouped_by_theme_without_logging_in(client, hall):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert [(g.label, g.count) for g in response.context["groups"]] == [
        ("社会保障", 1),
        ("民政救助", 1),
        ("老龄服务", 1),
    ]
    page = response.text
    assert "南华西街道政务服务中心" in page
    for name in ("城乡居民养老保险参保登记", "最低生活保障申请", "高龄老人津贴申领"):
        assert name in page
    assert "尚未发布的事项" not in page
    assert item_url("MZ-001") in page
    assert "承诺 10 个工作日" in page and "B 区窗口" in page


def test_a_withdrawn_item_leaves_the_catalogue(client, hall):
    hall["items"]["elderly"].status = ItemStatus.WITHDRAWN
    hall["items"]["elderly"].save()
    response = client.get(CATALOGUE)
    assert _codes(response) == ["SB-001", "MZ-001"]
    assert "高龄老人津贴申领" not in response.text


@pytest.mark.parametrize(
    "q, codes",
    [
        ("生活保障", ["MZ-001"]),
        ("mz-001", ["MZ-001"]),
        ("社区事务受理中心", ["SB-001", "MZ-001", "LL-001"]),  # department
        ("居住证", ["SB-001", "MZ-001", "LL-001"]),  # conditions
        ("养老 参保", ["SB-001"]),  # every word
        ("zuidi", ["MZ-001"]),  # full pinyin, from the start
        ("Zui Di", ["MZ-001"]),
        ("zdshbz", ["MZ-001"]),  # initials
        ("gllrjt", ["LL-001"]),
        ("dishenghuo", []),  # pinyin only from the start of the name
        ("尚未发布", []),  # drafts are not found either
        ("低保", ["MZ-001"]),  # an alias
        ("dibao", ["MZ-001"]),  # an alias's full pinyin
        ("db", ["MZ-001"]),  # an alias's initials
    ],
)
def test_search_by_keyword_pinyin_or_initials(client, hall, q, codes):
    response = client.get(CATALOGUE, {"q": q})
    assert _codes(response) == codes
    if not codes:
        assert "没有找到相关事项。" in response.text


@pytest.mark.parametrize("q", ["残疾证", "canjizheng", "cjz", "办残疾证", "bcjz"])
def test_any_alias_finds_the_item_as_its_name_would(client, disability_card, q):
    assert _codes(client.get(CATALOGUE, {"q": q})) == [disability_card.code]


def test_a_theme_shows_its_items_and_keeps_the_counts_of_the_others(client, hall):
    response = client.get(CATALOGUE, {"theme": "elderly"})
    assert _codes(response) == ["LL-001"]
    assert len(response.context["groups"]) == 3
    assert 'href="?theme=civil_affairs"' in response.text


def test_the_page_takes_a_street_and_keeps_it_in_its_links(client, hall, tree):
    response = client.get(CATALOGUE, {"street": "440105008"})
    assert f"{item_url('MZ-001')}?street=440105008" in response.text
    assert client.get(CATALOGUE, {"street": tree["other_street"].code}).status_code == 404


def test_the_list_runs_two_queries(client, hall, django_assert_num_queries):
    """The hall, then the items with their window groups."""
    with django_assert_num_queries(2):
        assert client.get(CATALOGUE, {"q": "zdshbz"}).status_code == 200


def test_an_item_page_says_everything_needed_to_come_prepared(client, hall):
    response = client.get(item_url("MZ-001"))
    assert response.status_code == 200
    page = response.text
    assert "请到 B 区（民政）窗口办理" in page
    assert "受理窗口：2 号" in page  # window 1 calls only A; 8 is the pick-up window
    materials = [(m.name, m.get_form_display()) for m in response.context["materials"]]
    assert materials == [
        ("居民身份证", "原件和复印件"),
        ("家庭收入证明", "原件"),
        ("低保申请书", "原件"),
    ]
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "承诺时限 10 个工作日 法定时限 20 个工作日 收费 不收费" in text
    assert "《广州市社会保险条例》" in page and "公共服务" in page
    assert "南华西街道社区事务受理中心" in page and "本街道户籍或居住证持有人" in page
    pension = client.get(item_url("SB-001")).text
    assert "请到 A 区（社保）窗口办理" in pension and "受理窗口：1、2 号" in pension


def test_an_item_page_runs_four_queries(client, hall, django_assert_num_queries):
    """The hall, the item with its group, its materials, the group's windows."""
    with django_assert_num_queries(4):
        assert client.get(item_url("MZ-001")).status_code == 200


@pytest.mark.parametrize("code", ["SB-099", "NO-SUCH"])
def test_a_draft_or_unknown_item_is_a_friendly_404(client, hall, code):
    response = client.get(item_url(code))
    assert response.status_code == 404
    assert "没有这个事项" in response.text and "尚未发布的事项" not in response.text


def test_a_withdrawn_item_is_a_404(client, hall):
    hall["items"]["pension"].status = ItemStatus.WITHDRAWN
    hall["items"]["pension"].save()
    assert client.get(item_url("SB-001")).status_code == 404


def test_only_a_web_address_becomes_a_sample_link(client, hall):
    item = hall["items"]["elderly"]
    Material.objects.create(
        item=item,
        sort=1,
        name="申请表",
        form=MaterialForm.ORIGINAL,
        sample="https://nhx.example/a.pdf",
    )
    Material.objects.create(
        item=item, sort=2, name="委托书", form=MaterialForm.ORIGINAL, sample="javascript:alert(1)"
    )
    page = client.get(item_url("LL-001")).text
    assert 'href="https://nhx.example/a.pdf"' in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page


def test_without_any_hall_the_catalogue_is_a_404(client, db):
    assert client.get(CATALOGUE).status_code == 404
