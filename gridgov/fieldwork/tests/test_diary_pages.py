"""The diary pages: writing the day's diary on the phone, editing and converting its
items, a dispute's mediation, and community staff's reader with missing days and
comments; scope and pinned query counts."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.fieldwork import diary_actions, queries
from gridgov.fieldwork.models import DiaryComment, DiaryEntry, DiaryItem, Request
from gridgov.testing import login, make_user

TODAY = timezone.localdate()


def test_writing_the_days_diary(client, field):
    login(client, field["worker"])
    page = client.get("/field/diary/")
    assert page.status_code == 200 and "当天还没有记日志" in page.content.decode()
    assert not DiaryEntry.objects.exists()  # looking opens nothing
    data = {
        "kind": "dispute",
        "text": "楼上漏水",
        "households": "HH-101，HH-102",
        "parties": "张三、李四",
    }
    response = client.post("/field/diary/", data)
    assert response.status_code == 302 and response["Location"] == f"/field/diary/?day={TODAY}"
    item = DiaryItem.objects.get()
    assert sorted(h.number for h in item.households.all()) == ["HH-101", "HH-102"]
    assert item.mediation.parties == "张三、李四"
    text = client.get(response["Location"]).content.decode()
    assert "楼上漏水" in text and "调解中" in text and "已记 1 条" in text


def test_a_household_outside_the_grid_is_refused_beside_its_field(client, field):
    login(client, field["worker"])
    response = client.post(
        "/field/diary/", {"kind": "opinion", "text": "x", "households": "HH-201"}
    )
    assert response.status_code == 400
    assert "户号 HH-201 不存在或不在您的管辖范围内" in response.content.decode()
    assert not DiaryItem.objects.exists()


def test_the_diary_page_is_for_grid_workers(client, field):
    for other in ("staff", "leader", "street_staff"):
        login(client, field[other])
        assert client.get("/field/diary/").status_code == 403


def test_the_diary_page_query_count_does_not_grow_with_items(
    client, field, django_assert_num_queries
):
    worker = field["worker"]
    diary_actions.add_item(
        worker, kind="opinion", text="第一条", households=[field["households"]["101"]]
    )
    login(client, worker)
    client.get("/")
    with django_assert_num_queries(8) as few:
        assert client.get("/field/diary/").status_code == 200
    for n in range(4):
        diary_actions.add_item(
            worker, kind="dispute", text=f"纠纷{n}", households=[field["households"]["102"]]
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/field/diary/").status_code == 200


def test_editing_converting_and_mediating_an_item(client, field, category):
    item = diary_actions.add_item(field["worker"], kind="hazard", text="消防通道堵塞")
    login(client, field["worker"])
    assert client.get(f"/field/diary/items/{item.pk}/edit/").status_code == 200
    client.post(f"/field/diary/items/{item.pk}/edit/", {"kind": "dispute", "text": "占道纠纷"})
    item.refresh_from_db()
    assert item.kind == "dispute" and item.mediation.state == "open"
    response = client.post(
        f"/field/diary/mediations/{item.mediation.pk}/",
        {"parties": "甲、乙", "mediator": "王主任", "outcome": "达成协议", "state": "settled"},
    )
    assert response.status_code == 302
    item.mediation.refresh_from_db()
    assert item.mediation.state == "settled"
    response = client.post(
        f"/field/diary/items/{item.pk}/case/",
        {"case_category": category.pk, "case_title": "占道", "priority": "normal"},
    )
    assert response["Location"] == f"/cases/{Case.objects.get().pk}/"
    response = client.post(
        f"/field/diary/items/{item.pk}/request/", {"requester_name": "甲", "content": "请处理占道"}
    )
    request = Request.objects.get()
    assert response["Location"] == f"/field/requests/{request.pk}/" and request.channel == "diary"


def test_another_workers_item_is_404(client, field):
    item = diary_actions.add_item(field["worker"], kind="opinion", text="x")
    login(client, field["worker2"])
    for url in ("edit/", "case/", "request/"):
        assert client.get(f"/field/diary/items/{item.pk}/{url}").status_code == 404
    login(client, field["staff"])  # community staff may convert, not edit the worker's words
    assert client.get(f"/field/diary/items/{item.pk}/edit/").status_code == 403
    assert client.get(f"/field/diary/items/{item.pk}/case/").status_code == 200


@pytest.fixture
def week(field, tree):
    """Worker 1 wrote every working day of the last two weeks but one; worker 2 none."""
    days = queries.working_days(TODAY - datetime.timedelta(days=14), TODAY)
    skipped = days[-3]
    for day in days:
        if day != skipped:
            entry = DiaryEntry(worker=field["worker"], day=day)
            entry.place_in(tree["g1"])
            entry.save()
    return {"days": days, "skipped": skipped}


def test_the_reader_shows_each_workers_day_and_missing_days(client, field, week):
    login(client, field["staff"])
    response = client.get("/field/diaries/")
    assert response.status_code == 200
    rows = {str(r["worker"]): r for r in response.context["rows"]}
    assert set(rows) == {"grid101001", "grid101002"}
    assert rows["grid101001"]["missing"] == 1 and rows["grid101002"]["missing"] == 7
    written = dict(rows["grid101001"]["strip"])
    assert written[week["skipped"]] is False
    assert "缺 1 天" in response.content.decode()


def test_the_reader_shows_only_the_communitys_workers(client, field, tree, week):
    make_user("grid102001", "grid_worker", tree["g3"])
    login(client, field["staff102"])
    rows = client.get("/field/diaries/").context["rows"]
    assert [str(r["worker"]) for r in rows] == ["grid102001"]
    entry = DiaryEntry.objects.filter(worker=field["worker"]).first()
    assert client.get(f"/field/diaries/{entry.pk}/").status_code == 404


def test_the_reader_query_count_is_pinned(client, field, week, django_assert_num_queries):
    login(client, field["staff"])
    client.get("/")
    with django_assert_num_queries(6):
        assert client.get("/field/diaries/").status_code == 200


def test_community_staff_comment_on_an_entry(client, field, week):
    entry = DiaryEntry.objects.filter(worker=field["worker"]).first()
    login(client, field["staff"])
    assert client.get(f"/field/diaries/{entry.pk}/").status_code == 200
    response = client.post(f"/field/diaries/{entry.pk}/", {"text": "请跟进"})
    assert response.status_code == 302 and DiaryComment.objects.get().text == "请跟进"
    login(client, field["leader"])  # leaders read, they do not comment
    page = client.get(f"/field/diaries/{entry.pk}/").content.decode()
    assert "请跟进" in page and "提交批阅" not in page
    client.post(f"/field/diaries/{entry.pk}/", {"text": "领导意见"})
    assert DiaryComment.objects.count() == 1
    login(client, field["worker"])
    assert client.get("/field/diaries/").status_code == 403


def test_missing_days_are_counted_on_working_days_only(db):
    from gridgov.cases.models import SpecialDay

    monday = datetime.date(2026, 9, 28)  # the week of National Day
    SpecialDay.objects.create(date=datetime.date(2026, 10, 1), kind="holiday", name="国庆节")
    SpecialDay.objects.create(date=datetime.date(2026, 10, 10), kind="makeup", name="调休")
    days = queries.working_days(monday, datetime.date(2026, 10, 11))
    assert datetime.date(2026, 10, 1) not in days  # a holiday on a Thursday
    assert datetime.date(2026, 10, 3) not in days  # a Saturday
    assert datetime.date(2026, 10, 10) in days  # a Saturday worked in exchange
    assert len(days) == 10
