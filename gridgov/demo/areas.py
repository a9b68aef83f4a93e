"""The Nanhua West area tree ("1 + 12 + 79") as shapely polygons, built from fixed seeds.

Haizhu District (440105) is a coarse outline of the real island district; Nanhua West
Street (440105008) sits at its western tip, on the south bank of the Pearl River, which
bounds it to the north and west (hence the irregular riverside edge); its east and
south edges follow streets, so they are straight. The street is tiled exactly by its
12 real communities (Voronoi cells of their centre points, clipped to the street), and
each community by its grids (Voronoi cells of evenly spread seeded points). The demo
boundaries are plausible, not surveyed: they exist so maps, scope and the partition
tools have something realistic to work on.

Coordinates are rounded to 6 decimals (about 0.1 m) level by level: each parent is
rounded *before* it is tiled and each child is snapped to the same 1e-6 grid, so a
child never strays from its parent by more than a few centimetres, far inside
`places.geometry.CONTAIN_TOLERANCE_DEG`.
"""

import math
import random
from dataclasses import dataclass
from functools import cache

import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gridgov.places.geometry import round_coverage, to_geojson
from gridgov.places.models import Level
from gridgov.places.partition.cells import tile

SEED = 20260105
GRID_TOTAL = 79
MIN_GRIDS_PER_COMMUNITY = 3
PRECISION_DEG = 1e-6  # 6 decimals, as places.geometry.to_geojson stores them
_M_PER_DEG_LAT = 110_800.0
_M_PER_DEG_LON = 102_400.0  # at latitude 23.1°

DISTRICT_CODE, DISTRICT_NAME = "440105", "海珠区"
STREET_CODE, STREET_NAME = "440105008", "南华西街道"


@dataclass(frozen=True)
class CommunitySeed:
    """A community and the point its Voronoi cell grows from.

    `published` marks the centre points taken from public gazetteers; the other six
    were chosen to spread the remaining communities over the street.
    """

    code: str
    name: str
    lon: float
    lat: float
    published: bool = False


COMMUNITIES: tuple[CommunitySeed, ...] = (
    CommunitySeed("440105008101", "鳌洲社区", 113.2559, 23.1066, published=True),
    CommunitySeed("440105008102", "福安社区", 113.2482, 23.1050),
    CommunitySeed("440105008103", "敬和里社区", 113.2508, 23.1059),
    CommunitySeed("440105008105", "龙武里社区", 113.2533, 23.1075),
    CommunitySeed("440105008106", "兆龙里社区", 113.2530, 23.1040),
    CommunitySeed("440105008108", "海天社区", 113.2547, 23.1036),
    CommunitySeed("440105008109", "洲头咀社区", 113.2485, 23.1025, published=True),
    CommunitySeed("440105008110", "德和新社区", 113.2502, 23.1020, published=True),
    CommunitySeed("440105008111", "后乐园社区", 113.2520, 23.1005, published=True),
    CommunitySeed("440105008112", "厚德社区", 113.2510, 23.1008, published=True),
    CommunitySeed("440105008113", "永兴社区", 113.2490, 23.0975, published=True),
    CommunitySeed("440105008114", "聚龙社区", 113.2537, 23.1012),
)

# Haizhu is an island between the Pearl River's front and back channels; clockwise
# from the western tip at Zhoutouzui. Coarse on purpose (about 90 km², as the real one).
_HAIZHU_OUTLINE = (
    (113.2440, 23.1040), (113.2465, 23.1085), (113.2600, 23.1135), (113.2800, 23.1160),
    (113.3000, 23.1140), (113.3250, 23.1110), (113.3500, 23.1090), (113.3750, 23.1020),
    (113.4000, 23.0950), (113.4180, 23.0880), (113.4150, 23.0760), (113.3900, 23.0700),
    (113.3600, 23.0620), (113.3300, 23.0520), (113.3000, 23.0440), (113.2750, 23.0430),
    (113.2550, 23.0520), (113.2420, 23.0680), (113.2380, 23.0850),
)  # fmt: skip

# The street's river bank, south-west → the Zhoutouzui tip → north-east; roughened below.
_STREET_RIVERSIDE = (
    (113.2474, 23.0962), (113.2469, 23.0990), (113.2466, 23.1014), (113.2464, 23.1040),
    (113.2474, 23.1060), (113.2492, 23.1074), (113.2513, 23.1086), (113.2535, 23.1095),
    (113.2553, 23.1101), (113.2568, 23.1105),
)  # fmt: skip
# Its land edges along streets, north-east → south-west.
_STREET_LANDSIDE = (
    (113.2566, 23.1055), (113.2559, 23.1020), (113.2538, 23.0999), (113.2512, 23.0983),
    (113.2505, 23.0960),
)  # fmt: skip


@dataclass(frozen=True)
class AreaSpec:
    """One area of the demo tree: what `places.actions.import_areas` needs for a row."""

    code: str
    name: str
    level: Level
    geom: Polygon

    @property
    def parent_code(self) -> str:
        if self.level == Level.DISTRICT:
            return ""
        return DISTRICT_CODE if self.level == Level.STREET else self.code[:-3]

    def as_row(self, row: int) -> dict:
        return {
            "row": row,
            "code": self.code,
            "name": self.name,
            "parent_code": self.parent_code,
            "boundary": to_geojson(self.geom),
        }


def snap(geom: BaseGeometry) -> BaseGeometry:
    """Round to 6 decimals and keep the shape valid (GEOS fixes any collapse)."""
    return shapely.set_precision(geom, PRECISION_DEG)


