"""The demo street's command center: 326 cameras along its roads and lanes, the two
machines that send camera alerts, the alerts behind the cases the center found on
video, and the grid workers' phones over the last four hours.

The demo has no surveyed road network, so the roads are taken from the area tree
itself: an edge shared by two communities stands for a main road (南华西路, 洪德路…),
an edge shared by two grids of one community for one of its lanes, and a corner where
three grids meet for a junction. Cameras stand a few metres off a junction's corner
("南华西路与洪德路交界东北角", looking into it) or along a road ("洪德路36号旁", looking
down it), denser on main roads, so the map shows them lining the streets. Each is
recorded in the grid its point lies in.

Everything is drawn from a fixed seed (times are relative to now) and written in bulk
(`rows.RowWriter`) in one transaction with one audit row ("demo.command"). The alert
sources are made through the same action as on the alert-sources page, as by the
system; their secrets are neither printed nor logged (a working one is made with
`manage.py alert_source add` or on that page). Running it again skips what is there.
"""

import datetime as dt
import math
import random
import time
from dataclasses import dataclass

import shapely
from django.db import transaction
from django.utils import timezone
from shapely import STRtree
from shapely.geometry import LineString, Point

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import Source
from gridgov.cases.models import Case
from gridgov.command.actions import create_alert_source
from gridgov.command.models import (
    AlertKind,
    AlertSource,
    Camera,
    CameraAlert,
    CameraKind,
    CameraStatus,
    StreamKind,
    WorkerLocation,
    WorkerPosition,
)
from gridgov.command.seed import seed_alert_kinds
from gridgov.core import audit
from gridgov.demo.buildings import GridSpot
from gridgov.demo.names import LANES, MAIN_ROADS, OTHER_LANES, weighted
from gridgov.demo.population import street_grids
from gridgov.demo.rows import RowWriter
from gridgov.places.models import Area
from gridgov.places.models import Level as AreaLevel

SEED = 20261126
CAMERAS = 326
ADDRESS_PREFIX = "广州市海珠区"
# GB/T 28181 device code: centre 44010500, industry 00, type 131 (camera), network 0.
CODE_PREFIX = "44010500001310"
STREAM_URL = "http://video.nhx.local/live/{code}.m3u8"
VENDORS = (("海康威视", 55), ("大华", 30), ("宇视", 15))
# Mostly bullets looking down the road and domes over junctions; some AI, a few panoramic.
KINDS_ALONG = (
    (CameraKind.BULLET, 62), (CameraKind.DOME, 22), (CameraKind.AI, 11), (CameraKind.PANORAMIC, 5),
)  # fmt: skip
KINDS_JUNCTION = (
    (CameraKind.BULLET, 38), (CameraKind.DOME, 44), (CameraKind.AI, 12), (CameraKind.PANORAMIC, 6),
)  # fmt: skip
# Exact counts, so the status list shows the same numbers every time: ~95 % online.
OFFLINE, FAULT, SILENT = 10, 6, 3  # SILENT: "online" whose heartbeat stopped minutes ago
SOURCES = (("视频监控平台", 30), ("AI智能分析盒", 30))
NEAR_CAMERA_M = 150
TRAIL = dt.timedelta(hours=4)
STEP = dt.timedelta(minutes=2)
STALE_SHARE = 0.1
_M_PER_DEG = (102_400.0, 110_800.0)  # lon, lat at 23.1° N
PLACE = ("grid_id", "community_id", "street_id")
CORNERS = (("东北角", 45), ("东南角", 135), ("西南角", 225), ("西北角", 315))


@dataclass
class Road:
    """A stretch of road: an edge shared by two grids, named as a main road or a lane."""

    line: LineString
    name: str
    main: bool
    length_m: float


def _metres(dlon: float, dlat: float) -> float:
    return math.hypot(dlon * _M_PER_DEG[0], dlat * _M_PER_DEG[1])


