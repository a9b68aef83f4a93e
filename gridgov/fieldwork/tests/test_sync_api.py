"""The phone's outbox sent in one batch (POST /api/v1/field/sync): each item through its
page's form and action in a transaction of its own, answered stored, duplicate,
refused (with the page's reason) or conflict; a replayed batch stores nothing twice;
scope, audit rows and size limits."""

import base64
import datetime
import json
import uuid

import pytest
from django.utils import timezone

from gridgov.accounts.actions import create_token
from gridgov.cases.models import Case
from gridgov.core.models import AuditEntry
from gridgov.fieldwork import queries
from gridgov.fieldwork.models import ConvenienceService, DiaryItem, Request, Visit
from gridgov.fieldwork.sync import MAX_ITEMS, MAX_PHOTO_BYTES
from gridgov.fieldwork.tests.helpers import PNG
from gridgov.people.models import Household
from gridgov.testing import login

URL = "/api/v1/field/sync"


def photo(content: bytes = PNG, name: str = "门牌.png") -> dict:
    return {
        "filename": name,
        "content_type": "image/png",
        "base64": base64.b64encode(content).decode(),
    }


def item(kind: str, payload: dict, client_id: str | None = None, **extra) -> dict:
    return {"client_id": client_id or str(uuid.uuid4()), "kind": kind, "payload": payload} | extra


def post(client, items, **headers):
    return client.post(URL, {"items": items}, content_type="application/json", **headers)


def answers(response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.content
    return [(a["status"], a["reason"]) for a in response.json()["items"]]


@pytest.fixture
def worker_client(client, field):
    return login(client, field["worker"])


@pytest.fixture
def mixed(field, category):
    """One item of each kind, as the pages' forms would give them."""
    h101, h102 = field["households"]["101"], field["households"]["102"]
    return [
        item(
            "visit",
            {
                "household": str(h101.pk),
                "household_version": queries.household_version(h101),
                "kind": "routine",
                "met": "张三本人",
                "findings": "身体尚好",
                "photo": photo(),
            },
        ),
        item("diary_item", {"kind": "hazard", "text": "楼道堆放杂物", "households": "HH-101"}),
        item(
            "request",
            {
                "requester_name": "李四",
                "household": "HH-102",
                "channel": "visit",
                "content": "路灯不亮",
            },
        ),
        item("service", {"household": h102.number, "kind": "errand", "minutes": 30}),
        item(
            "case",
            {
                "category": str(category.pk),
                "title": "垃圾堆放",
                "lon": 113.2425,
                "lat": 23.1025,
                "coords": "wgs84",
                "priority": "normal",
                "source": "grid_worker",
                "photos": [photo()],
            },
        ),
    ]


def stored_counts() -> dict:
    return {
        "visit": Visit.objects.count(),
        "diary_item": DiaryItem.objects.count(),
        "request": Request.objects.count(),
        "service": ConvenienceService.objects.count(),
        "case": Case.objects.count(),
    }


def test_each_kind_is_stored_through_its_page_form_and_action(worker_client, mixed):
    response = post(worker_client, mixed)

    assert answers(response) == [("stored", None)] * 5
    visit = Visit.objects.get()
    assert visit.findings == "身体尚好" and visit.met == "张三本人" and visit.photo
    assert DiaryItem.objects.get().households.get().number == "HH-101"
    assert Request.objects.get().household.number == "HH-102"
    assert ConvenienceService.objects.get().minutes == 30
    case = Case.objects.get()
    assert case.title == "垃圾堆放" and case.photos.count() == 1
    assert case.source_ref == f"phone:{mixed[4]['client_id']}"
    ids = [a["id"] for a in response.json()["items"]]
    assert ids == [visit.pk, DiaryItem.objects.get().pk, Request.objects.get().pk,
                   ConvenienceService.objects.get().pk, case.pk]  # fmt: skip


def test_a_replayed_batch_stores_nothing_twice(worker_client, mixed):
    first = post(worker_client, mixed)
    counts = stored_counts()
    audit_rows = AuditEntry.objects.count()

    again = post(worker_client, mixed)

    assert answers(again) == [("duplicate", None)] * 5
    assert [a["id"] for a in again.json()["items"]] == [a["id"] for a in first.json()["items"]]
    assert stored_counts() == counts == dict.fromkeys(counts, 1)
    assert AuditEntry.objects.count() == audit_rows


def test_the_same_client_id_twice_in_one_batch_is_stored_once(worker_client, mixed):
    diary = mixed[1]

    assert answers(post(worker_client, [diary, diary])) == [("stored", None), ("duplicate", None)]
    assert DiaryItem.objects.count() == 1


def test_one_bad_item_is_refused_with_its_reason_and_the_others_stored(worker_client, mixed):
    bad = item("diary_item", {"kind": "hazard", "text": ""})
    batch = [mixed[0], bad, mixed[2]]

    result = answers(post(worker_client, batch))

    assert result[0] == ("stored", None) and result[2] == ("stored", None)
    status, reason = result[1]
    assert status == "refused" and reason.startswith("内容：")
    assert Visit.objects.count() == 1 and Request.objects.count() == 1
    assert DiaryItem.objects.count() == 0


def test_an_actions_refusal_is_the_reason(worker_client, field):
    long_ago = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    late = item(
        "service", {"household": "HH-101", "kind": "errand", "minutes": 10, "day": long_ago}
    )

    assert answers(post(worker_client, [late])) == [("refused", "只能补录 30 天内的记录。")]


def test_a_visit_to_a_household_changed_since_the_phone_loaded_it_is_a_conflict(
    worker_client, field, mixed
):
    h101 = field["households"]["101"]
    visit = mixed[0]
    Household.objects.filter(pk=h101.pk).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    response = post(worker_client, [visit])

    h101.refresh_from_db()
    [answer] = response.json()["items"]
    assert answer["status"] == "conflict" and "HH-101" in answer["reason"]
    assert answer["current"] == {
        "household": h101.pk,
        "number": "HH-101",
        "household_version": queries.household_version(h101),
    }
    assert not Visit.objects.exists()
    # Sent again without the version (the worker has seen the file): stored.
    del visit["payload"]["household_version"]
    assert answers(post(worker_client, [visit])) == [("stored", None)]


def test_a_members_change_counts_as_a_change_of_the_household_file(worker_client, field, mixed):
    zhang = field["residents"]["zhang"]
    type(zhang).objects.filter(pk=zhang.pk).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    assert answers(post(worker_client, [mixed[0]]))[0][0] == "conflict"


def test_a_stored_visit_sent_again_is_a_duplicate_even_after_the_household_changed(
    worker_client, field, mixed
):
    post(worker_client, [mixed[0]])
    Household.objects.filter(pk=field["households"]["101"].pk).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    assert answers(post(worker_client, [mixed[0]])) == [("duplicate", None)]


def test_a_grid_worker_cannot_sync_a_visit_to_another_grids_household(worker_client, field):
    other = field["households"]["201"]  # grid g2
    visit = item("visit", {"household": str(other.pk), "kind": "routine", "findings": "x"})
    diary = item("diary_item", {"kind": "opinion", "text": "噪音", "households": "HH-301"})

    result = answers(post(worker_client, [visit, diary]))

    assert result[0] == ("refused", "记录不存在或不在您的管辖范围内。")
    assert result[1][0] == "refused" and "HH-301" in result[1][1]
    assert not Visit.objects.exists() and not DiaryItem.objects.exists()


def test_another_workers_client_id_is_refused(client, field, mixed):
    post(login(client, field["worker"]), [mixed[1]])
    other = login(client, field["worker2"])
    taken = item("diary_item", {"kind": "opinion", "text": "别人的"}, mixed[1]["client_id"])

    assert answers(post(other, [taken])) == [("refused", "客户端编号已被使用。")]


def test_each_stored_item_writes_its_pages_audit_rows(worker_client, mixed):
    post(worker_client, mixed)

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "visit.record",
        "diary.open",
        "diary.add_item",
        "request.record",
        "service.record",
        "case.report",
        "case.phone_report",
    } <= actions
    assert set(AuditEntry.objects.values_list("actor_name", flat=True)) == {"grid101001"}


