"""The demo population: valid numbers that agree with the people, everyone in the grid
of their building, households and counts that add up, focus groups in sane shares,
a history that matches the residents, one audit row, idempotent, and `--scale`.

A small street (200 households) stands for the full one: the shapes and shares are
the same, only fewer.
"""

import datetime
import random
from collections import Counter

import pytest
from django.db.models import Count, Q
from shapely import STRtree
from shapely.geometry import Point
from stdnum.cn import ric, uscc

from gridgov.cli import build_parser
from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.models import AuditEntry
from gridgov.core.protect import blind_index, reveal
from gridgov.demo import numbers
from gridgov.demo.areas import STREET_CODE
from gridgov.demo.load import load_demo
from gridgov.demo.persons import AS_OF
from gridgov.demo.population import FOCUS_GROUPS, generate_population, plan_street
from gridgov.people.choices import IdType, Registration, Relation, ResidentStatus, Sensitivity
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    HouseholdEvent,
    Organization,
    Resident,
)
from gridgov.people.rules import LANDLINE, MOBILE
from gridgov.places.geometry import area_m2, parse_boundary
from gridgov.places.models import Area, Building, Dwelling, Level

HOUSEHOLDS = 200


@pytest.fixture
def street(db):
    """Areas and accounts of the demo, then a 200-household Nanhua West."""
    load_demo(households=HOUSEHOLDS)
    return Area.objects.get(code=STREET_CODE)


def _age(birth: datetime.date, on: datetime.date = AS_OF) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_the_street_gets_households_residents_buildings_and_organizations(street):
    assert Household.objects.filter(street=street).count() == HOUSEHOLDS
    residents = Resident.objects.filter(street=street).count()
    assert 2.6 * HOUSEHOLDS <= residents <= 3.4 * HOUSEHOLDS
    buildings = Building.objects.filter(street=street)
    assert 10 <= buildings.count() <= 60  # ~1,400 for 20,000 households, plus public ones
    assert all(b.code.startswith(b.community.code + "-B") and len(b.code) == 18 for b in buildings)
    assert Organization.objects.filter(street=street).count() >= 14  # office, clinic, 12 committees
    assert Dwelling.objects.filter(street=street).count() >= HOUSEHOLDS


def test_every_resident_id_number_is_valid_and_agrees_with_birth_date_and_sex(street):
    residents = Resident.objects.filter(street=street)
    checked = 0
    for resident in residents:
        number = reveal(resident.id_cipher)
        assert number, resident.name
        assert resident.id_index == blind_index(number)
        assert resident.id_masked == mask_id_number(number)
        if resident.id_type != IdType.RESIDENT_ID:
            assert resident.registration == Registration.OVERSEAS
            continue
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number) == resident.birth_date
        assert resident.sex == ("male" if int(number[16]) % 2 else "female")
        checked += 1
    assert checked >= 0.95 * residents.count()
    assert len({r.id_index for r in residents}) == residents.count()


def test_phones_are_valid_masked_and_revealable(street):
    phones = list(
        Resident.objects.filter(street=street)
        .exclude(phone_cipher="")
        .values_list("phone_cipher", "phone_masked", "phone_index")
    )
    assert len(phones) > HOUSEHOLDS
    for cipher, masked, index in phones:
        phone = reveal(cipher)
        assert MOBILE.match(phone), phone
        assert masked == mask_phone(phone) and index == blind_index(phone)
    for household in Household.objects.filter(street=street):
        phone = reveal(household.phone_cipher)
        assert MOBILE.match(phone) or LANDLINE.match(phone[:3] + "-" + phone[3:]), phone
        assert household.phone_masked == mask_phone(phone)
    heads = Building.objects.filter(street=street).exclude(head_name="")
    assert heads.exists()
    assert all(MOBILE.match(reveal(b.head_phone_cipher)) for b in heads)
    assert all(b.head_phone_masked.count("*") == 4 for b in heads)


