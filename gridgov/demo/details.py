"""The finishing touches of a planned street: who lives in which dwelling, who owns
and who rents, who runs the shops, who is in a focus group, who is the building head,
and the household numbers.
"""

import datetime
import random

from gridgov.demo.buildings import LANE, Site
from gridgov.demo.households import KIND_BY_BUILDING, PeopleMaker
from gridgov.demo.names import (
    CORRECTION_KINDS,
    DISABILITY_GRADES,
    DISABILITY_KINDS,
    NameMaker,
    weighted,
)
from gridgov.demo.persons import AS_OF, Family, Person
from gridgov.people.choices import HouseholdKind, Registration
from gridgov.places.models import DwellingUse

DOUBLED = 0.04  # households sharing a dwelling with another household
_YEAR = datetime.timedelta(days=365)


def fill_homes(rng: random.Random, people: PeopleMaker, sites: list[Site], households: int):
    """`households` families in the homes: one a home, a few homes shared, the rest
    marked vacant. The kind of household depends on the building (floating tenants
    in the old lanes, more owners in the towers)."""
    homes = [(site, home) for site in sites for home in site.homes]
    doubled = round(households * DOUBLED)
    taken = sorted(rng.sample(range(len(homes)), min(len(homes), households - doubled)))
    families: list[Family] = []
    for index in taken:
        site, home = homes[index]
        family = people.family(weighted(rng, KIND_BY_BUILDING[site.kind]))
        family.home = home
        families.append(family)
    for _site, home in _shared_homes(rng, families, homes, households - len(families)):
        family = people.family(HouseholdKind.FLOATING)
        family.home = home
        families.append(family)
    occupied = {id(f.home) for f in families}
    for _site, home in homes:
        if id(home) not in occupied:
            home["use"] = DwellingUse.VACANT
    return families


def _shared_homes(rng, families: list[Family], homes, count: int):
    """Rooms let to a second household: mostly in the lanes, beside floating tenants."""
    site_of = {id(home): site for site, home in homes}
    candidates = (
        [
            (site_of[id(f.home)], f.home)
            for f in families
            if f.kind == HouseholdKind.FLOATING and site_of[id(f.home)].kind == LANE
        ]
        or [(site_of[id(f.home)], f.home) for f in families]
        or homes
    )
    return [rng.choice(candidates) for _ in range(count)]


def give_shops_to_owners(rng, families: list[Family], work) -> None:
    """Self-employed residents run some of the street's shops."""
    for family in families:
        for person in family.members:
            runs_shop = person.occupation == "个体经营者" and person.living
            if runs_shop and work.unowned_shops and rng.random() < 0.6:
                shop = work.unowned_shops.pop(rng.randrange(len(work.unowned_shops)))
                shop["legal_representative"] = shop["contact_name"] = person.name
                if person.phone:
                    shop["phone"] = person.phone
                person.work_unit = shop["name"]


