"""Reads of a patrol's positions and grid: what ending a patrol measures, and what its
page shows.

The positions are the worker's `command.WorkerPosition` rows between the patrol's
start and end, whoever sent them (the patrol page's phone or a handheld terminal,
both through `POST /api/v1/positions`). They are measured once, when the patrol ends,
against the grid's boundary and buildings (`fieldwork.coverage`); the patrol keeps the
figures and a compact copy of its track with the ids of the buildings it passed, so
its page never reads the positions again.
"""

import datetime
from dataclasses import dataclass

import shapely
from django.utils import timezone

from gridgov.command.models import WorkerPosition
from gridgov.fieldwork import coverage
from gridgov.fieldwork.models import Patrol
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Building


def fixes_between(worker_id: int, start: datetime.datetime, end: datetime.datetime) -> list:
    """The worker's fixes from `start` to `end`, as `coverage` takes them."""
    return list(
        WorkerPosition.objects.filter(user_id=worker_id, recorded_at__range=(start, end))
        .order_by("recorded_at")
        .values_list("recorded_at", "lon", "lat", "accuracy")
    )


def day_end(moment: datetime.datetime) -> datetime.datetime:
    """The local midnight after `moment`."""
    day = timezone.localdate(moment) + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def started_today(patrol: Patrol, now: datetime.datetime | None = None) -> bool:
    return timezone.localdate(patrol.started_at) == timezone.localdate(now or timezone.now())


def real_end(patrol: Patrol, now: datetime.datetime) -> datetime.datetime:
    """When a running patrol ends: now, if it started today; a patrol left running over
    midnight ended with its last fix of the day it started (its start, without one),
    not when someone noticed."""
    if started_today(patrol, now):
        return max(now, patrol.started_at)
    last = (
        WorkerPosition.objects.filter(
            user_id=patrol.worker_id,
            recorded_at__gte=patrol.started_at,
            recorded_at__lt=min(day_end(patrol.started_at), now),
        )
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return last or patrol.started_at


@dataclass(frozen=True)
class GridShape:
    """A grid's boundary and its buildings' ids and points, for measuring a track."""

    boundary: dict | None  # GeoJSON
    outline: object  # the same as a shapely geometry (None without a boundary)
    building_ids: list[int]
    points: list[tuple[float, float]]


def grid_shape(grid_id: int) -> GridShape:
    boundary = Area.objects.filter(pk=grid_id).values_list("boundary", flat=True).first()
    rows = list(
        Building.objects.filter(grid_id=grid_id).order_by("id").values_list("id", "lon", "lat")
    )
    return GridShape(
        boundary,
        parse_boundary(boundary) if boundary else None,
        [pk for pk, _lon, _lat in rows],
        [(lon, lat) for _pk, lon, lat in rows],
    )


def measure(patrol: Patrol, end: datetime.datetime) -> dict:
    """The figures `actions.end_patrol` stores, from the positions between the patrol's
    start and `end`: distance, coverage, minutes off the grid, and the track with the
    ids of the buildings passed (`passed`)."""
    fixes = fixes_between(patrol.worker_id, patrol.started_at, end)
    shape = grid_shape(patrol.grid_id)
    outline = shape.outline
    if outline is None:  # a grid without a boundary: nothing is "off" it
        points = [(lon, lat) for _t, lon, lat, _a in fixes] + shape.points
        outline = shapely.MultiPoint(points or [(0, 0)]).envelope.buffer(1)
    summary = coverage.summarize(fixes, outline, shape.points)
    track = coverage.encode_track(fixes)
    track["passed"] = [shape.building_ids[i] for i in summary.passed]
    return {
        "distance_m": round(summary.distance_m, 1),
        "coverage": summary.coverage,
        "off_grid_minutes": round(summary.off_grid_minutes),
        "track": track,
    }


def distance_so_far(patrol: Patrol, now: datetime.datetime | None = None) -> float:
    """Metres walked since a running patrol started (its page, when opened)."""
    fixes = fixes_between(patrol.worker_id, patrol.started_at, now or timezone.now())
    if len(fixes) < 2:
        return 0.0
    _t, lon, lat, _a = fixes[0]
    return coverage.summarize(fixes, shapely.Point(lon, lat).buffer(1), []).distance_m


def gaps(track: dict | None) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The stretches without fixes between a stored track's pieces (more than
    `coverage.GAP_SECONDS`): shown as gaps, never joined."""
    if not track or track.get("start") is None:
        return []
    start, pieces, found = track["start"], track.get("pieces", []), []
    for before, after in zip(pieces, pieces[1:], strict=False):
        if after[0][0] - before[-1][0] > coverage.GAP_SECONDS:
            found.append(
                (
                    datetime.datetime.fromtimestamp(start + before[-1][0], datetime.UTC),
                    datetime.datetime.fromtimestamp(start + after[0][0], datetime.UTC),
                )
            )
    return found


def passed_ids(patrol: Patrol, shape: GridShape) -> set[int]:
    """The buildings a finished patrol passed: as stored with its track, or measured
    again from the stored track (patrols kept before the ids were)."""
    track = patrol.track or {}
    if "passed" in track:
        return set(track["passed"])
    fixes = coverage.decode_track(track)
    if not fixes or shape.outline is None or not shape.points:
        return set()
    summary = coverage.summarize(fixes, shape.outline, shape.points)
    return {shape.building_ids[i] for i in summary.passed}
