"""Benchmarks of the grid worker's day: the patrol geometry (`fieldwork.coverage`), the
"today" page and the phone's outbox sync (`field_sync`, described beside it).

`patrol_coverage`: what ending a patrol costs: the 4-hour track of 5-second fixes
measured against its grid (distance, gaps, buildings passed within 30 m, minutes off
the grid) by `coverage.summarize`, per patrol, p50/p95/p99 against the issue's target
of ≤ 50 ms. The compact stored form (`encode_track`) is timed beside it.

The grids are the demo street's when its database is there (the first `PATROLS` grids
with a boundary, by code; the demo has some 20 buildings a grid), otherwise generated
grids of 300–450 buildings in compounds (`places.partition.sample`, the partition
benchmark's generator) placed at the street's centre. Each patrol walks from building
to nearby building at about 1.2 m/s with GPS noise, loses its track twice for 3–10
minutes (the phone asleep) and, one patrol in three, stands outside the grid for a
while; the generated fixes are made before the clock starts.

Pure computation: no server; it reads the demo's grids if it finds them and never
loads the demo.
"""

import json
import math
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gridgov.bench import Result, benchmark
from gridgov.bench.benchmarks import _ensure_demo, _session_cookie
from gridgov.bench.http import BenchContext, _summary, load, with_returned_cookies
from gridgov.places.geometry import EARTH_RADIUS_M

PATROLS = 50
HOURS = 4
EVERY_S = 5
TARGET_MS = 50.0
SEED = 16
BUILDINGS = (300, 450)  # per generated grid
CENTRE = (113.2522, 23.1043)  # lon, lat of Nanhua West
START = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 08:30 in Guangzhou


def _scale(lat: float) -> np.ndarray:
    """Metres per degree east and north at `lat`."""
    per_degree = math.radians(1) * EARTH_RADIUS_M
    return np.array([per_degree * math.cos(math.radians(lat)), per_degree])


def _demo_grids() -> list[tuple[str, BaseGeometry, np.ndarray]]:
    """(label, boundary, building lon/lat) of the demo street's grids, or [] when the
    database has no demo (not even tables: a fresh data directory is not migrated)."""
    from django.db import connection

    if "places_area" not in connection.introspection.table_names():
        return []
    from gridgov.demo.areas import STREET_CODE
    from gridgov.places.geometry import parse_boundary
    from gridgov.places.models import Area, Building, Level

    street = Area.objects.filter(level=Level.STREET, code=STREET_CODE).first()
    if street is None:
        return []
    grids = list(
        Area.objects.filter(level=Level.GRID, path__startswith=street.path)
        .filter(boundary__isnull=False)
        .order_by("code")
        .values_list("id", "code", "boundary")[:PATROLS]
    )
    points: dict[int, list] = {grid_id: [] for grid_id, _c, _b in grids}
    for grid_id, lon, lat in Building.objects.filter(grid__in=points).values_list(
        "grid", "lon", "lat"
    ):
        points[grid_id].append((lon, lat))
    return [
        (code, parse_boundary(boundary), np.array(points[grid_id]).reshape(-1, 2))
        for grid_id, code, boundary in grids
    ]


def _generated_grids(count: int, rng: random.Random) -> list[tuple[str, BaseGeometry, np.ndarray]]:
    """Grids of 300–450 buildings clustered in compounds, in lon/lat at the centre."""
    from gridgov.places.partition import sample

    scale, origin = _scale(CENTRE[1]), np.array(CENTRE)
    grids = []
    for number in range(count):
        shape, buildings = sample.community(rng.randint(*BUILDINGS), seed=SEED + number)
        outline = shapely.transform(shape, lambda xy: xy / scale + origin)
        points = np.array([(b.x, b.y) for b in buildings]) / scale + origin
        grids.append((f"generated {number + 1}", outline, points))
    return grids


