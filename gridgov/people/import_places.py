"""Import plans of the places of base data: buildings (placed in a grid by their
point), dwellings, and the organizations at a building."""

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point

from gridgov.core.scope import area_path_q
from gridgov.core.spreadsheets import chunks, records_by
from gridgov.people import rules
from gridgov.people.import_checks import Plan
from gridgov.people.models import FocusMembership, Household, Organization, Resident
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area, Building, Dwelling, Level, move_to_place


class GridFinder:
    """Which grid of the importer's scope holds a point (STRtree over their boundaries;
    on a shared edge the lowest code wins, as in places.locate)."""

    def __init__(self, plan: Plan):
        grids = list(
            Area.objects.filter(area_path_q(plan.actor), level=Level.GRID, boundary__isnull=False)
            .order_by("code")
            .only("code", "path", "boundary")
        )
        codes = {code for grid in grids for code in grid.ancestors_codes()[-2:]}
        ids = {}
        for chunk in chunks(codes):
            ids.update(Area.objects.filter(code__in=chunk).values_list("code", "id"))
        self.places, shapes = [], []
        for grid in grids:
            street_code, community_code = grid.ancestors_codes()[-2:]
            place = SimpleNamespace(
                grid_id=grid.pk, community_id=ids[community_code], street_id=ids[street_code]
            )
            if plan.scope.contains(place):
                self.places.append(place)
                shapes.append(parse_boundary(grid.boundary))
        self.tree = STRtree(shapes) if shapes else None

    def at(self, lon: float, lat: float):
        if self.tree is None:
            return None
        hits = self.tree.query(Point(lon, lat), predicate="intersects")
        return self.places[min(hits)] if len(hits) else None


class BuildingPlan(Plan):
    model = Building
    plain = ("code", "name", "address", "lon", "lat", "use", "property_company", "head_name")

    def clean(self, row):
        return rules.clean_building(row)

    def check(self) -> None:
        rows = self.cleaned()
        existing = records_by(Building.objects.all(), "code", (v["code"] for _r, v, _o in rows))
        finder = GridFinder(self)
        self.moved: list[Building] = []
        seen: dict = {}
        for row, values, ok in rows:
            code = values["code"]
            if code and self.duplicate(seen, code, row, "code"):
                continue
            building = existing.get(code)
            if building is not None and not self.scope.contains(building):
                self.fail(row, "code", _("编码 %(code)s 已被范围外的楼宇使用。") % {"code": code})
                continue
            grid = None
            if values["lon"] is not None and values["lat"] is not None:
                grid = finder.at(values["lon"], values["lat"])
                if grid is None:
                    self.fail(row, "lon", _("该位置不在您管辖范围内的任何网格中，请检查经纬度。"))
            if not ok or grid is None or not self.grid_agrees(row, grid, "lon"):
                continue
            building = building or Building()
            changed: set = set()
            for key in self.plain:
                self.put(building, key, values[key], changed)
            self.put(building, "floors", values["floors"] or 1, changed)
            self.put_secret(
                building, "head_phone", "phone", values["head_phone"], changed, "head_phone"
            )
            if building.pk is not None and building.grid_id != grid.grid_id:
                self.moved.append(building)
            self.place(building, grid, changed)
            self.keep(building, changed)

    def after_write(self) -> None:
        """A building that moved to another grid takes everything in it along."""
        for building in self.moved:
            place = building.place
            move_to_place(Dwelling.objects.filter(building=building), place)
            move_to_place(Household.objects.filter(dwelling__building=building), place)
            move_to_place(Resident.objects.filter(household__dwelling__building=building), place)
            move_to_place(
                FocusMembership.objects.filter(resident__household__dwelling__building=building),
                place,
            )
            move_to_place(Organization.objects.filter(building=building), place)


