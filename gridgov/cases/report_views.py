"""Reporting a case (发现告知) from a grid worker's phone or the command center's desk,
and the duplicate warning shown while the form is filled in.

The location comes from the phone's GPS or a pin on a map of the user's grids (both
WGS84); other clients may send GCJ-02 or BD-09 with `coords`, converted by the action.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.cases import actions, queries
from gridgov.cases.case_views import rating_link_message
from gridgov.cases.forms import ReportForm
from gridgov.cases.models import Category
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.places.coords import to_wgs84
from gridgov.places.models import Area, Level

# Beyond this many grids the map shows the communities instead (a street's 79 grids
# are a heavy page for a phone; the command center sees the whole street anyway).
MAX_GRIDS_ON_MAP = 30


def _categories():
    return list(
        Category.objects.current()
        .only("id", "code", "name", "parent_code")
        .order_by("code", "-valid_from")
    )


def _map_areas(user) -> dict:
    """GeoJSON of the areas the reporter works in: grids, or communities for a street."""
    areas = Area.objects.visible_to(user).filter(boundary__isnull=False)
    grids = list(
        areas.filter(level=Level.GRID).only("code", "name", "boundary")[: MAX_GRIDS_ON_MAP + 1]
    )
    if len(grids) > MAX_GRIDS_ON_MAP:
        grids = list(areas.filter(level=Level.COMMUNITY).only("code", "name", "boundary"))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": a.boundary,
                "properties": {"code": a.code, "name": a.name},
            }
            for a in grids
        ],
    }


@requires("cases.report")
def report(request):
    return report_page(request)


def report_page(request, *, submit=None, origin: dict | None = None):
    """The report form and its handling. Another app's page reports through it with its
    own action and source: `submit(inputs)` reports the case from the form's inputs
    (source left out) and `origin` ({"label", "text", "url"}) names where the case
    comes from above the form (a patrol's "发现问题", which cases knows nothing of)."""
    categories = _categories()
    fixed = submit is not None
    submit = submit or (lambda inputs: actions.report_case(request.user, **inputs))
    if request.method == "POST":
        form = ReportForm(
            request.POST,
            request.FILES,
            user=request.user,
            categories=categories,
            fixed_source=fixed,
        )
        if form.is_valid():
            try:
                case = submit(form.report_inputs())
            except ActionError as exc:
                form.show_refusal(exc)
            else:
                messages.success(
                    request,
                    _("案件 %(number)s 已上报。") % {"number": case.number},
                )
                if getattr(case, "rating_token", None):
                    messages.info(request, rating_link_message(case.rating_token))
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        form = ReportForm(user=request.user, categories=categories, fixed_source=fixed)
        status = 200
    context = {
        "form": form,
        "big_classes": [c for c in categories if not c.parent_code],
        "map_areas": _map_areas(request.user),
        "origin": origin,
    }
    return render(request, "cases/report.html", context, status=status)


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@requires("cases.report")
def nearby(request):
    """Open cases of the same category within 50 m: a likely duplicate (htmx partial)."""
    params = request.GET
    lon, lat = _float(params.get("lon")), _float(params.get("lat"))
    category = None
    if params.get("category", "").isdigit():
        category = Category.objects.filter(pk=params["category"]).first()
    cases = []
    if category is not None and lon is not None and lat is not None:
        try:
            lon, lat = to_wgs84(lon, lat, params.get("coords") or "wgs84")
        except ValueError:
            lon = None
        if lon is not None:
            cases = queries.nearby_open(request.user, category, lon, lat)[:10]
    return render(
        request,
        "cases/partials/field_nearby.html",
        {"cases": cases, "radius": queries.DUPLICATE_RADIUS_M},
    )
