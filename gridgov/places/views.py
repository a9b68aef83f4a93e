"""Browsing the area tree: street → communities → grids, with counts and a map."""

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from gridgov.core.permissions import in_scope, requires
from gridgov.places import queries
from gridgov.places.models import CHILD_LEVEL, Area, Building, Level

# Counts on the home page may lag this much behind; lists and detail pages never do.
HOME_SUMMARY_SECONDS = 30


def home_summary(request) -> str:
    """The home page's panel (settings.HOME_PANELS): the areas in scope with their counts."""
    if not request.user.has_capability("areas.view"):
        return ""
    context = {
        "summary": queries.AreaSummary(request.user),
        "summary_seconds": HOME_SUMMARY_SECONDS,
    }
    return render_to_string("places/_home_summary.html", context)


@requires("areas.view")
def area_tree(request):
    roots = queries.scope_roots(request.user)
    if len(roots) == 1:
        return redirect("places:area_detail", code=roots[0].code)
    return render(request, "places/area_tree.html", {"roots": roots})


def _feature(area: Area, role: str) -> dict:
    return {
        "type": "Feature",
        "geometry": area.boundary,
        "properties": {
            "code": area.code,
            "name": area.name,
            "role": role,
            "url": f"/areas/{area.code}/",
        },
    }


def _building_feature(building: Building) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [building.lon, building.lat]},
        "properties": {
            "code": building.code,
            "name": building.name,
            "role": "building",
            "url": reverse("people:building_detail", args=[building.pk]),
        },
    }


@requires("areas.view")
@in_scope(Area, url_kwarg="code", field="code")
def area_detail(request, area: Area):
    children = list(area.children.current().with_child_counts().order_by("code"))
    ancestors = list(
        Area.objects.filter(code__in=area.ancestors_codes()).only("code", "name", "path")
    )
    visible_paths = request.user.scope.area_paths
    crumbs = [
        {"area": a, "linked": any(a.path.startswith(p) for p in visible_paths)} for a in ancestors
    ]
    buildings = []
    if area.level == Level.GRID and request.user.has_capability("people.view"):
        buildings = list(
            Building.objects.visible_to(request.user)
            .filter(grid=area)
            .only("pk", "code", "name", "address", "floors", "use", "household_count", "lon", "lat")
            .order_by("code")
        )
    features = [_feature(c, "child") for c in children if c.boundary]
    features += [_building_feature(b) for b in buildings]
    if area.boundary:
        features.insert(0, _feature(area, "self"))
    context = {
        "area": area,
        "children": children,
        "child_level": CHILD_LEVEL.get(area.level),
        "crumbs": crumbs,
        "geojson": {"type": "FeatureCollection", "features": features},
        "can_manage": request.user.has_capability("areas.manage"),
        "buildings": buildings,
    }
    return render(request, "places/area_detail.html", context)
