"""The demo street, alive: while `gridgov demo` serves, a stand-in for the video
platform and the grid workers' phones keeps the command map moving — heartbeats for the
cameras, a few metres of walking for each worker on duty, and now and then a camera
alert that becomes a case in the live feed. Everything goes through the same actions
the real machines' requests reach (`command.actions`), so the demo shows the real path.
"""

import datetime as dt
import math
import random

from django.utils import timezone

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

ALERT_EVERY = 4  # ticks between camera alerts
STEP_M = 25  # how far a worker on duty walks between ticks
_M_PER_DEG = (102_400.0, 110_800.0)  # lon, lat at 23.1° N


def tick(number: int, rng: random.Random) -> dict:
    """One round of the simulation; returns what it did (for the log line)."""
    done = {"heartbeats": 0, "positions": 0, "alerts": 0}
    now = timezone.now()
    for source in AlertSource.objects.filter(is_active=True).order_by("id")[:1]:
        online = Camera.objects.filter(street_id=source.street_id, status=CameraStatus.ONLINE)
        beats = [(code, CameraStatus.ONLINE) for code in online.values_list("code", flat=True)]
        done["heartbeats"] = telemetry.record_heartbeats(source, beats)
        if number % ALERT_EVERY == 0:
            done["alerts"] = _alert(source, online, rng, now)
    on_duty = WorkerLocation.objects.filter(recorded_at__gte=now - STALE_AFTER)
    users = User.objects.in_bulk([loc.user_id for loc in on_duty])
    for location in on_duty:
        heading = rng.uniform(0, 2 * math.pi)
        point = {
            "lon": location.lon + STEP_M * math.sin(heading) / _M_PER_DEG[0],
            "lat": location.lat + STEP_M * math.cos(heading) / _M_PER_DEG[1],
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


def _alert(source, online, rng: random.Random, now: dt.datetime) -> int:
    cameras = list(online.values_list("code", flat=True)[:400])
    kinds = list(AlertKind.objects.values_list("code", flat=True))
    if not cameras or not kinds:
        return 0
    try:
        actions.receive_alert(
            source,
            alert_id=f"demo-{now:%Y%m%d%H%M%S}-{rng.randrange(10_000)}",
            camera_code=rng.choice(cameras),
            kind=rng.choice(kinds),
            occurred_at=now,
            text="智能分析识别（演示）",
        )
    except ActionError:
        return 0
    return 1
