"""The building page: its dwellings and the households living in each ("户进房、房进楼")."""

from django.db.models import Prefetch
from django.shortcuts import render

from gridgov.core.permissions import in_scope, requires
from gridgov.people.models import Household, Organization
from gridgov.places.models import Area, Building, Dwelling


@requires("people.view")
@in_scope(Building, url_kwarg="pk")
def building_detail(request, building: Building):
    households = Household.objects.select_related("head").order_by("number")
    dwellings = (
        Dwelling.objects.filter(building=building)
        .prefetch_related(Prefetch("households", queryset=households))
        .order_by("unit", "room")
    )
    areas = {
        a.pk: a
        for a in Area.objects.without_boundary().filter(
            pk__in=[building.street_id, building.community_id, building.grid_id]
        )
    }
    context = {
        "building": building,
        "dwellings": dwellings,
        "organizations": Organization.objects.filter(building=building).order_by("name"),
        "crumbs": [
            areas.get(building.street_id),
            areas.get(building.community_id),
            areas.get(building.grid_id),
        ],
        "point": {"lon": building.lon, "lat": building.lat, "name": building.name},
    }
    return render(request, "people/building_detail.html", context)
