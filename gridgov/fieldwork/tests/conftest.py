"""The grid worker's world, written straight to the tables on the shared tree
(gridgov/conftest.py):

  g1 (鳌洲 101): 幸福里1号楼 — 101 (HH-101: 张三, 独居老人 and 残疾人), 102 a rented
      dwelling (HH-102: 李四, a tenant); the shop 幸福便利店
  g2 (鳌洲 101): 幸福里2号楼 — 201 (HH-201: 赵四)
  g3 (福安 102): 福安大厦 — 301 (HH-301: 王小明)

Personas beside the shared ones: the grid worker of g2, community staff of 102 and
street staff of the street.
"""

import pytest

from gridgov.accounts.roles import Role
from gridgov.fieldwork.tests.clock import clock  # noqa: F401 (a fixture: Monday afternoon)
from gridgov.people.models import FocusGroup, FocusMembership, Household, Organization
from gridgov.places.models import Building, Dwelling
from gridgov.testing import ZHANG_ID, ZHANG_PHONE, make_user, place, resident


def _building(grid, code, name):
    return place(Building(code=code, name=name, address=f"{name}地址", lon=113.24, lat=23.10), grid)


def _household(building, room, number, rental=False):
    dwelling = place(
        Dwelling(building=building, room=room, use="residential", is_rental=rental),
        building.grid,
    )
    return place(Household(dwelling=dwelling, number=number, kind="registered"), building.grid)


@pytest.fixture
def field(tree, personas):
    a = _building(tree["g1"], "B-1", "幸福里1号楼")
    b = _building(tree["g2"], "B-2", "幸福里2号楼")
    c = _building(tree["g3"], "B-3", "福安大厦")
    h101 = _household(a, "101", "HH-101")
    h102 = _household(a, "102", "HH-102", rental=True)
    h201 = _household(b, "201", "HH-201")
    h301 = _household(c, "301", "HH-301")
    zhang = resident(h101, "张三", id_number=ZHANG_ID, phone=ZHANG_PHONE)
    li = resident(h102, "李四", relation="tenant", registration="floating", origin="湖南")
    zhao = resident(h201, "赵四")
    wang = resident(h301, "王小明")
    Household.objects.filter(pk=h101.pk).update(head=zhang)
    alone = FocusGroup.objects.create(code="elderly_alone", name="独居老人", sensitivity="ordinary")
    disabled = FocusGroup.objects.create(
        code="disabled",
        name="残疾人",
        sensitivity="sensitive",
        visible_roles=[Role.COMMUNITY_STAFF, Role.STREET_STAFF],
    )
    place(FocusMembership(resident=zhang, group=alone), tree["g1"])
    place(FocusMembership(resident=zhang, group=disabled), tree["g1"])
    shop = place(
        Organization(name="幸福便利店", kind="shop", building=a, address="幸福里1号首层"),
        tree["g1"],
    )
    return {
        "buildings": {"a": a, "b": b, "c": c},
        "households": {"101": h101, "102": h102, "201": h201, "301": h301},
        "residents": {"zhang": zhang, "li": li, "zhao": zhao, "wang": wang},
        "groups": {"alone": alone, "disabled": disabled},
        "shop": shop,
        "worker": personas["grid_worker"],
        "worker2": make_user("grid101002", Role.GRID_WORKER, tree["g2"]),
        "staff": personas["community_staff"],
        "staff102": make_user("community102", Role.COMMUNITY_STAFF, tree["c102"]),
        "street_staff": make_user("street_staff", Role.STREET_STAFF, tree["street"]),
        "leader": personas["street_leader"],
    }


@pytest.fixture
def category(db):
    """A leaf category of the case loop (暴露垃圾); seeded again if a transactional test
    flushed the database."""
    from gridgov.cases.models import Category
    from gridgov.cases.seed import seed_categories

    seed_categories(Category)
    return Category.objects.current().get(code="E0102")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Visit photos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