def _roughen(coords, rng: random.Random, step_m: float = 15.0, amplitude_m: float = 28.0):
    """A river bank: the polyline densified and pushed sideways by smooth noise
    (a few sine waves of random phase), tapered to zero at both ends so the bank
    still meets the land edges where they were drawn."""
    line = LineString(coords)
    length_m = line.length * (_M_PER_DEG_LAT + _M_PER_DEG_LON) / 2
    n = max(2, int(length_m / step_m))
    waves = [
        (rng.uniform(2, 16), rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 1.0)) for _ in range(5)
    ]
    norm = sum(weight for _, _, weight in waves)

    def offset_m(t: float) -> float:
        wave = sum(w * math.sin(2 * math.pi * freq * t + phase) for freq, phase, w in waves)
        return amplitude_m * math.sin(math.pi * t) * wave / norm

    points = [line.interpolate(i / n, normalized=True) for i in range(n + 1)]
    out = []
    for i, point in enumerate(points):
        before, after = points[max(i - 1, 0)], points[min(i + 1, n)]
        dx = (after.x - before.x) * _M_PER_DEG_LON
        dy = (after.y - before.y) * _M_PER_DEG_LAT
        size = math.hypot(dx, dy) or 1.0
        offset = offset_m(i / n)
        out.append(
            (
                point.x + offset * -dy / size / _M_PER_DEG_LON,
                point.y + offset * dx / size / _M_PER_DEG_LAT,
            )
        )
    return out


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    return [part for g in getattr(geom, "geoms", []) for part in _polygons(g)]


def _random_points(region: Polygon, n: int, rng: random.Random) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = region.bounds
    points: list[tuple[float, float]] = []
    while len(points) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if region.contains(Point(x, y)):
            points.append((x, y))
    return points


def spread_seeds(region: Polygon, n: int, rng: random.Random, rounds: int = 12):
    """`n` seeded points moved towards their cells' centres a few times (Lloyd's
    relaxation), so the grids come out of similar size and reasonably round."""
    points = _random_points(region, n, rng)
    for _ in range(rounds):
        cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=region, ordered=True).geoms
        moved = []
        for cell, old in zip(cells, points, strict=True):
            clipped = cell.intersection(region)
            centre = clipped.centroid if not clipped.is_empty else Point(old)
            if not region.contains(centre):
                centre = clipped.representative_point()
            moved.append((centre.x, centre.y))
        points = moved
    return points


def grid_counts(
    areas: list[float], total: int = GRID_TOTAL, minimum: int = MIN_GRIDS_PER_COMMUNITY
):
    """Share `total` grids out in proportion to area by the largest-remainder method,
    with at least `minimum` each (communities held at the minimum drop out of the
    proportional share, which is then recomputed for the rest)."""
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(areas)) if i not in fixed]
        left = total - minimum * len(fixed)
        weight = sum(areas[i] for i in free)
        quotas = {i: left * areas[i] / weight for i in free}
        small = [i for i in free if quotas[i] < minimum]
        if not small:
            break
        fixed.update(dict.fromkeys(small, minimum))
    counts = {i: math.floor(q) for i, q in quotas.items()}
    remainder = left - sum(counts.values())
    for i in sorted(quotas, key=lambda i: (counts[i] - quotas[i], i))[:remainder]:
        counts[i] += 1
    counts.update(fixed)
    return [counts[i] for i in range(len(areas))]


def grid_order_key(geom: BaseGeometry) -> tuple[float, float]:
    """Grids are numbered west to east, then north to south: sorted by their centre
    (the representative point, the one stored as the area's centre) in longitude
    bands of 0.001° (about 100 m), and inside a band from north to south."""
    point = geom.representative_point()
    return (round(point.x, 3), -point.y)


@cache
def build_tree() -> tuple[AreaSpec, ...]:
    """The whole tree, parents before children: 1 district, 1 street, 12 communities,
    79 grids. Cached: it is the same on every call.

    The grids are cut at full precision, rounded together, and the communities and the
    street are then the unions of their rounded grids, so every level tiles its parent
    exactly, even after rounding.
    """
    rng = random.Random(SEED)
    street = Polygon(_roughen(_STREET_RIVERSIDE, rng) + list(_STREET_LANDSIDE))
    shapes = tile(street, [(c.lon, c.lat) for c in COMMUNITIES])
    counts = grid_counts([s.area for s in shapes])
    cells_of = []
    for shape, count in zip(shapes, counts, strict=True):
        cells_of.append(tile(shape, spread_seeds(shape, count, rng)))
    rounded = iter(round_coverage([cell for cells in cells_of for cell in cells]))
    cells_of = [[next(rounded) for _ in cells] for cells in cells_of]

    communities, grids = [], []
    for community, cells in zip(COMMUNITIES, cells_of, strict=True):
        shape = shapely.coverage_union_all(cells)
        communities.append(AreaSpec(community.code, community.name, Level.COMMUNITY, shape))
        grids += [
            AreaSpec(f"{community.code}{n:03d}", f"{community.name}第{n}网格", Level.GRID, cell)
            for n, cell in enumerate(sorted(cells, key=grid_order_key), start=1)
        ]
    street = shapely.coverage_union_all([c.geom for c in communities])
    return (
        AreaSpec(DISTRICT_CODE, DISTRICT_NAME, Level.DISTRICT, snap(Polygon(_HAIZHU_OUTLINE))),
        AreaSpec(STREET_CODE, STREET_NAME, Level.STREET, street),
        *communities,
        *grids,
    )


def import_rows(specs=None) -> list[dict]:
    """The tree as rows for `places.actions.import_areas` (row numbers from 1)."""
    return [spec.as_row(n) for n, spec in enumerate(specs or build_tree(), start=1)]