class DwellingPlan(Plan):
    model = Dwelling
    plain = (
        "unit",
        "room",
        "use",
        "owner_name",
        "is_rental",
        "landlord_name",
        "lease_start",
        "lease_end",
        "occupancy_cap",
        "fire_checked_on",
    )

    def clean(self, row):
        values, problems = rules.clean_dwelling(row)
        # The rules check the range; keep the decimals they round away (85.5 m²).
        area = row.get("area_m2")
        if values.get("area_m2") is not None and area is not None:
            try:
                values["area_m2"] = Decimal(str(area).strip()).quantize(Decimal("0.01"))
            except InvalidOperation:
                values["area_m2"] = Decimal(values["area_m2"])
        return values, problems

    def check(self) -> None:
        rows = self.cleaned()
        buildings = self.buildings_in_scope(values["building_code"] for _r, values, _o in rows)
        existing = {}
        for chunk in chunks([b.pk for b in buildings.values()]):
            for dwelling in Dwelling.objects.filter(building_id__in=chunk):
                existing[(dwelling.building_id, dwelling.unit, dwelling.room)] = dwelling
        seen: dict = {}
        for row, values, ok in rows:
            building = self.building_of(row, values, buildings)
            if building is None:
                continue
            key = (building.pk, values["unit"], values["room"])
            if values["room"] and self.duplicate(seen, key, row, "room"):
                continue
            if not ok or not self.grid_agrees(row, building, "building_code"):
                continue
            dwelling = existing.get(key) or Dwelling(building_id=building.pk)
            changed: set = set()
            for name in self.plain:
                self.put(dwelling, name, values[name], changed)
            self.put(dwelling, "area_m2", values["area_m2"], changed)
            self.place(dwelling, building, changed)
            self.keep(dwelling, changed)


class OrganizationPlan(Plan):
    model = Organization
    plain = (
        "name",
        "kind",
        "address",
        "legal_representative",
        "contact_name",
        "is_key_unit",
        "fire_safety_level",
    )

    def clean(self, row):
        return rules.clean_organization(row)

    def check(self) -> None:
        rows = self.cleaned()
        buildings = self.buildings_in_scope(values["building_code"] for _r, values, _o in rows)
        codes = (v["credit_code"] for _r, v, _o in rows)
        by_code, by_name = records_by(Organization.objects.all(), "credit_code", codes), {}
        for chunk in chunks([b.pk for b in buildings.values()]):
            for organization in Organization.objects.filter(building_id__in=chunk):
                by_name.setdefault((organization.building_id, organization.name), organization)
        seen_codes: dict = {}
        seen_names: dict = {}
        for row, values, ok in rows:
            building = self.building_of(row, values, buildings)
            code = values["credit_code"]
            if code:
                if self.duplicate(seen_codes, code, row, "credit_code"):
                    continue
                organization = by_code.get(code)
                if organization is not None and not self.scope.contains(organization):
                    self.fail(
                        row,
                        "credit_code",
                        _("统一社会信用代码 %(code)s 已被范围外的单位使用。") % {"code": code},
                    )
                    continue
            else:
                key = (values["building_code"], values["name"])
                if self.duplicate(seen_names, key, row, "name"):
                    continue
                organization = by_name.get((building.pk, values["name"])) if building else None
            if not ok or building is None or not self.grid_agrees(row, building, "building_code"):
                continue
            organization = organization or Organization()
            if self.claim(organization, row, "name"):
                self.plan_organization(organization, values, building)

    def plan_organization(self, organization, values: dict, building) -> None:
        changed: set = set()
        for key in self.plain:
            self.put(organization, key, values[key], changed)
        if values["credit_code"] or organization.pk is None:
            # A row without a code never clears the code a unit already has.
            self.put(organization, "credit_code", values["credit_code"], changed)
        self.put(organization, "employees", values["employees"] or 0, changed)
        self.put_secret(
            organization,
            "contact_phone",
            "phone",
            values["contact_phone"],
            changed,
            "contact_phone",
        )
        self.put(organization, "building_id", building.pk, changed, "building_code")
        self.place(organization, building, changed)
        self.keep(organization, changed)
