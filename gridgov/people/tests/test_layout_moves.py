"""A new grid layout moves a building's dwellings, households, residents, focus
memberships, organizations and household history with it ("人进户、户进房、房进楼、
楼进格")."""

from gridgov.people.models import FocusMembership, Household, HouseholdEvent, Organization, Resident
from gridgov.people.tests.household_fixtures import build_household_file
from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.models import Dwelling


def test_everything_in_a_moved_building_moves_with_it(tree):
    world = build_household_file(tree)
    staff = world["street_staff"]
    wang = world["residents"]["wang"]
    FocusMembership.objects.create(resident=wang, group=world["groups"]["alone"], **_place(wang))
    # 鳌洲社区 holds two households: one grid (001) is enough, so 002 and 王五's
    # building B in it move to 001.
    layout = propose_layout(staff, tree["c101"], fresh=True)
    assert [g["code"] for g in layout.grids] == ["440105008101001"]
    apply_layout(staff, layout)

    g1, g2, g3 = tree["g1"], tree["g2"], tree["g3"]
    building_b = world["buildings"]["b"]
    building_b.refresh_from_db()
    assert building_b.grid_id == g1.pk
    for model in (Dwelling, Household, Resident, HouseholdEvent, FocusMembership, Organization):
        assert not model.objects.filter(grid=g2).exists(), model
    assert Resident.objects.get(pk=wang.pk).grid_id == g1.pk
    assert FocusMembership.objects.get(resident=wang).grid_id == g1.pk
    # the other community is untouched
    assert Resident.objects.get(pk=world["residents"]["zhao"].pk).grid_id == g3.pk


def _place(record) -> dict:
    return {
        "grid_id": record.grid_id,
        "community_id": record.community_id,
        "street_id": record.street_id,
    }
