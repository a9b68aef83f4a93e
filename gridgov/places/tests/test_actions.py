"""create_area, update_area and import_areas: the rules of the area tree."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected
from gridgov.places.actions import create_area, import_areas, update_area
from gridgov.places.geometry import parse_boundary, to_geojson
from gridgov.places.models import Area, Level
from gridgov.places.tests.area_files import square
from gridgov.testing import make_user


@pytest.fixture
def street_staff(tree):
    """Manages the areas of street 440105008, nothing above or beside it."""
    return make_user("street008", Role.STREET_STAFF, tree["street"])


# create_area ------------------------------------------------------------------------


def test_create_area_makes_a_grid_under_its_community_and_audits_it(street_staff, tree):
    grid = create_area(
        street_staff,
        code="440105008102002",
        name="福安第二网格",
        parent=tree["c102"],
        boundary=square(113.255, 23.10, 0.005),
    )
    assert grid.level == Level.GRID
    assert grid.path == "440105/440105008/440105008102/440105008102002/"
    assert grid.area_m2 > 0 and grid.center_lon is not None
    entry = AuditEntry.objects.get(action="area.create", object_id=str(grid.pk))
    assert entry.actor == street_staff
    assert entry.after["code"] == "440105008102002"


@pytest.mark.parametrize(
    ("code", "parent_key", "field"),
    [
        ("44010500810", "c102", "code"),  # no level has 11 digits
        ("440105008102x01", "c102", "code"),  # not all digits
        ("440105008101003", "c102", "code"),  # does not extend its parent's code
        ("440105008103", "c102", "parent"),  # a community under a community
        ("440105008102003", "street", "parent"),  # a grid straight under a street
    ],
)
def test_create_area_refuses_codes_that_break_the_level_rules(
    street_staff, tree, code, parent_key, field
):
    with pytest.raises(ActionError) as refused:
        create_area(street_staff, code=code, name="试验", parent=tree[parent_key])
    assert refused.value.field == field
    assert not Area.objects.filter(code=code).exists()


def test_create_area_needs_a_parent_below_district_level(street_staff):
    with pytest.raises(ActionError) as refused:
        create_area(street_staff, code="440105008103", name="新市社区", parent=None)
    assert refused.value.field == "parent"


def test_create_area_refuses_a_boundary_outside_the_parent(street_staff, tree):
    with pytest.raises(ActionError) as refused:
        create_area(
            street_staff,
            code="440105008103",
            name="新市社区",
            parent=tree["street"],
            boundary=square(113.30, 23.20, 0.01),
        )
    assert refused.value.field == "boundary"
    assert not Area.objects.filter(code="440105008103").exists()


def test_create_area_answers_409_for_a_code_that_exists(street_staff, tree):
    with pytest.raises(ActionError) as refused:
        create_area(street_staff, code="440105008101", name="重复", parent=tree["street"])
    assert refused.value.status == 409
    assert Area.objects.get(code="440105008101").name == "鳌洲社区"


def test_create_area_refuses_a_parent_outside_the_actors_scope(street_staff, tree):
    with pytest.raises(ActionError) as refused:
        create_area(street_staff, code="440105009102", name="凤和社区", parent=tree["other_street"])
    assert refused.value.status == 404
    assert not Area.objects.filter(code="440105009102").exists()


def test_only_a_system_admin_creates_a_district(street_staff, personas):
    with pytest.raises(ActionError) as refused:
        create_area(street_staff, code="440106", name="天河区", parent=None)
    assert refused.value.status == 403
    district = create_area(personas["system_admin"], code="440106", name="天河区", parent=None)
    assert district.level == Level.DISTRICT and district.parent is None


def test_create_area_refuses_roles_without_area_management(personas, tree):
    with pytest.raises(PermissionDenied):
        create_area(
            personas["community_staff"], code="440105008101003", name="试验", parent=tree["c101"]
        )


# update_area ------------------------------------------------------------------------


def test_update_area_renames_and_audits_before_and_after(street_staff, tree):
    update_area(street_staff, tree["c101"], name="鳌洲新社区")
    assert Area.objects.get(code="440105008101").name == "鳌洲新社区"
    entry = AuditEntry.objects.get(action="area.update")
    assert entry.before["name"] == "鳌洲社区" and entry.after["name"] == "鳌洲新社区"


def test_update_area_refuses_a_boundary_that_leaves_a_child_outside(street_staff, tree):
    with pytest.raises(ActionError) as refused:
        update_area(street_staff, tree["c101"], boundary=square(113.245, 23.10, 0.005))
    assert refused.value.field == "boundary"
    assert Area.objects.get(code="440105008101").boundary == tree["c101"].boundary
    assert tree["c101"].boundary == square(113.24, 23.10, 0.01)  # not changed in memory


def test_update_area_clears_a_boundary(street_staff, tree):
    update_area(street_staff, tree["g1"], boundary=None)
    grid = Area.objects.get(code="440105008101001")
    assert grid.boundary is None and grid.area_m2 is None


def test_update_area_answers_404_outside_the_actors_scope(street_staff, tree):
    with pytest.raises(ActionError) as refused:
        update_area(street_staff, tree["c201"], name="改名")
    assert refused.value.status == 404
    assert Area.objects.get(code="440105009101").name == "凤阳社区"
    assert not AuditEntry.objects.filter(action="area.update").exists()


# import_areas: rules the readers do not see -----------------------------------------


def test_import_refuses_a_new_district_to_anyone_but_a_system_admin(street_staff, tree):
    rows = [{"row": 2, "code": "440106", "name": "天河区", "boundary": None}]
    with pytest.raises(ImportRejected) as refused:
        import_areas(street_staff, rows)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "code")]
    assert not Area.objects.filter(code="440106").exists()


def test_import_updates_the_actors_own_top_area(street_staff, tree):
    """The street's parent (the district) is outside the street staff's scope."""
    rows = [{"row": 2, "code": "440105008", "name": "南华西街道办事处", "boundary": None}]
    result = import_areas(street_staff, rows)
    assert result.updated == 1
    street = Area.objects.get(code="440105008")
    assert street.name == "南华西街道办事处"
    # An empty boundary keeps the stored one (stored rounded, with its size computed).
    assert street.boundary == to_geojson(parse_boundary(tree["street"].boundary))
    assert street.area_m2 > 0


def test_import_writes_nothing_for_unchanged_rows(street_staff, tree):
    rows = [{"row": 2, "code": "440105008101", "name": "鳌洲社区", "boundary": None}]
    import_areas(street_staff, rows)
    again = import_areas(street_staff, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.filter(action="area.import").count() == 1


def test_import_refuses_a_redrawn_boundary_that_leaves_a_stored_child_outside(street_staff, tree):
    rows = [
        {
            "row": 2,
            "code": "440105008101",
            "name": "鳌洲社区",
            "boundary": square(113.245, 23.10, 0.005),
        }
    ]
    with pytest.raises(ImportRejected) as refused:
        import_areas(street_staff, rows)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "boundary")]
    assert "鳌洲第一网格" in refused.value.problems[0].message


def test_import_names_the_bad_parent_row_for_its_children(street_staff, tree):
    rows = [
        {"row": 2, "code": "440105008103", "name": "", "boundary": None},
        {"row": 3, "code": "440105008103001", "name": "新市第一网格", "boundary": None},
    ]
    with pytest.raises(ImportRejected) as refused:
        import_areas(street_staff, rows)
    problems = [(p.row, p.column) for p in refused.value.problems]
    assert problems == [(2, "name"), (3, "parent_code")]
    assert "所在的行有错误" in refused.value.problems[1].message


def test_import_reports_a_district_with_a_parent_in_the_parent_column(personas, tree):
    rows = [
        {"row": 2, "code": "440106", "name": "天河区", "parent_code": "440105", "boundary": None}
    ]
    with pytest.raises(ImportRejected) as refused:
        import_areas(personas["system_admin"], rows)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "parent_code")]


def test_import_reports_a_nan_coordinate_as_a_bad_boundary(street_staff, tree):
    broken = square(113.24, 23.09, 0.01)
    broken["coordinates"][0][0] = [float("nan"), 23.09]
    rows = [{"row": 2, "code": "440105008103", "name": "新市社区", "boundary": broken}]
    with pytest.raises(ImportRejected) as refused:
        import_areas(street_staff, rows)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "boundary")]


def test_import_refuses_roles_without_area_management(personas, tree):
    with pytest.raises(PermissionDenied):
        import_areas(personas["community_staff"], [])
