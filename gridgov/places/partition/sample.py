"""Generated communities for the benchmark and the tests: an irregular outline and
buildings clustered in compounds, as in an old city district.

A compound is a handful to a few dozen buildings around a courtyard: an old lane
block of small buildings (5–30 households), a work-unit compound of mid-rise blocks
(30–80) or an estate of towers (80–120). About 1,000 buildings cover 0.8 km², the
density of Nanhua West (1,400 buildings on 1.1 km²).
"""

import math
import random

import shapely
from shapely.geometry import Polygon

from gridgov.places.partition import BuildingPoint

KINDS = (  # (share of compounds, buildings per compound, households per building)
    (0.6, (8, 30), (5, 30)),
    (0.3, (5, 15), (30, 80)),
    (0.1, (3, 10), (80, 120)),
)
BUILDINGS_PER_KM2 = 1_250


def outline(rng: random.Random, area_m2: float, corners: int = 14) -> Polygon:
    """A star-shaped outline with irregular edges, of about `area_m2`."""
    radius = math.sqrt(area_m2 / math.pi)
    points = []
    for i in range(corners):
        angle = 2 * math.pi * (i + rng.uniform(-0.3, 0.3)) / corners
        r = radius * rng.uniform(0.75, 1.2)
        points.append((r * math.cos(angle), r * math.sin(angle)))
    shape = Polygon(points)
    return shapely.affinity.scale(
        shape, math.sqrt(area_m2 / shape.area), math.sqrt(area_m2 / shape.area)
    )


def community(n: int, seed: int = 1) -> tuple[Polygon, list[BuildingPoint]]:
    """A community of `n` buildings in compounds; the same seed, the same community."""
    rng = random.Random(seed)
    shape = outline(rng, n / BUILDINGS_PER_KM2 * 1e6)
    minx, miny, maxx, maxy = shape.bounds
    buildings: list[BuildingPoint] = []
    while len(buildings) < n:
        _share, size, households = rng.choices(KINDS, weights=[k[0] for k in KINDS])[0]
        cx, cy = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        spread = rng.uniform(25, 70)
        for _ in range(min(rng.randint(*size), n - len(buildings))):
            for _try in range(20):
                x, y = rng.gauss(cx, spread), rng.gauss(cy, spread)
                if shapely.contains_xy(shape, x, y):
                    buildings.append(
                        BuildingPoint(
                            f"B{len(buildings) + 1:05d}",
                            round(x, 2),
                            round(y, 2),
                            rng.randint(*households),
                        )
                    )
                    break
    return shape, buildings


def add_corner(
    shape: Polygon, buildings: list[BuildingPoint], share: float = 0.1, seed: int = 2
) -> list[BuildingPoint]:
    """`buildings` plus new ones in the north-east corner holding `share` more
    households (new estates going up), for the re-partition test."""
    rng = random.Random(seed)
    minx, miny, maxx, maxy = shape.bounds
    wanted = share * sum(b.households for b in buildings)
    added: list[BuildingPoint] = []
    while sum(b.households for b in added) < wanted:
        x = rng.uniform(minx + 0.6 * (maxx - minx), maxx)
        y = rng.uniform(miny + 0.6 * (maxy - miny), maxy)
        if shapely.contains_xy(shape, x, y):
            added.append(
                BuildingPoint(
                    f"N{len(added) + 1:05d}", round(x, 2), round(y, 2), rng.randint(40, 120)
                )
            )
    return buildings + added
