"""Base data for the search, list and API tests, written straight to the tables.

On the shared tree (gridgov/conftest.py):
  g1 (鳌洲 101): 幸福里1号楼 — 1单元101 (HH-101: 张三 head, 李四), 1单元102 (HH-102: 张三丰,
      欧阳明); the shop 幸福便利店
  g2 (鳌洲 101): 幸福里2号楼 — 201 (HH-201: 赵四)
  g3 (福安 102): 福安大厦 — 301 (HH-301: 王小明)
Focus groups: 独居老人 (ordinary) and 残疾人 (sensitive: community and street staff);
张三 is in both.

Numbers go through `protect()` as the actions store them; ids through `place_in()`.
"""

import datetime

import pytest
from stdnum.cn import ric

from gridgov.accounts.roles import Role
from gridgov.core.protect import protect
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    Organization,
    Resident,
)
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Building, Dwelling


def valid_id(birth: datetime.date, seq: int) -> str:
    body = f"440105{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


ZHANG_ID = valid_id(datetime.date(1958, 3, 4), 123)
WANG_ID = valid_id(datetime.date(1990, 5, 6), 147)
ZHANG_PHONE = "13800001111"
WANG_PHONE = "13900002222"
SHOP_PHONE = "13700003333"
HOUSEHOLD_PHONE = "13600004444"


def _save(record, grid):
    record.place_in(grid)
    record.save()
    return record


def _building(grid, code, name, address):
    building = Building(
        code=code, name=name, address=address, lon=113.24, lat=23.10, use="residential"
    )
    return _save(building, grid)


def _dwelling(building, unit, room):
    return _save(
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
    return _save(household, dwelling.grid)


def _resident(household, name, *, id_number="", phone="", relation="head", **extra):
    full, initials = pinyin_keys(name)
    id_, phone_ = protect(id_number, "id"), protect(phone, "phone")
    resident = Resident(
        household=household,
        name=name,
        name_pinyin=full,
        name_initials=initials,
        id_type="resident_id" if id_number else "none",
        id_cipher=id_.cipher,
        id_index=id_.index,
        id_masked=id_.masked,
        phone_cipher=phone_.cipher,
        phone_index=phone_.index,
        phone_masked=phone_.masked,
        sex="male",
        birth_date=ric.get_birth_date(id_number) if id_number else datetime.date(1980, 1, 1),
        relation=relation,
        registration=extra.pop("registration", "registered"),
        **extra,
    )
    _save(resident, household.grid)
    Household.objects.filter(pk=household.pk).update(member_count=household.members.count())
    return resident


def _tag(resident, group):
    return _save(FocusMembership(resident=resident, group=group), resident.grid)


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
    zhang = _resident(h101, "张三", id_number=ZHANG_ID, phone=ZHANG_PHONE)
    li = _resident(h101, "李四", relation="spouse", registration="floating")
    zhangsf = _resident(h102, "张三丰")
    ouyang = _resident(h102, "欧阳明", relation="child", status="moved_out")
    zhao = _resident(h201, "赵四")
    wang = _resident(h301, "王小明", id_number=WANG_ID, phone=WANG_PHONE)
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
    _save(shop, tree["g1"])
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
