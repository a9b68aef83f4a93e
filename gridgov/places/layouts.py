"""Grid layouts from the stored community: what the partition reads and what a
proposal holds. Reads only; `layout_actions` writes.

The partition works in metres on a plane; boundaries are stored as WGS84 lon/lat. A
local equirectangular projection around the community (good to far under a metre
across a community) carries shapes both ways, and the grids are rounded together
(`geometry.round_coverage`) so neighbours still share their edges exactly.
"""

import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from gridgov.core.errors import ActionError
from gridgov.places.geometry import EARTH_RADIUS_M, parse_boundary, round_coverage, to_geojson
from gridgov.places.models import Area, Building, Level
from gridgov.places.partition import BuildingPoint, partition
from gridgov.places.partition.shapes import polsby_popper, validate
from gridgov.places.partition.warm import repartition

MAX_BARRIER_BYTES = 2 * 1024 * 1024
# Grid boundaries are kept to 9 decimals (0.1 mm): where a grid edge meets the
# community's boundary, its corner lies on the community's edge, and rounding it to
# the usual 6 decimals (0.1 m) would open slivers of several square metres.
GRID_DIGITS = 9


class Plane:
    """Lon/lat ⇄ metres east and north of the community's centre."""

    def __init__(self, geom: BaseGeometry):
        centre = geom.centroid
        self.origin = np.array([centre.x, centre.y])
        self.scale = np.array(
            [math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(centre.y)),
             math.radians(1) * EARTH_RADIUS_M]
        )  # fmt: skip

    def to_m(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: (xy - self.origin) * self.scale)

    def to_deg(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy / self.scale + self.origin)


def parse_barriers(data: bytes | str) -> list[BaseGeometry]:
    """Barrier lines from GeoJSON (a FeatureCollection, Feature or geometry of
    LineString / MultiLineString, WGS84 lon/lat); a clear message for anything else."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ActionError(_("分隔线文件不是有效的 GeoJSON。"), "barriers") from None
    items = doc.get("features", [doc]) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ActionError(_("分隔线文件不是有效的 GeoJSON。"), "barriers")
    lines = []
    for item in items:
        geometry = item.get("geometry", item) if isinstance(item, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in {
            "LineString",
            "MultiLineString",
        }:
            raise ActionError(
                _("分隔线只能是 LineString 或 MultiLineString（道路、河流等）。"), "barriers"
            )
        try:
            line = shape(geometry)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            raise ActionError(_("分隔线的坐标格式不正确。"), "barriers") from None
        minx, miny, maxx, maxy = line.bounds
        if line.is_empty or not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ActionError(_("分隔线坐标必须是 WGS84 经纬度（经度在前）。"), "barriers")
        lines.append(line)
    return lines


def community_buildings(community: Area) -> list[dict]:
    """The community's buildings with their point, households and current grid."""
    return list(
        Building.objects.filter(community=community)
        .order_by("code")
        .values("id", "code", "name", "lon", "lat", "household_count", "grid_id", "grid__code")
    )


def basis_of(community: Area, rows: list[dict] | None = None) -> str:
    """A digest of what a proposal is computed from: every building's code, point,
    households and grid, and the community's boundary."""
    rows = community_buildings(community) if rows is None else rows
    digest = hashlib.sha256(json.dumps(community.boundary, sort_keys=True).encode())
    for r in rows:
        digest.update(
            f"{r['code']}|{r['lon']}|{r['lat']}|{r['household_count']}|{r['grid_id']};".encode()
        )
    return digest.hexdigest()


def current_grids(community: Area) -> list[Area]:
    return list(Area.objects.filter(parent=community, level=Level.GRID).current().order_by("code"))


@dataclass
class Proposal:
    """What a GridLayout row holds, before it is saved."""

    method: str
    target: int
    tolerance: float
    grids: list[dict]
    assignment: dict[str, str]
    moves: list[dict]
    report: dict
    basis: str


def _inside(points: np.ndarray, region: BaseGeometry) -> np.ndarray:
    """Points moved just inside the region where they lie outside it (a building
    recorded in the community but drawn a metre over its edge)."""
    outside = ~shapely.covers(region, shapely.points(points))
    if outside.any():
        inner = region.buffer(-0.5) if region.buffer(-0.5).area > 0 else region
        for i in np.flatnonzero(outside):
            near = nearest_points(inner, shapely.Point(points[i]))[0]
            points[i] = (near.x, near.y)
    return points