def let_and_own(rng, names: NameMaker, sites: list[Site], families: list[Family]) -> None:
    """Owners, and for rented dwellings the landlord, lease, occupancy cap and fire check."""
    by_home: dict[int, list[Family]] = {}
    for family in families:
        by_home.setdefault(id(family.home), []).append(family)
    rent_chance = {HouseholdKind.REGISTERED: 0.08, HouseholdKind.MIXED: 0.15}
    for site in sites:
        for home in site.homes:
            here = by_home.get(id(home), [])
            first = here[0] if here else None
            rented = len(here) > 1 or (
                first is not None and rng.random() < rent_chance.get(first.kind, 1.0)
            )
            if first is not None and not rented:
                home["owner_name"] = first.head.name
            else:
                home["owner_name"] = names.full(rng.random() < 0.55)
            if rented:
                _let(rng, home, max(min(f.created_on for f in here), AS_OF - 2 * _YEAR))
                home["occupancy_cap"] = max(2, int(home["area_m2"] // 10))
        for unit in site.shops + site.offices:
            unit["owner_name"] = names.full(rng.random() < 0.55)
            if rng.random() < 0.75:
                _let(rng, unit, AS_OF - 3 * _YEAR)


def _let(rng, dwelling: dict, since: datetime.date) -> None:
    start = since + datetime.timedelta(days=rng.randint(0, max(0, (AS_OF - since).days)))
    end = start + rng.choice((1, 2, 3)) * _YEAR
    while end < AS_OF:
        end += _YEAR
    dwelling.update(
        is_rental=True, landlord_name=dwelling["owner_name"], lease_start=start, lease_end=end
    )
    if rng.random() < 0.9:
        dwelling["fire_checked_on"] = AS_OF - datetime.timedelta(days=rng.randint(0, 400))
        dwelling["fire_check_passed"] = rng.random() < 0.95


def assign_focus(rng, families: list[Family], street_code: str) -> None:
    """Focus-group memberships in realistic shares: every living resident of 80 or
    more, elderly living alone, about 2 % disabled, 1 % in low-income households, a
    few special-hardship cases, left-behind children, community correction."""
    sequence = 0

    def certificate(since: datetime.date) -> str:
        nonlocal sequence
        sequence += 1
        return f"{street_code[:6]}{since.year}{sequence:06d}"

    for family in families:
        living = family.living
        for person in living:
            age = person.age()
            if age >= 80:
                person.focus.append(("elderly_80", _birthday(person.birth, 80), {}))
            if age >= 60 and len(living) == 1:
                # alone since the household began, or since the last other member left
                left = [p.status_date for p in family.members if p.status_date]
                person.focus.append(("elderly_alone", max([family.created_on, *left]), {}))
                if person.registration == Registration.REGISTERED and rng.random() < 0.06:
                    details = {"support_type": "分散供养"}
                    person.focus.append(("special_hardship", _since(rng, person), details))
                    family.tags.add("hardship")
            chance = 0.005 if age < 18 else 0.016 if age < 60 else 0.04 if age < 80 else 0.08
            if rng.random() < chance:
                since = _since(rng, person)
                details = {
                    "certificate_no": certificate(since),
                    "type": weighted(rng, DISABILITY_KINDS),
                    "grade": weighted(rng, DISABILITY_GRADES),
                }
                person.focus.append(("disabled", since, details))
                family.tags.add("disabled")
            if age < 16 and "left_behind" in family.tags:
                person.focus.append(("left_behind_children", family.created_on, {}))
            if 18 <= age <= 65 and rng.random() < (0.001 if person.male else 0.0002):
                start = AS_OF - datetime.timedelta(days=rng.randint(30, 700))
                details = {
                    "correction_type": weighted(rng, CORRECTION_KINDS),
                    "period_end": (start + rng.randint(1, 4) * _YEAR).isoformat(),
                }
                person.focus.append(("community_correction", start, details))
    _low_income(rng, families, certificate)


def _low_income(rng, families: list[Family], certificate) -> None:
    """About 1 % of residents, in registered households, more often the frail ones."""
    target = 0.01 * sum(len(f.living) for f in families)
    order = list(range(len(families)))
    rng.shuffle(order)
    counted = 0
    for index in order:
        if counted >= target:
            break
        family = families[index]
        if family.kind == HouseholdKind.FLOATING or "hardship" in family.tags:
            continue
        frail = "disabled" in family.tags or len(family.living) == 1
        if rng.random() < (0.25 if frail else 0.04):
            since = AS_OF - datetime.timedelta(days=rng.randint(60, 3000))
            details = {"certificate_no": certificate(since)}
            for person in family.living:
                person.focus.append(("low_income", since, details))
                counted += 1


def _birthday(birth: datetime.date, years: int) -> datetime.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + years, day=28)


def _since(rng, person: Person) -> datetime.date:
    start = max(person.birth, AS_OF - 20 * _YEAR)
    return start + datetime.timedelta(days=rng.randint(0, (AS_OF - start).days))


def building_heads(rng, sites: list[Site], families: list[Family]) -> None:
    """A building head (楼长) for most residential buildings: a registered resident."""
    by_building: dict[int, list[Family]] = {}
    for family in families:
        by_building.setdefault(id(family.home["building"]), []).append(family)
    for site in sites:
        candidates = [
            p
            for f in by_building.get(id(site.building), [])
            for p in f.living
            if p.registration == Registration.REGISTERED and 35 <= p.age() <= 75 and p.phone
        ]
        if candidates and rng.random() < 0.6:
            head = rng.choice(candidates)
            site.building["head_name"] = head.name
            site.building["head_phone"] = head.phone


def household_numbers(sites: list[Site], families: list[Family]) -> None:
    """户号 by community, in the order of the buildings: 440105008101-H00001, …"""
    order = {id(home): n for n, home in enumerate(h for s in sites for h in s.homes)}
    counters: dict[str, int] = {}
    for family in sorted(families, key=lambda f: order[id(f.home)]):
        community = family.home["building"]["code"].split("-")[0]
        counters[community] = counters.get(community, 0) + 1
        family.number = f"{community}-H{counters[community]:05d}"
