"""The command center's map page (指挥地图): who may open it, what configuration it hands
the script (base map, where to look, the API addresses), its header counters limited to
the user's scope, and a pinned number of queries."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.cases import calendar
from gridgov.cases.actions import report_case
from gridgov.cases.models import Case, Category
from gridgov.cases.seed import seed_categories
from gridgov.command.models import Camera, CameraKind, CameraStatus
from gridgov.command.telemetry import record_positions
from gridgov.places.models import Building, BuildingUse
from gridgov.testing import login, make_user

URL = "/command/map/"
COUNTERS = "/command/map/counters/"


def _in(grid, model, **fields):
    record = model(**fields)
    record.place_in(grid)
    record.save()
    return record


def place_map_data(tree, personas, reporter=None):
    """A little of everything the map draws, in grids 1 and 3: buildings, cameras (one
    offline, one 360° dome), open cases (one overdue) and two grid workers' positions
    (one fresh, one an hour old). Returns the records by name."""
    calendar.forget()
    seed_categories(Category)
    category = Category.objects.current().get(code="E0102")
    now = timezone.now()
    g1, g3 = tree["g1"], tree["g3"]
    buildings = [
        _in(
            grid,
            Building,
            code=f"B{n:03d}",
            name=name,
            address=f"洪德路{n}号",
            lon=lon,
            lat=lat,
            use=BuildingUse.RESIDENTIAL,
        )
        for n, (grid, name, lon, lat) in enumerate(
            [
                (g1, "洪德大厦", 113.2412, 23.1012),
                (g1, "鳌洲新村3栋", 113.2436, 23.1038),
                (g1, "鳌洲新村5栋", 113.2441, 23.1041),
                (g3, "福安花园", 113.2524, 23.1031),
            ],
            start=1,
        )
    ]
    cameras = [
        _in(
            grid,
            Camera,
            code=code,
            name=name,
            lon=lon,
            lat=lat,
            direction=direction,
            fov=fov,
            kind=kind,
            status=status,
        )
        for grid, code, name, lon, lat, direction, fov, kind, status in [
            (
                g1,
                "44010500001310000001",
                "洪德路口",
                113.2425,
                23.1025,
                45,
                70,
                CameraKind.BULLET,
                CameraStatus.ONLINE,
            ),
            (
                g1,
                "44010500001310000002",
                "鳌洲街中段",
                113.2446,
                23.1016,
                200,
                60,
                CameraKind.BULLET,
                CameraStatus.OFFLINE,
            ),
            (
                g1,
                "44010500001310000003",
                "鳌洲广场",
                113.2419,
                23.1040,
                None,
                360,
                CameraKind.DOME,
                CameraStatus.ONLINE,
            ),
            (
                g3,
                "44010500001310000004",
                "福安路口",
                113.2520,
                23.1020,
                300,
                90,
                CameraKind.BULLET,
                CameraStatus.FAULT,
            ),
        ]
    ]
    reporter = reporter or personas["grid_worker"]
    cases = [
        report_case(reporter, category=category, title=title, lon=lon, lat=lat)
        for title, lon, lat in [
            ("洪德路垃圾堆放", 113.2431, 23.1021),
            ("鳌洲街占道经营", 113.2443, 23.1033),
            ("路灯不亮", 113.2416, 23.1044),
        ]
    ]
    Case.objects.filter(pk=cases[0].pk).update(due_at=now - dt.timedelta(hours=2))
    far = make_user("grid102001", Role.GRID_WORKER, g3)
    User.objects.filter(pk=far.pk).update(full_name="李晓红")
    fresh = personas["grid_worker"]
    walk = [
        (113.2402, 23.1008, 95),
        (113.2411, 23.1016, 60),
        (113.2420, 23.1024, 25),
        (113.2429, 23.1030, 2),
    ]
    locate(fresh, walk, now)
    locate(far, [(113.2527, 23.1027, 60)], now)
    return {"buildings": buildings, "cameras": cameras, "cases": cases, "workers": [fresh, far]}


def locate(worker, points, now):
    """The worker's phone reports (lon, lat, minutes ago) positions: a trail."""
    record_positions(
        worker,
        [
            {
                "lon": lon,
                "lat": lat,
                "accuracy": 8.0,
                "recorded_at": now - dt.timedelta(minutes=ago),
            }
            for lon, lat, ago in points
        ],
    )