def _waypoints(outline_m: BaseGeometry, buildings_m: np.ndarray, rng: random.Random):
    """Endless places to walk to: a nearby building (one of the ten nearest not among
    the last few visited), or a random spot of the grid when it has few buildings."""
    minx, miny, maxx, maxy = outline_m.bounds
    here = np.array(outline_m.representative_point().coords[0])
    recent: list[int] = []
    while True:
        if len(buildings_m) >= 3:
            order = np.argsort(np.hypot(*(buildings_m - here).T))
            choices = [int(i) for i in order[:10] if int(i) not in recent] or [int(order[0])]
            pick = rng.choice(choices)
            recent = (recent + [pick])[-5:]
            here = buildings_m[pick]
        else:
            while True:
                spot = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
                if shapely.contains_xy(outline_m, *spot):
                    break
            here = spot
        yield here


def _patrol(outline: BaseGeometry, buildings: np.ndarray, rng: random.Random) -> list[tuple]:
    """The fixes of one 4-hour patrol in the grid: (recorded_at, lon, lat, accuracy)."""
    origin = np.array(outline.centroid.coords[0])
    scale = _scale(origin[1])
    outline_m = shapely.transform(outline, lambda xy: (xy - origin) * scale)
    buildings_m = (buildings - origin) * scale
    total = HOURS * 3600 // EVERY_S
    asleep = set()
    for _ in range(2):  # inside the patrol, so each is a gap in the track
        first = rng.randrange(60, total - 180)
        asleep.update(range(first, first + rng.randint(36, 120)))  # 3–10 minutes
    away = range(0)
    if rng.random() < 1 / 3:  # standing outside the grid for 5–40 minutes
        first = rng.randrange(total)
        away = range(first, first + rng.randint(60, 480))
    outside = np.array([outline_m.bounds[2] + 200, 0.0])  # 200 m past its east edge

    places = _waypoints(outline_m, buildings_m, rng)
    position = target = next(places)
    fixes = []
    for i in range(total):
        for _try in range(20):  # arrived: on to the next place (not the same spot)
            if np.hypot(*(target - position)) >= 1.5:
                break
            target = next(places)
        step = target - position
        position = position + step * min(1.0, 1.2 * EVERY_S / max(np.hypot(*step), 1e-9))
        if i in asleep:
            continue
        spot = outside if i in away else position
        lon, lat = (spot + np.array([rng.gauss(0, 4), rng.gauss(0, 4)])) / scale + origin
        accuracy = 80.0 if rng.random() < 0.01 else rng.uniform(5, 20)
        fixes.append((START + timedelta(seconds=i * EVERY_S), float(lon), float(lat), accuracy))
    return fixes


@benchmark(
    "patrol_coverage",
    description="a 4-hour patrol at 5-second fixes measured against its grid, per patrol",
)
def patrol_coverage(ctx: BenchContext):
    from gridgov.fieldwork import coverage

    rng = random.Random(SEED)
    grids = _demo_grids()
    source = "demo" if grids else "generated"
    grids = grids or _generated_grids(PATROLS, rng)
    patrols = [
        (grids[n % len(grids)], _patrol(grids[n % len(grids)][1], grids[n % len(grids)][2], rng))
        for n in range(PATROLS)
    ]
    (_label, outline, buildings), fixes = patrols[0]
    coverage.summarize(fixes, outline, buildings)  # the first call pays for imports

    timings, encodings, summaries = [], [], []
    for (_label, outline, buildings), fixes in patrols:
        started = time.perf_counter()
        summaries.append(coverage.summarize(fixes, outline, buildings))
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        coverage.encode_track(fixes)
        encodings.append((time.perf_counter() - started) * 1000)

    figures = _summary(timings)
    sizes = [len(b) for (_l, _o, b), _f in patrols]
    met = figures["p95_ms"] <= TARGET_MS
    return Result(
        name="patrol_coverage",
        unit="patrols/s",
        rate=len(timings) / (sum(timings) / 1000),
        count=len(timings),
        **figures,
        notes={
            "target": f"p95 ≤ {TARGET_MS:g} ms per patrol: {'met' if met else 'NOT met'}",
            "grids": f"{len({label for (label, _o, _b), _f in patrols})} {source} grids, "
            f"{min(sizes)}–{max(sizes)} buildings",
            "fixes": f"{statistics.mean(s.fixes for s in summaries):,.0f} a patrol kept "
            f"({HOURS} h at {EVERY_S} s, two 3–10 minute gaps, poor fixes dropped)",
            "measured": f"coverage {statistics.mean(s.coverage or 0 for s in summaries):.0%} · "
            f"{statistics.mean(s.distance_m for s in summaries) / 1000:.1f} km · "
            f"{sum(s.off_grid_noted for s in summaries)} noted off the grid",
            "encode_track": f"p50 {statistics.median(encodings):.2f} ms",
        },
    )


