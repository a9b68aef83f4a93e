"""Fixtures of the command center's tests: the people who watch the map, and a small
world on the shared tree (gridgov/conftest.py) for it to show.

Grid centres: g1 (113.2425, 23.1025), g2 (113.2475, 23.1025), g3 (113.2525, 23.1025),
and g9, the other street's grid made here, (113.2725, 23.1025).

`map_world` places, in the street 南华西 (grids g1–g3) and the other street (g9):
  buildings  b1 (g1, 2 dwellings, 3 households), b3 (g3), b9 (g9)
  cameras    cam1 (g1, online, facing 90°), cam3 (g3, offline, 360° dome), cam9 (g9)
  cases      case1 (g1, open, overdue), case2 (g2, open), case3 (g3, open),
             closed (g1, closed), case9 (g9, open)
  workers    w1 (grid worker of g1, fresh), w2 (g2, fresh, farther from case1),
             w3 (g3, an hour old: off duty), w9 (g9, fresh); each with a short trail
Personas (besides the shared ones): dispatcher (street), other_dispatcher (the other
street), community102 (community staff of 福安 102).
"""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.cases import actions as case_actions
from gridgov.cases import calendar
from gridgov.cases.models import Case, Category
from gridgov.cases.seed import seed_categories
from gridgov.command import telemetry
from gridgov.command.models import Camera, CameraKind, CameraStatus
from gridgov.people.models import Household
from gridgov.places.models import Building, BuildingUse, Dwelling
from gridgov.testing import CENTRES, make_area, make_user, place, square


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-time calendar is cached per process; each test reads its own."""
    calendar.forget()


@pytest.fixture
def category(db):
    """A leaf category (暴露垃圾), seeded afresh for tests that flush the database."""
    seed_categories(Category)
    return Category.objects.current().get(code="E0102")


@pytest.fixture
def dispatcher(tree):
    return make_user("dispatcher", Role.DISPATCHER, tree["street"])


@pytest.fixture
def street_staff(tree):
    return make_user("street_staff", Role.STREET_STAFF, tree["street"])


@pytest.fixture
def other_grid(tree):
    """A grid of the other street (龙凤街道)."""
    return make_area("440105009101001", "凤阳第一网格", tree["c201"], square(113.27, 23.10, 0.005))


@pytest.fixture
def other_dispatcher(tree, other_grid):
    return make_user("other_dispatcher", Role.DISPATCHER, tree["other_street"])


@pytest.fixture
def community102(tree):
    """Community staff of 福安 (102): grid g3 only."""
    return make_user("community102", Role.COMMUNITY_STAFF, tree["c102"])


@pytest.fixture
def grids(tree, other_grid):
    return {"g1": tree["g1"], "g2": tree["g2"], "g3": tree["g3"], "g9": other_grid}


@pytest.fixture
def locate_worker():
    """Report a grid worker's positions: `locate_worker(user, (lon, lat), minutes_ago=0)`,
    or a trail with `points=[(lon, lat, minutes_ago), …]`."""

    def _locate(user, at=None, minutes_ago=0, points=None, accuracy=8.0):
        now = timezone.now()
        points = points or [(at[0], at[1], minutes_ago)]
        telemetry.record_positions(
            user,
            [
                {
                    "lon": lon,
                    "lat": lat,
                    "accuracy": accuracy,
                    "recorded_at": now - dt.timedelta(minutes=ago),
                }
                for lon, lat, ago in points
            ],
        )

    return _locate


@pytest.fixture
def make_map_camera(grids):
    """Register a camera at the centre of a grid ("g1"…"g3", "g9")."""
    counter = {"n": 0}

    def _make(grid="g1", **fields):
        counter["n"] += 1
        lon, lat = CENTRES[grid]
        values = {
            "code": f"44010500001310{counter['n']:06d}",
            "name": f"路口{counter['n']}",
            "lon": lon,
            "lat": lat,
            "kind": CameraKind.BULLET,
            "status": CameraStatus.ONLINE,
        } | fields
        return place(Camera(**values), grids[grid])

    return _make


@pytest.fixture
def map_world(
    tree,
    personas,
    grids,
    dispatcher,
    other_dispatcher,
    category,
    locate_worker,
    make_map_camera,
):
    now = timezone.now()
    g1, g3, g9 = grids["g1"], grids["g3"], grids["g9"]
    b1 = place(
        Building(
            code="B-G1-01",
            name="洪德大厦",
            address="洪德路1号",
            lon=113.2412,
            lat=23.1012,
            use=BuildingUse.RESIDENTIAL,
        ),
        g1,
    )
    b3 = place(
        Building(
            code="B-G3-01",
            name="福安花园",
            address="福安街3号",
            lon=113.2524,
            lat=23.1031,
            use=BuildingUse.RESIDENTIAL,
        ),
        g3,
    )
    b9 = place(
        Building(
            code="B-G9-01",
            name="凤阳大楼",
            address="凤阳路9号",
            lon=113.2721,
            lat=23.1021,
            use=BuildingUse.RESIDENTIAL,
        ),
        g9,
    )
    d101 = place(Dwelling(building=b1, unit="1", room="101", use="residential"), g1)
    d102 = place(
        Dwelling(
            building=b1,
            unit="1",
            room="102",
            use="residential",
            is_rental=True,
            landlord_name="欧阳明",
        ),
        g1,
    )
    for number, dwelling in (("HH-1", d101), ("HH-2", d101), ("HH-3", d102)):
        place(Household(dwelling=dwelling, number=number, kind="registered"), g1)
    Building.objects.filter(pk=b1.pk).update(household_count=3)
    b1.refresh_from_db()

    cam1 = make_map_camera(
        "g1",
        name="洪德路口",
        direction=90,
        fov=70,
        stream_url="rtsp://admin:s3cret@10.0.0.5:554/live",
    )
    cam3 = make_map_camera("g3", name="福安街口", status=CameraStatus.OFFLINE, kind="dome")
    cam9 = make_map_camera("g9", name="凤阳路口")

    def report(actor, grid, title, **fields):
        lon, lat = CENTRES[grid]
        return case_actions.report_case(
            actor, category=category, title=title, lon=lon + 0.0005, lat=lat, **fields
        )

    case1 = report(dispatcher, "g1", "洪德路垃圾堆放")
    Case.objects.filter(pk=case1.pk).update(due_at=now - dt.timedelta(hours=1))
    case1.refresh_from_db()
    case2 = report(dispatcher, "g2", "鳌洲街道路不洁")
    case3 = report(dispatcher, "g3", "福安街占道经营")
    closed = report(dispatcher, "g1", "已处理的垃圾")
    Case.objects.filter(pk=closed.pk).update(status="closed", due_at=None)
    closed.refresh_from_db()
    case9 = report(other_dispatcher, "g9", "凤阳路垃圾")

    w1 = personas["grid_worker"]
    w2 = make_user("grid101002", Role.GRID_WORKER, tree["g2"])
    w3 = make_user("grid102001", Role.GRID_WORKER, tree["g3"])
    w9 = make_user("grid009001", Role.GRID_WORKER, g9)
    x1, y1 = CENTRES["g1"]
    locate_worker(w1, points=[(x1 - 0.001, y1, 40), (x1 - 0.0005, y1, 20), (x1, y1, 2)])
    locate_worker(w2, CENTRES["g2"], minutes_ago=5)
    locate_worker(w3, CENTRES["g3"], minutes_ago=60)
    locate_worker(w9, CENTRES["g9"], minutes_ago=1)
    return {
        "buildings": {"b1": b1, "b3": b3, "b9": b9},
        "dwellings": {"d101": d101, "d102": d102},
        "cameras": {"cam1": cam1, "cam3": cam3, "cam9": cam9},
        "cases": {"case1": case1, "case2": case2, "case3": case3, "closed": closed, "case9": case9},
        "workers": {"w1": w1, "w2": w2, "w3": w3, "w9": w9},
        "dispatcher": dispatcher,
    }
