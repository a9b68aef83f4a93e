"""Boundaries as GeoJSON in WGS84 lon/lat, checked and measured with shapely."""

import math

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely import make_valid
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from gridgov.core.errors import ActionError

# A child's boundary may stick out of its parent's by this much (about 1 m) because
# boundaries drawn by hand or rounded to 6 decimals rarely share edges exactly.
CONTAIN_TOLERANCE_DEG = 1e-5
EARTH_RADIUS_M = 6_371_008.8


def parse_boundary(geojson, field: str = "boundary") -> BaseGeometry:
    """A GeoJSON Polygon/MultiPolygon (or a Feature holding one) → a valid shapely shape."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ActionError(_("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"), field)
    try:
        geom = shape(geojson)
    # GEOS itself refuses some inputs (a NaN coordinate, an unclosed ring).
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ShapelyError):
        raise ActionError(_("边界的坐标格式不正确。"), field) from None
    if geom.is_empty:
        raise ActionError(_("边界不能为空。"), field)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ActionError(_("边界坐标必须是 WGS84 经纬度（经度在前）。"), field)
    if not geom.is_valid:
        geom = make_valid(geom)
        if geom.geom_type not in {"Polygon", "MultiPolygon"} or geom.area == 0:
            raise ActionError(_("边界自相交或无面积，请检查坐标。"), field)
    return geom


def to_geojson(geom: BaseGeometry, digits: int = 6) -> dict:
    """GeoJSON with coordinates rounded to 6 decimals (about 0.1 m) unless told."""
    data = mapping(geom)

    def rounded(coords):
        if isinstance(coords[0], int | float):
            return [round(coords[0], digits), round(coords[1], digits)]
        return [rounded(c) for c in coords]

    return {"type": data["type"], "coordinates": rounded(data["coordinates"])}


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres, by a local equirectangular projection (good to well
    under 1 % at the size of a district)."""
    lat0 = math.radians(geom.centroid.y)
    scale_x = math.radians(1) * EARTH_RADIUS_M * math.cos(lat0)
    scale_y = math.radians(1) * EARTH_RADIUS_M
    return geom.area * scale_x * scale_y


def lies_within(child: BaseGeometry, parent: BaseGeometry) -> bool:
    return parent.buffer(CONTAIN_TOLERANCE_DEG).contains(child)


def round_coverage(shapes: list[BaseGeometry], digits: int = 6) -> list[BaseGeometry]:
    """Round a coverage (shapes that share edges, like grids of a community) to
    `digits` decimals without opening gaps or overlaps between them.

    Where one shape's corner lies in the middle of a neighbour's edge, rounding would
    move the corner but not the edge and leave a sliver; so every corner is first
    inserted into the edges it lies on (`shapely.snap` with a 1 mm tolerance), and
    neighbours then share identical vertices, which round identically.
    """
    corners = shapely.multipoints(np.concatenate([shapely.get_coordinates(s) for s in shapes]))
    return [shapely.set_precision(shapely.snap(s, corners, 1e-8), 10.0**-digits) for s in shapes]
