"""Counts of areas count the areas in use: a grid a layout retired is kept (cases and
documents quote its code) but no longer counted on the home page, the area pages,
the API or the partition page."""

import datetime

import pytest

from gridgov.accounts.roles import Role
from gridgov.places.models import Area
from gridgov.places.queries import AreaSummary
from gridgov.testing import login, make_area, make_user


@pytest.fixture
def retired_grid(tree):
    """A third grid of 鳌洲社区 that an earlier layout dropped."""
    grid = make_area("440105008101009", "鳌洲旧网格", tree["c101"])
    Area.objects.filter(pk=grid.pk).update(retired_on=datetime.date(2026, 1, 1))
    return grid


def test_the_home_page_counts_current_grids(personas, retired_grid):
    cards = dict(AreaSummary(personas["street_leader"]).level_cards)
    assert cards == {"街道": 1, "社区": 2, "网格": 3}


def test_the_area_pages_count_current_grids(client, personas, tree, retired_grid):
    login(client, personas["street_leader"])
    children = client.get(f"/areas/{tree['street'].code}/").context["children"]
    assert {c.code: c.n_children for c in children} == {"440105008101": 2, "440105008102": 1}
    grids = client.get(f"/areas/{tree['c101'].code}/").context["children"]
    assert [g.code for g in grids] == ["440105008101001", "440105008101002"]


def test_the_api_lists_current_areas_and_still_finds_a_retired_one(client, personas, retired_grid):
    login(client, personas["community_staff"])
    body = client.get("/api/v1/areas").json()
    assert body["count"] == 3 and retired_grid.code not in [a["code"] for a in body["items"]]
    assert client.get(f"/api/v1/areas/{retired_grid.code}").status_code == 200


def test_the_partition_page_counts_current_grids(client, tree, retired_grid):
    login(client, make_user("street008", Role.STREET_STAFF, tree["street"]))
    rows = client.get("/areas/partition/").context["rows"]
    assert {r["community"].code: r["community"].n_children for r in rows} == {
        "440105008101": 2,
        "440105008102": 1,
    }
