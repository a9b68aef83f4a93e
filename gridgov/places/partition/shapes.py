"""From labels to a layout: grid polygons, their numbering and the validation report."""

import math
from dataclasses import asdict, dataclass

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

# Grids are numbered west to east in bands of this width (metres), north to south
# inside a band, by their representative point.
NUMBER_BAND_M = 100.0


def dissolve(cells_polygons: list[Polygon], labels: np.ndarray) -> list[BaseGeometry]:
    """One shape per label 0..k-1: the union of its cells. The cells form a coverage
    (edge-matched, no overlaps), so the faster coverage union is exact."""
    k = int(labels.max()) + 1
    groups: list[list[Polygon]] = [[] for _ in range(k)]
    for poly, label in zip(cells_polygons, labels.tolist(), strict=True):
        groups[label].append(poly)
    return [shapely.coverage_union_all(group) for group in groups]


def number_order(shapes: list[BaseGeometry], band: float = NUMBER_BAND_M) -> list[int]:
    """Indexes of `shapes` in numbering order: west to east, then north to south."""
    points = [s.representative_point() for s in shapes]
    return sorted(
        range(len(shapes)), key=lambda i: (math.floor(points[i].x / band), -points[i].y, i)
    )


def polsby_popper(shape: BaseGeometry) -> float:
    """4πA / P²: 1 for a circle, about 0.785 for a square, near 0 for a sliver."""
    perimeter = shape.length
    return 4 * math.pi * shape.area / (perimeter * perimeter) if perimeter else 0.0


@dataclass
class Report:
    """How good a layout is, in the terms of the partition rule."""

    grids: int
    households: int
    target: float
    tolerance: float
    within_10: float  # share of grids within ±10 % of the target
    within_20: float
    within_tolerance: float
    min_households: int
    max_households: int
    mean_pp: float
    min_pp: float
    disconnected: int  # grids that are not one polygon
    gap_m2: float  # community area not covered by any grid
    overlap_m2: float  # area covered by two grids
    per_grid: list[dict]

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def ok(self) -> bool:
        """The layout covers the community exactly with connected grids."""
        return self.disconnected == 0 and self.gap_m2 < 1.0 and self.overlap_m2 < 1.0


def overlap_area(shapes: list[BaseGeometry]) -> float:
    geoms = np.array(shapes, dtype=object)
    left, right = STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    if not keep.any():
        return 0.0
    return float(shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]])).sum())


def validate(
    community: BaseGeometry,
    shapes: list[BaseGeometry],
    households: list[int],
    target: float,
    tolerance: float,
    names: list[str] | None = None,
) -> Report:
    """Measure a layout (planar coordinates in metres): coverage, overlaps, connected
    grids, balance against the target, Polsby-Popper compactness per grid."""
    union = shapely.unary_union(shapes)
    gap = community.difference(union).area
    pps = [polsby_popper(s) for s in shapes]
    dev = [abs(h - target) / target for h in households]
    n = max(1, len(shapes))
    per_grid = [
        {
            "name": names[i] if names else str(i + 1),
            "households": int(households[i]),
            "deviation": round((households[i] - target) / target, 4),
            "pp": round(pps[i], 4),
            "area_m2": round(shapes[i].area, 1),
            "parts": len(shapely.get_parts(shapes[i])),
        }
        for i in range(len(shapes))
    ]
    return Report(
        grids=len(shapes),
        households=int(sum(households)),
        target=target,
        tolerance=tolerance,
        within_10=sum(d <= 0.1 for d in dev) / n,
        within_20=sum(d <= 0.2 for d in dev) / n,
        within_tolerance=sum(d <= tolerance for d in dev) / n,
        min_households=int(min(households, default=0)),
        max_households=int(max(households, default=0)),
        mean_pp=float(np.mean(pps)) if pps else 0.0,
        min_pp=float(min(pps, default=0.0)),
        disconnected=sum(1 for s in shapes if s.geom_type != "Polygon"),
        gap_m2=float(gap),
        overlap_m2=overlap_area(shapes),
        per_grid=per_grid,
    )