def propose(
    community: Area,
    *,
    target: int,
    tolerance: float,
    barriers: list[BaseGeometry] = (),
    fresh: bool = False,
    seed: int = 0,
) -> Proposal:
    """A new layout of the community: a fresh partition, or (when it has grids and
    `fresh` is not asked) a re-partition that moves as few households as it can."""
    if not community.boundary:
        raise ActionError(_("该社区还没有边界，无法划分网格。"))
    rows = community_buildings(community)
    if not rows:
        raise ActionError(_("该社区还没有楼宇，无法划分网格。"))
    region_deg = parse_boundary(community.boundary)
    plane = Plane(region_deg)
    region = plane.to_m(region_deg)
    points = plane.to_m(shapely.multipoints([(r["lon"], r["lat"]) for r in rows]))
    xy = _inside(shapely.get_coordinates(points), region)
    buildings = [
        BuildingPoint(r["code"], float(x), float(y), r["household_count"])
        for r, (x, y) in zip(rows, xy, strict=True)
    ]
    lines = [plane.to_m(b) for b in barriers]
    current = {r["code"]: r["grid__code"] for r in rows if r["grid__code"]}
    retired = set(
        Area.objects.filter(parent=community, retired_on__isnull=False).values_list(
            "code", flat=True
        )
    )
    current = {b: g for b, g in current.items() if g not in retired}
    warm = bool(current) and not fresh
    try:
        if warm:
            layout = repartition(
                region,
                buildings,
                current,
                barriers=lines,
                target=target,
                tolerance=tolerance,
                seed=seed,
            )
        else:
            layout = partition(
                region, buildings, barriers=lines, target=target, tolerance=tolerance, seed=seed
            )
    except ValueError as exc:
        raise ActionError(_("无法划分：%(reason)s") % {"reason": exc}) from None
    codes = _codes(community, layout.grids, warm)
    shapes_deg = round_coverage([plane.to_deg(g.shape) for g in layout.grids], GRID_DIGITS)
    shapes_m = [plane.to_m(s) for s in shapes_deg]
    households = [g.households for g in layout.grids]
    report = validate(region, shapes_m, households, target, tolerance, names=codes)
    grids = [
        {
            "code": code,
            "name": grid_name(community, code),
            "households": g.households,
            "buildings": len(g.buildings),
            "pp": round(polsby_popper(shape_m), 3),
            "boundary": to_geojson(shape, GRID_DIGITS),
        }
        for code, g, shape, shape_m in zip(codes, layout.grids, shapes_deg, shapes_m, strict=True)
    ]
    assignment = {b: codes[i] for b, i in layout.grid_of.items()}
    names = {r["code"]: r["name"] for r in rows}
    households_of = {r["code"]: r["household_count"] for r in rows}
    moves = [
        {
            "building": b,
            "name": names[b],
            "from": old,
            "to": assignment[b],
            "households": households_of[b],
        }
        for b, old in sorted(current.items())
        if assignment[b] != old
    ]
    summary = report.as_dict()
    summary.update(
        seconds=round(layout.seconds, 3),
        moved_buildings=len(moves),
        moved_households=sum(m["households"] for m in moves),
    )
    return Proposal(
        method="warm" if warm else "fresh",
        target=target,
        tolerance=tolerance,
        grids=grids,
        assignment=assignment,
        moves=moves,
        report=summary,
        basis=basis_of(community, rows),
    )


def grid_name(community: Area, code: str) -> str:
    """A grid's name is data, in the street office's language: "鳌洲社区第3网格"."""
    return f"{community.name}第{int(code[-3:])}网格"


def _codes(community: Area, grids, warm: bool) -> list[str]:
    """Grid codes: the community's 12 digits and a 3-digit sequence. A fresh layout
    numbers its grids 001… in order (west to east, north to south); a re-partition
    keeps the codes of the grids it continues and gives new grids the next numbers
    never used in the community."""
    if not warm:
        if len(grids) > 999:
            raise ActionError(_("网格数超过 999 个，请提高目标户数。"))
        return [f"{community.code}{n:03d}" for n in range(1, len(grids) + 1)]
    used = Area.objects.filter(parent=community, level=Level.GRID).values_list("code", flat=True)
    next_seq = max((int(code[-3:]) for code in used), default=0) + 1
    codes = []
    for g in grids:
        if g.label is not None:
            codes.append(g.label)
            continue
        if next_seq > 999:
            raise ActionError(_("该社区的网格编号已用完（999 个）。"))
        codes.append(f"{community.code}{next_seq:03d}")
        next_seq += 1
    return codes


def recorded(community: Area) -> Proposal:
    """The community's grids as they are now, as a layout (kept as history the first
    time a new layout replaces them)."""
    rows = community_buildings(community)
    grids = current_grids(community)
    counts: dict[int, list[int]] = {}
    for r in rows:
        counts.setdefault(r["grid_id"], []).append(r["household_count"])
    region = parse_boundary(community.boundary) if community.boundary else None
    plane = Plane(region) if region is not None else None
    entries = []
    for g in grids:
        pp = 0.0
        if g.boundary and plane is not None:
            pp = round(polsby_popper(plane.to_m(parse_boundary(g.boundary))), 3)
        entries.append(
            {
                "code": g.code,
                "name": g.name,
                "households": sum(counts.get(g.id, [])),
                "buildings": len(counts.get(g.id, [])),
                "pp": pp,
                "boundary": g.boundary,
            }
        )
    return Proposal(
        method="recorded",
        target=0,
        tolerance=0.0,
        grids=entries,
        assignment={r["code"]: r["grid__code"] for r in rows if r["grid__code"]},
        moves=[],
        report={},
        basis=basis_of(community, rows),
    )
