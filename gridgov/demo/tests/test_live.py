"""The demo's stand-in for cameras and phones moves the command map through the real
actions: heartbeats, a step for each worker on duty, and a camera alert now and then."""

import datetime as dt
import random

from django.utils import timezone

from gridgov.cases.models import Case, Category
from gridgov.cases.seed import seed_categories
from gridgov.command.actions import create_alert_source
from gridgov.command.models import Camera, CameraKind, WorkerLocation, WorkerPosition
from gridgov.demo.live import ALERT_EVERY, tick


def _world(tree, personas):
    seed_categories(Category)
    create_alert_source(None, "视频监控平台", tree["street"])
    camera = Camera(code="44010500001310000001", name="洪德路口", lon=113.2425, lat=23.1025)
    camera.kind = CameraKind.DOME
    camera.place_in(tree["g1"])
    camera.save()
    worker = personas["grid_worker"]
    located = WorkerLocation(user=worker, lon=113.2425, lat=23.1025, recorded_at=timezone.now())
    located.place_in(tree["g1"])
    located.save()
    return camera, worker


def test_a_tick_beats_walks_and_sometimes_alerts(tree, personas):
    camera, worker = _world(tree, personas)

    quiet = tick(1, random.Random(1))
    assert quiet == {"heartbeats": 1, "positions": 1, "alerts": 0, "hall_calls": 0}
    camera.refresh_from_db()
    assert timezone.now() - camera.last_heartbeat_at < dt.timedelta(seconds=5)
    assert WorkerPosition.objects.filter(user=worker).count() == 1

    loud = tick(ALERT_EVERY, random.Random(2))
    assert loud["alerts"] == 1
    assert Case.objects.get().source == "command_center"


def test_stale_workers_stay_where_they_were(tree, personas):
    _camera, worker = _world(tree, personas)
    WorkerLocation.objects.update(recorded_at=timezone.now() - dt.timedelta(hours=2))
    assert tick(1, random.Random(1))["positions"] == 0
