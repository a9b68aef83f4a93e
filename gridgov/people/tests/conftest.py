"""Base data for the search, list and API tests, written straight to the tables.

On the shared tree (gridgov/conftest.py):
  g1 (鳌洲 101): 幸福里1号楼 — 1单元101 (HH-101: 张三 head, 李四), 1单元102 (HH-102: 张三丰,
      欧阳明); the shop 幸福便利店
  g2 (鳌洲 101): 幸福里2号楼 — 201 (HH-201: 赵四)
  g3 (福安 102): 福安大厦 — 301 (HH-301: 王小明)
Focus groups: 独居老人 (ordinary) and 残疾人 (sensitive: community and street staff);
张三 is in both.

Numbers go through `protect()` as the actions store them; ids through `place_in()`;
the numbers themselves are in gridgov/testing.py.
"""

import pytest

from gridgov.accounts.roles import Role
from gridgov.core.protect import protect
from gridgov.people.models import FocusGroup, FocusMembership, Household, Organization
from gridgov.places.models import Building, Dwelling
from gridgov.testing import (
    HOUSEHOLD_PHONE,
    SHOP_PHONE,
    WANG_ID,
    WANG_PHONE,
    ZHANG_ID,
    ZHANG_PHONE,
    place,
    resident,
)


def _building(grid, code, name, address):
    building = Building(
        code=code, name=name, address=address, lon=113.24, lat=23.10, use="residential"
    )
    return place(building, grid)


def _dwelling(building, unit, room):
    return place(
        Dwelling(building=building, unit=unit, room=room, use="residential"), building.grid
    )


def _household(dwelling, number, phone=""):
    protected = protect(phone, "phone")
    household = Household(
        dwelling=dwelling,
        number=number,
        kind="registered",
        phone_cipher=protected.cipher,
        phone_index=protected.index,
        phone_masked=protected.masked,
    )
    return place(household, dwelling.grid)


def _tag(member, group):
    return place(FocusMembership(resident=member, group=group), member.grid)


@pytest.fixture
def people_base(tree):
    a = _building(tree["g1"], "B-G1-01", "幸福里1号楼", "南华西路幸福里1号")
    b = _building(tree["g2"], "B-G2-01", "幸福里2号楼", "南华西路幸福里2号")
    c = _building(tree["g3"], "B-G3-01", "福安大厦", "福安街3号")
    a101, a102 = _dwelling(a, "1", "101"), _dwelling(a, "1", "102")
    b201, c301 = _dwelling(b, "", "201"), _dwelling(c, "", "301")
    h101 = _household(a101, "HH-101", HOUSEHOLD_PHONE)
    h102, h201, h301 = (
        _household(a102, "HH-102"),
        _household(b201, "HH-201"),
        _household(c301, "HH-301"),
    )
    zhang = resident(h101, "张三", id_number=ZHANG_ID, phone=ZHANG_PHONE)
    li = resident(h101, "李四", relation="spouse", registration="floating")
    zhangsf = resident(h102, "张三丰")
    ouyang = resident(h102, "欧阳明", relation="child", status="moved_out")
    zhao = resident(h201, "赵四")
    wang = resident(h301, "王小明", id_number=WANG_ID, phone=WANG_PHONE)
    Household.objects.filter(pk=h101.pk).update(head=zhang)
    alone = FocusGroup.objects.create(code="elderly_alone", name="独居老人", sensitivity="ordinary")
    disabled = FocusGroup.objects.create(
        code="disabled",
        name="残疾人",
        sensitivity="sensitive",
        visible_roles=[Role.COMMUNITY_STAFF, Role.STREET_STAFF],
        sort=1,
    )
    _tag(zhang, alone)
    _tag(zhang, disabled)
    shop_phone = protect(SHOP_PHONE, "phone")
    shop = Organization(
        name="幸福便利店",
        credit_code="91440105MA59ABCD1X",
        kind="shop",
        building=a,
        dwelling=a101,
        address="南华西路幸福里1号首层",
        contact_phone_cipher=shop_phone.cipher,
        contact_phone_index=shop_phone.index,
        contact_phone_masked=shop_phone.masked,
        is_key_unit=True,
    )
    place(shop, tree["g1"])
    return {
        "buildings": {"a": a, "b": b, "c": c},
        "households": {"101": h101, "102": h102, "201": h201, "301": h301},
        "residents": {
            "zhang": zhang,
            "li": li,
            "zhangsf": zhangsf,
            "ouyang": ouyang,
            "zhao": zhao,
            "wang": wang,
        },
        "groups": {"alone": alone, "disabled": disabled},
        "shop": shop,
    }
