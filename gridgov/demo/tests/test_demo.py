"""The Nanhua West demo: a tree that tiles exactly, and a loader that can run twice."""

import io
import math

import pytest
from django.core.management import CommandError, call_command
from shapely import STRtree
from shapely.geometry import Point
from shapely.ops import unary_union

from gridgov.accounts.models import Department, RoleAssignment, User
from gridgov.command.models import Camera, WorkerPosition
from gridgov.core.models import AuditEntry
from gridgov.demo.accounts import ACCOUNTS, DEFAULT_PASSWORD, DEPARTMENTS
from gridgov.demo.areas import COMMUNITIES, build_tree, grid_counts, grid_order_key
from gridgov.demo.hall_items import WINDOWS
from gridgov.demo.load import load_demo
from gridgov.places.geometry import area_m2, lies_within, parse_boundary
from gridgov.places.models import Area, Level

COMMUNITY_CODES = [
    f"440105008{n}" for n in (101, 102, 103, 105, 106, 108, 109, 110, 111, 112, 113, 114)
]


@pytest.fixture(scope="module")
def specs():
    return build_tree()


@pytest.fixture(scope="module")
def levels(specs):
    return {level: [s for s in specs if s.level == level] for level in Level}


def overlap_m2(geoms) -> float:
    """The largest area any two of the shapes share."""
    tree = STRtree(geoms)
    worst = 0.0
    for i, geom in enumerate(geoms):
        for j in tree.query(geom):
            if j > i:
                shared = geom.intersection(geoms[j])
                if shared.area > 0:
                    worst = max(worst, area_m2(shared))
    return worst


def test_the_tree_has_one_district_one_street_12_communities_and_79_grids(levels):
    assert [s.code for s in levels[Level.DISTRICT]] == ["440105"]
    assert [s.name for s in levels[Level.DISTRICT]] == ["海珠区"]
    assert [(s.code, s.name) for s in levels[Level.STREET]] == [("440105008", "南华西街道")]
    assert [s.code for s in levels[Level.COMMUNITY]] == COMMUNITY_CODES
    assert all(s.name.endswith("社区") for s in levels[Level.COMMUNITY])
    assert len(levels[Level.GRID]) == 79


def test_grid_codes_extend_their_community_code_by_a_sequence(levels):
    names = {s.code: s.name for s in levels[Level.COMMUNITY]}
    for community in COMMUNITY_CODES:
        grids = [s for s in levels[Level.GRID] if s.code[:12] == community]
        assert len(grids) >= 3
        assert [s.code for s in grids] == [f"{community}{n:03d}" for n in range(1, len(grids) + 1)]
        assert [s.name for s in grids] == [
            f"{names[community]}第{n}网格" for n in range(1, len(grids) + 1)
        ]
        assert all(len(s.code) == 15 and s.code.isdigit() for s in grids)


def test_every_area_is_one_valid_polygon(specs):
    assert all(s.geom.geom_type == "Polygon" and s.geom.is_valid for s in specs)


def test_the_street_is_about_1_1_square_km_around_its_published_centre(levels):
    street = levels[Level.STREET][0].geom
    assert 1.0e6 <= area_m2(street) <= 1.2e6
    centre = street.centroid
    off_m = math.hypot((centre.x - 113.2522) * 102_400, (centre.y - 23.1043) * 110_800)
    assert off_m < 200


def test_the_district_holds_the_street(levels):
    district, street = levels[Level.DISTRICT][0].geom, levels[Level.STREET][0].geom
    assert district.contains(street)
    minx, miny, maxx, maxy = district.bounds
    assert 113.22 < minx < maxx < 113.43 and 23.03 < miny < maxy < 23.13


def test_the_communities_tile_the_street(levels):
    street = levels[Level.STREET][0].geom
    communities = [s.geom for s in levels[Level.COMMUNITY]]
    gap = unary_union(communities).symmetric_difference(street)
    assert gap.is_empty or gap.area < 0.001 * street.area
    assert overlap_m2(communities) < 1.0
    assert all(lies_within(c, street) for c in communities)


def test_the_grids_tile_their_community(levels):
    grids = [s.geom for s in levels[Level.GRID]]
    assert overlap_m2(grids) < 1.0
    for community in levels[Level.COMMUNITY]:
        own = [s.geom for s in levels[Level.GRID] if s.code[:12] == community.code]
        assert all(lies_within(g, community.geom) for g in own)
        assert abs(area_m2(unary_union(own)) - area_m2(community.geom)) < 0.001 * area_m2(
            community.geom
        )


def test_every_published_centre_lies_in_its_community(levels):
    shapes = {s.code: s.geom for s in levels[Level.COMMUNITY]}
    published = [c for c in COMMUNITIES if c.published]
    assert len(published) == 6
    for community in COMMUNITIES:
        assert shapes[community.code].contains(Point(community.lon, community.lat)), community.name


