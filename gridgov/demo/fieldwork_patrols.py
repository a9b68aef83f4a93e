"""The demo workers' patrols: planned day by day (`fieldwork_days`), tracked and
summarised for the last days (`fieldwork_tracks`), the cases reported on them tied to
them."""

import datetime as dt

from django.utils import timezone

from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import Source
from gridgov.demo.fieldwork_days import plan_patrols, street_days, worker_days
from gridgov.demo.fieldwork_tracks import GridWalker, drawn
from gridgov.demo.fieldwork_world import Writer
from gridgov.fieldwork.models import Patrol


def _seconds(moment: dt.datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def write_patrols(world, track_days: int) -> dict:
    """Every worker's year of patrols. Sets each grid's `days` for the rest of the
    year's play."""
    rng = world.rng
    last = world.today - dt.timedelta(days=1)
    days, rain, training = street_days(load_calendar(), world.first, last, rng)
    tracked_from = world.today - dt.timedelta(days=track_days)
    writer = Writer(Patrol)
    tracks = 0
    for grid in world.grids:
        grid.days = worker_days(days, rain, training, rng)
        reported: dict[dt.date, list[dict]] = {}
        for case in world.cases.get(grid.id, ()):
            if case["source"] == Source.GRID_WORKER and case["reporter_id"] == grid.worker_id:
                reported.setdefault(timezone.localdate(case["reported_at"]), []).append(case)
        planned = []
        for day in grid.days.values():
            cases = reported.get(day.day, [])
            plan_patrols(day, [c["reported_at"] for c in cases], rng)
            held = set()
            for start, end in day.patrols:
                on = [c for c in cases if start <= c["reported_at"] <= end]
                held.update(c["id"] for c in on)
                planned.append((day, start, end, on))
            if day.present:
                day.off_patrol = [c for c in cases if c["id"] not in held]
        walker = None
        figures = {}
        for index, (day, start, end, on) in enumerate(planned):
            if day.day < tracked_from:
                continue
            if walker is None:
                walker = GridWalker(grid.geom, grid.lonlat, rng.getrandbits(32))
            stops = [
                (_seconds(c["reported_at"]), walker.xy((c["lon"], c["lat"]))[0])
                for c in on
                if c["lon"] is not None
            ]
            figures[index] = walker.patrol(_seconds(start), _seconds(end), stops, rng)
        samples = list(figures.values())
        for index, (_day, start, end, on) in enumerate(planned):
            found = figures.get(index) or drawn(_seconds(start), _seconds(end), samples, rng)
            begun, ended = _moment(found.started), _moment(found.ended)
            pk = writer.add(
                {
                    **grid.place,
                    "worker_id": grid.worker_id,
                    "started_at": begun,
                    "ended_at": ended,
                    "distance_m": found.distance_m,
                    "duration": ended - begun,
                    "coverage": found.coverage,
                    "off_grid_minutes": found.off_grid_minutes,
                    "track": found.track,
                    "client_id": world.client_id(),
                    "created_at": begun,
                }
            )
            tracks += found.track is not None
            for case in on:
                world.link_case(case, "patrol", pk)
    return {"patrols": writer.finish(), "tracks": tracks}