def test_every_record_lies_in_the_grid_that_contains_its_building(street):
    grids = {
        a.id: parse_boundary(a.boundary)
        for a in Area.objects.filter(level=Level.GRID, path__startswith=street.path)
    }
    buildings = {b.id: b for b in Building.objects.filter(street=street)}
    for building in buildings.values():
        assert grids[building.grid_id].contains(Point(building.lon, building.lat)), building.code
        assert building.community_id == Area.objects.get(pk=building.grid_id).parent_id
    homes = {d.id: d for d in Dwelling.objects.filter(street=street)}
    for dwelling in homes.values():
        assert dwelling.grid_id == buildings[dwelling.building_id].grid_id
    households = {h.id: h for h in Household.objects.filter(street=street)}
    for household in households.values():
        assert household.grid_id == homes[household.dwelling_id].grid_id
    for resident in Resident.objects.filter(street=street):
        household = households[resident.household_id]
        assert (resident.grid_id, resident.community_id, resident.street_id) == (
            household.grid_id,
            household.community_id,
            household.street_id,
        )
        building = buildings[homes[household.dwelling_id].building_id]
        assert grids[resident.grid_id].contains(Point(building.lon, building.lat))


def test_households_have_a_living_head_and_their_counts_are_filled(street):
    households = Household.objects.filter(street=street).annotate(
        living=Count("members", filter=Q(members__status=ResidentStatus.LIVING))
    )
    for household in households.select_related("head"):
        assert household.living >= 1 and household.member_count == household.living
        assert household.head.household_id == household.id
        assert household.head.relation == Relation.HEAD
        assert household.head.status == ResidentStatus.LIVING
        assert household.number.startswith(household.community.code + "-H")
    per_building = Counter(
        Household.objects.filter(street=street).values_list("dwelling__building_id", flat=True)
    )
    for building in Building.objects.filter(street=street):
        assert building.household_count == per_building.get(building.id, 0)
    assert sum(per_building.values()) == HOUSEHOLDS


def test_the_population_mix_looks_like_an_old_guangzhou_street(street):
    residents = Resident.objects.filter(street=street)
    total = residents.count()
    shares = Counter(residents.values_list("registration", flat=True))
    assert 0.55 <= shares[Registration.REGISTERED] / total <= 0.75
    assert 0.22 <= shares[Registration.FLOATING] / total <= 0.45
    for resident in residents.filter(registration=Registration.FLOATING):
        assert resident.origin and resident.arrival_date, resident.name
        assert resident.arrival_date >= resident.birth_date
        if resident.permit_number:
            assert resident.permit_expiry
    ages = [_age(b) for b in residents.filter(status="living").values_list("birth_date", flat=True)]
    assert min(ages) >= 0 and max(ages) <= 106
    assert 0.08 <= sum(a >= 65 for a in ages) / len(ages) <= 0.3
    assert residents.filter(status=ResidentStatus.DECEASED).exists()
    assert not residents.exclude(status=ResidentStatus.LIVING).filter(status_date=None).exists()
    kinds = set(Household.objects.filter(street=street).values_list("kind", flat=True))
    assert kinds >= {"registered", "floating"}


def test_rented_dwellings_have_a_landlord_and_a_lease_in_order(street):
    rented = Dwelling.objects.filter(street=street, is_rental=True)
    assert rented.exists()
    for dwelling in rented:
        assert dwelling.landlord_name and dwelling.lease_start <= dwelling.lease_end
    uses = set(Dwelling.objects.filter(street=street).values_list("use", flat=True))
    assert {"residential", "commercial"} <= uses
    assert not Household.objects.filter(street=street, dwelling__use="vacant").exists()


def test_focus_groups_are_the_managed_list_with_sensitive_ones_restricted(street):
    groups = {g.code: g for g in FocusGroup.objects.all()}
    assert set(groups) >= {spec.code for spec in FOCUS_GROUPS}
    for spec in FOCUS_GROUPS:
        group = groups[spec.code]
        assert group.name == spec.name
        if spec.sensitive:
            assert group.sensitivity == Sensitivity.SENSITIVE
            assert group.visible_roles == ["street_staff", "community_staff"]
        else:
            assert group.sensitivity == Sensitivity.ORDINARY and group.visible_roles == []
    assert groups["disabled"].detail_fields == ["certificate_no", "type", "grade"]