def test_grids_are_numbered_west_to_east_then_north_to_south(levels):
    for community in COMMUNITY_CODES:
        grids = [s for s in levels[Level.GRID] if s.code[:12] == community]
        keys = [grid_order_key(s.geom) for s in grids]
        assert keys == sorted(keys)


def test_grids_are_shared_out_by_area_with_at_least_three_each(levels):
    counts = [sum(1 for g in levels[Level.GRID] if g.code[:12] == c) for c in COMMUNITY_CODES]
    assert counts == grid_counts([area_m2(s.geom) for s in levels[Level.COMMUNITY]])
    assert grid_counts([1, 1, 98], total=20) == [3, 3, 14]
    assert grid_counts([1, 2, 3, 4], total=20) == [3, 4, 6, 7]
    assert sum(grid_counts([5, 1, 1, 1, 9, 2], total=79)) == 79


def test_the_stored_rows_are_rounded_and_children_stay_inside_parents(specs):
    rows = [s.as_row(n) for n, s in enumerate(specs, start=1)]
    shapes = {}
    for row in rows:
        ring = row["boundary"]["coordinates"][0]
        assert all(round(x, 6) == x and round(y, 6) == y for x, y in ring)
        shapes[row["code"]] = parse_boundary(row["boundary"])
    for row in rows:
        if row["parent_code"]:
            assert lies_within(shapes[row["code"]], shapes[row["parent_code"]]), row["code"]


def _counts():
    return {
        "areas": Area.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "assignments": RoleAssignment.objects.count(),
        "audit": AuditEntry.objects.count(),
        "cameras": Camera.objects.count(),
        "positions": WorkerPosition.objects.count(),
    }


def test_load_demo_writes_everything_through_audited_actions_and_runs_twice(db):
    accounts = load_demo()
    first = _counts()
    assert first["areas"] == 93 and first["departments"] == len(DEPARTMENTS)
    assert first["cameras"] == 326 and first["positions"] > 79 * 30
    # The printed accounts, then one grid worker for each other grid and a staff member
    # for each department without one (no password: they work the demo's cases).
    # and the hall's clerks (one per window) and approvers (three) beside the printed two.
    hall_staff = len(WINDOWS) - 1 + 3 - 1
    assert (
        first["users"]
        == first["assignments"]
        == len(ACCOUNTS) + 78 + len(DEPARTMENTS) - 1 + hall_staff
    )
    admin = User.objects.get(username="admin")
    imported = AuditEntry.objects.filter(action="area.import", actor=admin)
    assert imported.count() == 93  # the district too: made bare at bootstrap, then imported
    assert AuditEntry.objects.filter(action="area.create", actor=None).count() == 1
    assert AuditEntry.objects.filter(action="account.create", actor=admin).count() == 11
    assert AuditEntry.objects.filter(action="department.create", actor=admin).count() == len(
        DEPARTMENTS
    )
    assert ("gridworker", "何家俊", "网格员", "鳌洲社区第1网格") in accounts
    assert ("dept", "罗国栋", "职能部门人员", "南华西环卫站") in accounts

    assert load_demo() == accounts
    assert _counts() == first


def test_an_existing_database_keeps_its_areas(db):
    load_demo()
    street = Area.objects.get(code="440105008")
    boundary = street.boundary
    Area.objects.filter(pk=street.pk).update(name="南华西街道办事处")
    load_demo()
    street.refresh_from_db()
    assert street.name == "南华西街道办事处" and street.boundary == boundary


def test_a_new_password_is_set_on_every_demo_account(db):
    load_demo()
    load_demo("Another-pass-7")
    for spec in ACCOUNTS:
        assert User.objects.get(username=spec.username).check_password("Another-pass-7")


def test_every_demo_account_logs_in_through_the_login_form(client, db):
    load_demo()
    for spec in ACCOUNTS:
        response = client.post(
            "/accounts/login/", {"username": spec.username, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, spec.username
        user = User.objects.get(username=spec.username)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert AuditEntry.objects.filter(action="account.login", actor=user).exists()
        client.logout()


def test_the_command_prints_the_accounts_and_the_password(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for spec in ACCOUNTS:
        assert spec.username in text and spec.full_name in text
    assert "鳌洲社区第1网格" in text and DEFAULT_PASSWORD in text


def test_the_command_refuses_a_weak_password_and_writes_nothing(db):
    with pytest.raises(CommandError, match="密码"):
        call_command("load_demo", "--password", "short", stdout=io.StringIO())
    assert not Area.objects.exists() and not User.objects.exists()


def test_the_demo_password_passes_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    for spec in ACCOUNTS:
        validate_password(DEFAULT_PASSWORD, User(username=spec.username, full_name=spec.full_name))
