"""The demo's patrol tracks: walks between a grid's buildings, fixed every 5–10
seconds with GPS noise, and their figures.

A walk goes from building to nearby building at a walking pace, stays at each door a
few minutes, reaches each case the worker reported on the patrol at the moment it was
reported (and stays there a while, taking the photo), now and then steps outside the
grid (the community office, a market across the road) and, on some patrols, the phone
sleeps for a few minutes: a gap, never bridged. One fix in a hundred is poor (the
phone says so, and `coverage` drops it).

The figures of a tracked patrol are `coverage.summarize` of the track as stored
(`encode_track`), so they are true of what the patrol's map shows. Older patrols keep
no track (as a deployment may drop old ones): their figures are drawn from the same
worker's tracked patrols, scaled to their length.
"""

import math
import random
from dataclasses import dataclass

import numpy as np
import shapely

from gridgov.fieldwork import coverage
from gridgov.places.geometry import EARTH_RADIUS_M

FIX_EVERY_S = (5.0, 10.0)
SPEED_M_S = (0.9, 1.3)
AT_DOOR_S = (30, 300)
AT_CASE_S = (240, 720)
NOISE_M = (3.0, 6.0)
DRIFT = 0.97  # how much of a fix's error the next keeps
POOR_FIX = 0.01
SLEEP_S = (180, 600)  # the phone asleep: a gap in the track
OUTSIDE_S = (600, 2700)  # a stay outside the grid
OUTSIDE_M = (80, 250)
NEAREST = 6


@dataclass
class Figures:
    """What a patrol row keeps of its track."""

    distance_m: float
    duration_s: float
    tracked_s: float
    coverage: float | None
    off_grid_minutes: int
    started: float  # Unix seconds of the first fix and the last
    ended: float
    track: dict | None = None


class GridWalker:
    """Walks of one grid, in metres on a local plane around it."""

    def __init__(self, geom, buildings: np.ndarray, seed: int):
        self.geom = geom
        self.buildings = np.asarray(buildings, dtype=float).reshape(-1, 2)
        centre = geom.centroid
        self.origin = np.array([centre.x, centre.y])
        self.scale = np.array(
            [math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(centre.y)),
             math.radians(1) * EARTH_RADIUS_M]
        )  # fmt: skip
        self.outline = shapely.transform(geom, lambda xy: (xy - self.origin) * self.scale)
        shapely.prepare(self.outline)
        self.doors = self.xy(self.buildings)
        if len(self.doors) < 3:  # a grid with few buildings: spots of its ground
            self.doors = np.vstack([self.doors, self._spots(12)])
        self.spots = [tuple(xy) for xy in self.doors.tolist()]
        apart = np.hypot(*(self.doors[:, None, :] - self.doors[None, :, :]).transpose(2, 0, 1))
        self.neighbours = np.argsort(apart, axis=1)[:, : NEAREST + 1].tolist()
        self.np = np.random.default_rng(seed)

    def xy(self, lonlat) -> np.ndarray:
        return (np.asarray(lonlat, dtype=float).reshape(-1, 2) - self.origin) * self.scale

    def lonlat(self, xy: np.ndarray) -> np.ndarray:
        return xy / self.scale + self.origin

    def _spots(self, count: int) -> np.ndarray:
        rng = random.Random(count)
        minx, miny, maxx, maxy = self.outline.bounds
        spots = []
        while len(spots) < count:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(self.outline, x, y):
                spots.append((x, y))
        return np.array(spots)

    def _outside(self, here: np.ndarray, rng: random.Random) -> np.ndarray:
        """A spot beyond the grid's edge nearest to `here`."""
        edge = shapely.get_coordinates(
            shapely.shortest_line(self.outline.exterior, shapely.points(here))
        )[0]
        centre = np.array(self.outline.centroid.coords[0])
        away = edge - centre
        away /= max(np.hypot(*away), 1e-9)
        return edge + away * rng.uniform(*OUTSIDE_M)

    def _next_door(self, door: int | None, here, recent: list[int], rng) -> int:
        """One of the doors nearest to `here` (a door itself, or None: a case, a spot
        outside), not one of the last few."""
        if door is None:
            order = np.argsort(np.hypot(*(self.doors - here).T))[: NEAREST + 1].tolist()
        else:
            order = self.neighbours[door]
        choices = [i for i in order[1:] if i not in recent]
        return rng.choice(choices or [order[-1]])

    def knots(self, start: float, end: float, stops, rng: random.Random):
        """Times and places of the walk (piecewise straight at a walking pace):
        `stops` are (seconds, xy) the walk must be at, the cases it reported."""
        speed = rng.uniform(*SPEED_M_S)
        door = rng.randrange(len(self.doors))
        here = self.spots[door]
        times, places = [start], [here]
        t = start
        recent: list[int] = []
        outside_at = start + (end - start) * rng.uniform(0.2, 0.8) if rng.random() < 1 / 6 else None
        stops = sorted((s for s in stops if start <= s[0] <= end), key=lambda s: s[0])
        while t < end:
            if stops and t + _apart(stops[0][1], here) / speed >= stops[0][0] - 60:
                at, spot = stops.pop(0)
                spot = (float(spot[0]), float(spot[1]))
                walk = max(_apart(spot, here) / speed, 1.0)
                leave = max(t, at - walk)
                times += [leave, leave + walk]
                places += [here, spot]
                here, door, t = spot, None, leave + walk + rng.uniform(*AT_CASE_S)
            elif outside_at is not None and t >= outside_at:
                spot = tuple(self._outside(np.array(here), rng).tolist())
                arrive = t + _apart(spot, here) / speed
                times.append(arrive)
                places.append(spot)
                here, door, t, outside_at = spot, None, arrive + rng.uniform(*OUTSIDE_S), None
            else:
                door = self._next_door(door, here, recent, rng)
                recent = (recent + [door])[-4:]
                spot = self.spots[door]
                arrive = t + max(_apart(spot, here) / speed, 1.0)
                times.append(arrive)
                places.append(spot)
                here, t = spot, arrive + rng.uniform(*AT_DOOR_S)
            times.append(t)
            places.append(here)
        return np.array(times), np.array(places)

    def fixes(self, start: float, end: float, stops, rng: random.Random) -> list[tuple]:
        """The patrol's fixes from `start` to `end` (Unix seconds):
        (recorded_at, lon, lat, accuracy)."""
        knot_t, knot_xy = self.knots(start, end, stops, rng)
        gen = self.np
        count = int((end - start) / FIX_EVERY_S[0]) + 2
        moments = start + np.concatenate([[0.0], np.cumsum(gen.uniform(*FIX_EVERY_S, count))])
        moments = np.round(moments[moments <= end], 1)
        awake = np.ones(len(moments), dtype=bool)
        for _ in range(gen.choice(3, p=(0.5, 0.35, 0.15))):
            asleep_at = gen.uniform(start + 300, max(start + 301, end - 900))
            awake &= ~((moments > asleep_at) & (moments < asleep_at + gen.uniform(*SLEEP_S)))
        moments = moments[awake]
        x = np.interp(moments, knot_t, knot_xy[:, 0])
        y = np.interp(moments, knot_t, knot_xy[:, 1])
        noise = _drift(gen, len(moments), gen.uniform(*NOISE_M))
        accuracy = gen.uniform(4, 16, len(moments))
        poor = gen.random(len(moments)) < POOR_FIX
        accuracy[poor] = gen.uniform(60, 90, int(poor.sum()))
        noise[:, poor] *= 12
        lonlat = self.lonlat(np.column_stack([x + noise[0], y + noise[1]]))
        return list(
            zip(
                moments.tolist(),
                lonlat[:, 0].tolist(),
                lonlat[:, 1].tolist(),
                np.round(accuracy, 1).tolist(),
                strict=True,
            )
        )

    def patrol(self, start: float, end: float, stops, rng: random.Random) -> Figures:
        """A tracked patrol: its fixes, stored compactly, and their figures."""
        track = coverage.encode_track(self.fixes(start, end, stops, rng))
        summary = coverage.summarize(stored_fixes(track), self.geom, self.buildings)
        return Figures(
            distance_m=round(summary.distance_m, 1),
            duration_s=summary.duration_s,
            tracked_s=summary.tracked_s,
            coverage=summary.coverage,
            off_grid_minutes=round(summary.off_grid_minutes),
            started=track["start"],
            ended=track["start"] + summary.duration_s,
            track=track,
        )


