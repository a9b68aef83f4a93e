"""Which grid holds a point: point-in-polygon over every grid, with a shapely STRtree
built once per process and rebuilt only when the grid layout changes."""

from shapely import STRtree
from shapely.geometry import Point

from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Level

_tree: dict = {"signature": None, "index": None, "ids": []}


def _signature():
    from django.db.models import Count, Max

    grids = Area.objects.filter(level=Level.GRID)
    return tuple(grids.aggregate(n=Count("id"), changed=Max("updated_at")).values())


def grid_at(lon: float, lat: float) -> Area | None:
    """The grid containing the point (on a shared edge, the lowest code), or None."""
    signature = _signature()
    if _tree["signature"] != signature:
        rows = list(
            Area.objects.filter(level=Level.GRID, boundary__isnull=False)
            .order_by("code")
            .values_list("id", "boundary")
        )
        _tree.update(
            signature=signature,
            index=STRtree([parse_boundary(b) for _, b in rows]) if rows else None,
            ids=[i for i, _ in rows],
        )
    if _tree["index"] is None:
        return None
    hits = _tree["index"].query(Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    return Area.objects.defer("boundary").get(pk=_tree["ids"][min(hits)])
