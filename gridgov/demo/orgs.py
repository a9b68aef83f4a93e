"""The organizations (单位) of the demo street: shops on the ground floors, firms in the
office blocks, and the street's public bodies — the street office, the health centre,
schools, the residents' committees — each with a valid unified social credit code.

The shops and firms come from the dwellings the building planner drew (nine in ten
shops let, seven in ten offices); the public bodies get buildings of their own, their
number in proportion to the population, except the street office, the health centre
and one residents' committee per community, which every street has.
"""

import random
from dataclasses import dataclass

from gridgov.demo import numbers
from gridgov.demo.buildings import GridSpot, SitePlanner
from gridgov.demo.names import INDUSTRIES, LANES, MAIN_ROADS, SHOP_KINDS, company_prefixes, weighted
from gridgov.demo.persons import WorkPlaces
from gridgov.people.choices import FireSafetyLevel, OrganizationKind

K = OrganizationKind


@dataclass(frozen=True)
class PublicBody:
    building: str  # "{street}" and "{lane}" are filled in
    name: str
    kind: str
    registrar: str
    employees: tuple[int, int]
    key_unit: bool
    per_street: float  # how many a street of 20,000 households has


PUBLIC_BODIES = (
    PublicBody("{street}街道办事处", "广州市海珠区人民政府{street}街道办事处", K.AGENCY, "11", (60, 120), False, 1),
    PublicBody("{street}街社区卫生服务中心", "广州市海珠区{street}街社区卫生服务中心", K.MEDICAL, "12", (40, 80), True, 1),
    PublicBody("{lane}小学", "广州市海珠区{lane}小学", K.SCHOOL, "12", (40, 90), True, 3),
    PublicBody("{street}中学", "广州市海珠区{street}中学", K.SCHOOL, "12", (60, 120), True, 1),
    PublicBody("{lane}幼儿园", "广州市海珠区{lane}幼儿园", K.SCHOOL, "52", (12, 30), True, 4),
    PublicBody("{street}街文化站", "广州市海珠区{street}街文化站", K.AGENCY, "12", (4, 12), False, 1),
    PublicBody("{street}街长者综合服务中心", "广州市海珠区{street}街长者综合服务中心", K.SOCIAL, "52", (10, 30), True, 1),
    PublicBody("{street}市场", "广州市海珠区{street}市场经营管理有限公司", K.COMPANY, "91", (20, 60), True, 1),
    PublicBody("{street}派出所", "广州市公安局海珠区分局{street}派出所", K.AGENCY, "11", (40, 80), False, 1),
    PublicBody("{street}邮政支局", "广州市邮政局{street}邮政支局", K.COMPANY, "91", (8, 20), False, 1),
)  # fmt: skip
ALWAYS = {"{street}街道办事处", "{street}街社区卫生服务中心"}


