"""Where the demo population lives: buildings spread over the street's grids, and the
dwellings inside them.

Nanhua West is mostly old low-rise lanes (3–8 floors, a few homes a floor, shops on
the ground floor along the main roads), with some mid-rise blocks and a few towers in
gated estates. Buildings are added until the homes hold the households asked for (with
about one in ten empty), so the street gets about 1,400 buildings for 20,000
households. Each building's point is drawn inside one grid polygon, chosen with a
weight proportional to its area, so the grid that contains the point is the grid the
building is recorded in.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

from gridgov.demo.names import ESTATES, LANES, MAIN_ROADS, OTHER_LANES, PROPERTY_COMPANIES
from gridgov.places.geometry import to_geojson
from gridgov.places.models import BuildingUse, DwellingUse

LANE, MID, TOWER, OFFICE, PUBLIC = "lane", "mid", "tower", "office", "public"
KIND_WEIGHTS = ((LANE, 87.5), (MID, 8.0), (TOWER, 2.5), (OFFICE, 2.0))
SPARE_HOMES = 1.06  # homes per household: about one in ten stands empty (some are shared)
_M_PER_DEG = (102_400.0, 110_800.0)  # lon, lat at 23.1° N


@dataclass
class GridSpot:
    """A grid of the street, with the ids every record in it carries."""

    id: int
    code: str
    community_id: int
    community_code: str
    community_name: str
    street_id: int
    geom: Polygon
    weight: float

    def place(self, row: dict) -> dict:
        row.update(grid_id=self.id, community_id=self.community_id, street_id=self.street_id)
        return row


@dataclass
class Site:
    """A building and its dwellings, before anything is written. Rows are dicts of
    the models' column values (attnames); links to other rows are the dicts
    themselves, resolved to ids when written."""

    building: dict
    kind: str
    grid: GridSpot
    homes: list[dict] = field(default_factory=list)
    shops: list[dict] = field(default_factory=list)
    offices: list[dict] = field(default_factory=list)


def _pick(rng: random.Random, table):
    return rng.choices([k for k, _w in table], weights=[w for _k, w in table])[0]


class SitePlanner:
    """Draws buildings one by one; keeps the numbering of roads, codes and estates."""

    def __init__(self, rng: random.Random, grids: list[GridSpot]):
        self.rng = rng
        self.grids = grids
        self._grid_weights = list(_accumulate(g.weight for g in grids))
        self._numbers: dict[str, int] = {}
        self._codes: dict[str, int] = {}
        self._estates_used: dict[str, int] = {}
        self._estate: tuple[str, str, int, int, GridSpot] | None = None  # name, road, no, towers
        self.sites: list[Site] = []

    # -- places -------------------------------------------------------------------------
    def random_grid(self) -> GridSpot:
        return self.rng.choices(self.grids, cum_weights=self._grid_weights)[0]

    def _point_in(self, grid: GridSpot) -> tuple[float, float]:
        minx, miny, maxx, maxy = grid.geom.bounds
        while True:
            x, y = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if shapely.contains_xy(grid.geom, x, y):
                return round(x, 6), round(y, 6)

    def _road(self, grid: GridSpot, main: bool) -> str:
        if main:
            return self.rng.choice(MAIN_ROADS)
        return self.rng.choice(LANES.get(grid.community_code[-3:], OTHER_LANES))

    def _number(self, road: str) -> int:
        number = self._numbers.get(road, 0) + self.rng.randint(1, 3)
        self._numbers[road] = number
        return number

    def _code(self, grid: GridSpot) -> str:
        seq = self._codes.get(grid.community_code, 0) + 1
        self._codes[grid.community_code] = seq
        return f"{grid.community_code}-B{seq:04d}"

    def _footprint(self, lon: float, lat: float, width_m: float, depth_m: float) -> dict:
        w, d = width_m / _M_PER_DEG[0] / 2, depth_m / _M_PER_DEG[1] / 2
        shape = affinity.rotate(box(lon - w, lat - d, lon + w, lat + d), self.rng.uniform(-25, 25))
        return to_geojson(shape)

    def _new_building(self, grid, name, address, floors, use, size_m, **extra) -> dict:
        lon, lat = self._point_in(grid)
        building = {
            "code": self._code(grid),
            "name": name,
            "address": f"广州市海珠区{address}",
            "lon": lon,
            "lat": lat,
            "footprint": self._footprint(lon, lat, *size_m),
            "floors": floors,
            "use": use,
            **extra,
        }
        return grid.place(building)

    # -- dwellings ------------------------------------------------------------------------
    def _dwelling(self, site: Site, unit: str, room: str, use: str, area: tuple[int, int]):
        dwelling = {
            "building": site.building,
            "unit": unit,
            "room": room,
            "use": use,
            "area_m2": Decimal(f"{self.rng.uniform(*area):.2f}"),
        }
        return site.grid.place(dwelling)

    def _homes(self, site, floors: range, per_floor: int, units=("",), area=(30, 70), cap=None):
        for floor in floors:
            for unit in units:
                for n in range(1, per_floor + 1):
                    if cap is not None and len(site.homes) >= cap:
                        return
                    room = f"{floor}{n:02d}"
                    site.homes.append(
                        self._dwelling(site, unit, room, DwellingUse.RESIDENTIAL, area)
                    )

    def _shops(self, site: Site, count: int) -> None:
        for n in range(1, count + 1):
            site.shops.append(
                self._dwelling(site, "", f"{100 + n}铺", DwellingUse.COMMERCIAL, (15, 60))
            )

    # -- buildings ------------------------------------------------------------------------
    def add(self, kind: str) -> Site:
        maker = {LANE: self._lane, MID: self._mid, TOWER: self._tower, OFFICE: self._office}
        site = maker[kind]()
        self.sites.append(site)
        return site

    def _lane(self) -> Site:
        rng, grid = self.rng, self.random_grid()
        main = rng.random() < 0.3
        road = self._road(grid, main)
        number = self._number(road)
        floors = _pick(rng, ((3, 10), (4, 20), (5, 24), (6, 20), (7, 16), (8, 10)))
        per_floor = _pick(rng, ((1, 50), (2, 40), (3, 10)))
        shops = rng.randint(1, 3) if rng.random() < (0.85 if main else 0.3) else 0
        first = 2 if shops else 1
        while per_floor * (floors - first + 1) < 4:
            per_floor += 1
        use = BuildingUse.MIXED if shops else BuildingUse.RESIDENTIAL
        building = self._new_building(
            grid, f"{road}{number}号", f"{road}{number}号", floors, use, (8, 12)
        )
        site = Site(building, LANE, grid)
        self._homes(site, range(first, floors + 1), per_floor, area=(25, 75), cap=20)
        self._shops(site, shops)
        return site

    def _mid(self) -> Site:
        rng, grid = self.rng, self.random_grid()
        main = rng.random() < 0.6
        road = self._road(grid, main)
        number = self._number(road)
        floors = rng.randint(9, 18)
        per_floor = rng.randint(2, 5)
        building = self._new_building(
            grid,
            f"{road}{number}号",
            f"{road}{number}号",
            floors,
            BuildingUse.MIXED if main else BuildingUse.RESIDENTIAL,
            (20, 24),
            property_company=rng.choice(PROPERTY_COMPANIES) if rng.random() < 0.6 else "",
        )
        site = Site(building, MID, grid)
        self._homes(site, range(2, floors + 1), per_floor, area=(50, 100), cap=80)
        self._shops(site, rng.randint(2, 6) if main else 0)
        return site

    def _estate_name(self) -> str:
        name = self.rng.choice(ESTATES)
        used = self._estates_used.get(name, 0) + 1
        self._estates_used[name] = used
        return name if used == 1 else f"{name}{'一二三四五六七八九'[min(used, 9) - 1]}期"

    def _tower(self) -> Site:
        rng = self.rng
        if self._estate and rng.random() < 0.55:
            name, road, number, towers, grid = self._estate
            towers += 1
        else:
            grid = self.random_grid()
            road = self._road(grid, rng.random() < 0.8)
            name, number, towers = self._estate_name(), self._number(road), 1
        self._estate = (name, road, number, towers, grid)
        floors = rng.randint(20, 33)
        units = ("1", "2") if rng.random() < 0.5 else ("1",)
        per_floor = max(2, min(8, round(rng.randint(100, 300) / (floors - 1) / len(units))))
        building = self._new_building(
            grid,
            f"{name}{towers}栋",
            f"{road}{number}号{name}{towers}栋",
            floors,
            BuildingUse.RESIDENTIAL,
            (26, 26),
            property_company=rng.choice(PROPERTY_COMPANIES),
        )
        site = Site(building, TOWER, grid)
        self._homes(site, range(2, floors + 1), per_floor, units=units, area=(70, 130), cap=300)
        shops = rng.randint(2, 8) if towers == 1 else 0
        if shops:
            building["use"] = BuildingUse.MIXED
        self._shops(site, shops)
        return site

    def _office(self) -> Site:
        rng, grid = self.rng, self.random_grid()
        road = self._road(grid, True)
        number = self._number(road)
        floors = rng.randint(6, 15)
        building = self._new_building(
            grid,
            f"{road}{number}号{rng.choice(('商务大厦', '商业中心', '大厦', '写字楼'))}",
            f"{road}{number}号",
            floors,
            BuildingUse.OFFICE,
            (25, 30),
            property_company=rng.choice(PROPERTY_COMPANIES),
        )
        site = Site(building, OFFICE, grid)
        per_floor = rng.randint(2, 5)
        for floor in range(2, floors + 1):
            for n in range(1, per_floor + 1):
                site.offices.append(
                    self._dwelling(site, "", f"{floor}{n:02d}", DwellingUse.OFFICE, (50, 300))
                )
        self._shops(site, rng.randint(2, 4))
        return site

    def add_public(self, name: str, grid: GridSpot | None = None, floors: int = 3) -> Site:
        """A building of public use (school, clinic, offices of the community)."""
        grid = grid or self.random_grid()
        road = self._road(grid, self.rng.random() < 0.3)
        number = self._number(road)
        building = self._new_building(
            grid, name, f"{road}{number}号", floors, BuildingUse.PUBLIC, (30, 40)
        )
        site = Site(building, PUBLIC, grid)
        self.sites.append(site)
        return site


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def plan_sites(rng: random.Random, grids: list[GridSpot], households: int) -> SitePlanner:
    """Homes for `households` households (and some to spare), in buildings of the
    Nanhua West mix."""
    planner = SitePlanner(rng, grids)
    homes = 0
    while homes < households * SPARE_HOMES:
        homes += len(planner.add(_pick(rng, KIND_WEIGHTS)).homes)
    return planner