def _config(response) -> dict:
    found = re.search(
        r'<script id="cm-config" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert found, "the page hands its configuration to the script as JSON"
    return json.loads(found.group(1))


def _counter(response, name) -> str:
    found = re.search(rf'data-counter="{name}">([^<]*)<', response.text)
    return found.group(1)


@pytest.fixture
def dispatcher(tree):
    return make_user("dispatcher", Role.DISPATCHER, tree["street"])


@pytest.fixture
def data(tree, personas):
    return place_map_data(tree, personas)


@pytest.mark.parametrize("persona", ["dispatcher", "community_staff", "street_leader"])
def test_the_command_center_opens_the_map(client, personas, dispatcher, persona):
    user = dispatcher if persona == "dispatcher" else personas[persona]
    response = login(client, user).get(URL)
    assert response.status_code == 200
    assert "指挥地图" in response.text and 'id="cm-map"' in response.text
    assert "vendor/leaflet.heat-0.2.0/leaflet-heat.js" in response.text
    assert "gridgov/commandmap.js" in response.text


@pytest.mark.parametrize("persona", ["grid_worker", "department_staff", "stranger", "auditor"])
def test_others_are_refused(client, personas, persona):
    assert login(client, personas[persona]).get(URL).status_code == 403
    assert client.get(COUNTERS).status_code == 403


def test_a_visitor_is_sent_to_log_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_offers_the_map_after_the_dispatch_board(client, dispatcher):
    text = login(client, dispatcher).get("/").text
    assert "指挥地图" in text
    assert text.index("调度台") < text.index("指挥地图")


def test_the_configuration_is_in_the_page(client, dispatcher, tree):
    config = _config(login(client, dispatcher).get(URL))
    assert config["base"] == {"kind": "none", "tiles": []}
    assert config["bounds"] == pytest.approx([113.24, 23.09, 113.26, 23.11])  # the street
    assert config["urls"]["layers"] == "/api/v1/map/layers/"
    assert config["urls"]["feed"] == "/api/v1/map/feed"
    assert config["urls"]["cards"] == "/command/cards/"
    assert config["urls"]["counters"] == COUNTERS
    assert config["labels"]["camera_status"]["fault"] == "故障"
    assert config["labels"]["source"]["command_center"] == "指挥中心/视频发现"


def test_a_community_looks_at_its_community(client, personas):
    response = login(client, personas["community_staff"]).get(URL)
    assert _config(response)["bounds"] == pytest.approx([113.24, 23.10, 113.25, 23.11])
    assert "鳌洲社区" in response.text


def test_xyz_tiles_come_from_the_settings(client, dispatcher, settings):
    settings.MAP_BASE = "xyz"
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    base = _config(login(client, dispatcher).get(URL))["base"]
    assert base["kind"] == "xyz" and base["tiles"] == [settings.MAP_TILE_URL]


def test_tianditu_uses_the_key_for_vector_and_labels(client, dispatcher, settings):
    settings.MAP_BASE = "tianditu"
    settings.TIANDITU_KEY = "k123"
    base = _config(login(client, dispatcher).get(URL))["base"]
    assert base["kind"] == "tianditu" and base["subdomains"] == "01234567"
    vec, cva = base["tiles"]
    assert vec.startswith("https://t{s}.tianditu.gov.cn/vec_w/wmts?") and "LAYER=vec" in vec
    assert cva.startswith("https://t{s}.tianditu.gov.cn/cva_w/wmts?") and "LAYER=cva" in cva
    for url in (vec, cva):
        assert "TILEMATRIXSET=w" in url and "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in url
        assert url.endswith("&tk=k123")


def test_a_tile_base_without_its_url_or_key_falls_back_to_plain(client, dispatcher, settings):
    settings.MAP_BASE = "tianditu"
    settings.TIANDITU_KEY = ""
    assert _config(login(client, dispatcher).get(URL))["base"]["kind"] == "none"
    settings.MAP_BASE = "xyz"
    settings.MAP_TILE_URL = ""
    assert _config(client.get(URL))["base"]["kind"] == "none"


def test_counters_of_the_whole_street(client, dispatcher, data):
    response = login(client, dispatcher).get(URL)
    assert _counter(response, "open") == "3"
    assert _counter(response, "overdue") == "1"
    assert _counter(response, "cameras_online") == "2"
    assert _counter(response, "cameras_total") == "4"
    assert _counter(response, "workers_on_duty") == "1"  # the other one is an hour old
    assert client.get(COUNTERS).json() == {
        "open": 3,
        "overdue": 1,
        "cameras_online": 2,
        "cameras_total": 4,
        "workers_on_duty": 1,
    }


def test_a_community_counts_only_its_own(client, personas, tree, data):
    counts = login(client, personas["community_staff"]).get(COUNTERS).json()
    # Community 101 holds grids 1 and 2: the cameras and worker of grid 3 are not its own.
    assert counts == {
        "open": 3,
        "overdue": 1,
        "cameras_online": 2,
        "cameras_total": 3,
        "workers_on_duty": 1,
    }


def test_closed_cases_are_not_counted(client, dispatcher, data):
    Case.objects.filter(pk=data["cases"][1].pk).update(status="closed")
    assert login(client, dispatcher).get(COUNTERS).json()["open"] == 2


def test_the_page_takes_a_fixed_number_of_queries(
    client, dispatcher, data, tree, django_assert_num_queries
):
    login(client, dispatcher).get(URL)  # the menu is cached after the first visit
    # session, user (roles are cached), the scope's areas, cases, cameras, workers
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
    for n in range(5):
        _in(
            tree["g2"],
            Camera,
            code=f"4401050000131000010{n}",
            name=f"新增{n}",
            lon=113.247,
            lat=23.102,
            kind=CameraKind.BULLET,
        )
    with django_assert_num_queries(6):
        client.get(URL)