def _moved(x: float, y: float, bearing: float, metres: float) -> tuple[float, float]:
    """The point `metres` away from (x, y) towards `bearing` (degrees from north)."""
    rad = math.radians(bearing)
    return (
        x + metres * math.sin(rad) / _M_PER_DEG[0],
        y + metres * math.cos(rad) / _M_PER_DEG[1],
    )


def _bearing(x0: float, y0: float, x1: float, y1: float) -> float:
    dx, dy = (x1 - x0) * _M_PER_DEG[0], (y1 - y0) * _M_PER_DEG[1]
    return math.degrees(math.atan2(dx, dy)) % 360


# -- the roads ------------------------------------------------------------------------


def roads(grids: list[GridSpot], rng: random.Random) -> list[Road]:
    """The shared edges of the grids, named: each pair of neighbouring communities is
    divided by one main road, each pair of grids inside a community by one lane."""
    tree = STRtree([g.geom for g in grids])
    main_names: dict[tuple[str, str], str] = {}
    found = []
    for i, grid in enumerate(grids):
        for j in sorted(int(j) for j in tree.query(grid.geom, predicate="intersects")):
            if j <= i:
                continue
            other = grids[j]
            shared = grid.geom.boundary.intersection(other.geom.boundary)
            lines = [
                part
                for part in getattr(shared, "geoms", [shared])
                if part.geom_type in ("LineString", "MultiLineString")
            ]
            if not lines:
                continue
            merged = shapely.line_merge(shapely.union_all(lines))
            for line in getattr(merged, "geoms", [merged]):
                length = sum(
                    _metres(b[0] - a[0], b[1] - a[1])
                    for a, b in zip(line.coords, line.coords[1:], strict=False)
                )
                if length < 15:
                    continue
                main = grid.community_code != other.community_code
                if main:
                    pair = (grid.community_code, other.community_code)
                    name = main_names.setdefault(pair, rng.choice(MAIN_ROADS))
                else:
                    name = rng.choice(LANES.get(grid.community_code[-3:], OTHER_LANES))
                found.append(Road(line, name, main, length))
    return found


def junctions(found: list[Road]) -> list[tuple[float, float, list[Road]]]:
    """The corners where three or more roads meet, with those roads."""
    ends: dict[tuple[float, float], list[Road]] = {}
    for road in found:
        for x, y in (road.line.coords[0], road.line.coords[-1]):
            ends.setdefault((round(x, 6), round(y, 6)), []).append(road)
    return [(x, y, meeting) for (x, y), meeting in sorted(ends.items()) if len(meeting) >= 3]


# -- the cameras ----------------------------------------------------------------------


@dataclass
class Spot:
    """Where a camera goes, before it has a code."""

    lon: float
    lat: float
    name: str
    address: str
    direction: float | None
    at_junction: bool


