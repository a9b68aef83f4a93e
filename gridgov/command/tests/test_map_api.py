"""The rest of the map's API: the heat of cases, the live feed, the search box, a
worker's trail and the nearest on-duty workers to a case — each limited to the
caller's scope, and refused to roles without the map."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case, CaseEvent
from gridgov.command import queries
from gridgov.command.models import WorkerLocation
from gridgov.testing import CENTRES, login

API = "/api/v1/map/"


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    "path",
    ["heat", "feed", "search?q=洪德", "trail/1", "cases/1/nearest-workers"],
)
@pytest.mark.parametrize("persona", ["grid_worker", "department_staff", "stranger"])
def test_roles_without_the_map_get_403(client, map_world, personas, persona, path):
    login(client, personas[persona])
    response = client.get(API + path)
    assert response.status_code == 403
    assert response.json()["detail"]


# -- heat -----------------------------------------------------------------------------


def test_heat_bins_the_cases_of_the_period_in_scope(
    client, map_world, dispatcher, community102, category
):
    case_actions.report_case(
        dispatcher, category=category, title="又一处垃圾", lon=113.24301, lat=23.10251
    )
    old = map_world["cases"]["case2"]
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=40))
    login(client, dispatcher)

    answer = get(client, "heat")
    assert answer["days"] == 30
    points = {(lat, lon): weight for lat, lon, weight in answer["points"]}
    # case1, the closed case (same place) and the new one share a 4-decimal bin.
    assert points[(23.1025, 113.243)] == 3
    assert points[(23.1025, 113.253)] == 1  # case3
    assert (23.1025, 113.248) not in points  # case2, reported 40 days ago
    assert (23.1025, 113.273) not in points  # the other street's
    assert (23.1025, 113.248) in {(p[0], p[1]) for p in get(client, "heat", days=60)["points"]}

    login(client, community102)
    assert get(client, "heat")["points"] == [[23.1025, 113.253, 1]]


def test_heat_is_kept_for_a_minute(client, map_world, dispatcher, django_assert_max_num_queries):
    login(client, dispatcher)
    first = get(client, "heat")
    with django_assert_max_num_queries(2):  # the session and the user
        assert get(client, "heat") == first


@pytest.mark.parametrize("days", [0, 367, "x"])
def test_heat_days_out_of_range_are_422(client, map_world, dispatcher, days):
    login(client, dispatcher)
    assert client.get(API + "heat", {"days": days}).status_code == 422


# -- the live feed --------------------------------------------------------------------


def test_a_fresh_feed_starts_with_the_latest_events_newest_last(client, map_world, dispatcher):
    login(client, dispatcher)
    answer = get(client, "feed")

    ours = CaseEvent.objects.filter(case__street_id=map_world["cases"]["case1"].street_id)
    assert [item["event_id"] for item in answer["items"]] == sorted(
        ours.values_list("id", flat=True)
    )
    assert answer["cursor"] == CaseEvent.objects.order_by("-id").first().pk
    item = answer["items"][0]
    case1 = map_world["cases"]["case1"]
    assert item == {
        "event_id": item["event_id"],
        "case_id": case1.pk,
        "number": case1.number,
        "title": "洪德路垃圾堆放",
        "status": "reported",
        "status_label": "待受理",
        "priority": case1.priority,
        "action": "report",
        "action_label": "上报",
        "lon": 113.243,
        "lat": 23.1025,
        "at": item["at"],
        "overdue": True,
        "source": "grid_worker",
    }
    assert item["at"].endswith("+08:00")


def test_polling_with_the_cursor_brings_only_what_happened_since(client, map_world, dispatcher):
    login(client, dispatcher)
    cursor = get(client, "feed")["cursor"]
    assert get(client, "feed", after=cursor) == {"cursor": cursor, "items": []}

    case2 = map_world["cases"]["case2"]
    case_actions.act(dispatcher, case2, "accept", version=case2.version)
    answer = get(client, "feed", after=cursor)

    assert [(i["case_id"], i["action"], i["status"]) for i in answer["items"]] == [
        (case2.pk, "accept", "accepted")
    ]
    assert answer["items"][0]["action_label"] == "受理"
    assert answer["cursor"] == answer["items"][0]["event_id"]
    assert get(client, "feed", after=answer["cursor"])["items"] == []


def test_the_feed_shows_only_cases_in_scope_but_moves_the_cursor_past_the_rest(
    client, map_world, dispatcher, community102, other_dispatcher
):
    login(client, community102)
    start = get(client, "feed")
    assert {i["case_id"] for i in start["items"]} == {map_world["cases"]["case3"].pk}

    case1 = map_world["cases"]["case1"]
    case_actions.act(dispatcher, case1, "accept", version=case1.version)
    answer = get(client, "feed", after=start["cursor"])
    assert answer["items"] == []
    assert answer["cursor"] == CaseEvent.objects.order_by("-id").first().pk > start["cursor"]

    login(client, other_dispatcher)
    assert {i["case_id"] for i in get(client, "feed")["items"]} == {map_world["cases"]["case9"].pk}
    assert get(client, "feed", after=start["cursor"])["items"] == []


def test_a_busy_feed_comes_in_pages_of_fifty(client, map_world, dispatcher):
    case2 = map_world["cases"]["case2"]
    login(client, dispatcher)
    cursor = get(client, "feed")["cursor"]
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case2,
            actor_name="系统",
            action="escalate",
            from_status="reported",
            to_status="reported",
            created_at=now,
        )
        for _n in range(70)
    )

    first = get(client, "feed", after=cursor)
    assert len(first["items"]) == 50
    ids = [i["event_id"] for i in first["items"]]
    assert ids == sorted(ids) and first["cursor"] == ids[-1]
    second = get(client, "feed", after=first["cursor"])
    assert len(second["items"]) == 20
    assert second["cursor"] == CaseEvent.objects.order_by("-id").first().pk

    fresh = get(client, "feed")
    assert len(fresh["items"]) == 20
    assert fresh["items"][-1]["event_id"] == second["cursor"]


def test_a_cursor_from_an_emptied_table_starts_again(client, map_world, dispatcher):
    login(client, dispatcher)
    top = CaseEvent.objects.order_by("-id").first().pk
    assert get(client, "feed", after=top + 1000) == {"cursor": top, "items": []}
    assert client.get(API + "feed", {"after": -1}).status_code == 422


def test_a_poll_is_two_queries(client, map_world, dispatcher, django_assert_max_num_queries):
    login(client, dispatcher)
    cursor = get(client, "feed")["cursor"]
    with django_assert_max_num_queries(4):  # session, user, the newest id, the events
        get(client, "feed", after=cursor)


# -- search ---------------------------------------------------------------------------


def kinds(answer):
    return [(r["kind"], r["label"]) for r in answer["results"]]


def test_search_finds_each_kind(client, map_world, dispatcher, tree):
    login(client, dispatcher)
    case1 = map_world["cases"]["case1"]
    cam1 = map_world["cameras"]["cam1"]

    found = get(client, "search", q=case1.number)["results"]
    assert found == [
        {
            "kind": "case",
            "id": case1.pk,
            "label": case1.number,
            "sub": "洪德路垃圾堆放",
            "lon": 113.243,
            "lat": 23.1025,
            "bounds": None,
        }
    ]
    # A number prefix finds the street's cases, at most ten results.
    assert {r["kind"] for r in get(client, "search", q=case1.number[:12])["results"]} == {"case"}

    grids = get(client, "search", q="440105008101")["results"]
    assert [(r["kind"], r["label"]) for r in grids] == [
        ("community", "鳌洲社区"),
        ("grid", "鳌洲第一网格"),
        ("grid", "鳌洲第二网格"),
    ]
    assert grids[1]["bounds"] == [113.24, 23.1, 113.245, 23.105]
    assert (grids[1]["lon"], grids[1]["lat"]) == (113.2425, 23.1025)  # no centre: the box's
    assert kinds(get(client, "search", q="福安第一")) == [("grid", "福安第一网格")]

    assert kinds(get(client, "search", q="洪德大厦")) == [("building", "洪德大厦")]
    assert kinds(get(client, "search", q="福安街3号")) == [("address", "福安街3号")]
    assert get(client, "search", q="福安街3号")["results"][0]["sub"] == "福安花园"
    assert ("camera", "洪德路口") in kinds(get(client, "search", q="洪德路"))
    by_code = get(client, "search", q=cam1.code)["results"]
    assert [(r["kind"], r["id"], r["sub"]) for r in by_code] == [("camera", cam1.pk, cam1.code)]


def test_search_kinds_take_turns_within_ten(client, map_world, dispatcher, make_map_camera):
    for n in range(12):
        make_map_camera("g1", name=f"鳌洲路口{n}")
    login(client, dispatcher)
    results = get(client, "search", q="鳌洲")["results"]
    assert len(results) == 10
    assert [r["kind"] for r in results[:2]] == ["community", "camera"]


def test_search_stays_in_scope(client, map_world, other_dispatcher, community102):
    case1 = map_world["cases"]["case1"]
    login(client, other_dispatcher)
    for q in ("洪德", "鳌洲", case1.number, "440105008"):
        assert get(client, "search", q=q)["results"] == [], q
    assert kinds(get(client, "search", q="凤阳")) == [
        ("community", "凤阳社区"),
        ("building", "凤阳大楼"),
        ("camera", "凤阳路口"),
        ("grid", "凤阳第一网格"),
    ]
    login(client, community102)
    assert get(client, "search", q="鳌洲")["results"] == []


@pytest.mark.parametrize("q", ["", "   ", "x" * 51, "洪德\x00"])
def test_a_search_too_short_or_too_long_is_422(client, map_world, dispatcher, q):
    login(client, dispatcher)
    assert client.get(API + "search", {"q": q}).status_code == 422


# -- trails ---------------------------------------------------------------------------


def test_a_workers_trail_of_the_last_hours(client, map_world, dispatcher, locate_worker):
    w1 = map_world["workers"]["w1"]
    x, y = CENTRES["g1"]
    locate_worker(w1, (x - 0.002, y), minutes_ago=180)
    login(client, dispatcher)

    trail = get(client, f"trail/{w1.pk}")
    assert trail["type"] == "Feature"
    assert trail["geometry"] == {
        "type": "LineString",
        "coordinates": [[round(x - d, 6), y] for d in (0.002, 0.001, 0.0005, 0)],
    }
    props = trail["properties"]
    assert props["user_id"] == w1.pk and props["name"] == "grid101001"
    assert len(props["times"]) == 4 and props["times"] == sorted(props["times"])
    assert all(t.endswith("+08:00") for t in props["times"])

    assert len(get(client, f"trail/{w1.pk}", hours=2)["geometry"]["coordinates"]) == 3


def test_a_trail_outside_scope_is_404(
    client, map_world, dispatcher, other_dispatcher, community102, personas
):
    w1, w9 = map_world["workers"]["w1"], map_world["workers"]["w9"]
    for user, worker in (
        (community102, w1),
        (other_dispatcher, w1),
        (dispatcher, w9),
        (dispatcher, personas["stranger"]),
    ):
        login(client, user)
        assert client.get(API + f"trail/{worker.pk}").status_code == 404
    login(client, dispatcher)
    for hours in (0, 25):
        assert client.get(API + f"trail/{w1.pk}", {"hours": hours}).status_code == 422


# -- the nearest workers --------------------------------------------------------------


def test_the_nearest_on_duty_workers_of_the_street_nearest_first(client, map_world, dispatcher):
    case1 = map_world["cases"]["case1"]
    w = map_world["workers"]
    login(client, dispatcher)

    workers = get(client, f"cases/{case1.pk}/nearest-workers")["workers"]

    # w3 last reported an hour ago (off duty); w9 works in another street.
    assert [x["id"] for x in workers] == [w["w1"].pk, w["w2"].pk]
    first = workers[0]
    assert first["name"] == "grid101001" and first["grid"] == "鳌洲第一网格"
    assert 45 <= first["distance_m"] <= 57 and isinstance(first["distance_m"], int)
    assert 450 <= workers[1]["distance_m"] <= 470
    assert first["stale"] is False and first["recorded_at"].endswith("+08:00")


def test_on_duty_means_a_position_within_thirty_minutes(map_world):
    case1, w = map_world["cases"]["case1"], map_world["workers"]
    WorkerLocation.objects.filter(user=w["w2"]).update(
        recorded_at=timezone.now() - dt.timedelta(minutes=29)
    )
    now = timezone.now()
    assert [x["id"] for x in queries.nearest_workers(case1, map_world["dispatcher"], now)] == [
        w["w1"].pk,
        w["w2"].pk,
    ]
    later = now + dt.timedelta(minutes=2)
    assert [x["id"] for x in queries.nearest_workers(case1, map_world["dispatcher"], later)] == [
        w["w1"].pk
    ]
    assert (
        queries.nearest_workers(case1, map_world["dispatcher"], now, limit=1)[0]["id"] == w["w1"].pk
    )


def test_the_nearest_workers_change_with_where_they_are(map_world, locate_worker):
    case3, w = map_world["cases"]["case3"], map_world["workers"]
    assert [x["id"] for x in queries.nearest_workers(case3, map_world["dispatcher"])] == [
        w["w2"].pk,
        w["w1"].pk,
    ]
    locate_worker(w["w3"], (113.2531, 23.1026))
    assert [x["id"] for x in queries.nearest_workers(case3, map_world["dispatcher"])][0] == w[
        "w3"
    ].pk
    case3.lon = case3.lat = None
    assert queries.nearest_workers(case3, map_world["dispatcher"]) == []


def test_the_nearest_workers_of_a_case_outside_scope_is_404(
    client, map_world, other_dispatcher, community102
):
    login(client, other_dispatcher)
    assert (
        client.get(API + f"cases/{map_world['cases']['case1'].pk}/nearest-workers").status_code
        == 404
    )
    login(client, community102)
    assert (
        client.get(API + f"cases/{map_world['cases']['case1'].pk}/nearest-workers").status_code
        == 404
    )
    assert client.get(API + "cases/999999/nearest-workers").status_code == 404


def test_great_circle_distance():
    # One degree of latitude is about 111.2 km; a degree of longitude shrinks with cos(lat).
    assert queries.great_circle_m(113, 23, 113, 24) == pytest.approx(111_195, rel=1e-3)
    assert queries.great_circle_m(113, 23, 114, 23) == pytest.approx(102_356, rel=1e-3)
    assert queries.great_circle_m(113.2, 23.1, 113.2, 23.1) == 0


def test_community_staff_are_offered_only_their_own_communitys_workers(
    map_world, personas, locate_worker
):
    """Where a worker is, is personal data: 福安's worker standing beside a 鳌洲 case is
    not shown to 鳌洲's community staff (the street's dispatcher sees them)."""
    case1, w = map_world["cases"]["case1"], map_world["workers"]
    locate_worker(w["w3"], (case1.lon, case1.lat))
    staff = personas["community_staff"]
    assert w["w3"].pk not in [x["id"] for x in queries.nearest_workers(case1, staff)]
    assert queries.nearest_workers(case1, map_world["dispatcher"])[0]["id"] == w["w3"].pk