def test_focus_memberships_come_in_sane_shares(street):
    living = Resident.objects.filter(street=street, status=ResidentStatus.LIVING)
    total = living.count()
    members = FocusMembership.objects.filter(street=street).select_related("resident", "group")
    by_group = Counter(m.group.code for m in members)
    eighty = sum(1 for b in living.values_list("birth_date", flat=True) if _age(b) >= 80)
    assert by_group["elderly_80"] == eighty > 0
    assert by_group["disabled"] <= 0.06 * total
    assert by_group["low_income"] <= 0.04 * total
    for membership in members:
        resident = membership.resident
        assert resident.status == ResidentStatus.LIVING
        assert membership.grid_id == resident.grid_id and membership.since <= AS_OF
        if membership.group.code == "elderly_80":
            assert _age(resident.birth_date) >= 80
        if membership.group.code == "elderly_alone":
            assert _age(resident.birth_date) >= 60
            assert resident.household.member_count == 1
        if membership.group.code == "disabled":
            assert set(membership.details) == {"certificate_no", "type", "grade"}
            assert reveal(resident.id_cipher)[6:] not in membership.details["certificate_no"]


def test_a_larger_plan_has_the_shares_of_the_real_street(street):
    """Shares from a 2,000-household plan (nothing written): about 3 people a
    household, 65/33/1.5 % registered/floating/overseas, 2 % disabled, 1 % on low
    income, a building for every 14 households."""
    plan = plan_street(street, 2000)
    people = [p for f in plan.families for p in f.members]
    living = [p for p in people if p.living]
    assert 2.7 <= len(people) / len(plan.families) <= 3.3
    shares = Counter(p.registration for p in people)
    assert 0.58 <= shares[Registration.REGISTERED] / len(people) <= 0.72
    assert 0.27 <= shares[Registration.FLOATING] / len(people) <= 0.40
    assert 0.005 <= shares[Registration.OVERSEAS] / len(people) <= 0.03
    focus = Counter(code for p in living for code, _since, _d in p.focus)
    assert 0.012 <= focus["disabled"] / len(living) <= 0.03
    assert 0.007 <= focus["low_income"] / len(living) <= 0.015
    assert 110 <= len(plan.sites) <= 200
    assert 150 <= len(plan.orgs) <= 260


def test_the_history_matches_the_residents(street):
    households = Household.objects.filter(street=street)
    created = Counter(
        HouseholdEvent.objects.filter(street=street, kind="created").values_list(
            "household_id", flat=True
        )
    )
    assert set(created.values()) == {1} and len(created) == households.count()
    gone = Resident.objects.filter(street=street).exclude(status=ResidentStatus.LIVING)
    for resident in gone:
        event = HouseholdEvent.objects.get(resident=resident, kind=resident.status)
        assert event.happened_on == resident.status_date
        assert event.household_id == resident.household_id and resident.name in event.note
    for event in HouseholdEvent.objects.filter(street=street, kind="moved_in"):
        assert event.happened_on >= event.household.events.get(kind="created").happened_on
    assert not HouseholdEvent.objects.filter(street=street, happened_on__gt=AS_OF).exists()


def test_organizations_have_valid_unique_credit_codes_and_masked_phones(street):
    orgs = Organization.objects.filter(street=street)
    codes = list(orgs.values_list("credit_code", flat=True))
    assert all(uscc.is_valid(code) for code in codes) and len(set(codes)) == len(codes)
    assert orgs.filter(is_key_unit=True).exists()
    for org in orgs:
        phone = reveal(org.contact_phone_cipher)
        assert org.contact_phone_masked == mask_phone(phone)
        assert org.address.startswith(org.building.address)
        assert org.grid_id == org.building.grid_id


def test_one_audit_row_records_the_load_and_a_second_run_skips(street):
    entries = AuditEntry.objects.filter(action="demo.population")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor is None and entry.object_id == str(street.pk)
    assert entry.after["households"] == HOUSEHOLDS
    assert entry.after["residents"] == Resident.objects.filter(street=street).count()
    assert entry.after["focus_groups_added"] == len(FOCUS_GROUPS)
    before = Resident.objects.count(), HouseholdEvent.objects.count(), AuditEntry.objects.count()

    assert generate_population(street, households=HOUSEHOLDS) is None
    load_demo(households=HOUSEHOLDS)
    assert (Resident.objects.count(), HouseholdEvent.objects.count()) == before[:2]
    assert AuditEntry.objects.count() == before[2]


