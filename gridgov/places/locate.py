"""Which grid holds a point: point-in-polygon over every grid, with a shapely STRtree
built once per process and rebuilt only when the grid layout changes.

`grid_at` answers one point (a reported case); `grids_at` answers many at once (a
camera import, the demo's positions, the `locate_points` benchmark) with one bulk
query of the same tree instead of a query per point."""

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point

from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Level

# (signature, index, ids): the grids ordered by code, so that on a shared edge the
# lowest tree index is the lowest code; `ids[i]` is the primary key of the i-th shape.
# Replaced as one tuple, so a thread never sees a new signature with an old tree.
_tree: tuple = (None, None, np.empty(0, dtype=np.int64))


def _signature():
    from django.db.models import Count, Max

    grids = Area.objects.filter(level=Level.GRID)
    return tuple(grids.aggregate(n=Count("id"), changed=Max("updated_at")).values())


def _grid_tree() -> tuple[STRtree | None, np.ndarray]:
    """The tree of grid boundaries and their ids, rebuilt when a grid was added,
    removed or changed since it was built (one small query per call to check)."""
    global _tree
    signature = _signature()
    built = _tree
    if built[0] != signature:
        rows = list(
            Area.objects.filter(level=Level.GRID, boundary__isnull=False)
            .order_by("code")
            .values_list("id", "boundary")
        )
        built = (
            signature,
            STRtree([parse_boundary(b) for _, b in rows]) if rows else None,
            np.array([i for i, _ in rows], dtype=np.int64),
        )
        _tree = built
    return built[1], built[2]


def grid_at(lon: float, lat: float) -> Area | None:
    """The grid containing the point (on a shared edge, the lowest code), or None."""
    index, ids = _grid_tree()
    if index is None:
        return None
    hits = index.query(Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    return Area.objects.defer("boundary").get(pk=int(ids[hits.min()]))


def grids_at(lons, lats) -> list[int | None]:
    """The id of the grid containing each point (lons[i], lats[i]), or None where no
    grid does; on a shared edge, the lowest code, as `grid_at` answers."""
    lons = np.asarray(lons, dtype=float).ravel()
    lats = np.asarray(lats, dtype=float).ravel()
    if lons.shape != lats.shape:
        raise ValueError("grids_at: as many longitudes as latitudes are needed")
    index, ids = _grid_tree()
    if index is None or len(lons) == 0:
        return [None] * len(lons)
    point_at, shape_at = index.query(shapely.points(lons, lats), predicate="intersects")
    # The lowest tree index among each point's hits; len(ids) marks "no grid".
    best = np.full(len(lons), len(ids), dtype=np.int64)
    np.minimum.at(best, point_at, shape_at)
    found = best < len(ids)
    answer = np.zeros(len(lons), dtype=np.int64)
    answer[found] = ids[best[found]]
    return [i or None for i in answer.tolist()]  # primary keys are never 0