def test_the_recorded_time_dates_an_item_without_its_own(worker_client, field):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    diary = item(
        "diary_item", {"kind": "opinion", "text": "昨天记的"}, recorded_at=yesterday.isoformat()
    )

    assert answers(post(worker_client, [diary])) == [("stored", None)]
    assert DiaryItem.objects.get().entry.day == timezone.localtime(yesterday).date()


def test_a_bearer_token_works_like_the_session(client, field, mixed):
    _token, clear = create_token(field["worker"], "手机")

    response = post(client, [mixed[1]], HTTP_AUTHORIZATION=f"Bearer {clear}")

    assert answers(response) == [("stored", None)]


def test_the_session_needs_the_csrf_header(field, mixed):
    from django.test import Client

    strict = login(Client(enforce_csrf_checks=True), field["worker"])

    assert post(strict, [mixed[1]]).status_code == 403
    strict.get("/field/diary/")
    token = strict.cookies["csrftoken"].value
    assert answers(post(strict, [mixed[1]], HTTP_X_CSRFTOKEN=token)) == [("stored", None)]


@pytest.mark.parametrize("who", ["stranger", "leader", None])
def test_only_those_who_record_may_sync(client, field, personas, who, mixed):
    if who:
        login(client, personas[who] if who in personas else field[who])
    response = post(client, [mixed[1]])
    assert response.status_code == (401 if who is None else 403)
    assert not DiaryItem.objects.exists()


# -- size limits ---------------------------------------------------------------------------


def test_at_most_fifty_items_a_batch(worker_client, field):
    many = [
        item("diary_item", {"kind": "opinion", "text": f"第{i}条"}) for i in range(MAX_ITEMS + 1)
    ]

    assert post(worker_client, many).status_code == 422
    assert answers(post(worker_client, many[:MAX_ITEMS])) == [("stored", None)] * MAX_ITEMS


def test_a_photo_over_one_megabyte_or_not_an_image_is_refused(worker_client, field):
    h101 = field["households"]["101"]
    big = PNG + b"\x00" * MAX_PHOTO_BYTES
    visits = [
        item("visit", {"household": str(h101.pk), "kind": "routine", "photo": photo(big)}),
        item("visit", {"household": str(h101.pk), "kind": "routine", "photo": photo(b"MZ\x90")}),
        item("visit", {"household": str(h101.pk), "kind": "routine", "photo": {"base64": "!!"}}),
    ]

    result = answers(post(worker_client, visits))

    assert [status for status, _r in result] == ["refused"] * 3
    assert "超过 1024 KB" in result[0][1]
    assert "不是 JPEG、PNG 或 WebP 图片" in result[1][1]
    assert "无法读取" in result[2][1]
    assert not Visit.objects.exists()


def test_a_body_over_the_limit_is_413_json(worker_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"items": [item("diary_item", {"kind": "opinion", "text": "长" * 1000})]})

    response = worker_client.post(URL, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["detail"] == "请求体过大，请分批发送。"


def test_a_malformed_item_is_the_callers_422(worker_client):
    response = post(worker_client, [{"client_id": "x", "kind": "visit", "payload": {}}])
    assert response.status_code == 422
    response = post(worker_client, [item("patrol", {})])
    assert response.status_code == 422
