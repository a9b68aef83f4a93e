"""Grid partition: divide a community into contiguous, compact grids of about 250
households with no gaps and no overlaps (domain A.1–A.2), and redraw them with few
moves when buildings and households change.

Pure functions, no Django: planar coordinates in metres in, shapes and assignments
out, so they are tested and benchmarked alone (`places.layouts` projects lon/lat and
stores the result). The steps:

1. `cells.tessellate`: one cell per building site, clipped to the community and to the
   blocks its barrier lines cut, and the rook adjacency of the cells;
2. `initial.initial_labels`: METIS k-way with household weights and `contig`, k from
   `initial.grid_count`; a building above the tolerance is a grid of its own;
3. `improve.Search`: moves of boundary cells that lower imbalance, raise compactness
   and keep grids off barriers, never splitting a grid;
4. `shapes`: dissolve the cells per grid, number the grids west to east and north to
   south, and measure the result (`shapes.validate`).

`warm.repartition` starts from the current layout instead of METIS.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gridgov.places.partition.cells import Cells, tessellate
from gridgov.places.partition.counts import grid_count
from gridgov.places.partition.improve import Search, Weights
from gridgov.places.partition.initial import initial_labels
from gridgov.places.partition.shapes import Report, dissolve, number_order, validate

DEFAULT_TARGET = 250
DEFAULT_TOLERANCE = 0.2

__all__ = [
    "DEFAULT_TARGET",
    "DEFAULT_TOLERANCE",
    "BuildingPoint",
    "Grid",
    "Layout",
    "Weights",
    "baseline",
    "grid_count",
    "partition",
]


@dataclass(frozen=True)
class BuildingPoint:
    """A building as the partition sees it: where it stands and how many households."""

    id: str
    x: float
    y: float
    households: int


@dataclass
class Grid:
    """One grid of a layout. `label` is the grid it continues (a re-partition keeps
    the current grids' labels; None for a new grid)."""

    shape: BaseGeometry
    households: int
    buildings: list[str]
    label: str | None = None


@dataclass
class Layout:
    """Grids in numbering order, which grid each building is in, and the report."""

    grids: list[Grid]
    grid_of: dict[str, int]
    report: Report
    seconds: float = 0.0
    moved: list[tuple[str, str | None, int]] = field(default_factory=list)  # re-partition


def prepare(
    community,
    buildings: list[BuildingPoint],
    barriers=(),
    target=DEFAULT_TARGET,
    tolerance=DEFAULT_TOLERANCE,
) -> Cells:
    points = np.array([(b.x, b.y) for b in buildings], dtype=float).reshape(-1, 2)
    outside = ~shapely.covers(community, shapely.points(points))
    if outside.any():
        ids = [buildings[i].id for i in np.flatnonzero(outside)[:5]]
        raise ValueError(f"buildings outside the community: {', '.join(ids)}")
    households = np.array([max(0, int(b.households)) for b in buildings], dtype=np.int64)
    return tessellate(community, points, households, barriers, target, tolerance)


def assemble(
    community,
    buildings: list[BuildingPoint],
    cells: Cells,
    labels: np.ndarray,
    target: float,
    tolerance: float,
    carried: dict[int, str] | None = None,
) -> Layout:
    """The layout of `labels` (one per cell): grids dissolved and numbered, report made."""
    shapes = dissolve(cells.polygons, labels)
    households = np.bincount(labels, weights=cells.households, minlength=len(shapes))
    order = number_order(shapes)
    position = {label: n for n, label in enumerate(order)}
    members: list[list[str]] = [[] for _ in order]
    grid_of: dict[str, int] = {}
    for cell, label in enumerate(labels.tolist()):
        for b in cells.members[cell]:
            members[position[label]].append(buildings[b].id)
            grid_of[buildings[b].id] = position[label]
    grids = [
        Grid(shapes[label], int(households[label]), sorted(members[n]), (carried or {}).get(label))
        for n, label in enumerate(order)
    ]
    report = validate(
        community, [g.shape for g in grids], [g.households for g in grids], target, tolerance
    )
    return Layout(grids, grid_of, report)


def partition(
    community,
    buildings: list[BuildingPoint],
    *,
    barriers=(),
    target: float = DEFAULT_TARGET,
    tolerance: float = DEFAULT_TOLERANCE,
    seed: int = 0,
    weights: Weights | None = None,
) -> Layout:
    """A fresh layout of the community's buildings into grids of about `target`
    households (±`tolerance`); same input and seed, same layout."""
    started = time.perf_counter()
    _check(buildings, target, tolerance)
    cells = prepare(community, buildings, barriers, target, tolerance)
    labels, fixed = initial_labels(cells, target, tolerance, seed)
    labels = Search(cells, labels, target, tolerance, fixed, weights=weights or Weights()).run(seed)
    layout = assemble(community, buildings, cells, labels, target, tolerance)
    layout.seconds = time.perf_counter() - started
    return layout


def baseline(
    community,
    buildings: list[BuildingPoint],
    *,
    target: float = DEFAULT_TARGET,
    tolerance: float = DEFAULT_TOLERANCE,
    seeds: int = 5,
) -> Layout:
    """The plain METIS k-way layout the benchmark compares against: household
    weights, `contig`, no edge weights, no local search; the best of `seeds` seeds
    (most grids within the tolerance, then the smallest largest deviation)."""
    started = time.perf_counter()
    _check(buildings, target, tolerance)
    cells = prepare(community, buildings, target=target, tolerance=tolerance)
    best = None
    for seed in range(seeds):
        labels, _fixed = initial_labels(cells, target, tolerance, seed, weighted=False)
        households = np.bincount(labels, weights=cells.households)
        dev = np.abs(households - target) / target
        score = (-(dev <= tolerance).sum(), dev.max())
        if best is None or score < best[0]:
            best = (score, labels)
    layout = assemble(community, buildings, cells, best[1], target, tolerance)
    layout.seconds = time.perf_counter() - started
    return layout


def _check(buildings, target, tolerance) -> None:
    if not buildings:
        raise ValueError("a community without buildings cannot be divided into grids")
    if target <= 0:
        raise ValueError("the target must be a positive number of households")
    if not 0 < tolerance < 1:
        raise ValueError("the tolerance must be between 0 and 1")
    ids = [b.id for b in buildings]
    if len(set(ids)) != len(ids):
        raise ValueError("building ids must be unique")
