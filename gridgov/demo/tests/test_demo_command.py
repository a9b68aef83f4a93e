"""The demo's command center: 326 cameras along the street's roads, the two alert
sources, alerts behind the cases found on video, and four hours of each grid worker's
positions, all from a fixed seed and written once."""

import datetime as dt
import random
import re

import pytest
from django.db.models import Count
from django.utils import timezone
from shapely.geometry import Point

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import Source
from gridgov.command.models import (
    AlertSource,
    Camera,
    CameraAlert,
    CameraKind,
    WorkerLocation,
    WorkerPosition,
)
from gridgov.core.models import AuditEntry
from gridgov.demo import command as demo_command
from gridgov.demo.load import load_demo
from gridgov.demo.population import street_grids
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Level

M_PER_DEG = (102_400.0, 110_800.0)


def metres(a, b) -> float:
    return ((a[0] - b[0]) * M_PER_DEG[0]) ** 2 + ((a[1] - b[1]) * M_PER_DEG[1]) ** 2


@pytest.fixture
def demo(db):
    load_demo(cases=400)


@pytest.fixture
def shapes(demo):
    return {a.pk: parse_boundary(a.boundary) for a in Area.objects.filter(level=Level.GRID)}


def test_326_cameras_line_the_roads_of_the_street(demo, shapes):
    cameras = list(Camera.objects.order_by("code"))
    assert len(cameras) == 326
    assert [c.code for c in cameras] == [f"44010500001310{n:06d}" for n in range(1, 327)]
    assert len({c.name for c in cameras}) == 326
    assert any(re.fullmatch(r".+与.+交界[东西][南北]角\d*", c.name) for c in cameras)
    assert any(re.fullmatch(r".+\d+号(旁|对开|门前)\d*", c.name) for c in cameras)
    street = Area.objects.get(code="440105008")
    for c in cameras:
        point = Point(c.lon, c.lat)
        assert shapes[c.grid_id].contains(point), c.code
        assert c.street_id == street.pk
        # Along a road: the grid edges stand for the roads, so a camera is near one.
        assert shapes[c.grid_id].exterior.distance(point) * M_PER_DEG[1] < 15, c.name
        assert c.stream_url == f"http://video.nhx.local/live/{c.code}.m3u8"
        assert c.vendor in ("海康威视", "大华", "宇视")
        assert (c.direction is None) == (c.kind == CameraKind.DOME)
    statuses = dict(Camera.objects.values_list("status").annotate(n=Count("id")))
    assert statuses == {"online": 310, "offline": 10, "fault": 6}
    kinds = dict(Camera.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["bullet"] + kinds["dome"] > 0.75 * 326 and kinds["ai"] > 10
    assert len({c.grid_id for c in cameras}) > 60


def test_alerts_stand_behind_cases_the_center_found_on_video(demo):
    sources = {s.name: s for s in AlertSource.objects.all()}
    assert set(sources) == {"视频监控平台", "AI智能分析盒"}
    assert all(s.is_active and s.secret_cipher for s in sources.values())
    assert AuditEntry.objects.filter(action="alert_source.create", actor=None).count() == 2
    alerts = list(CameraAlert.objects.select_related("case__category", "camera", "kind", "source"))
    assert alerts
    for alert in alerts:
        case = alert.case
        assert case.source == Source.COMMAND_CENTER
        assert case.category.code == alert.kind.category_code
        assert metres((case.lon, case.lat), (alert.camera.lon, alert.camera.lat)) < 150**2
        assert alert.place == alert.camera.place
        assert case.source_ref.startswith(alert.camera.code + ":")
        assert case.reporter_name == alert.source.name
        assert (alert.source.name == "AI智能分析盒") == (alert.camera.kind == CameraKind.AI)
        assert alert.occurred_at <= alert.received_at
    firsts = [a for a in alerts if not a.joined]
    assert len({a.case_id for a in firsts}) == len(firsts) == len({a.case_id for a in alerts})


def test_every_grid_worker_has_four_hours_of_positions_in_their_grid(demo, shapes):
    now = timezone.now()
    workers = dict(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER).values_list("user_id", "area_id")
    )
    locations = {loc.user_id: loc for loc in WorkerLocation.objects.all()}
    assert set(locations) == set(workers) and len(workers) == 79
    stale = [u for u, loc in locations.items() if now - loc.recorded_at > dt.timedelta(minutes=30)]
    assert len(stale) == 8
    for user_id in stale:
        age = now - locations[user_id].recorded_at
        assert dt.timedelta(minutes=59) < age < dt.timedelta(hours=3, minutes=1)
    trails = {}
    for user_id, lon, lat, grid_id, moment in WorkerPosition.objects.order_by(
        "user_id", "recorded_at"
    ).values_list("user_id", "lon", "lat", "grid_id", "recorded_at"):
        assert grid_id == workers[user_id]
        assert shapes[grid_id].contains(Point(lon, lat))
        trails.setdefault(user_id, []).append(moment)
    for user_id, moments in trails.items():
        assert moments[-1] == locations[user_id].recorded_at
        assert moments[0] > now - dt.timedelta(hours=4, minutes=1)
        gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
        assert all(90 < gap < 150 for gap in gaps)
        if user_id not in stale:
            assert now - moments[-1] < dt.timedelta(minutes=3)
            assert moments[-1] - moments[0] > dt.timedelta(hours=3, minutes=55)
    assert AuditEntry.objects.filter(action="demo.command").count() == 1


def test_loading_again_adds_nothing(demo):
    counts = [
        model.objects.count()
        for model in (Camera, AlertSource, CameraAlert, WorkerPosition, WorkerLocation, AuditEntry)
    ]
    load_demo(cases=400)
    assert counts == [
        model.objects.count()
        for model in (Camera, AlertSource, CameraAlert, WorkerPosition, WorkerLocation, AuditEntry)
    ]


def test_the_cameras_come_from_the_seed(demo):
    grids = street_grids(Area.objects.get(code="440105008"))

    def plan():
        rows = demo_command.plan_cameras(grids, random.Random(demo_command.SEED))
        return [(r["code"], r["name"], r["lon"], r["lat"], r["kind"], r["grid_id"]) for r in rows]

    assert plan() == plan()


def test_a_few_cases_wait_for_the_nearest_worker_to_verify(demo):
    from gridgov.cases.inbox_views import waiting_for
    from gridgov.cases.models import Case

    sent = Case.objects.filter(verifier__isnull=False, verify_due_at__isnull=False)
    assert sent.count() == 3
    case = sent.first()
    assert Case.objects.filter(waiting_for(case.verifier), pk=case.pk).exists()
