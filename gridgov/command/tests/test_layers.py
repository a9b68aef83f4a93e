"""The map's layers (GET /api/v1/map/layers/{layer}): what each holds, limited to the
caller's scope and the viewport, sent gzipped with an ETag, cached until something in
scope changes (the cases layer: checked at most once a second, the feed carrying what
changed in between), in a pinned number of queries."""

import datetime as dt
import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case, CaseEvent
from gridgov.command import actions, layers, queries, telemetry
from gridgov.command.models import CameraStatus, WorkerLocation
from gridgov.places.models import Building
from gridgov.testing import CENTRES, login, make_user

URL = "/api/v1/map/layers/"


def fetch(client, layer, **params):
    response = client.get(URL + layer, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def ids(collection, key="id"):
    return {feature["properties"][key] for feature in collection["features"]}


def by_id(collection):
    return {feature["properties"]["id"]: feature for feature in collection["features"]}


def pks(records):
    return {record.pk for record in records}


# -- content and scope ----------------------------------------------------------------


def test_a_dispatcher_sees_everything_of_the_street_and_nothing_of_the_other(
    client, map_world, dispatcher, tree
):
    login(client, dispatcher)
    w, c = map_world, map_world["cases"]

    areas = fetch(client, "areas")
    assert ids(areas) == pks(tree[k] for k in ("street", "c101", "c102", "g1", "g2", "g3"))
    assert ids(fetch(client, "buildings")) == pks([w["buildings"]["b1"], w["buildings"]["b3"]])
    assert ids(fetch(client, "cameras")) == pks([w["cameras"]["cam1"], w["cameras"]["cam3"]])
    # Open cases only: the closed one is not on the map.
    assert ids(fetch(client, "cases")) == pks([c["case1"], c["case2"], c["case3"]])
    assert ids(fetch(client, "workers")) == pks(w["workers"][k] for k in ("w1", "w2", "w3"))


def test_the_other_streets_dispatcher_sees_only_their_street(
    client, map_world, other_dispatcher, tree, grids
):
    login(client, other_dispatcher)
    w = map_world

    assert ids(fetch(client, "areas")) == pks([tree["other_street"], tree["c201"], grids["g9"]])
    assert ids(fetch(client, "buildings")) == {w["buildings"]["b9"].pk}
    assert ids(fetch(client, "cameras")) == {w["cameras"]["cam9"].pk}
    assert ids(fetch(client, "cases")) == {w["cases"]["case9"].pk}
    assert ids(fetch(client, "workers")) == {w["workers"]["w9"].pk}


def test_a_communitys_staff_see_only_their_communitys_cases_and_workers(
    client, map_world, personas, community102, tree
):
    w, c = map_world["workers"], map_world["cases"]
    login(client, personas["community_staff"])  # 鳌洲 101: grids g1, g2
    assert ids(fetch(client, "cases")) == pks([c["case1"], c["case2"]])
    assert ids(fetch(client, "workers")) == pks([w["w1"], w["w2"]])
    assert ids(fetch(client, "areas")) == pks(tree[k] for k in ("c101", "g1", "g2"))
    assert ids(fetch(client, "cameras")) == {map_world["cameras"]["cam1"].pk}

    login(client, community102)  # 福安 102: grid g3
    assert ids(fetch(client, "cases")) == {c["case3"].pk}
    assert ids(fetch(client, "workers")) == {w["w3"].pk}
    assert ids(fetch(client, "buildings")) == {map_world["buildings"]["b3"].pk}


@pytest.mark.parametrize("persona", ["grid_worker", "department_staff", "stranger", "auditor"])
def test_roles_without_the_map_get_403(client, map_world, personas, persona):
    login(client, personas[persona])
    for layer in layers.LAYERS:
        response = client.get(URL + layer)
        assert response.status_code == 403
        assert "detail" in response.json()


def test_anonymous_callers_get_401(client, map_world):
    assert client.get(URL + "cases").status_code == 401


def test_an_unknown_layer_is_refused(client, map_world, dispatcher):
    login(client, dispatcher)
    assert client.get(URL + "residents").status_code == 422


def test_the_properties_of_each_layer(client, map_world, dispatcher, tree, personas):
    login(client, dispatcher)
    w = map_world

    areas = by_id(fetch(client, "areas"))
    g1 = areas[tree["g1"].pk]
    assert g1["geometry"]["type"] == "Polygon"
    assert g1["geometry"]["coordinates"][0][0] == [113.24, 23.1]
    assert g1["properties"] == {
        "id": tree["g1"].pk,
        "level": "grid",
        "code": "440105008101001",
        "name": "鳌洲第一网格",
        "worker": personas["grid_worker"].full_name,
    }
    assert areas[tree["street"].pk]["properties"]["level"] == "street"
    assert areas[tree["street"].pk]["properties"]["worker"] is None
    assert areas[tree["g2"].pk]["properties"]["worker"] == "grid101002"

    b1 = by_id(fetch(client, "buildings"))[w["buildings"]["b1"].pk]
    assert b1["geometry"] == {"type": "Point", "coordinates": [113.2412, 23.1012]}
    assert b1["properties"] == {"id": w["buildings"]["b1"].pk, "name": "洪德大厦", "households": 3}

    cameras = by_id(fetch(client, "cameras"))
    cam1, cam3 = w["cameras"]["cam1"], w["cameras"]["cam3"]
    assert cameras[cam1.pk]["properties"] == {
        "id": cam1.pk,
        "code": cam1.code,
        "name": "洪德路口",
        "status": "online",
        "kind": "bullet",
        "direction": 90,
        "fov": 70,
    }
    assert cameras[cam3.pk]["properties"]["direction"] is None
    assert cameras[cam3.pk]["properties"]["status"] == "offline"

    cases = by_id(fetch(client, "cases"))
    case1, case2 = w["cases"]["case1"], w["cases"]["case2"]
    assert cases[case1.pk]["properties"] == {
        "id": case1.pk,
        "number": case1.number,
        "title": "洪德路垃圾堆放",
        "status": "reported",
        "status_label": "待受理",
        "overdue": True,
        "priority": "normal",
        "category": "暴露垃圾",
        "level": "street",
    }
    assert cases[case1.pk]["geometry"]["coordinates"] == [113.243, 23.1025]
    assert cases[case2.pk]["properties"]["overdue"] is False

    workers = by_id(fetch(client, "workers"))
    w1, w3 = w["workers"]["w1"], w["workers"]["w3"]
    one = workers[w1.pk]["properties"]
    assert one["name"] == "grid101001" and one["grid"] == "鳌洲第一网格"
    assert one["stale"] is False and one["accuracy"] == 8.0
    assert one["recorded_at"].endswith("+08:00")
    assert workers[w1.pk]["geometry"]["coordinates"] == list(CENTRES["g1"])
    assert workers[w3.pk]["properties"]["stale"] is True


def test_the_json_is_compact_and_rounded_to_six_decimals(client, map_world, dispatcher):
    camera = map_world["cameras"]["cam1"]
    camera.lon, camera.lat = 113.24251234567, 23.10259876543
    camera.save()
    login(client, dispatcher)

    response = client.get(URL + "cameras")

    assert b'", "' not in response.content and b'": ' not in response.content
    assert "洪德路口".encode() in response.content  # not \u escapes
    feature = by_id(json.loads(response.content))[camera.pk]
    assert feature["geometry"]["coordinates"] == [113.242512, 23.102599]


# -- the viewport ---------------------------------------------------------------------


def test_a_bbox_keeps_what_lies_in_it(client, map_world, dispatcher, tree):
    login(client, dispatcher)
    g1_only = "113.2401,23.1001,113.2449,23.1049"

    assert ids(fetch(client, "cases", bbox=g1_only)) == {map_world["cases"]["case1"].pk}
    assert ids(fetch(client, "cameras", bbox=g1_only)) == {map_world["cameras"]["cam1"].pk}
    assert ids(fetch(client, "buildings", bbox=g1_only)) == {map_world["buildings"]["b1"].pk}
    assert ids(fetch(client, "workers", bbox=g1_only)) == {map_world["workers"]["w1"].pk}
    assert ids(fetch(client, "areas", bbox=g1_only)) == pks(
        tree[k] for k in ("street", "c101", "g1")
    )
    assert fetch(client, "cases", bbox="100,10,101,11")["features"] == []


@pytest.mark.parametrize(
    "bbox",
    ["abc", "113,23,114", "113,23,114,24,5", "114,23,113,24", "113,24,114,23", "200,0,210,1",
     "nan,1,2,3", "113,23,inf,24", "113;23;114;24"],
)  # fmt: skip
def test_a_bad_bbox_is_a_422_with_a_message(client, map_world, dispatcher, bbox):
    login(client, dispatcher)
    response = client.get(URL + "cases", {"bbox": bbox})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "bbox" and "bbox" in body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


# -- HTTP: gzip, ETag, 304 ------------------------------------------------------------


def test_gzip_when_accepted_plain_otherwise(client, map_world, dispatcher):
    login(client, dispatcher)
    zipped = client.get(URL + "cases", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = client.get(URL + "cases")

    assert zipped["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(zipped.content) == plain.content
    for response in (zipped, plain):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Cache-Control"] == "private, no-cache"
    assert zipped["ETag"] == plain["ETag"] and zipped["ETag"].startswith('W/"')


def test_the_same_etag_answers_304_until_something_changes(client, map_world, dispatcher):
    login(client, dispatcher)
    first = client.get(URL + "cameras", HTTP_ACCEPT_ENCODING="gzip")
    etag = first["ETag"]

    again = client.get(URL + "cameras", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    # A client comparing strongly (without W/) is answered alike.
    strong = etag.removeprefix("W/")
    assert client.get(URL + "cameras", HTTP_IF_NONE_MATCH=strong).status_code == 304

    camera = map_world["cameras"]["cam1"]
    camera.name = "洪德路口（新）"
    camera.save()
    changed = client.get(URL + "cameras", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "洪德路口（新）" in changed.content.decode()


# -- the cache follows the data -------------------------------------------------------


def test_a_camera_moving_shows_at_once(client, map_world, dispatcher):
    login(client, dispatcher)
    camera = map_world["cameras"]["cam1"]
    fetch(client, "cameras")
    camera.lon, camera.lat = 113.2433, 23.1033
    camera.save()
    moved = by_id(fetch(client, "cameras"))[camera.pk]
    assert moved["geometry"]["coordinates"] == [113.2433, 23.1033]


def test_heartbeats_households_and_positions_show_at_once(
    client, map_world, dispatcher, locate_worker, tree
):
    """These writes use update(), which leaves updated_at alone."""
    login(client, dispatcher)
    cam3, b1 = map_world["cameras"]["cam3"], map_world["buildings"]["b1"]
    w2 = map_world["workers"]["w2"]
    for layer in layers.LAYERS:
        fetch(client, layer)

    source, _secret = actions.create_alert_source(None, "视频平台", tree["street"])
    telemetry.record_heartbeats(source, [(cam3.code, CameraStatus.FAULT)])
    assert by_id(fetch(client, "cameras"))[cam3.pk]["properties"]["status"] == "fault"

    Building.objects.filter(pk=b1.pk).update(household_count=5)
    assert by_id(fetch(client, "buildings"))[b1.pk]["properties"]["households"] == 5

    locate_worker(w2, (113.2466, 23.1033))
    assert by_id(fetch(client, "workers"))[w2.pk]["geometry"]["coordinates"] == [113.2466, 23.1033]


def test_a_new_grid_worker_shows_on_the_areas_layer(client, map_world, dispatcher, tree):
    login(client, dispatcher)
    assert by_id(fetch(client, "areas"))[tree["g3"].pk]["properties"]["worker"] == "grid102001"

    second = make_user("grid102002", Role.GRID_WORKER, tree["g3"])
    assert by_id(fetch(client, "areas"))[tree["g3"].pk]["properties"]["worker"] == (
        "grid102001、grid102002"
    )
    RoleAssignment.objects.filter(user=second).delete()
    assert by_id(fetch(client, "areas"))[tree["g3"].pk]["properties"]["worker"] == "grid102001"


def test_overdue_and_stale_move_with_the_clock(map_world, dispatcher):
    case2 = map_world["cases"]["case2"]
    now = timezone.now()
    first = layers.layer_payload(dispatcher, "cases", now=now)
    later = layers.layer_payload(dispatcher, "cases", now=case2.due_at + dt.timedelta(minutes=1))

    assert first.etag != later.etag
    assert by_id(json.loads(later.json))[case2.pk]["properties"]["overdue"] is True
    assert by_id(json.loads(first.json))[case2.pk]["properties"]["overdue"] is False

    w2 = map_world["workers"]["w2"]
    fresh = layers.layer_payload(dispatcher, "workers", now=now)
    stale = layers.layer_payload(dispatcher, "workers", now=now + dt.timedelta(minutes=40))
    assert by_id(json.loads(fresh.json))[w2.pk]["properties"]["stale"] is False
    assert by_id(json.loads(stale.json))[w2.pk]["properties"]["stale"] is True


def test_the_cache_is_used_while_nothing_changes(map_world, dispatcher):
    now = timezone.now()
    for layer in layers.LAYERS:
        built = layers.layer_payload(dispatcher, layer, now=now)
        with CaptureQueriesContext(connection) as reused:
            again = layers.layer_payload(dispatcher, layer, now=now + layers.FRESH_FOR)
        assert again == built
        # Only the signature is read again (two aggregates for the areas).
        assert len(reused) == (2 if layer == "areas" else 1), layer


# -- the cases layer under writes: checked at most once a second ----------------------

SECOND = layers.FRESH_FOR


def cases_at(user, now):
    return json.loads(layers.layer_payload(user, "cases", now=now).json)


def test_a_case_reported_within_the_second_shows_once_it_is_over(
    client, map_world, dispatcher, category
):
    t0 = timezone.now()
    before = cases_at(dispatcher, t0)
    case = case_actions.report_case(
        dispatcher, category=category, title="新案件", lon=113.2426, lat=23.1026
    )

    with CaptureQueriesContext(connection) as within:
        assert cases_at(dispatcher, t0 + SECOND / 2) == before
    assert len(within) == 0
    after = cases_at(dispatcher, t0 + SECOND)
    assert ids(after) == ids(before) | {case.pk}
    # Each answer says up to which feed event it holds: the page applies the later ones.
    assert before["cursor"] < after["cursor"] == CaseEvent.objects.latest("id").pk
    login(client, dispatcher)
    assert "cursor" in fetch(client, "cases") and "cursor" not in fetch(client, "cameras")


def test_a_case_changing_status_shows_once_the_second_is_over(map_world, dispatcher):
    case2 = map_world["cases"]["case2"]
    t0 = timezone.now()
    assert by_id(cases_at(dispatcher, t0))[case2.pk]["properties"]["status"] == "reported"

    case_actions.act(dispatcher, case2, "accept", version=case2.version)
    held = by_id(cases_at(dispatcher, t0 + SECOND / 2))[case2.pk]
    assert held["properties"]["status"] == "reported"
    moved = by_id(cases_at(dispatcher, t0 + SECOND))[case2.pk]
    assert moved["properties"]["status_label"] == "待派遣"

    Case.objects.filter(pk=case2.pk).update(status="closed")  # even without updated_at
    assert case2.pk not in ids(cases_at(dispatcher, t0 + 2 * SECOND))


def test_a_quiet_cases_layer_is_checked_once_a_second_and_kept(map_world, dispatcher):
    t0 = timezone.now()
    built = layers.layer_payload(dispatcher, "cases", now=t0)
    for step, reads in ((SECOND / 2, 0), (SECOND, 1), (SECOND * 3 / 2, 0), (SECOND * 2, 1)):
        with CaptureQueriesContext(connection) as read:
            assert layers.layer_payload(dispatcher, "cases", now=t0 + step) == built
        assert len(read) == reads, step


def test_a_dispatchers_own_move_comes_with_the_feed_while_the_layer_catches_up(
    map_world, dispatcher
):
    case2 = map_world["cases"]["case2"]
    t0 = timezone.now()
    layer = cases_at(dispatcher, t0)
    case_actions.act(dispatcher, case2, "accept", version=case2.version)

    assert cases_at(dispatcher, t0 + SECOND / 2) == layer
    # The feed after the layer's cursor has the move, with what the page draws it from.
    [item] = queries.feed(dispatcher, after=layer["cursor"])["items"]
    assert (item["case_id"], item["status"], item["priority"]) == (
        case2.pk,
        "accepted",
        case2.priority,
    )
    assert [item["lon"], item["lat"]] == by_id(layer)[case2.pk]["geometry"]["coordinates"]


def test_each_scope_has_its_own_cases_layer_within_the_second(
    map_world, dispatcher, other_dispatcher, personas, tree
):
    c = map_world["cases"]
    t0 = timezone.now()
    assert ids(cases_at(dispatcher, t0)) == pks([c["case1"], c["case2"], c["case3"]])
    community_staff = personas["community_staff"]
    assert ids(cases_at(community_staff, t0 + SECOND / 4)) == pks([c["case1"], c["case2"]])
    assert ids(cases_at(other_dispatcher, t0 + SECOND / 2)) == {c["case9"].pk}
    # Not even the same assignments share it: the cases one verifies are one's own.
    colleague = make_user("dispatcher2", Role.DISPATCHER, tree["street"])
    with CaptureQueriesContext(connection) as built:
        assert ids(cases_at(colleague, t0 + SECOND / 2)) == ids(cases_at(dispatcher, t0))
    assert len(built) > 0


def test_users_with_the_same_scope_share_layers_but_not_the_cases_they_verify(
    map_world, dispatcher, tree
):
    colleague = make_user("dispatcher2", Role.DISPATCHER, tree["street"])
    assert layers.scope_key(colleague) == layers.scope_key(dispatcher)
    assert layers.scope_key(dispatcher) != layers.scope_key(map_world["workers"]["w1"])
    for layer in ("areas", "buildings", "cameras", "workers"):
        layers.layer_payload(dispatcher, layer)
        with CaptureQueriesContext(connection) as shared:
            layers.layer_payload(colleague, layer)
        assert len(shared) == (2 if layer == "areas" else 1)


# -- speed: queries pinned ------------------------------------------------------------


@pytest.mark.parametrize("layer", layers.LAYERS)
def test_each_layer_answers_in_a_pinned_number_of_queries(
    client, map_world, dispatcher, layer, django_assert_max_num_queries
):
    login(client, dispatcher)
    client.get("/api/v1/map/search", {"q": "x"})  # the session and access are resolved
    # Session, user, signature, rows (areas: two of each; cases: and the feed's cursor).
    with django_assert_max_num_queries({"areas": 6, "cases": 5}.get(layer, 4)):
        fetch(client, layer)
    with django_assert_max_num_queries(4 if layer == "areas" else 3):
        fetch(client, layer)


def test_many_rows_do_not_add_queries(
    client, map_world, dispatcher, make_map_camera, django_assert_max_num_queries
):
    for _n in range(30):
        make_map_camera("g2")
    WorkerLocation.objects.update(accuracy=None)
    login(client, dispatcher)
    client.get("/api/v1/map/search", {"q": "x"})
    with django_assert_max_num_queries(4):
        assert len(fetch(client, "cameras")["features"]) == 32
    with django_assert_max_num_queries(4):
        assert all(
            f["properties"]["accuracy"] is None for f in fetch(client, "workers")["features"]
        )
