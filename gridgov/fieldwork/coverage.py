"""A patrol's track measured against its grid: distance, duration, gaps, coverage of
the grid's buildings and time spent off the grid; and the track's compact form for
storing and its GeoJSON for the map.

Pure functions over plain data (WGS84 lon/lat, no database), so the patrol action,
the demo and the `patrol_coverage` benchmark call the same code. A fix is a tuple
`(recorded_at, lon, lat, accuracy)`: `recorded_at` a datetime (or Unix seconds),
`accuracy` in metres or None.

A web page cannot record while the phone sleeps, so a track has holes. Two fixes more
than `GAP_SECONDS` apart are a gap: nothing is interpolated across it, so a gap adds
no distance, passes no building and counts neither on nor off the grid. A jump faster
than anyone walks or cycles (`MAX_SPEED_M_S`, a bad fix) breaks the track the same
way, and fixes the phone itself calls worse than `MAX_ACCURACY_M` are left out.

Metres come from a local equirectangular projection around the grid (far under a
metre of error across a grid, under 0.1 % over the few kilometres of a day's walk),
as `places.layouts.Plane` does for the partition.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from gridgov.places.geometry import EARTH_RADIUS_M

GAP_SECONDS = 120  # more than this between two fixes is a gap, never bridged
REACH_M = 30.0  # a building within this of the track was passed
OFF_GRID_MARGIN_M = 30.0  # a fix this far outside the boundary is off the grid
OFF_GRID_NOTE_MINUTES = 30.0  # more than this off the grid in one patrol is noted
MAX_ACCURACY_M = 50.0  # fixes the phone reports as worse than this are dropped
MAX_SPEED_M_S = 20.0  # faster than this between two fixes is a bad fix, not a walk
DIGITS = 6  # stored coordinates: 6 decimals, about 0.1 m
CHUNK = 256  # pieces of track queried at a time for coverage


@dataclass(frozen=True)
class Gap:
    """A stretch with no fix: the phone slept, lost its signal or the app was closed."""

    start: datetime | float
    end: datetime | float
    seconds: float


@dataclass(frozen=True)
class PatrolSummary:
    """What a finished patrol's track says. `coverage` is None for a grid with no
    buildings (nothing to pass); `passed` are indices into the buildings given."""

    fixes: int
    distance_m: float
    duration_s: float  # first fix to last, gaps included
    tracked_s: float  # the same less the gaps
    gaps: tuple[Gap, ...]
    buildings: int
    passed: tuple[int, ...]
    coverage: float | None
    off_grid_minutes: float
    off_grid_noted: bool


class _Plane:
    """Lon/lat → metres east and north of an origin (equirectangular)."""

    def __init__(self, lon0: float, lat0: float):
        self.origin = np.array([lon0, lat0])
        self.scale = np.array(
            [math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0)),
             math.radians(1) * EARTH_RADIUS_M]
        )  # fmt: skip

    def xy(self, lonlat: np.ndarray) -> np.ndarray:
        return (np.asarray(lonlat, dtype=float).reshape(-1, 2) - self.origin) * self.scale

    def geometry(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: (xy - self.origin) * self.scale)


def _seconds(value) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    return float(value)


@dataclass
class _Track:
    """The usable fixes in time order, their times in seconds, and where the track
    breaks: `starts[i]` is True where fix i begins a new piece (the first fix, after a
    gap or after a jump)."""

    times: list  # the recorded_at values as given
    seconds: np.ndarray
    lonlat: np.ndarray
    xy: np.ndarray
    starts: np.ndarray
    gap_after: np.ndarray  # True at i when the time from fix i to i+1 is a gap


def _track(fixes, plane: _Plane | None = None) -> tuple[_Track, _Plane | None]:
    """The fixes cleaned: sorted by time, one per moment (the first given), fixes
    without coordinates or with poor accuracy dropped."""
    fixes = list(fixes)
    recorded, lons, lats, accuracies = zip(*fixes, strict=True) if fixes else ((),) * 4
    every = np.array([_seconds(t) for t in recorded], dtype=float)
    lonlat = np.array([lons, lats], dtype=float).T.reshape(-1, 2)
    accuracy = np.array(accuracies, dtype=float)  # None is NaN: kept
    good = np.flatnonzero(~(accuracy > MAX_ACCURACY_M) & np.isfinite(lonlat).all(axis=1))
    seconds, first = np.unique(every[good], return_index=True)
    kept = good[first]
    times = [recorded[i] for i in kept]
    lonlat = lonlat[kept]
    if plane is None and len(lonlat):
        plane = _Plane(*lonlat[0])
    xy = plane.xy(lonlat) if plane else np.empty((0, 2))
    dt = np.diff(seconds)
    gap_after = np.zeros(len(seconds), dtype=bool)
    gap_after[:-1] = dt > GAP_SECONDS
    step = np.hypot(*np.diff(xy, axis=0).T) if len(xy) > 1 else np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        jump = step / dt > MAX_SPEED_M_S
    starts = np.ones(len(seconds), dtype=bool)
    starts[1:] = gap_after[:-1] | jump
    return _Track(times, seconds, lonlat, xy, starts, gap_after), plane


def _links(track: _Track) -> np.ndarray:
    """Indices i of the fixes joined to the next one (same piece of track)."""
    if len(track.seconds) < 2:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(~track.starts[1:])


def _pieces(track: _Track) -> list[np.ndarray]:
    """The indices of the fixes of each unbroken piece, in order."""
    return np.split(np.arange(len(track.seconds)), np.flatnonzero(track.starts)[1:])


def summarize(fixes, grid: BaseGeometry, buildings) -> PatrolSummary:
    """Measure a patrol's track against its grid's boundary and building points
    ((lon, lat) pairs). Coverage counts the buildings within `REACH_M` of the track's
    lines, not only of its fixes (a worker walking past at 5-second fixes covers the
    ground between them), looked up with an STRtree over the buildings."""
    centre = grid.centroid
    plane = _Plane(centre.x, centre.y)
    track, _ = _track(fixes, plane)
    points = np.asarray(buildings, dtype=float).reshape(-1, 2)
    n = len(track.seconds)
    links = _links(track)
    dt = np.diff(track.seconds)

    gaps = tuple(
        Gap(track.times[i], track.times[i + 1], float(dt[i]))
        for i in np.flatnonzero(track.gap_after)
    )
    distance = (
        float(np.hypot(*(track.xy[links + 1] - track.xy[links]).T).sum()) if len(links) else 0.0
    )
    duration = float(track.seconds[-1] - track.seconds[0]) if n else 0.0
    tracked = duration - sum(g.seconds for g in gaps)

    passed = _passed(track, links, plane.xy(points)) if n and len(points) else np.empty(0, int)
    off_grid = _off_grid_seconds(track, links, plane.geometry(grid)) / 60 if n else 0.0
    return PatrolSummary(
        fixes=n,
        distance_m=distance,
        duration_s=duration,
        tracked_s=tracked,
        gaps=gaps,
        buildings=len(points),
        passed=tuple(int(i) for i in passed),
        coverage=len(passed) / len(points) if len(points) else None,
        off_grid_minutes=off_grid,
        off_grid_noted=off_grid > OFF_GRID_NOTE_MINUTES,
    )


def _passed(track: _Track, links: np.ndarray, buildings_xy: np.ndarray) -> np.ndarray:
    """Indices of the buildings within REACH_M of the track. One short line per pair of
    linked fixes keeps each query's box small; a fix linked to neither neighbour (a
    piece of one fix) is a point. A worker passes the same compounds many times a
    patrol, so the track is read in chunks and the buildings already passed leave the
    tree: each exact distance test costs far more than rebuilding a tree of a few
    hundred points."""
    lines = shapely.linestrings(np.stack([track.xy[links], track.xy[links + 1]], axis=1))
    linked = np.zeros(len(track.seconds), dtype=bool)
    linked[links] = linked[links + 1] = True
    parts = np.concatenate([lines, shapely.points(track.xy[~linked])])
    remaining = np.arange(len(buildings_xy))
    passed = []
    for first in range(0, len(parts), CHUNK):
        if not len(remaining):
            break
        tree = STRtree(shapely.points(buildings_xy[remaining]))
        _, hit = tree.query(parts[first : first + CHUNK], predicate="dwithin", distance=REACH_M)
        hit = np.unique(hit)
        passed.append(remaining[hit])
        remaining = np.delete(remaining, hit)
    return np.sort(np.concatenate(passed)) if passed else np.empty(0, dtype=np.int64)


def _off_grid_seconds(track: _Track, links: np.ndarray, grid_xy: BaseGeometry) -> float:
    """Seconds spent more than OFF_GRID_MARGIN_M outside the grid: each linked interval
    counts half for each end that is off the grid; gaps count for neither."""
    inside = grid_xy.buffer(OFF_GRID_MARGIN_M)
    shapely.prepare(inside)
    off = ~shapely.contains_xy(inside, track.xy[:, 0], track.xy[:, 1])
    dt = np.diff(track.seconds)[links]
    return float((dt * (off[links].astype(float) + off[links + 1]) / 2).sum())


# -- storing and showing a track ------------------------------------------------------


def encode_track(fixes) -> dict:
    """The track as stored with a patrol: the first fix's Unix time and the pieces
    (split at gaps and jumps) as lists of [seconds since start, lon, lat], seconds to
    a tenth and coordinates to 6 decimals. About 30 bytes of JSON a fix: a 4-hour
    patrol at 5-second fixes is ~85 KB."""
    track, _ = _track(fixes)
    if not len(track.seconds):
        return {"start": None, "pieces": []}
    start = float(track.seconds[0])
    offsets = [_compact(t) for t in np.round(track.seconds - start, 1).tolist()]
    coordinates = np.round(track.lonlat, DIGITS).tolist()
    pieces = [[[offsets[i], *coordinates[i]] for i in piece] for piece in _pieces(track)]
    return {"start": start, "pieces": pieces}


def _compact(seconds: float) -> int | float:
    """Whole seconds written without the ".0"."""
    return int(seconds) if seconds.is_integer() else seconds


def decode_track(encoded: dict) -> list[tuple[datetime, float, float, None]]:
    """The stored track back as fixes (accuracy is not kept)."""
    start = encoded.get("start")
    if start is None:
        return []
    return [
        (datetime.fromtimestamp(start + t, UTC), lon, lat, None)
        for piece in encoded["pieces"]
        for t, lon, lat in piece
    ]


def track_geojson(encoded: dict) -> dict:
    """A stored track as a GeoJSON FeatureCollection for the map: one LineString per
    unbroken piece, so a gap shows as a gap, and a Point for a piece of one fix. Each
    feature carries its piece's start and end as ISO times."""
    start = encoded.get("start")
    features = []
    for number, piece in enumerate(encoded.get("pieces", [])):
        coordinates = [[lon, lat] for _t, lon, lat in piece]
        geometry = (
            {"type": "LineString", "coordinates": coordinates}
            if len(coordinates) > 1
            else {"type": "Point", "coordinates": coordinates[0]}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "piece": number,
                    "start": datetime.fromtimestamp(start + piece[0][0], UTC).isoformat(),
                    "end": datetime.fromtimestamp(start + piece[-1][0], UTC).isoformat(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
