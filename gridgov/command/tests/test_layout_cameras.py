"""Cameras are placed by their point: a new grid layout puts each in the new grid
that holds it."""

from gridgov.command.models import Camera
from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.models import Building
from gridgov.places.tests.layout_world import lattice


def test_a_camera_follows_the_grid_that_now_holds_its_point(tree, personas, make_map_camera):
    lattice(tree)
    camera = make_map_camera("g2")
    Building.objects.filter(community=tree["c101"]).update(household_count=6)  # one grid
    admin = personas["system_admin"]
    apply_layout(admin, propose_layout(admin, tree["c101"], fresh=True))

    assert Camera.objects.get(pk=camera.pk).grid.code == "440105008101001"
