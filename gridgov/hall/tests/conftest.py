"""The hall of street 440105008 in the shared tree: its settings, two window groups
(A 社保, B 民政), three published items with materials and a draft one, windows 1–2
calling A and A+B, window 8 the pick-up window; a clerk, an approver, a clerk of
another street; and, for the tests that need one, the street staff who keep the hall."""

import pytest

from gridgov.accounts.roles import Role
from gridgov.hall.catalogue_queries import SEARCH_KEY_FIELDS, fill_search_keys
from gridgov.hall.models import (
    HallSettings,
    ItemStatus,
    Material,
    MaterialForm,
    ServiceItem,
    Theme,
    Window,
    WindowGroup,
    WindowStatus,
)
from gridgov.testing import login, make_user


def make_item(street, group, code, name, theme, materials, status=ItemStatus.PUBLISHED, aliases=""):
    item = ServiceItem.objects.create(
        street=street,
        code=code,
        name=name,
        aliases=aliases,
        theme=theme,
        department="南华西街道社区事务受理中心",
        legal_basis="《广州市社会保险条例》",
        authority="公共服务",
        conditions="本街道户籍或居住证持有人",
        statutory_days=20,
        promised_days=10,
        group=group,
        status=status,
    )
    fill_search_keys(item).save(update_fields=SEARCH_KEY_FIELDS)
    for sort, (material, form) in enumerate(materials):
        Material.objects.create(item=item, sort=sort, name=material, form=form)
    return item


@pytest.fixture
def hall(tree):
    street = tree["street"]
    settings = HallSettings.objects.create(
        street=street, name="南华西街道政务服务中心", signage="一窗办", norms="首问负责"
    )
    a = WindowGroup.objects.create(street=street, letter="A", name="社保")
    b = WindowGroup.objects.create(street=street, letter="B", name="民政")
    pension = make_item(
        street,
        a,
        "SB-001",
        "城乡居民养老保险参保登记",
        Theme.SOCIAL_SECURITY,
        [("居民身份证", MaterialForm.BOTH), ("户口簿", MaterialForm.ORIGINAL)],
    )
    allowance = make_item(
        street,
        b,
        "MZ-001",
        "最低生活保障申请",
        Theme.CIVIL_AFFAIRS,
        [
            ("居民身份证", MaterialForm.BOTH),
            ("家庭收入证明", MaterialForm.ORIGINAL),
            ("低保申请书", MaterialForm.ORIGINAL),
        ],
        aliases="低保",
    )
    elderly = make_item(
        street,
        b,
        "LL-001",
        "高龄老人津贴申领",
        Theme.ELDERLY,
        [("居民身份证", MaterialForm.COPY)],
    )
    draft = make_item(
        street, a, "SB-099", "尚未发布的事项", Theme.OTHER, [], status=ItemStatus.DRAFT
    )
    clerk = make_user("clerk8", Role.HALL_CLERK, street)
    approver = make_user("approver8", Role.HALL_APPROVER, street)
    w1 = Window.objects.create(street=street, number=1, clerk=clerk, status=WindowStatus.OPEN)
    w1.groups.set([a])
    w2 = Window.objects.create(street=street, number=2, status=WindowStatus.OPEN)
    w2.groups.set([a, b])
    w8 = Window.objects.create(street=street, number=8, is_pickup=True, status=WindowStatus.OPEN)
    return {
        "street": street,
        "settings": settings,
        "groups": {"A": a, "B": b},
        "items": {"pension": pension, "allowance": allowance, "elderly": elderly, "draft": draft},
        "windows": {1: w1, 2: w2, 8: w8},
        "clerk": clerk,
        "approver": approver,
        "other_clerk": make_user("clerk9", Role.HALL_CLERK, tree["other_street"]),
    }


@pytest.fixture
def staff(hall):
    """Street staff of the hall's street: they keep its catalogue and set it up."""
    return make_user("staff8", Role.STREET_STAFF, hall["street"])


@pytest.fixture
def staff_client(client, staff):
    return login(client, staff)


@pytest.fixture
def disability_card(hall):
    """A fourth published item, known by two aliases."""
    return make_item(
        hall["street"],
        hall["groups"]["B"],
        "CL-001",
        "残疾人证办理",
        Theme.DISABLED,
        [("居民身份证", MaterialForm.BOTH)],
        aliases="残疾证、办残疾证",
    )
