"""Builders for the household-file tests: a few buildings, dwellings, households and
residents on the shared area tree (gridgov/conftest.py), made through the actions.

Plain functions, not fixtures, so each test module wraps them in its own fixture.

  building A (g1): dwellings 1-101 (household H-A101: 张三 head, 李四 spouse) and 1-102
  building B (g2): dwelling 201 (household H-B201: 王五)
  building C (g3, the other community): dwelling 301 (household H-C301: 赵六)
  focus groups: 独居老人 (ordinary), 残疾人 (sensitive: community and street staff only)
"""

import datetime

from stdnum.cn import ric

from gridgov.accounts.roles import Role
from gridgov.people import actions
from gridgov.people.models import FocusGroup, Organization
from gridgov.places.actions import create_building, create_dwelling
from gridgov.testing import make_user, resident_id

ZHANG_ID = resident_id(datetime.date(1958, 3, 4), 123)
LI_ID = resident_id(datetime.date(1960, 7, 8), 124)
WANG_ID = resident_id(datetime.date(1985, 1, 2), 135)
ZHAO_ID = resident_id(datetime.date(1990, 5, 6), 147)
ZHANG_PHONE = "13812345678"
HOUSEHOLD_PHONE = "02084123456"


def resident_values(name, number, relation="head", **extra) -> dict:
    """Values as `rules.clean_resident` returns them for a registered resident."""
    birth = ric.get_birth_date(number)
    values = {
        "name": name,
        "id_type": "resident_id",
        "id_number": number,
        "sex": "male" if int(number[16]) % 2 else "female",
        "birth_date": birth,
        "ethnicity": "01",
        "phone": "",
        "relation": relation,
        "registration": "registered",
        "origin": "",
        "arrival_date": None,
        "permit_number": "",
        "permit_expiry": None,
        "education": "",
        "occupation": "",
        "work_unit": "",
        "status": "living",
        "status_date": None,
    }
    values.update(extra)
    return values


def _building(actor, grid, code, name, lon, lat):
    values = {"code": code, "name": name, "address": f"南华西路{name}", "lon": lon, "lat": lat}
    return create_building(actor, {**values, "use": "residential", "floors": 6}, grid=grid)


def _dwelling(actor, building, unit, room):
    return create_dwelling(actor, building, {"unit": unit, "room": room, "use": "residential"})


def build_household_file(tree) -> dict:
    street_staff = make_user("streetstaff", Role.STREET_STAFF, tree["street"])
    a = _building(street_staff, tree["g1"], "HB-A", "洪德巷1号", 113.2420, 23.1020)
    b = _building(street_staff, tree["g2"], "HB-B", "洪德巷2号", 113.2470, 23.1020)
    c = _building(street_staff, tree["g3"], "HB-C", "福安街3号", 113.2520, 23.1020)
    a101, a102 = _dwelling(street_staff, a, "1", "101"), _dwelling(street_staff, a, "1", "102")
    b201 = _dwelling(street_staff, b, "", "201")
    c301 = _dwelling(street_staff, c, "", "301")

    def household(dwelling, number):
        values = {"number": number, "kind": "registered", "phone": HOUSEHOLD_PHONE}
        return actions.create_household(street_staff, dwelling, values)

    h_a, h_b, h_c = household(a101, "H-A101"), household(b201, "H-B201"), household(c301, "H-C301")
    zhang = actions.add_resident(
        street_staff, h_a, resident_values("张三", ZHANG_ID, phone=ZHANG_PHONE)
    )
    li = actions.add_resident(street_staff, h_a, resident_values("李四", LI_ID, "spouse"))
    wang = actions.add_resident(street_staff, h_b, resident_values("王五", WANG_ID))
    zhao = actions.add_resident(street_staff, h_c, resident_values("赵六", ZHAO_ID))
    for household_ in (h_a, h_b, h_c):
        household_.refresh_from_db()
    alone = FocusGroup.objects.create(code="elderly_alone", name="独居老人", sensitivity="ordinary")
    disabled = FocusGroup.objects.create(
        code="disabled",
        name="残疾人",
        sensitivity="sensitive",
        visible_roles=[Role.COMMUNITY_STAFF, Role.STREET_STAFF],
        detail_fields=["残疾证号", "残疾类别", "等级"],
        sort=1,
    )
    shop = Organization(
        name="洪德便利店", kind="shop", building=a, dwelling=a101, address="洪德巷1号"
    )
    shop.grid_id, shop.community_id, shop.street_id = a.grid_id, a.community_id, a.street_id
    shop.save()
    return {
        "street_staff": street_staff,
        "buildings": {"a": a, "b": b, "c": c},
        "dwellings": {"a101": a101, "a102": a102, "b201": b201, "c301": c301},
        "households": {"a": h_a, "b": h_b, "c": h_c},
        "residents": {"zhang": zhang, "li": li, "wang": wang, "zhao": zhao},
        "groups": {"alone": alone, "disabled": disabled},
        "shop": shop,
    }
