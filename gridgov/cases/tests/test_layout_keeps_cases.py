"""A new grid layout leaves every case in the grid it was reported in, even when
that grid is retired; new cases go to the new grids."""

from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.models import Area, Building
from gridgov.places.tests.layout_world import lattice


def test_cases_keep_the_grid_they_were_reported_in(tree, personas, report):
    lattice(tree)
    Building.objects.filter(community=tree["c101"]).update(household_count=6)  # one grid
    staff = personas["community_staff"]
    before = report(staff, lon=113.2475, lat=23.1025)  # in grid 002
    assert before.grid_id == tree["g2"].pk
    admin = personas["system_admin"]
    apply_layout(admin, propose_layout(admin, tree["c101"], fresh=True))

    before.refresh_from_db()
    assert before.grid_id == tree["g2"].pk
    assert Area.objects.get(pk=tree["g2"].pk).retired_on is not None
    after = report(staff, lon=113.2475, lat=23.1025)
    assert after.grid.code == "440105008101001"