# -- the grid worker's "today" ------------------------------------------------------------

TODAY_TARGET_MS = 100.0
# The page is the same at every width; the phone's browser is named for the record.
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/131.0 Mobile"


@benchmark(
    "worker_today",
    floor="http_floor",
    description="the grid worker's today page (/field/) at phone width",
)
def worker_today(ctx: BenchContext):
    """The demo's grid worker (`gridworker`) opening their "today" on the phone, over
    real sockets with a logged-in session: p50/p95/p99 against p95 ≤ 100 ms, with how
    much work the page listed."""
    from gridgov.accounts.models import User
    from gridgov.fieldwork import today

    _ensure_demo()
    cookie = with_returned_cookies(ctx.server.port, "/field/", _session_cookie("gridworker"))
    headers = {"Cookie": cookie, "User-Agent": PHONE}
    result = load("worker_today", ctx.server.port, "/field/", headers=headers)
    worker = User.objects.get(username="gridworker")
    day = today.worker_day(worker, worker, today.worker_grid_of(worker))
    met = result.p95_ms is not None and result.p95_ms <= TODAY_TARGET_MS
    result.notes |= {
        "target": f"p95 ≤ {TODAY_TARGET_MS:g} ms: {'met' if met else 'NOT met'}",
        "listed": f"{len(day.items)} items ({day.visits_due} households due a visit, "
        f"{day.late} late), {day.month.visits} visits this month",
    }
    return result


# -- field_sync: the phone's outbox in one batch against the same items one by one --------

# `field_sync`: a grid worker's phone comes back online with an outbox of `SYNC_ITEMS`
# mixed items — visits, diary items and requests, and each tenth item a case report with
# a 50 KB photo — and sends them as the outbox does, in batches of `sync.MAX_ITEMS` to
# POST /api/v1/field/sync (session and CSRF header, as the phone pages send them). The
# same items are then sent one by one as the pages post them (their forms, multipart
# where a photo goes, the redirect to the saved record followed, as the pages' fetch
# does). Items/s of each and their ratio, against the target of ≥ 3×; then the
# batches sent again must all answer "duplicate" and store nothing.
#
# Real sockets to the run's gunicorn; the demo loaded if missing. The worker is the demo
# grid worker whose grid has the most households. Every run stores 2 × SYNC_ITEMS new
# records in the demo (as a phone would).

SYNC_ITEMS = 200
SYNC_PHOTO_BYTES = 50 * 1024
SYNC_TARGET = 3.0


