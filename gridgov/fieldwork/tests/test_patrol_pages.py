"""Patrols on the phone: starting and stopping (through the positions the phone and a
handheld terminal send to POST /api/v1/positions), a second stop that changes nothing,
a patrol left running over midnight closed by the next start at its last fix, its
figures measured from the positions, its page with the track over the grid, the
month's list, a case reported from a patrol keeping it; scope (404) and audit rows."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.command.models import WorkerPosition
from gridgov.core.errors import ActionError
from gridgov.fieldwork import actions, coverage
from gridgov.fieldwork.models import Patrol
from gridgov.fieldwork.tests.helpers import audited
from gridgov.places.models import Building, BuildingUse
from gridgov.testing import login, place

POSITIONS = "/api/v1/positions"
EAST_PER_M = 1 / (111_320 * 0.9198)  # degrees of longitude per metre at 23.1° N


def walk(start: datetime.datetime, lon: float, lat: float, minutes: int, every_s: int = 5):
    """Fixes of a worker walking east at 1.2 m/s from (lon, lat)."""
    steps = minutes * 60 // every_s
    return [
        {
            "lon": lon + i * every_s * 1.2 * EAST_PER_M,
            "lat": lat,
            "accuracy": 6,
            "recorded_at": (start + datetime.timedelta(seconds=i * every_s)).isoformat(),
        }
        for i in range(steps + 1)
    ]


@pytest.fixture(autouse=True)
def _monday_afternoon(clock):
    return clock


def send(client, points):
    response = client.post(POSITIONS, {"points": points}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def street_of_g1(field, tree):
    """Two buildings of g1 in the open: one on the walk along 23.1010 N, one far off."""
    near = place(
        Building(
            code="B-10", name="近楼", address="路", lon=113.2412, lat=23.1011, use=BuildingUse.MIXED
        ),
        tree["g1"],
    )
    far = place(
        Building(
            code="B-11", name="远楼", address="路", lon=113.2445, lat=23.1045, use=BuildingUse.MIXED
        ),
        tree["g1"],
    )
    return {"near": near, "far": far}


def test_a_patrol_started_and_stopped_on_its_page_keeps_its_figures(client, field, street_of_g1):
    worker = field["worker"]
    login(client, worker)
    page = client.get("/field/patrol/")
    assert page.status_code == 200 and "开始巡查" in page.content.decode()
    client_id = page.context["client_id"]
    assert client.post("/field/patrol/start/", {"client_id": client_id}).status_code == 302
    client.post("/field/patrol/start/", {"client_id": client_id})  # a double tap
    patrol = Patrol.objects.get()
    assert patrol.is_running and len(audited("patrol.start", patrol)) == 1

    Patrol.objects.filter(pk=patrol.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    start = timezone.now() - datetime.timedelta(minutes=25)
    fixes = walk(start, 113.2405, 23.1010, 10)  # 720 m east along 23.1010 N
    send(client, fixes[:60])
    send(client, fixes[60:])
    running = client.get("/field/patrol/")
    text = running.content.decode()
    assert "巡查进行中" in text and "结束巡查" in text and "fieldwork/patrol.js" in text
    assert 700 < running.context["distance_m"] < 740

    response = client.post("/field/patrol/stop/", {"patrol": patrol.pk})
    assert response["Location"] == f"/field/patrols/{patrol.pk}/"
    patrol.refresh_from_db()
    assert not patrol.is_running and patrol.duration >= datetime.timedelta(minutes=30)
    assert 700 < patrol.distance_m < 740
    # g1 holds three buildings (幸福里1号楼 at its corner, the near and the far one).
    assert patrol.track["passed"] == [street_of_g1["near"].pk]
    assert patrol.coverage == pytest.approx(1 / 3)
    end = audited("patrol.end", patrol)
    assert len(end) == 1 and end[0].after["distance_m"] == patrol.distance_m


def handheld(worker, fixes):
    """Positions a handheld terminal sends for the worker (the same API's action)."""
    from gridgov.command.telemetry import record_positions

    points = [p | {"recorded_at": datetime.datetime.fromisoformat(p["recorded_at"])} for p in fixes]
    record_positions(worker, points)


def test_coverage_counts_the_grids_buildings_passed_within_30_m(field, tree, street_of_g1):
    worker = field["worker"]
    patrol = actions.start_patrol(
        worker, started_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    handheld(worker, walk(timezone.now() - datetime.timedelta(minutes=15), 113.2405, 23.1010, 5))
    patrol = actions.stop_patrol(worker, patrol)
    buildings = list(Building.objects.filter(grid=tree["g1"]).order_by("id"))
    assert street_of_g1["near"].pk in patrol.track["passed"]
    assert street_of_g1["far"].pk not in patrol.track["passed"]
    assert patrol.coverage == pytest.approx(len(patrol.track["passed"]) / len(buildings))
    assert patrol.off_grid_minutes == 0 and not patrol.off_grid_noted
    pieces = coverage.track_geojson(patrol.track)["features"]
    assert len(pieces) == 1 and pieces[0]["geometry"]["type"] == "LineString"


def test_more_than_30_minutes_off_the_grid_is_noted(field, tree):
    worker = field["worker"]
    patrol = actions.start_patrol(worker, started_at=timezone.now() - datetime.timedelta(hours=1))
    start = timezone.now() - datetime.timedelta(minutes=55)
    handheld(worker, walk(start, 113.2405, 23.1010, 10))  # in g1, then east into g2
    handheld(worker, walk(start + datetime.timedelta(minutes=11), 113.2475, 23.1030, 35))
    patrol = actions.stop_patrol(worker, patrol)
    assert patrol.off_grid_minutes > 30 and patrol.off_grid_noted
    assert len(coverage.track_geojson(patrol.track)["features"]) == 1  # 1 minute: no gap


def test_a_second_stop_changes_nothing(client, field):
    worker = field["worker"]
    patrol = actions.start_patrol(worker)
    first = actions.stop_patrol(worker, patrol)
    again = actions.stop_patrol(worker, patrol.pk)
    assert not first.replayed and again.replayed and again.ended_at == first.ended_at
    assert len(audited("patrol.end", patrol)) == 1
    login(client, worker)
    response = client.post("/field/patrol/stop/", {"patrol": patrol.pk})
    assert response["Location"] == f"/field/patrols/{patrol.pk}/"
    assert len(audited("patrol.end", patrol)) == 1
    with pytest.raises(ActionError) as refusal:
        actions.stop_patrol(worker)  # nothing running
    assert refusal.value.status == 409


def test_a_patrol_left_running_over_midnight_ends_at_its_last_fix(client, field):
    worker = field["worker"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    five_pm = datetime.datetime.combine(
        yesterday, datetime.time(17, 0), timezone.get_current_timezone()
    )
    old = actions.start_patrol(worker, started_at=five_pm)
    login(client, worker)
    send(client, walk(five_pm + datetime.timedelta(minutes=5), 113.2405, 23.1010, 40, every_s=10))
    last = WorkerPosition.objects.filter(user=worker).latest("recorded_at").recorded_at

    assert "不是今天开始的" in client.get("/field/patrol/").content.decode()
    client.post("/field/patrol/start/")
    old.refresh_from_db()
    assert old.ended_at == last and old.duration == last - five_pm
    assert old.distance_m > 2000
    new = Patrol.objects.get(ended_at__isnull=True)
    assert new.pk != old.pk and timezone.localdate(new.started_at) == timezone.localdate()
    assert len(audited("patrol.end", old)) == 1 and len(audited("patrol.start")) == 2


def test_a_patrol_of_today_cannot_be_started_twice(client, field):
    worker = field["worker"]
    actions.start_patrol(worker)
    login(client, worker)
    response = client.post("/field/patrol/start/", follow=True)
    assert "已有进行中的巡查" in response.content.decode()
    assert Patrol.objects.count() == 1


def test_a_patrols_page_shows_its_track_gaps_and_buildings(client, field, street_of_g1):
    worker = field["worker"]
    start = timezone.now() - datetime.timedelta(minutes=50)
    patrol = actions.start_patrol(worker, started_at=start)
    login(client, worker)
    fixes = walk(start, 113.2405, 23.1010, 10)
    later = walk(start + datetime.timedelta(minutes=20), 113.2420, 23.1010, 5)  # a 10-min gap
    send(client, fixes + later)
    actions.stop_patrol(worker, patrol)

    page = client.get(f"/field/patrols/{patrol.pk}/")
    assert page.status_code == 200
    data = page.context["map_data"]
    assert [f["geometry"]["type"] for f in data["track"]["features"]] == ["LineString"] * 2
    assert {b["passed"] for b in data["buildings"]} == {True, False}
    assert len(page.context["gaps"]) == 1
    text = page.content.decode()
    assert "定位中断 1 次" in text and "发现问题" in text and "leaflet.js" in text


def test_a_case_reported_from_a_patrol_keeps_it(client, field, category):
    worker = field["worker"]
    patrol = actions.start_patrol(worker)
    login(client, worker)
    assert "发现问题" in client.get("/field/patrol/").content.decode()
    form = client.get(f"/field/patrols/{patrol.pk}/case/")
    text = form.content.decode()
    assert form.status_code == 200 and "巡查发现" in text and 'name="source"' not in text
    response = client.post(
        f"/field/patrols/{patrol.pk}/case/",
        {
            "category": category.pk,
            "title": "路面塌陷",
            "lon": "113.2425",
            "lat": "23.1025",
            "coords": "wgs84",
            "priority": "normal",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.source, case.source_ref) == ("patrol", f"patrol:{patrol.pk}")
    assert len(audited("patrol.report_case", patrol)) == 1
    assert len(audited("case.report", case)) == 1
    actions.stop_patrol(worker, patrol)
    page = client.get(f"/field/patrols/{patrol.pk}/").content.decode()
    assert case.number in page  # found on this patrol, after it ended too


def test_a_wrong_case_from_a_patrol_comes_back_in_chinese(client, field):
    patrol = actions.start_patrol(field["worker"])
    login(client, field["worker"])
    response = client.post(f"/field/patrols/{patrol.pk}/case/", {"title": ""})
    assert response.status_code == 400
    assert "请选择案件小类" in response.content.decode() and not Case.objects.exists()


def test_other_workers_patrols_are_404_and_supervisors_only_read(client, field, tree):
    patrol = actions.start_patrol(field["worker2"])
    login(client, field["worker"])
    for url in (f"/field/patrols/{patrol.pk}/", f"/field/patrols/{patrol.pk}/case/"):
        assert client.get(url).status_code == 404
    response = client.post("/field/patrol/stop/", {"patrol": patrol.pk}, follow=True)
    assert "记录不存在" in response.content.decode()
    assert Patrol.objects.get(pk=patrol.pk).is_running
    login(client, field["staff102"])
    assert client.get(f"/field/patrols/{patrol.pk}/").status_code == 404
    login(client, field["staff"])
    page = client.get(f"/field/patrols/{patrol.pk}/")
    assert page.status_code == 200 and not page.context["can_report"]
    assert client.get(f"/field/patrols/{patrol.pk}/case/").status_code == 403
    assert client.get("/field/patrol/").status_code == 403


def test_the_months_patrols_and_their_query_count(client, field, django_assert_num_queries):
    worker = field["worker"]
    start = timezone.now() - datetime.timedelta(hours=3)
    for n in range(3):
        patrol = actions.start_patrol(worker, started_at=start + datetime.timedelta(minutes=n))
        actions.stop_patrol(worker, patrol, now=start + datetime.timedelta(minutes=n + 30))
    actions.start_patrol(field["worker2"])
    login(client, worker)
    client.get("/")
    month = f"?month={timezone.localtime(start):%Y-%m}"
    with django_assert_num_queries(7):
        page = client.get(f"/field/patrols/{month}")
    assert page.context["totals"]["n"] == 3 and len(page.context["page"]) == 3
    login(client, field["staff"])
    page = client.get(f"/field/patrols/?worker={field['worker2'].pk}")  # started now
    assert page.context["totals"]["n"] == 1
    assert client.get("/field/patrols/?month=bad").status_code == 200