class CameraPlanner:
    def __init__(self, grids: list[GridSpot], rng: random.Random):
        self.rng = rng
        self.grids = grids
        for grid in grids:
            shapely.prepare(grid.geom)
        self.tree = STRtree([g.geom for g in grids])
        self.numbers: dict[str, int] = {}
        self.names: dict[str, int] = {}

    def grid_of(self, lon: float, lat: float) -> GridSpot | None:
        for index in sorted(self.tree.query(Point(lon, lat))):
            grid = self.grids[int(index)]
            if shapely.contains_xy(grid.geom, lon, lat):
                return grid
        return None

    def _unique(self, name: str) -> str:
        seen = self.names.get(name, 0) + 1
        self.names[name] = seen
        return name if seen == 1 else f"{name}{seen}"

    def at_junctions(self, corners) -> list[Spot]:
        """One camera at each junction's corner, two where a main road crosses."""
        spots = []
        for x, y, meeting in corners:
            ordered = sorted(meeting, key=lambda r: (not r.main, r.name))
            names = list(dict.fromkeys(r.name for r in ordered))
            per = 2 if ordered[0].main else 1
            place = f"{names[0]}与{names[1]}交界" if len(names) >= 2 else f"{names[0]}路口"
            for corner, bearing in self.rng.sample(CORNERS, per):
                lon, lat = _moved(x, y, bearing, self.rng.uniform(6, 12))
                spots.append(
                    Spot(
                        lon,
                        lat,
                        self._unique(f"{place}{corner}"),
                        f"{ADDRESS_PREFIX}{place}处",
                        (bearing + 180 + self.rng.uniform(-20, 20)) % 360,
                        True,
                    )
                )
        return spots

    def along(self, found: list[Road], wanted: int) -> list[Spot]:
        """`wanted` cameras spread along the roads, twice as dense on main roads."""
        candidates = []
        for road in found:
            spacing = 25.0 if road.main else 50.0
            count = max(1, int(road.length_m / spacing))
            for k in range(count):
                candidates.append((road, (k + 0.5) / count))
        step = len(candidates) / wanted if wanted else 0
        spots = []
        for i in range(wanted):
            road, share = candidates[int(i * step)]
            point = road.line.interpolate(share, normalized=True)
            ahead = road.line.interpolate(min(share + 0.02, 1.0), normalized=True)
            behind = road.line.interpolate(max(share - 0.02, 0.0), normalized=True)
            heading = _bearing(behind.x, behind.y, ahead.x, ahead.y)
            side = self.rng.choice((90, -90))
            lon, lat = _moved(point.x, point.y, heading + side, self.rng.uniform(3, 7))
            number = self.numbers.get(road.name, 0) + self.rng.randint(2, 9)
            self.numbers[road.name] = number
            suffix = self.rng.choice(("号旁", "号对开", "号门前"))
            look = heading if self.rng.random() < 0.5 else heading + 180
            spots.append(
                Spot(
                    lon,
                    lat,
                    self._unique(f"{road.name}{number}{suffix}"),
                    f"{ADDRESS_PREFIX}{road.name}{number}号",
                    (look + self.rng.uniform(-15, 15)) % 360,
                    False,
                )
            )
        return spots

    def plan(self, total: int) -> list[tuple[Spot, GridSpot]]:
        found = roads(self.grids, self.rng)
        corners = self.at_junctions(junctions(found))
        if len(corners) > total * 2 // 3:
            corners = sorted(self.rng.sample(corners, total * 2 // 3), key=lambda s: s.name)
        placed = [(s, g) for s in corners if (g := self.grid_of(s.lon, s.lat))]
        for _attempt in range(5):
            wanted = total - len(placed)
            if wanted <= 0:
                return placed
            # A spot pushed off a road that ends at the street's edge may fall outside
            # it; the few lost are drawn again.
            more = [(s, g) for s in self.along(found, wanted) if (g := self.grid_of(s.lon, s.lat))]
            placed += more[:wanted]
        raise ValueError("the street's roads leave no room for its cameras")


def plan_cameras(grids: list[GridSpot], rng: random.Random, total: int = CAMERAS) -> list[dict]:
    """Rows of `total` cameras (column values by attname), numbered community by
    community from 44010500001310000001."""
    placed = CameraPlanner(grids, rng).plan(total)
    placed.sort(key=lambda p: (p[1].code, p[0].lon, p[0].lat))
    statuses = [CameraStatus.OFFLINE] * OFFLINE + [CameraStatus.FAULT] * FAULT
    statuses += ["silent"] * SILENT
    statuses += [CameraStatus.ONLINE] * (total - len(statuses))
    rng.shuffle(statuses)
    now = timezone.now()
    rows = []
    for seq, ((spot, grid), status) in enumerate(zip(placed, statuses, strict=True), start=1):
        code = f"{CODE_PREFIX}{seq:06d}"
        kind = weighted(rng, KINDS_JUNCTION if spot.at_junction else KINDS_ALONG)
        direction, fov = round(spot.direction) % 360, rng.choice((42, 56, 80))
        if kind == CameraKind.DOME:
            direction, fov = None, 360
        elif kind == CameraKind.PANORAMIC:
            fov = 180
        elif kind == CameraKind.AI:
            fov = rng.choice((56, 80, 98))
        seconds = {
            CameraStatus.ONLINE: rng.uniform(5, 110),
            "silent": rng.uniform(15 * 60, 45 * 60),
            CameraStatus.OFFLINE: rng.uniform(2 * 3600, 5 * 86400),
            CameraStatus.FAULT: rng.uniform(20 * 60, 2 * 86400),
        }[status]
        row = {
            "code": code,
            "name": spot.name,
            "address": spot.address,
            "lon": round(spot.lon, 7),
            "lat": round(spot.lat, 7),
            "direction": direction,
            "fov": fov,
            "kind": kind,
            "stream_kind": StreamKind.HLS,
            "stream_url": STREAM_URL.format(code=code),
            "vendor": weighted(rng, VENDORS),
            "status": CameraStatus.ONLINE if status == "silent" else status,
            "last_heartbeat_at": now - dt.timedelta(seconds=seconds),
        }
        rows.append(grid.place(row))
    return rows


# -- alert sources and alerts -----------------------------------------------------------


def ensure_sources(street: Area) -> list[AlertSource]:
    """The platform and the AI box, made through the action (audited as the system)."""
    sources = []
    for name, minutes in SOURCES:
        source = AlertSource.objects.filter(street=street, name=name).first()
        if source is None:
            source, _secret = create_alert_source(None, name, street, minutes)
        sources.append(source)
    return sources


def plan_alerts(street, cameras: list[dict], sources, rng: random.Random):
    """The alert behind each command-center case of an alert kind that has a camera
    within 150 m (sometimes followed by repeats that joined the case), and the case's
    new source reference. Returns (alert rows, {case id: (source ref, reporter)})."""
    if AlertKind.objects.count() == 0:
        seed_alert_kinds(AlertKind)
    kinds = {k.category_code: k for k in AlertKind.objects.all()}
    cases = (
        Case.objects.filter(street=street, source=Source.COMMAND_CENTER)
        .filter(category__code__in=list(kinds))
        .order_by("reported_at", "id")
        .values_list("id", "lon", "lat", "reported_at", "category__code")
    )
    cases = list(cases)
    if not cases or not cameras:
        return [], {}
    points = shapely.points([(c["lon"], c["lat"]) for c in cameras])
    tree = STRtree(points)
    platform, ai_box = sources
    rows, refs = [], {}
    for case_id, lon, lat, reported_at, category_code in cases:
        nearest = int(tree.nearest(Point(lon, lat)))
        camera = cameras[nearest]
        if _metres(camera["lon"] - lon, camera["lat"] - lat) > NEAR_CAMERA_M:
            continue
        kind = kinds[category_code]
        source = ai_box if camera["kind"] == CameraKind.AI else platform
        occurred = reported_at - dt.timedelta(seconds=rng.uniform(20, 180))
        repeats = rng.choices((0, 1, 2), weights=(80, 14, 6))[0]
        for n in range(repeats + 1):
            moment = occurred + dt.timedelta(minutes=n * rng.uniform(3, 9))
            if source is ai_box:
                alert_id = f"AIB-{rng.getrandbits(48):012x}"
                text = f"检测到{kind.name}，置信度 {rng.uniform(0.72, 0.98):.2f}"
            else:
                alert_id = (
                    f"VMS{timezone.localtime(moment):%Y%m%d%H%M%S}{rng.randrange(10_000):04d}"
                )
                text = f"{camera['name']}：{kind.name}"
            rows.append(
                {
                    "source_id": source.pk,
                    "alert_id": alert_id,
                    "camera_id": camera["id"],
                    "kind_id": kind.pk,
                    "occurred_at": moment,
                    "text": text,
                    "case_id": case_id,
                    "joined": n > 0,
                    "received_at": moment + dt.timedelta(seconds=rng.uniform(1, 6)),
                    **{key: camera[key] for key in PLACE},
                }
            )
            if n == 0:
                refs[case_id] = (f"{camera['code']}:{alert_id}"[:64], source.name)
    return rows, refs


# -- grid workers' positions ------------------------------------------------------------


def _point_in(geom, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(geom, x, y):
            return x, y


def _walk(grid: GridSpot, rng: random.Random, points: int) -> list[tuple[float, float]]:
    """A grid worker's round inside their grid: walk to a door (25–55 m between two
    fixes, as one goes along a lane looking about), stay there a few fixes, go on to
    the next. Each fix carries a few metres of GPS noise (never out of the grid)."""
    geom = grid.geom
    x, y = _point_in(geom, rng)
    target, stay = None, 0
    trail = []
    while len(trail) < points:
        if stay:
            stay -= 1
        elif target is None:
            target = _point_in(geom, rng)
        else:
            left = _metres(target[0] - x, target[1] - y)
            step = rng.uniform(25, 55)
            if left <= step:
                (x, y), target, stay = target, None, rng.randint(1, 5)
            else:
                nx = x + (target[0] - x) * step / left
                ny = y + (target[1] - y) * step / left
                if shapely.contains_xy(geom, nx, ny):
                    x, y = nx, ny
                else:
                    target = None  # the way there leaves the grid: pick another door
        fix = _moved(x, y, rng.uniform(0, 360), abs(rng.gauss(0, 3)))
        trail.append(fix if shapely.contains_xy(geom, *fix) else (x, y))
    return trail


def plan_positions(street: Area, grids: list[GridSpot], rng: random.Random):
    """(position rows, last location rows) of the street's grid workers: a fix every
    two minutes over the last four hours, ending now, or 1–3 hours ago for the one
    in ten whose phone went quiet."""
    by_id = {g.id: g for g in grids}
    held = (
        RoleAssignment.objects.filter(
            role=Role.GRID_WORKER, area__level=AreaLevel.GRID, area__path__startswith=street.path
        )
        .order_by("id")
        .values_list("user_id", "area_id")
    )
    homes: dict[int, GridSpot] = {}
    for user_id, area_id in held:
        if area_id in by_id:
            homes.setdefault(user_id, by_id[area_id])
    workers = sorted(homes)
    stale = set(rng.sample(workers, round(len(workers) * STALE_SHARE)))
    now = timezone.now().replace(microsecond=0)
    positions, locations = [], []
    for user_id in workers:
        grid = homes[user_id]
        end = now - dt.timedelta(seconds=rng.randint(5, 90))
        if user_id in stale:
            end = now - dt.timedelta(minutes=rng.randint(60, 180))
        count = int((end - (now - TRAIL)) / STEP) + 1
        trail = _walk(grid, rng, count)
        for k, (x, y) in enumerate(trail):
            moment = end - STEP * (count - 1 - k) + dt.timedelta(seconds=rng.randint(-8, 8))
            if k == count - 1:
                moment = end
            row = {
                "user_id": user_id,
                "lon": round(x, 7),
                "lat": round(y, 7),
                "accuracy": round(
                    rng.uniform(3, 15) if rng.random() < 0.9 else rng.uniform(20, 60), 1
                ),
                "recorded_at": moment,
                "received_at": moment + dt.timedelta(seconds=rng.randint(2, 40)),
            }
            positions.append(grid.place(row))
        last = positions[-1]
        locations.append(
            WorkerLocation(
                user_id=user_id,
                lon=last["lon"],
                lat=last["lat"],
                accuracy=last["accuracy"],
                recorded_at=last["recorded_at"],
                grid_id=grid.id,
                community_id=grid.community_id,
                street_id=grid.street_id,
            )
        )
    return positions, locations


# -- entry point ----------------------------------------------------------------------


def load_command(street: Area, out=None) -> dict:
    """Write the street's cameras, alert sources, alerts and workers' positions, each
    unless the street has them already. Returns the counts written (empty: nothing)."""
    started = time.perf_counter()
    grids = street_grids(street)
    if not grids:
        return {}
    rng = random.Random(f"{SEED}:{street.code}")
    counts: dict = {}
    with transaction.atomic():
        if Camera.objects.filter(street=street).exists():
            cameras = list(
                Camera.objects.filter(street=street)
                .order_by("code")
                .values("id", "code", "name", "kind", "lon", "lat", *PLACE)
            )
        else:
            cameras = plan_cameras(grids, rng)
            writer = RowWriter(Camera)
            for row in cameras:
                row["id"] = writer.add(row)
            counts["cameras"] = writer.finish()
        had_sources = AlertSource.objects.filter(street=street).count()
        sources = ensure_sources(street)
        if len(sources) > had_sources:
            counts["alert_sources"] = len(sources) - had_sources
        if not CameraAlert.objects.filter(street=street).exists():
            rows, refs = plan_alerts(street, cameras, sources, rng)
            if rows:
                writer = RowWriter(CameraAlert)
                for row in rows:
                    writer.add(row)
                counts["camera_alerts"] = writer.finish()
                _mark_cases(refs)
                counts["cases_from_alerts"] = len(refs)
        if not WorkerPosition.objects.filter(street=street).exists():
            positions, locations = plan_positions(street, grids, rng)
            if positions:
                writer = RowWriter(WorkerPosition)
                for row in positions:
                    writer.add(row)
                counts["positions"] = writer.finish()
                WorkerLocation.objects.bulk_create(locations, ignore_conflicts=True)
                counts["workers"] = len(locations)
        if "workers" in counts:
            counts["sent_to_verify"] = _send_to_verify(street)
        if counts:
            audit.record(
                None, "demo.command", street, after={**counts, "seed": f"{SEED}:{street.code}"}
            )
    if out and counts:
        out.write(
            f"{street.name}：{counts.get('cameras', 0)} 个摄像头、"
            f"{counts.get('camera_alerts', 0)} 条摄像头告警、"
            f"{counts.get('workers', 0)} 名网格员的轨迹（{time.perf_counter() - started:.1f} 秒）\n"
        )
    return counts


VERIFY_CASES = 3


def _send_to_verify(street: Area) -> int:
    """A few fresh cases the dispatcher has sent the nearest worker on duty to
    verify (the command map's "派TA核实"), so a grid worker's desk shows one."""
    from gridgov.accounts.models import User
    from gridgov.cases.actions import act
    from gridgov.cases.choices import Status
    from gridgov.command.queries import nearest_workers

    dispatcher = (
        User.objects.filter(role_assignments__role=Role.DISPATCHER, role_assignments__area=street)
        .order_by("id")
        .first()
    )
    if dispatcher is None:
        return 0
    sent = 0
    waiting = Case.objects.filter(
        street=street, status__in=(Status.REPORTED, Status.ACCEPTED), lon__isnull=False
    ).order_by("-reported_at")
    for case in waiting[:VERIFY_CASES]:
        near = nearest_workers(case, dispatcher, limit=1)
        if near:
            act(dispatcher, case, "assign_verify", version=case.version, worker=near[0]["id"])
            sent += 1
    return sent


def _mark_cases(refs: dict[int, tuple[str, str]]) -> None:
    """The cases an alert started name it as their source, as `receive_alert` does."""
    cases = list(Case.objects.filter(pk__in=list(refs)).only("id", "source_ref", "reporter_name"))
    for case in cases:
        case.source_ref, case.reporter_name = refs[case.pk]
    Case.objects.bulk_update(cases, ["source_ref", "reporter_name"], batch_size=500)
