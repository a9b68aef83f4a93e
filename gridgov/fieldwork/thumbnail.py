"""A grid's small map for the "today" page: its boundary and buildings drawn as an
inline SVG on the server. No script, no tiles and no second request, so the page
kept by the phone's service worker shows it offline exactly as online."""

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

SIZE = 100  # the viewBox is SIZE × SIZE; the page scales it
PAD = 4


def _rings(boundary: dict) -> list[list]:
    if not boundary:
        return []
    if boundary.get("type") == "Polygon":
        return list(boundary["coordinates"])
    if boundary.get("type") == "MultiPolygon":
        return [ring for polygon in boundary["coordinates"] for ring in polygon]
    return []


def grid_svg(boundary: dict | None, points, label: str = "") -> SafeString:
    """The boundary (GeoJSON Polygon or MultiPolygon, lon/lat) with its buildings'
    points as dots, north up, scaled to fit; "" for a grid without a boundary."""
    rings = _rings(boundary)
    if not rings:
        return mark_safe("")  # noqa: S308 (empty)
    lons = [x for ring in rings for x, _y in ring]
    lats = [y for ring in rings for _x, y in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    stretch = math.cos(math.radians((south + north) / 2))  # metres east per degree, relative
    width, height = max((east - west) * stretch, 1e-9), max(north - south, 1e-9)
    scale = (SIZE - 2 * PAD) / max(width, height)
    left = PAD + (SIZE - 2 * PAD - width * scale) / 2
    top = PAD + (SIZE - 2 * PAD - height * scale) / 2

    def xy(lon: float, lat: float) -> str:
        return f"{left + (lon - west) * stretch * scale:.1f},{top + (north - lat) * scale:.1f}"

    path = " ".join("M" + " L".join(xy(x, y) for x, y in ring) + " Z" for ring in rings)
    dots = "".join(
        f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="2.2"/>'
        for c in (xy(lon, lat) for lon, lat in points)
    )
    # Only numbers are written into the markup above; the label is escaped here.
    return format_html(
        '<svg class="gg-grid-thumb" viewBox="0 0 {size} {size}" role="img" aria-label="{label}">'
        '<path d="{path}" fill="#dbe6f6" stroke="#1f4e96" stroke-width="1.5" '
        'stroke-linejoin="round" fill-rule="evenodd"/>'
        '<g fill="#1f4e96" opacity="0.75">{dots}</g></svg>',
        size=SIZE,
        label=label,
        path=path,
        dots=mark_safe(dots),  # noqa: S308 (numbers only)
    )
