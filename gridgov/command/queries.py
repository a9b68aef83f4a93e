"""Reads of the command center that the map's API and its cards share: the nearest
on-duty grid workers to a case, the live feed of case events, the search box, a
worker's trail and the heat of cases.

Every read starts from the scope rule (`visible_to`); `nearest_workers` offers, among
the street's grid workers the `assign_verify` move allows, those the user may see.
"""

import datetime as dt
import math

from django.db.models import Count, FloatField, Func, Max, Q
from django.utils import timezone

from gridgov.cases.choices import Status
from gridgov.cases.models import Case, CaseEvent, is_overdue
from gridgov.cases.queries import street_grid_workers
from gridgov.cases.workflow import ACTION_LABELS
from gridgov.command.models import Camera, WorkerLocation, WorkerPosition
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Building, Level

# A worker whose phone has not reported for this long is off duty: greyed on the map,
# never suggested for a check on site.
STALE_AFTER = dt.timedelta(minutes=30)
EARTH_RADIUS_M = 6_371_008.8
FEED_FIRST = 20  # events a fresh map starts its feed with
FEED_PAGE = 50  # events one poll returns at most
# A fresh feed looks for its first events among the newest this many of the whole
# table (a few weeks of a street): reading the primary key backwards stays cheap even
# for a user whose scope had nothing happen for months.
FEED_WINDOW = 20_000
SEARCH_LIMIT = 10
TRAIL_MAX_POINTS = 5_000
_NUMBER_WIDTH = Case._meta.get_field("number").max_length


def iso(value: dt.datetime | None) -> str | None:
    """Beijing time with its offset, to the second: 2026-03-02T09:30:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def person_name(full_name: str, username: str) -> str:
    """What `User.__str__` shows, from two columns (no model instance needed)."""
    return full_name or username


def great_circle_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres between two points on the sphere (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def status_labels() -> dict[str, str]:
    """Each case status's label in the active language."""
    return {value: str(label) for value, label in Status.choices}


# -- dispatch from the map ------------------------------------------------------------


def nearest_workers(
    case: Case, viewer, now: dt.datetime | None = None, limit: int = 5
) -> list[dict]:
    """The street's grid workers on duty (a position within `STALE_AFTER`) whom `viewer`
    may see (where a worker is, is personal data: community staff see their own
    community's workers), nearest to the case first: {id, name, grid, distance_m,
    recorded_at, stale}. Empty for a case without a location. One query."""
    if case.lon is None or case.lat is None:
        return []
    now = now or timezone.now()
    rows = (
        WorkerLocation.objects.visible_to(viewer)
        .filter(
            user_id__in=street_grid_workers(case.street_id).values("id"),
            recorded_at__gte=now - STALE_AFTER,
        )
        .values_list(
            "user_id",
            "user__full_name",
            "user__username",
            "grid__name",
            "lon",
            "lat",
            "recorded_at",
        )
    )
    found = []
    for user_id, full_name, username, grid, lon, lat, recorded_at in rows:
        distance = great_circle_m(case.lon, case.lat, lon, lat)
        found.append(
            {
                "id": user_id,
                "name": person_name(full_name, username),
                "grid": grid,
                "distance_m": int(round(distance)),
                "recorded_at": iso(recorded_at),
                "stale": recorded_at < now - STALE_AFTER,
                "_exact": distance,
            }
        )
    found.sort(key=lambda w: (w["_exact"], w["id"]))
    for worker in found:
        del worker["_exact"]
    return found[:limit]


# -- the live feed --------------------------------------------------------------------

_FEED_COLUMNS = (
    "id",
    "case_id",
    "action",
    "created_at",
    "case__number",
    "case__title",
    "case__status",
    "case__priority",
    "case__lon",
    "case__lat",
    "case__source",
    "case__due_at",
    "case__suspended_at",
)


def feed_cursor() -> int:
    """The newest timeline event's id. Events become visible in id order (they are
    written under one lock), so everything up to it can be read by now."""
    return CaseEvent.objects.aggregate(top=Max("id"))["top"] or 0


def feed(user, after: int | None = None, now: dt.datetime | None = None) -> dict:
    """New and changed cases as their timeline events: {"cursor", "items"}. Each item
    holds the case as it is now, enough for the map to draw its marker.

    With `after` (the cursor of the previous answer): the events after it, oldest
    first, at most `FEED_PAGE`; the cursor moves to the newest event looked at, so a
    quiet scope does not re-read the street's traffic on every poll. Without: the
    latest `FEED_FIRST` (newest last). Two queries, both on the primary key.
    """
    now = now or timezone.now()
    top = feed_cursor()
    events = CaseEvent.objects.visible_to(user).values_list(*_FEED_COLUMNS)
    if after is None:
        window = events.filter(id__gt=top - FEED_WINDOW, id__lte=top).order_by("-id")
        rows = list(window[:FEED_FIRST])[::-1]
        cursor = top
    else:
        rows = list(events.filter(id__gt=after, id__lte=top).order_by("id")[:FEED_PAGE])
        cursor = rows[-1][0] if len(rows) == FEED_PAGE else max(top, 0)
        if after > top:  # a cursor from before the table was emptied: start again
            cursor = top
    labels = status_labels()
    items = []
    for (
        event_id,
        case_id,
        action,
        at,
        number,
        title,
        status,
        priority,
        lon,
        lat,
        source,
        due_at,
        suspended_at,
    ) in rows:
        items.append(
            {
                "event_id": event_id,
                "case_id": case_id,
                "number": number,
                "title": title,
                "status": status,
                "status_label": labels.get(status, status),
                "priority": priority,
                "action": action,
                "action_label": str(ACTION_LABELS.get(action, action)),
                "lon": None if lon is None else round(lon, 6),
                "lat": None if lat is None else round(lat, 6),
                "at": iso(at),
                "overdue": is_overdue(status, due_at, suspended_at, now),
                "source": source,
            }
        )
    return {"cursor": cursor, "items": items}


