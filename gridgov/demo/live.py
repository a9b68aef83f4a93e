"""The demo street, alive: while `gridgov demo` serves, a stand-in for the video
platform and the grid workers' phones keeps the command map moving — heartbeats for the
cameras, a few metres of walking for each worker on duty, and now and then a camera
alert that becomes a case in the live feed; at the service hall numbers are taken and
called (`demo.hall_live`). Everything goes through the same actions
the real machines' requests reach (`command.actions`), so the demo shows the real path.
"""

import datetime as dt
import math
import random

from django.utils import timezone
from shapely.geometry import Point

from gridgov.accounts.models import User
from gridgov.command import actions, telemetry
from gridgov.command.models import (
    AlertKind,
    AlertSource,
    Camera,
    CameraStatus,
    WorkerLocation,
)
from gridgov.command.queries import STALE_AFTER
from gridgov.core.errors import ActionError
from gridgov.demo import hall_live
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area

ALERT_EVERY = 4  # ticks between camera alerts
STEP_M = 25  # how far a worker on duty walks between ticks
_M_PER_DEG = (102_400.0, 110_800.0)  # lon, lat at 23.1° N


def tick(number: int, rng: random.Random) -> dict:
    """One round of the simulation; returns what it did (for the log line)."""
    done = {"heartbeats": 0, "positions": 0, "alerts": 0, "hall_calls": hall_live.tick(rng)}
    now = timezone.now()
    for source in AlertSource.objects.filter(is_active=True).order_by("id")[:1]:
        online = Camera.objects.filter(street_id=source.street_id, status=CameraStatus.ONLINE)
        beats = [(code, CameraStatus.ONLINE) for code in online.values_list("code", flat=True)]
        done["heartbeats"] = telemetry.record_heartbeats(source, beats)
        if number % ALERT_EVERY == 0:
            done["alerts"] = _alert(source, online, rng, now)
    on_duty = list(WorkerLocation.objects.filter(recorded_at__gte=now - STALE_AFTER))
    users = User.objects.in_bulk([loc.user_id for loc in on_duty])
    grids = dict(
        Area.objects.filter(pk__in={loc.grid_id for loc in on_duty}).values_list("pk", "boundary")
    )
    for location in on_duty:
        lon, lat = _step(location, grids.get(location.grid_id), rng)
        point = {
            "lon": lon,
            "lat": lat,
            "accuracy": round(rng.uniform(4, 15), 1),
            "recorded_at": now,
        }
        try:
            done["positions"] += telemetry.record_positions(users[location.user_id], [point])[
                "accepted"
            ]
        except ActionError:
            continue  # a worker whose grid assignment ended meanwhile
    return done


def _step(location, boundary, rng: random.Random) -> tuple[float, float]:
    """A few metres in a random direction, staying inside the worker's own grid (a
    step that would leave it heads back towards the grid's middle instead)."""
    heading = rng.uniform(0, 2 * math.pi)
    lon = location.lon + STEP_M * math.sin(heading) / _M_PER_DEG[0]
    lat = location.lat + STEP_M * math.cos(heading) / _M_PER_DEG[1]
    if boundary:
        grid = parse_boundary(boundary)
        if not grid.contains(Point(lon, lat)):
            middle = grid.representative_point()
            lon = location.lon + (middle.x - location.lon) * 0.3
            lat = location.lat + (middle.y - location.lat) * 0.3
    return lon, lat


def _alert(source, online, rng: random.Random, now: dt.datetime) -> int:
    cameras = list(online.values_list("code", "address", "name")[:400])
    kinds = list(AlertKind.objects.values_list("code", "name"))
    if not cameras or not kinds:
        return 0
    (code, address, name), (kind, kind_name) = rng.choice(cameras), rng.choice(kinds)
    local = timezone.localtime(now)
    try:
        actions.receive_alert(
            source,
            alert_id=f"VMS{local:%Y%m%d%H%M%S}{rng.randrange(100):02d}",
            camera_code=code,
            kind=kind,
            occurred_at=now,
            text=f"{address or name}：{kind_name}",
        )
    except ActionError:
        return 0
    return 1
