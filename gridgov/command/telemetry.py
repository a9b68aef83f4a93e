"""The command center's telemetry: camera heartbeats from the video platforms and the
grid workers' phone positions. These are machine data arriving every minute or so,
idempotent and not business operations, so unlike `actions` they write no audit row
per batch (326 cameras and 79 phones would bury the audit log in routine rows): what is
audited is who may send them (an alert source's creation, a worker's account and role),
and reading a worker's whereabouts is limited by the scope rule."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.command.models import (
    AlertSource,
    Camera,
    CameraStatus,
    WorkerLocation,
    WorkerPosition,
)
from gridgov.core.errors import ActionError, check_capability
from gridgov.places.coords import to_wgs84
from gridgov.places.models import Area, Level

MAX_POSITIONS = 500
POSITION_MAX_AGE = dt.timedelta(days=7)
CLOCK_SLACK = dt.timedelta(minutes=5)


def record_heartbeats(source: AlertSource, beats: list[tuple[str, str]]) -> int:
    """Camera statuses a video platform reports [(code, status)]; unknown codes and
    cameras of other streets are ignored. Returns how many cameras were updated."""
    now, updated = timezone.now(), 0
    with transaction.atomic():
        for status in CameraStatus.values:
            codes = [code for code, s in beats if s == status]
            if codes:
                updated += Camera.objects.filter(street_id=source.street_id, code__in=codes).update(
                    status=status, last_heartbeat_at=now
                )
        AlertSource.objects.filter(pk=source.pk).update(last_used_at=now)
    return updated


# -- grid workers' positions ----------------------------------------------------------


def _home_grid(user) -> Area:
    held = (
        RoleAssignment.objects.filter(user=user, role=Role.GRID_WORKER, area__level=Level.GRID)
        .select_related("area")
        .order_by("id")
        .first()
    )
    grid = held.area if held else None
    if grid is None:
        raise ActionError(_("只有分配了网格的网格员才能上报位置。"), status=403)
    return grid


def record_positions(user, points: list[dict]) -> dict:
    """Store a batch of a grid worker's positions (each: lon, lat, coords, accuracy,
    recorded_at) and move their last known location forward. A batch is checked whole
    first: one bad point refuses it all, with the point's index."""
    check_capability(user, "command.position")
    if not points:
        raise ActionError(_("没有位置数据。"), field="points")
    if len(points) > MAX_POSITIONS:
        raise ActionError(_("一次最多上报 %(n)d 个位置。") % {"n": MAX_POSITIONS}, field="points")
    grid = _home_grid(user)
    now = timezone.now()
    rows = {}
    for index, point in enumerate(points):
        moment = point["recorded_at"]
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if not now - POSITION_MAX_AGE <= moment <= now + CLOCK_SLACK:
            raise ActionError(
                _("第 %(i)d 个位置的时间不在最近 7 天内。") % {"i": index + 1}, field="points"
            )
        lon, lat = to_wgs84(point["lon"], point["lat"], point.get("coords") or "wgs84")
        row = WorkerPosition(
            user=user,
            lon=round(lon, 7),
            lat=round(lat, 7),
            accuracy=point.get("accuracy"),
            recorded_at=moment,
            received_at=now,
        )
        row.place_in(grid)
        rows[moment] = row
    known = set(
        WorkerPosition.objects.filter(user=user, recorded_at__in=list(rows)).values_list(
            "recorded_at", flat=True
        )
    )
    fresh = [row for moment, row in rows.items() if moment not in known]
    with transaction.atomic():
        WorkerPosition.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            _move_location(user, max(fresh, key=lambda r: r.recorded_at))
    return {"accepted": len(fresh), "duplicates": len(points) - len(fresh)}


def _move_location(user, latest: WorkerPosition) -> None:
    values = {
        "lon": latest.lon,
        "lat": latest.lat,
        "accuracy": latest.accuracy,
        "recorded_at": latest.recorded_at,
        "grid_id": latest.grid_id,
        "community_id": latest.community_id,
        "street_id": latest.street_id,
    }
    moved = WorkerLocation.objects.filter(user=user, recorded_at__lt=latest.recorded_at).update(
        **values
    )
    if not moved and not WorkerLocation.objects.filter(user=user).exists():
        WorkerLocation.objects.bulk_create(
            [WorkerLocation(user=user, **values)], ignore_conflicts=True
        )