def _apart(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _drift(gen, count: int, sigma: float) -> np.ndarray:
    """GPS error east and north: it wanders slowly (each fix's error is mostly the
    last one's), as a phone's does, rather than jumping about at every fix."""
    shocks = gen.normal(0, sigma * math.sqrt(1 - DRIFT**2), (2, count))
    error = np.empty_like(shocks)
    last = gen.normal(0, sigma, (2, 1))
    for first in range(0, count, 256):  # e_k = DRIFT·e_(k-1) + shock_k, a block at a time
        block = shocks[:, first : first + 256]
        powers = DRIFT ** np.arange(1, block.shape[1] + 1)
        error[:, first : first + 256] = powers * (last + np.cumsum(block / powers, axis=1))
        last = error[:, first + block.shape[1] - 1 : first + block.shape[1]]
    return error


def stored_fixes(track: dict) -> list[tuple]:
    """The fixes of a stored track as `decode_track` gives them, with Unix seconds
    for times (the same figures, without making a datetime a fix)."""
    start = track["start"]
    return [(start + t, lon, lat, None) for piece in track["pieces"] for t, lon, lat in piece]


def drawn(start: float, end: float, samples: list[Figures], rng: random.Random) -> Figures:
    """The figures of an untracked patrol, from a tracked one of the same worker."""
    length = end - start
    if not samples:
        tracked = length * rng.uniform(0.9, 1.0)
        return Figures(
            tracked * rng.uniform(*SPEED_M_S) * 0.45, length, tracked, None, 0, start, end
        )
    like = rng.choice(samples)
    tracked = length * like.tracked_s / max(like.duration_s, 1.0)
    share = like.distance_m / max(like.tracked_s, 1.0)
    reach = None
    if like.coverage is not None:
        ratio = min(1.0, length / max(like.duration_s, 1.0))
        reach = min(1.0, like.coverage * (0.75 + 0.25 * ratio) * rng.uniform(0.95, 1.05))
    off = 0
    if rng.random() < 1 / 6:
        off = round(rng.uniform(*OUTSIDE_S) / 60)
    return Figures(
        round(tracked * share * rng.uniform(0.93, 1.07), 1),
        length,
        tracked,
        None if reach is None else round(reach, 4),
        off,
        start,
        end,
    )