def _sync_worker():
    """(username, [(household id, number, version)], (lon, lat) inside the grid) of the
    demo's grid worker with the most households in their grid."""
    from django.db.models import Count

    from gridgov.accounts.models import RoleAssignment
    from gridgov.accounts.roles import Role
    from gridgov.fieldwork.queries import household_version
    from gridgov.people.models import Household
    from gridgov.places.geometry import parse_boundary
    from gridgov.places.locate import grid_at
    from gridgov.places.models import Building

    workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER, area__isnull=False)
    busiest = (
        Household.objects.filter(grid__in=workers.values("area"))
        .values("grid")
        .annotate(n=Count("id"))
        .order_by("-n", "grid")
        .first()
    )
    held = workers.select_related("user", "area").filter(area=busiest["grid"]).first()
    homes = list(Household.objects.filter(grid=held.area).order_by("number")[:50])
    # Where its cases are: a point the case report places in this very grid.
    inside = parse_boundary(held.area.boundary).representative_point()
    points = [(inside.x, inside.y)]
    points += list(Building.objects.filter(grid=held.area).values_list("lon", "lat")[:50])
    mine = [p for p in points if getattr(grid_at(*p), "pk", None) == held.area_id]
    where = tuple(round(v, 6) for v in (mine or points)[0])
    return held.user.username, [(h.pk, h.number, household_version(h)) for h in homes], where


def _sync_items(count: int, homes: list, where, category_id: int, rng: random.Random) -> list:
    """The outbox: each tenth item a case report with its photo, the rest visits, diary
    items and requests in turn; payloads as the pages' forms give them."""
    import base64

    photo = b"\xff\xd8\xff\xe0" + rng.randbytes(SYNC_PHOTO_BYTES - 4)  # a JPEG to the checks
    wired = {
        "filename": "现场.jpg",
        "content_type": "image/jpeg",
        "base64": base64.b64encode(photo).decode(),
    }
    items = []
    for n in range(count):
        pk, number, version = homes[n % len(homes)]
        if n % 10 == 9:
            kind, payload = (
                "case",
                {
                    "category": str(category_id),
                    "title": f"楼道堆放杂物 {n}",
                    "description": "消防通道被占用",
                    "lon": str(where[0]),
                    "lat": str(where[1]),
                    "coords": "wgs84",
                    "priority": "normal",
                    "source": "grid_worker",
                    "photos": [wired],
                },
            )
        elif n % 3 == 0:
            kind, payload = (
                "visit",
                {
                    "household": str(pk),
                    "household_version": version,
                    "kind": "routine",
                    "met": "户主",
                    "findings": f"入户走访，情况正常 {n}",
                    "opinions": "",
                },
            )
        elif n % 3 == 1:
            kind, payload = (
                "diary_item",
                {"kind": "opinion", "text": f"居民反映噪音扰民 {n}", "households": number},
            )
        else:
            kind, payload = (
                "request",
                {
                    "requester_name": "居民",
                    "household": number,
                    "channel": "visit",
                    "content": f"希望加装楼道照明 {n}",
                },
            )
        items.append({"kind": kind, "payload": payload, "photo": photo if kind == "case" else None})
    return items


