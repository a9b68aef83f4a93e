"""The grid worker's "today" (/field/): one list ordered by urgency — an overdue case,
households due a visit, the diary not yet written, the patrol not yet started — each
item one tap from its form; the month's counts; a supervisor's board of their grid
workers and a worker's day read-only (404 outside scope); grid workers land on it
after login; its query count does not grow with the work."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases.actions import report_case
from gridgov.cases.models import Case, CaseEvent
from gridgov.fieldwork import actions, diary_actions, rule_actions, visit_actions
from gridgov.fieldwork.today import month_counts
from gridgov.people.models import Household
from gridgov.testing import PASSWORD, login


@pytest.fixture(autouse=True)
def _monday_afternoon(clock):
    return clock


@pytest.fixture
def work(field, tree, category):
    """The usual visit rules with every household recorded long ago (all due), and a
    case handled in g1 whose follow-up was due an hour ago."""
    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at="2020-01-01T00:00:00+08:00")
    case = report_case(None, category=category, title="垃圾堆放", grid=tree["g1"])
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status="handled",
        assignee=field["worker"],
        handled_at=now - datetime.timedelta(hours=5),
        due_at=now - datetime.timedelta(hours=1),
    )
    return field | {"case": case}


def todo(response) -> list[str]:
    return [item.kind for item in response.context["day"].items]


def test_today_lists_the_days_work_most_urgent_first(client, work):
    login(client, work["worker"])
    response = client.get("/field/")
    assert response.status_code == 200
    assert todo(response) == ["follow_up", "visit", "visit", "diary", "patrol"]
    items = response.context["day"].items
    assert items[0].late and items[0].badge == "超时 1 小时"
    assert items[0].url == f"/cases/{work['case'].pk}/#case-actions-title"
    household = work["households"]["101"]
    assert f"/field/visits/new/?household={household.pk}&kind=" in items[1].url + items[2].url
    assert (items[3].url, items[4].url) == ("/field/diary/", "/field/patrol/")
    text = response.content.decode()
    assert "今日待办" in text and "鳌洲第一网格" in text and "<svg" in text
    assert "今日民情日志未写" in text and "今日巡查未开始" in text and "回访：垃圾堆放" in text
    assert "HH-201" not in text  # another grid's household


def test_a_case_to_verify_and_a_later_follow_up_take_their_places(client, work, category, tree):
    now = timezone.now()
    verify = report_case(None, category=category, title="井盖缺失", grid=tree["g2"])
    Case.objects.filter(pk=verify.pk).update(
        verifier=work["worker"], verify_due_at=now + datetime.timedelta(minutes=20)
    )
    later = report_case(None, category=category, title="路灯不亮", grid=tree["g1"])
    Case.objects.filter(pk=later.pk).update(
        status="handled", due_at=now + datetime.timedelta(days=2)
    )
    login(client, work["worker"])
    response = client.get("/field/")
    assert todo(response) == [
        "follow_up",
        "verify",
        "visit",
        "visit",
        "diary",
        "patrol",
        "follow_up",
    ]
    assert response.context["day"].items[1].badge == "15:20 前"


def test_done_work_leaves_the_list(client, work):
    worker = work["worker"]
    for number in ("101", "102"):
        visit_actions.record_visit(worker, kind="routine", household=work["households"][number])
    diary_actions.add_item(worker, kind="opinion", text="居民希望增加垃圾桶")
    actions.start_patrol(worker)
    Case.objects.filter(pk=work["case"].pk).update(status="followed_up")
    login(client, worker)
    response = client.get("/field/")
    assert todo(response) == []
    text = response.content.decode()
    assert "今天的事都办完了" in text and "巡查进行中" in text


def test_more_households_than_shown_lead_to_the_due_list(client, work, monkeypatch):
    monkeypatch.setattr("gridgov.fieldwork.today.VISITS_SHOWN", 1)
    login(client, work["worker"])
    response = client.get("/field/")
    assert todo(response) == ["follow_up", "visit", "more_visits", "diary", "patrol"]
    assert response.context["day"].items[2].url == "/field/visits/due/"


def test_no_diary_is_asked_for_on_a_day_off(client, work, clock):
    clock.now += datetime.timedelta(days=5)  # Saturday
    login(client, work["worker"])
    assert "diary" not in todo(client.get("/field/"))


def test_the_months_counts(work, category, tree):
    worker = work["worker"]
    now = timezone.now()
    for hours in (3, 1):  # two patrols on one day, an hour each
        patrol = actions.start_patrol(worker, started_at=now - datetime.timedelta(hours=hours + 1))
        actions.stop_patrol(worker, patrol, now=now - datetime.timedelta(hours=hours))
    visit_actions.record_visit(worker, kind="routine", household=work["households"]["101"])
    report_case(worker, category=category, title="占道经营", grid=tree["g1"])
    handled = {
        "on_time": now - datetime.timedelta(hours=2),
        "late": now - datetime.timedelta(days=9),
    }
    for title, at in handled.items():
        case = report_case(None, category=category, title=title, grid=tree["g1"])
        Case.objects.filter(pk=case.pk).update(handled_at=at)
        CaseEvent.objects.create(
            case=case,
            actor=worker,
            actor_name=str(worker),
            action="follow_up",
            from_status="handled",
            to_status="followed_up",
            created_at=now,
        )
    month = month_counts(worker, worker, timezone.localdate())
    assert (month.patrol_days, month.patrol_hours) == (1, 2.0)
    assert (month.visits, month.cases_found) == (1, 1)
    assert (month.follow_ups, month.follow_ups_on_time) == (2, 1)


def test_the_query_count_does_not_grow_with_the_work(
    client, work, category, tree, django_assert_num_queries
):
    worker = work["worker"]
    login(client, worker)
    client.get("/field/")  # the cached menu, access and calendar, as on every later page
    with django_assert_num_queries(13):
        assert client.get("/field/").status_code == 200
    now = timezone.now()
    for n in range(5):
        case = report_case(worker, category=category, title=f"问题{n}", grid=tree["g1"])
        Case.objects.filter(pk=case.pk).update(
            status="handled", assignee=worker, due_at=now + datetime.timedelta(hours=n)
        )
        patrol = actions.start_patrol(worker, started_at=now - datetime.timedelta(minutes=50 - n))
        actions.stop_patrol(worker, patrol, now=now - datetime.timedelta(minutes=40 - n))
        visit_actions.record_visit(worker, kind="routine", household=work["households"]["101"])
    with django_assert_num_queries(13):
        response = client.get("/field/")
    assert len(response.context["day"].items) >= 7


def test_a_grid_worker_lands_on_today_after_login_and_others_do_not(client, field):
    response = client.post(
        "/accounts/login/", {"username": field["worker"].username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/field/"
    client.logout()
    response = client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    assert response["Location"] == "/"


def test_supervisors_go_from_today_to_their_board(client, field):
    login(client, field["staff"])
    assert client.get("/field/")["Location"] == "/field/workers/"
    login(client, field["leader"])
    assert client.get("/field/")["Location"] == "/field/workers/"


# -- the supervisors' board and a worker's day, read-only ------------------------------


def test_community_staff_see_their_workers_days(client, work, django_assert_num_queries):
    actions.start_patrol(work["worker"])
    diary_actions.add_item(work["worker2"], kind="good_deed", text="邻里互助")
    login(client, work["staff"])
    client.get("/")
    with django_assert_num_queries(9):
        response = client.get("/field/workers/")
    rows = {row.worker.username: row for row in response.context["rows"]}
    assert set(rows) == {"grid101001", "grid101002"}
    assert rows["grid101001"].patrol.is_running and rows["grid101001"].diary_items is None
    assert rows["grid101002"].patrol is None and rows["grid101002"].diary_items == 1
    text = response.content.decode()
    assert "巡查中" in text and "日志 1 条" in text and "日志未写" in text


def test_a_supervisor_reads_a_workers_today_without_its_forms(client, work):
    login(client, work["staff"])
    response = client.get(f"/field/workers/{work['worker'].pk}/")
    assert response.status_code == 200
    assert todo(response) == ["follow_up", "visit", "visit", "diary", "patrol"]
    text = response.content.decode()
    assert "只读" in text and str(work["worker"]) in text
    assert "/field/visits/new/" not in text and 'href="/field/diary/"' not in text


def test_a_workers_today_outside_the_scope_is_404(client, work, tree):
    worker = work["worker"]
    login(client, work["staff102"])
    assert client.get(f"/field/workers/{worker.pk}/").status_code == 404
    assert "grid101001" not in client.get("/field/workers/").content.decode()
    login(client, work["worker2"])
    assert client.get(f"/field/workers/{worker.pk}/").status_code == 403
    login(client, work["leader"])
    assert client.get(f"/field/workers/{worker.pk}/").status_code == 200
    assert client.get(f"/field/workers/{work['staff'].pk}/").status_code == 404  # not a worker