# -- search ---------------------------------------------------------------------------


def _bounds(boundary) -> list[float] | None:
    """[w, s, e, n] of a stored boundary, rounded to 6 decimals (None without one)."""
    if not boundary:
        return None
    return [round(value, 6) for value in parse_boundary(boundary).bounds]


def _point(lon, lat) -> tuple:
    if lon is None or lat is None:
        return None, None
    return round(lon, 6), round(lat, 6)


def _result(kind, id_, label, sub, lon, lat, bounds=None) -> dict:
    lon, lat = _point(lon, lat)
    return {
        "kind": kind,
        "id": id_,
        "label": label,
        "sub": sub,
        "lon": lon,
        "lat": lat,
        "bounds": bounds,
    }


def search(user, q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """What the map's search box finds in the user's scope: cases by number prefix,
    communities and grids by code prefix or name, buildings by name, addresses (of
    buildings), cameras by code or name. The kinds take turns, so a word matching
    twenty grids still shows the building it names."""
    q = q.strip()
    if not q:
        return []
    groups: list[list[dict]] = []
    if q.isdigit():
        cases = (
            Case.objects.visible_to(user)
            .filter(number__range=(q, q + "9" * (_NUMBER_WIDTH - len(q))))
            .order_by("number")
            .values_list("id", "number", "title", "lon", "lat")[:limit]
        )
        groups.append([_result("case", i, n, t, lon, lat) for i, n, t, lon, lat in cases])
    areas = (
        Area.objects.visible_to(user)
        .current()
        .filter(level__in=(Level.COMMUNITY, Level.GRID))
        .filter(Q(code__startswith=q) | Q(name__contains=q))
        .order_by("code")
        .values_list("id", "level", "code", "name", "center_lon", "center_lat", "boundary")[:limit]
    )
    found_areas = []
    for i, level, code, name, lon, lat, boundary in areas:
        bounds = _bounds(boundary)
        if (lon is None or lat is None) and bounds:  # no centre recorded: the box's
            lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        found_areas.append(_result(level, i, name, code, lon, lat, bounds))
    groups.append(found_areas)
    buildings = (
        Building.objects.visible_to(user)
        .filter(Q(name__contains=q) | Q(address__contains=q))
        .order_by("code")
        .values_list("id", "name", "address", "lon", "lat")[: limit * 2]
    )
    by_name, by_address = [], []
    for i, name, address, lon, lat in buildings:
        if q in name:
            by_name.append(_result("building", i, name, address, lon, lat))
        else:
            by_address.append(_result("address", i, address, name, lon, lat))
    groups += [by_name[:limit], by_address[:limit]]
    cameras = (
        Camera.objects.visible_to(user)
        .filter(Q(code__icontains=q) | Q(name__contains=q))
        .order_by("code")
        .values_list("id", "code", "name", "lon", "lat")[:limit]
    )
    groups.append(
        [_result("camera", i, name, code, lon, lat) for i, code, name, lon, lat in cameras]
    )
    results: list[dict] = []
    depth = max((len(g) for g in groups), default=0)
    for rank in range(depth):
        for group in groups:
            if rank < len(group) and len(results) < limit:
                results.append(group[rank])
    return results


# -- trails and heat ------------------------------------------------------------------


def trail(user, worker_id: int, hours: int = 4, now: dt.datetime | None = None) -> dict | None:
    """A worker's positions of the last `hours` as a GeoJSON LineString Feature, or None
    when the worker is not one the user may see (no visible last location)."""
    now = now or timezone.now()
    location = (
        WorkerLocation.objects.visible_to(user)
        .filter(user_id=worker_id)
        .values_list("user__full_name", "user__username")
        .first()
    )
    if location is None:
        return None
    rows = (
        WorkerPosition.objects.visible_to(user)
        .filter(user_id=worker_id, recorded_at__gte=now - dt.timedelta(hours=hours))
        .order_by("recorded_at")
        .values_list("lon", "lat", "recorded_at")[:TRAIL_MAX_POINTS]
    )
    coordinates, times = [], []
    for lon, lat, recorded_at in rows:
        coordinates.append([round(lon, 6), round(lat, 6)])
        times.append(iso(recorded_at))
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": {"user_id": worker_id, "name": person_name(*location), "times": times},
    }


class Bin(Func):
    """A coordinate rounded to 4 decimals (about 10 m) by the database, so a year of
    cases comes back as a few thousand bins instead of every row."""

    function = "ROUND"
    template = "%(function)s(%(expressions)s, 4)"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL rounds to a number of places only a numeric.
        template = "%(function)s((%(expressions)s)::numeric, 4)::double precision"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def heat(user, days: int = 30, now: dt.datetime | None = None) -> list[list]:
    """Cases reported in the last `days`, binned to 4 decimals (about 10 m):
    [[lat, lon, count], …], the order a heat layer wants."""
    now = now or timezone.now()
    since = Q(reported_at__gte=now - dt.timedelta(days=days), lat__isnull=False, lon__isnull=False)
    bins = (
        Case.objects.visible_to(user, since, rare=True)
        .order_by()
        .values_list(Bin("lat"), Bin("lon"))
        .annotate(n=Count("id"))
    )
    return sorted([lat, lon, n] for lat, lon, n in bins)
