"""The chain down from a grid: its buildings on the grid page, then a building's
dwellings and households — within scope, numbers masked."""

import datetime

import pytest

from gridgov.core.protect import protect
from gridgov.people.models import Household, Resident
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Building, Dwelling
from gridgov.testing import login


def _building(grid, code, name):
    building = Building(
        code=code,
        name=name,
        address=f"南华西路{code[-2:]}号",
        lon=113.242,
        lat=23.102,
        floors=6,
        use="residential",
        household_count=1,
    )
    building.place_in(grid)
    building.save()
    return building


@pytest.fixture
def block(tree):
    building = _building(tree["g1"], "B-0001", "洪德巷5号")
    other = _building(tree["g2"], "B-0002", "洪德巷7号")
    dwelling = Dwelling(building=building, unit="1", room="301", use="residential")
    dwelling.grid_id, dwelling.community_id, dwelling.street_id = (
        building.grid_id,
        building.community_id,
        building.street_id,
    )
    dwelling.save()
    phone = protect("13812345678", "phone")
    household = Household(
        dwelling=dwelling,
        number="H0001",
        kind="registered",
        phone_cipher=phone.cipher,
        phone_masked=phone.masked,
        member_count=1,
    )
    household.grid_id, household.community_id, household.street_id = (
        dwelling.grid_id,
        dwelling.community_id,
        dwelling.street_id,
    )
    household.save()
    number = protect("440105199001011234", "id")
    full, initials = pinyin_keys("张三")
    head = Resident(
        household=household,
        name="张三",
        name_pinyin=full,
        name_initials=initials,
        id_type="resident_id",
        id_cipher=number.cipher,
        id_index=number.index,
        id_masked=number.masked,
        sex="male",
        birth_date=datetime.date(1990, 1, 1),
        relation="head",
        registration="registered",
    )
    head.grid_id, head.community_id, head.street_id = (
        household.grid_id,
        household.community_id,
        household.street_id,
    )
    head.save()
    household.head = head
    household.save()
    return {"building": building, "other": other, "household": household}


def test_the_grid_page_lists_its_buildings(client, personas, tree, block):
    login(client, personas["grid_worker"])
    text = client.get(f"/areas/{tree['g1'].code}/").content.decode()
    assert "洪德巷5号" in text and "洪德巷7号" not in text


def test_the_building_page_shows_dwellings_and_households(client, personas, block):
    login(client, personas["grid_worker"])
    response = client.get(f"/people/buildings/{block['building'].pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "301" in text and "H0001" in text and "张三" in text
    assert "13812345678" not in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("street_leader", 200),
        ("community_staff", 200),
        ("grid_worker", 404),
        ("department_staff", 403),
        ("system_admin", 403),
        ("auditor", 403),
        ("stranger", 403),
    ],
)
def test_building_page_scope(client, personas, block, persona, status):
    login(client, personas[persona])
    assert client.get(f"/people/buildings/{block['other'].pk}/").status_code == status


def test_building_page_query_count(client, personas, block, django_assert_max_num_queries):
    login(client, personas["street_leader"])
    client.get("/")
    with django_assert_max_num_queries(9):
        assert client.get(f"/people/buildings/{block['building'].pk}/").status_code == 200