def test_a_skipped_street_says_so(street):
    class Out:
        text = ""

        def write(self, text):
            self.text += text

    out = Out()
    assert generate_population(street, households=HOUSEHOLDS, out=out) is None
    assert "已存在" in out.text


def test_the_plan_is_the_same_on_every_run(db, monkeypatch):
    monkeypatch.setattr("gridgov.demo.load.load_population", lambda *args, **kwargs: [])
    load_demo()  # the areas only
    street = Area.objects.get(code=STREET_CODE)
    first, second = plan_street(street, 30), plan_street(street, 30)
    people = [[(p.name, p.id_number, p.phone) for p in f.members] for f in first.families]
    assert people == [[(p.name, p.id_number, p.phone) for p in f.members] for f in second.families]
    assert [s.building["code"] for s in first.sites] == [s.building["code"] for s in second.sites]


def test_scale_two_adds_a_second_street_beside_the_first(db):
    load_demo(scale=2, households=40)
    first = Area.objects.get(code=STREET_CODE)
    second = Area.objects.get(code="440105108")
    assert second.level == Level.STREET and second.parent == first.parent
    assert second.name == "南华西街道（副本2）"
    for level in (Level.COMMUNITY, Level.GRID):
        ours = Area.objects.filter(level=level, path__startswith=first.path).count()
        assert Area.objects.filter(level=level, path__startswith=second.path).count() == ours
    assert Area.objects.filter(code="440105108101001", parent__code="440105108101").exists()
    grids = {
        street.code: [
            parse_boundary(a.boundary)
            for a in Area.objects.filter(level=Level.GRID, path__startswith=street.path)
        ]
        for street in (first, second)
    }
    tree = STRtree(grids[first.code])
    for grid in grids[second.code]:
        for index in tree.query(grid):
            assert area_m2(grid.intersection(grids[first.code][index])) < 0.01
    assert parse_boundary(second.boundary).centroid.x > parse_boundary(first.boundary).bounds[2]
    assert Household.objects.filter(street=second).count() == 40
    assert Building.objects.filter(street=second, code__startswith="440105108").exists()
    assert AuditEntry.objects.filter(action="demo.population").count() == 2
    assert AuditEntry.objects.filter(action="demo.scale").count() == 1

    load_demo(scale=2, households=40)  # idempotent: nothing new
    assert Area.objects.filter(level=Level.STREET).count() == 2
    assert AuditEntry.objects.filter(action="demo.scale").count() == 1


def test_the_demo_command_takes_a_scale():
    parser = build_parser()
    assert parser.parse_args(["demo", "--scale", "20", "--no-serve"]).scale == 20
    assert parser.parse_args(["demo"]).scale == 1
    for bad in ("0", "101", "x"):
        with pytest.raises(SystemExit):
            parser.parse_args(["demo", "--scale", bad])


@pytest.mark.parametrize("preferred", ["440105", "4305", "4309", "4509", "5101", "4414"])
def test_birthplaces_exist_in_the_birth_year(preferred):
    rng = random.Random(7)
    for year in range(1920, 2026, 3):
        code = numbers.birthplace(rng, preferred, year)
        born = datetime.date(year, 6, 1)
        number = numbers.resident_id(code, born, numbers.id_sequence(rng, year % 2 == 0))
        assert ric.is_valid(number), (preferred, year, number)
        assert (int(number[16]) % 2 == 1) == (year % 2 == 0)


def test_credit_codes_and_phones_are_well_formed():
    rng = random.Random(3)
    for registrar in ("91", "92", "52", "11", "12", "55", "31"):
        for _ in range(50):
            code = numbers.credit_code(rng, registrar)
            assert uscc.is_valid(code) and code.startswith(registrar + "440105")
    assert all(MOBILE.match(numbers.mobile(rng)) for _ in range(200))
    assert all(LANDLINE.match(numbers.landline(rng)) for _ in range(50))
    assert numbers.place_name("430524") == "湖南省邵阳市隆回县"
    assert numbers.place_name("440105") == "广东省广州市海珠区"
