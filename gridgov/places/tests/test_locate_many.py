"""`grids_at`: many points placed in their grids at once, with the same tree and the
same answers as `grid_at` (on a shared edge, the lowest code; outside every grid, None).

Tree (gridgov/conftest.py): g1 [113.240, 113.245], g2 [113.245, 113.250] (both 鳌洲),
g3 [113.250, 113.255] (福安), all from 23.100 to 23.105."""

import random

import pytest

from gridgov.places.locate import grid_at, grids_at
from gridgov.testing import make_area, square


def _scalar(lon, lat):
    grid = grid_at(lon, lat)
    return grid.pk if grid else None


def test_each_point_gets_the_grid_grid_at_gives(tree):
    rng = random.Random(5)
    lons = [rng.uniform(113.235, 113.260) for _ in range(400)]
    lats = [rng.uniform(23.095, 23.110) for _ in range(400)]

    found = grids_at(lons, lats)

    assert found == [_scalar(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    assert {tree[g].pk for g in ("g1", "g2", "g3")} <= set(found)
    assert None in found  # the box reaches beyond the grids


def test_a_point_on_a_shared_edge_belongs_to_the_lowest_code(tree):
    # g2 and g3 meet exactly at 113.25 (g1 ends a hair before g2 begins: 113.24 + 0.005).
    lons = [113.25, 113.25, 113.2525]
    lats = [23.1025, 23.105, 23.1025]

    found = grids_at(lons, lats)

    assert found == [tree["g2"].pk, tree["g2"].pk, tree["g3"].pk]
    assert found == [_scalar(lon, lat) for lon, lat in zip(lons, lats, strict=True)]


def test_the_lowest_code_wins_even_when_it_was_created_last(tree):
    lower = make_area(
        "440105008101000", "鳌洲零号网格", tree["c101"], square(113.235, 23.10, 0.005)
    )

    assert grids_at([113.24], [23.1025]) == [lower.pk] == [_scalar(113.24, 23.1025)]


def test_points_outside_every_grid_and_grids_without_boundary_give_none(tree):
    make_area("440105008102002", "福安第二网格", tree["c102"])  # no boundary yet

    assert grids_at([0.0, 113.30, float("nan")], [0.0, 23.10, 23.10]) == [None, None, None]


def test_no_points_no_answers_and_the_two_lists_must_match(tree):
    assert grids_at([], []) == []
    with pytest.raises(ValueError):
        grids_at([113.242, 113.243], [23.102])


def test_without_grids_every_point_is_nowhere(db):
    assert grids_at([113.242, 113.243], [23.102, 23.103]) == [None, None]


def test_the_tree_is_built_once_and_rebuilt_when_a_grid_changes(tree, django_assert_num_queries):
    grids_at([113.242], [23.102])
    with django_assert_num_queries(1):  # only the check that the grids are unchanged
        assert grids_at([113.242], [23.102]) == [tree["g1"].pk]

    g1 = tree["g1"]
    g1.boundary = square(113.30, 23.20, 0.005)
    g1.save()

    assert grids_at([113.242, 113.302], [23.102, 23.202]) == [None, g1.pk]
    assert grid_at(113.302, 23.202) == g1
