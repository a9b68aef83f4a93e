"""Patrol geometry on hand-made tracks: what a grid worker walked, where the phone lost
the track, which buildings were passed and how long was spent off the grid."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from gridgov.fieldwork import coverage
from gridgov.places.geometry import EARTH_RADIUS_M

LON0, LAT0 = 113.2522, 23.1043  # the street's centre
M_PER_DEG_X = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(LAT0))
M_PER_DEG_Y = math.radians(1) * EARTH_RADIUS_M
START = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def lonlat(x: float, y: float) -> tuple[float, float]:
    """The point x metres east and y metres north of the centre."""
    return LON0 + x / M_PER_DEG_X, LAT0 + y / M_PER_DEG_Y


def square(half: float):
    """A square grid of 2·half metres a side around the centre, in lon/lat."""
    (west, south), (east, north) = lonlat(-half, -half), lonlat(half, half)
    return box(west, south, east, north)


def walk(points, every: float = 5.0, start: datetime = START, accuracy: float = 8.0):
    """Fixes every `every` seconds at the given (x, y) metre positions."""
    return [
        (start + timedelta(seconds=i * every), *lonlat(x, y), accuracy)
        for i, (x, y) in enumerate(points)
    ]


def line(x0, y0, x1, y1, step: float):
    """Points from (x0, y0) to (x1, y1) every `step` metres, both ends included."""
    n = max(1, round(math.hypot(x1 - x0, y1 - y0) / step))
    return [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(n + 1)]


GRID = square(200)


def test_a_straight_walk_passes_the_buildings_within_30_m_of_its_line():
    # 300 m east along y = 0 at 1.4 m/s (7 m per 5-second fix).
    fixes = walk(line(-150, 0, 150, 0, 7.0))
    buildings = [
        lonlat(0, 20),  # 0: passed
        lonlat(10, -29),  # 1: passed, the other side
        lonlat(0, 31),  # 2: just too far
        lonlat(170, 0),  # 3: 20 m past the end: passed
        lonlat(185, 0),  # 4: 35 m past the end
        lonlat(-100, 80),  # 5: far
    ]

    summary = coverage.summarize(fixes, GRID, buildings)

    assert summary.passed == (0, 1, 3)
    assert summary.coverage == pytest.approx(3 / 6)
    assert summary.distance_m == pytest.approx(300, rel=0.003)
    assert summary.duration_s == summary.tracked_s == (len(fixes) - 1) * 5
    assert summary.gaps == ()
    assert summary.off_grid_minutes == 0 and not summary.off_grid_noted


def test_coverage_follows_the_lines_between_fixes_not_only_the_fixes():
    # A fix a minute, 84 m apart: the building halfway between two fixes is 49 m from
    # each of them but 25 m from the street walked between them.
    fixes = walk(line(-84, 0, 84, 0, 84.0), every=60)
    between = lonlat(42, 25)

    summary = coverage.summarize(fixes, GRID, [between])

    assert summary.passed == (0,) and summary.coverage == 1.0


def test_a_gap_is_never_bridged():
    # West to x = 0, ten minutes without a fix, then on from x = 200 further east.
    before = walk(line(-150, 0, 0, 0, 7.0))
    resumed = START + timedelta(seconds=(len(before) - 1) * 5 + 600)
    after = walk(line(200, 0, 300, 0, 7.0), start=resumed)
    buildings = [lonlat(100, 0), lonlat(-50, 10), lonlat(250, -10)]  # only the first is in the gap

    summary = coverage.summarize(before + after, square(400), buildings)

    assert summary.passed == (1, 2)
    assert summary.distance_m == pytest.approx(250, rel=0.003)  # not the 200 m across the gap
    [gap] = summary.gaps
    assert gap.seconds == 600 and gap.start == before[-1][0] and gap.end == after[0][0]
    assert summary.tracked_s == summary.duration_s - 600

    shown = coverage.track_geojson(coverage.encode_track(before + after))
    assert [f["geometry"]["type"] for f in shown["features"]] == ["LineString", "LineString"]
    first, second = shown["features"]
    assert first["geometry"]["coordinates"][-1] == pytest.approx(list(lonlat(0, 0)), abs=1e-6)
    assert second["geometry"]["coordinates"][0] == pytest.approx(list(lonlat(200, 0)), abs=1e-6)
    assert first["properties"]["end"] == before[-1][0].isoformat()
    assert second["properties"]["start"] == after[0][0].isoformat()


def test_two_minutes_between_fixes_is_still_one_track():
    fixes = walk(line(0, 0, 0, 100, 50.0), every=coverage.GAP_SECONDS)

    summary = coverage.summarize(fixes, GRID, [])

    assert summary.gaps == () and summary.distance_m == pytest.approx(100, rel=0.003)
    assert summary.coverage is None  # a grid without buildings has nothing to pass


def _out_and_back(minutes_out: float):
    """Ten minutes in the grid, a walk of 300 m out of it (along the boundary's
    30 m margin, which still counts as in), `minutes_out` standing 300 m outside, back."""
    inside = [(0, 0)] * 120
    out = line(0, 0, 0, 500, 7.0)
    stay = [(0, 500)] * int(minutes_out * 12)
    return walk(inside + out + stay + out[::-1] + inside)


def test_time_off_the_grid_is_counted_and_more_than_30_minutes_is_noted():
    summary = coverage.summarize(_out_and_back(40), GRID, [])

    # The stay, plus the walks between the boundary's margin (230 m) and 500 m.
    walking = 2 * (500 - 230) / 7 * 5 / 60
    assert summary.off_grid_minutes == pytest.approx(40 + walking, abs=0.3)
    assert summary.off_grid_noted


def test_twenty_minutes_off_the_grid_is_counted_but_not_noted():
    summary = coverage.summarize(_out_and_back(20), GRID, [])

    assert 20 < summary.off_grid_minutes < 30 and not summary.off_grid_noted


def test_walking_the_boundary_road_is_not_off_the_grid():
    # Along the outer edge of the grid's boundary street, 20 m outside it.
    summary = coverage.summarize(walk(line(-200, 220, 200, 220, 7.0)), GRID, [])

    assert summary.off_grid_minutes == 0


def test_time_in_a_gap_counts_neither_on_nor_off_the_grid():
    outside = walk([(0, 500)] * 3)
    later = START + timedelta(hours=2)
    summary = coverage.summarize(outside + walk([(0, 500)] * 3, start=later), GRID, [])

    assert summary.off_grid_minutes == pytest.approx(20 / 60)  # two 10-second stretches


def test_an_empty_track_measures_nothing():
    summary = coverage.summarize([], GRID, [lonlat(0, 0)])

    assert (summary.fixes, summary.distance_m, summary.duration_s) == (0, 0.0, 0.0)
    assert summary.passed == () and summary.coverage == 0.0
    assert summary.off_grid_minutes == 0 and summary.gaps == ()
    assert coverage.encode_track([]) == {"start": None, "pieces": []}
    assert coverage.decode_track({"start": None, "pieces": []}) == []
    assert coverage.track_geojson(coverage.encode_track([])) == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_one_fix_passes_the_buildings_around_it_and_shows_as_a_point():
    fixes = walk([(0, 0)])

    summary = coverage.summarize(fixes, GRID, [lonlat(0, 25), lonlat(0, 40)])

    assert summary.fixes == 1 and summary.distance_m == 0 and summary.duration_s == 0
    assert summary.passed == (0,)
    [feature] = coverage.track_geojson(coverage.encode_track(fixes))["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [LON0, LAT0]}


def test_poor_fixes_and_impossible_jumps_add_no_distance():
    fixes = walk(line(0, 0, 140, 0, 7.0))
    fixes[5] = (fixes[5][0], *lonlat(35, 150), 300.0)  # the phone itself says ±300 m
    fixes[10] = (fixes[10][0], *lonlat(70, 900), 10.0)  # 900 m away for 5 s
    summary = coverage.summarize(fixes, GRID, [lonlat(35, 140), lonlat(70, 880)])

    assert summary.fixes == len(fixes) - 1
    assert summary.distance_m == pytest.approx(140 - 14, rel=0.01)  # the two links to the jump
    assert summary.passed == (1,)  # the lone bad fix still stands where it was reported
    pieces = coverage.encode_track(fixes)["pieces"]
    assert [len(p) for p in pieces] == [9, 1, 10]


def test_fixes_out_of_order_or_repeated_are_read_in_time_order_once():
    fixes = walk(line(0, 0, 70, 0, 7.0))
    shuffled = fixes[::-1] + fixes[3:6]

    assert coverage.summarize(shuffled, GRID, []) == coverage.summarize(fixes, GRID, [])


def test_times_may_be_unix_seconds():
    fixes = walk(line(0, 0, 70, 0, 7.0))
    as_seconds = [(t.timestamp(), lon, lat, acc) for t, lon, lat, acc in fixes]

    a = coverage.summarize(fixes, GRID, [lonlat(35, 10)])
    b = coverage.summarize(as_seconds, GRID, [lonlat(35, 10)])

    assert (a.distance_m, a.duration_s, a.passed) == (b.distance_m, b.duration_s, b.passed)


def test_the_stored_track_is_compact_and_reads_back():
    fixes = walk(line(0, 0, 70, 0, 7.0))
    stored = coverage.encode_track(fixes)

    assert stored["start"] == START.timestamp()
    assert stored["pieces"][0][:2] == [[0, LON0, LAT0], [5, *np.round(lonlat(7, 0), 6)]]
    back = coverage.decode_track(stored)
    assert [t for t, *_ in back] == [t for t, *_ in fixes]
    assert coverage.encode_track(back) == stored


def _mower(hours: float, every: float, half: float, rows: int):
    """A back-and-forth patrol over the whole grid at walking pace (6 m a fix), row by
    row and back the same way, long enough for `hours` of fixes `every` seconds."""
    corners = []
    for row, y in enumerate(np.linspace(-half, half, rows)):
        corners += [(-half, y), (half, y)] if row % 2 == 0 else [(half, y), (-half, y)]
    there = [(corners[0])]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        there += line(x0, y0, x1, y1, 6.0)[1:]
    round_trip = there + there[-2:0:-1]
    n = int(hours * 3600 / every)
    return walk((round_trip * (n // len(round_trip) + 1))[:n], every=every)


def test_a_four_hour_patrol_against_400_buildings_is_measured_as_by_hand():
    rng = np.random.default_rng(16)
    half = 250
    fixes = _mower(hours=4, every=5, half=half, rows=6)  # rows 100 m apart
    xy = rng.uniform(-half, half, size=(400, 2))
    buildings = [lonlat(x, y) for x, y in xy]

    summary = coverage.summarize(fixes, square(half), buildings)

    assert summary.fixes == 2_880 and summary.duration_s == 2_879 * 5
    # By hand: distance of each building to the whole path in metres.
    path = LineString([xy for xy in _metres(fixes)])
    expected = [i for i, (x, y) in enumerate(xy) if path.distance(Point(x, y)) <= 30]
    assert summary.passed == tuple(expected)
    assert 0.4 < summary.coverage < 0.8
    assert summary.distance_m == pytest.approx(path.length, rel=0.003)
    assert summary.off_grid_minutes == 0


def _metres(fixes):
    return [((lon - LON0) * M_PER_DEG_X, (lat - LAT0) * M_PER_DEG_Y) for _t, lon, lat, _a in fixes]
