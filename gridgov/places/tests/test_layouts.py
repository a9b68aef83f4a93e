"""The layout's own geometry helpers."""

import numpy as np
import shapely
from shapely.geometry import box

from gridgov.places.layouts import _inside


def test_a_building_drawn_just_over_the_edge_is_moved_inside():
    """A building recorded in the community but drawn a metre beyond its edge counts
    as inside it; those already inside stay where they are."""
    region = box(0, 0, 100, 100)
    points = np.array([[50.0, 50.0], [101.0, 50.0]])
    moved = _inside(points.copy(), region)
    assert tuple(moved[0]) == (50.0, 50.0)
    assert shapely.covers(region, shapely.Point(moved[1]))
    assert abs(moved[1][0] - 99.5) < 1e-6