class OrgMaker:
    def __init__(self, rng: random.Random, names, street_short: str):
        self.rng = rng
        self.names = names
        self.street = street_short
        self.codes: set[str] = set()
        self.public_names: set[str] = set()
        self.orgs: list[dict] = []  # Organization rows
        self.work = WorkPlaces()

    def credit_code(self, registrar: str) -> str:
        while True:
            admin = "440105" if registrar != "91" or self.rng.random() < 0.8 else "440101"
            code = numbers.credit_code(self.rng, registrar, admin)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def add(self, site, dwelling, name, kind, registrar, employees, key=False, owner_phone=True):
        rng = self.rng
        boss = self.names.full(rng.random() < 0.6, local=rng.random() < 0.6)
        contact = boss if kind == K.SHOP else self.names.full(rng.random() < 0.4)
        if kind == K.SHOP:
            level = FireSafetyLevel.SMALL if rng.random() < 0.75 else FireSafetyLevel.GENERAL
        else:
            level = FireSafetyLevel.GENERAL
        if key:
            level = FireSafetyLevel.KEY
        building = site.building
        room = dwelling["room"] if dwelling is not None else ""
        org = {
            "name": name[:200],
            "credit_code": self.credit_code(registrar),
            "kind": kind,
            "building": building,
            "dwelling": dwelling,
            "address": f"{building['address']}{room}",
            "legal_representative": boss,
            "contact_name": contact,
            "employees": rng.randint(*employees),
            "is_key_unit": key,
            "fire_safety_level": level,
            "phone": numbers.mobile(rng) if owner_phone else numbers.landline(rng),
        }
        site.grid.place(org)
        self.orgs.append(org)
        return org

    def shop(self, site, dwelling) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            name = f"广州市海珠区{rng.choice(company_prefixes())}{rng.choice(INDUSTRIES)}有限公司"
            org = self.add(site, dwelling, name, K.COMPANY, "91", (2, 30), owner_phone=False)
            self.work.firms.append(org["name"])
            return
        kind_name = weighted(rng, SHOP_KINDS)
        roll = rng.random()
        if roll < 0.4:
            prefix = site.building["name"].split("号")[0].rstrip("0123456789") or rng.choice(
                MAIN_ROADS
            )
        elif roll < 0.7:
            surname = self.names.surname()
            prefix = rng.choice((f"老{surname}", f"阿{surname[0]}", f"{surname}记"))
        else:
            prefix = rng.choice(company_prefixes())
        kind = K.MEDICAL if "诊所" in kind_name else K.SHOP
        key = kind_name == "旅馆"
        org = self.add(site, dwelling, f"{prefix}{kind_name}", kind, "92", (1, 8), key)
        if kind == K.MEDICAL:
            self.work.clinics.append(org["name"])
        else:
            self.work.unowned_shops.append(org)

    def office(self, site, dwelling) -> None:
        rng = self.rng
        prefix = rng.choice(company_prefixes())
        roll = rng.random()
        if roll < 0.88:
            name = f"广州{prefix}{rng.choice(INDUSTRIES)}有限公司"
            staff = min(400, max(3, int(rng.lognormvariate(2.6, 0.9))))
            org = self.add(
                site, dwelling, name, K.COMPANY, "91", (staff, staff), staff >= 150, False
            )
            self.work.firms.append(org["name"])
        elif roll < 0.94:
            name = f"广州市海珠区{prefix}社会工作服务中心"
            self.add(site, dwelling, name, K.SOCIAL, "52", (3, 20), owner_phone=False)
        else:
            name = f"广东{prefix}律师事务所"
            self.add(site, dwelling, name, K.OTHER, "31", (3, 30), owner_phone=False)

    def public(self, planner: SitePlanner, body: PublicBody, grid: GridSpot | None = None):
        for _attempt in range(8):  # two schools of one lane would be confusing
            grid = grid or planner.random_grid()
            lane = self.rng.choice(LANES.get(grid.community_code[-3:], (self.street,)))
            words = {"street": self.street, "lane": lane}
            if body.name.format(**words) not in self.public_names:
                break
            grid = None
        self.public_names.add(body.name.format(**words))
        site = planner.add_public(body.building.format(**words), grid, self.rng.randint(2, 5))
        org = self.add(
            site, None, body.name.format(**words), body.kind, body.registrar, body.employees,
            body.key_unit, owner_phone=False,
        )  # fmt: skip
        pool = {
            K.SCHOOL: self.work.schools,
            K.MEDICAL: self.work.clinics,
            K.AGENCY: self.work.agencies,
        }
        if body.kind in pool and "幼儿园" not in org["name"]:
            pool[body.kind].append(org["name"])


def plan_organizations(rng, names, planner: SitePlanner, grids, households: int, street_short):
    """Public buildings and every organization of the street; returns the maker, whose
    `orgs` are the Organization rows and `work` the names people work under."""
    maker = OrgMaker(rng, names, street_short)
    share = households / 20_000
    for body in PUBLIC_BODIES:
        count = 1 if body.building in ALWAYS else round(body.per_street * share)
        for _ in range(count):
            maker.public(planner, body)
    communities: dict[int, GridSpot] = {}
    for grid in grids:
        communities.setdefault(grid.community_id, grid)
    for grid in communities.values():
        site = planner.add_public(f"{grid.community_name}党群服务中心", grid, 3)
        org = maker.add(
            site, None, f"广州市海珠区{street_short}街{grid.community_name}居民委员会",
            K.AGENCY, "55", (6, 15), owner_phone=False,
        )  # fmt: skip
        maker.work.agencies.append(org["name"])
    for site in list(planner.sites):
        for dwelling in site.shops:
            if rng.random() < 0.93:
                maker.shop(site, dwelling)
        for dwelling in site.offices:
            if rng.random() < 0.85:
                maker.office(site, dwelling)
    return maker