def _multipart(
    fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    boundary = "gridgov-bench-" + "".join(random.choices("0123456789abcdef", k=16))
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# The page each kind is posted to one by one.
SYNC_PAGES = {
    "visit": "/field/visits/new/",
    "diary_item": "/field/diary/",
    "request": "/field/requests/new/",
    "case": "/field/report/",
}


def _post(port: int, path: str, body: bytes, headers: dict) -> tuple[int, str, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Location", ""), response.read()
    finally:
        conn.close()


def _one_by_one(port: int, items: list[dict], cookie: str, token: str) -> int:
    """Each item posted to its page as the phone's form would be, the saved record's
    page fetched after; the number saved (answered with a redirect)."""
    import uuid
    from urllib.parse import urlencode

    from gridgov.bench.http import fetch

    saved = 0
    for item in items:
        payload = {k: v for k, v in item["payload"].items() if k != "photos"}
        fields = [
            *payload.items(),
            ("csrfmiddlewaretoken", token),
            ("client_id", str(uuid.uuid4())),
        ]
        headers = {"Cookie": cookie, "X-CSRFToken": token}
        if item["photo"] is not None:
            body, content_type = _multipart(fields, [("photos", "现场.jpg", item["photo"])])
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        status, location, _body = _post(port, SYNC_PAGES[item["kind"]], body, headers)
        if status == 302:
            saved += 1
            fetch(port, location, {"Cookie": cookie})
    return saved


def _batches(port: int, batches: list[list[dict]], cookie: str, token: str) -> Counter:
    answers = Counter()
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    for batch in batches:
        status, _location, body = _post(
            port, "/api/v1/field/sync", json.dumps({"items": batch}).encode(), headers
        )
        if status != 200:
            answers[f"http {status}"] += len(batch)
            continue
        for answer in json.loads(body)["items"]:
            answers[answer["status"]] += 1
            if answer["reason"] and answer["status"] != "duplicate":
                answers[f"({answer['reason']})"] = 1  # what went wrong, once
    return answers


@benchmark(
    "field_sync",
    floor="http_floor",
    description="a phone's outbox of 200 mixed items in batches vs one by one through the pages",
)
def field_sync(ctx: BenchContext):
    import uuid
    from http.cookies import SimpleCookie

    from gridgov.cases.models import Category
    from gridgov.fieldwork.sync import MAX_ITEMS

    _ensure_demo()
    port = ctx.server.port
    username, homes, where = _sync_worker()
    category = Category.objects.current().filter(parent_code__gt="").order_by("code").first()
    cookie = with_returned_cookies(port, "/field/diary/", _session_cookie(username))
    token = SimpleCookie(cookie)["csrftoken"].value
    items = _sync_items(SYNC_ITEMS, homes, where, category.pk, random.Random(SEED))
    now = datetime.now(UTC).isoformat()
    wire = [
        {
            "client_id": str(uuid.uuid4()),
            "kind": i["kind"],
            "payload": i["payload"],
            "recorded_at": now,
        }
        for i in items
    ]
    batches = [wire[n : n + MAX_ITEMS] for n in range(0, len(wire), MAX_ITEMS)]
    _batches(port, [[dict(wire[0], client_id=str(uuid.uuid4()))]], cookie, token)  # warm

    started = time.perf_counter()
    answers = _batches(port, batches, cookie, token)
    batch_s = time.perf_counter() - started

    started = time.perf_counter()
    saved = _one_by_one(port, items, cookie, token)
    single_s = time.perf_counter() - started

    started = time.perf_counter()
    replayed = _batches(port, batches, cookie, token)
    replay_s = time.perf_counter() - started

    batch_rate, single_rate = len(items) / batch_s, len(items) / single_s
    ratio = batch_rate / single_rate
    stored = answers.get("stored", 0)
    errors = (
        (len(items) - stored) + (len(items) - saved) + (len(items) - replayed.get("duplicate", 0))
    )
    kinds = Counter(i["kind"] for i in items)
    return Result(
        name="field_sync",
        unit="items/s",
        rate=batch_rate,
        count=len(items),
        errors=errors,
        notes={
            "target": f"batch ≥ {SYNC_TARGET:g}× one by one: {ratio:.1f}× "
            f"{'met' if ratio >= SYNC_TARGET else 'NOT met'}",
            "batch": f"{batch_rate:,.0f} items/s in {len(batches)} batches of ≤ {MAX_ITEMS} "
            f"({batch_s * 1000:,.0f} ms): "
            + ", ".join(f"{k} {v}" for k, v in sorted(answers.items())),
            "one_by_one": f"{single_rate:,.0f} items/s through the pages ({single_s * 1000:,.0f} ms, "
            f"{saved} saved, each redirect followed)",
            "replayed": "stored nothing: "
            + ", ".join(f"{k} {v}" for k, v in sorted(replayed.items()))
            + f" ({replay_s * 1000:,.0f} ms)",
            "items": ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            + f"; cases with a {SYNC_PHOTO_BYTES // 1024} KB photo each; worker {username}",
        },
    )
