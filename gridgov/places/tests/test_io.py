"""Area files: reading GeoJSON and Excel, refusing bad files, writing, round trips, and
the import_areas / export_areas commands."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.accounts.models import Department, RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected
from gridgov.core.uploads import problems_response
from gridgov.places import io as area_io
from gridgov.places.actions import import_areas
from gridgov.places.geometry import parse_boundary, to_geojson
from gridgov.places.models import Area, Level
from gridgov.places.tests.area_files import (
    C103,
    C103_GRIDS,
    feature,
    geojson_bytes,
    good_geojson,
    good_xlsx,
    read_sheet,
    square,
    xlsx_bytes,
)
from gridgov.testing import make_user

NEW_CODES = {C103[0], *(grid[0] for grid in C103_GRIDS)}


def read(data: bytes, filename: str) -> list[dict]:
    return area_io.read_area_file(io.BytesIO(data), filename)


def import_file(actor, data: bytes, filename: str):
    return import_areas(actor, read(data, filename))


def problems_of(refused) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in refused.value.problems]


# Good files -------------------------------------------------------------------------


def test_a_good_geojson_creates_the_areas_with_audit_rows(personas):
    result = import_file(personas["system_admin"], good_geojson(), "areas.geojson")
    assert (result.created, result.updated) == (3, 0)
    grid = Area.objects.get(code="440105008103001")
    assert grid.parent.code == "440105008103" and grid.level == Level.GRID
    assert grid.path == "440105/440105008/440105008103/440105008103001/"
    entries = AuditEntry.objects.filter(action="area.import")
    assert {e.after["code"] for e in entries} == NEW_CODES
    assert {e.actor for e in entries} == {personas["system_admin"]}


def test_a_good_xlsx_creates_the_areas_with_audit_rows(personas):
    result = import_file(personas["system_admin"], good_xlsx(), "区域.XLSX")
    assert (result.created, result.updated) == (3, 0)
    assert set(Area.objects.filter(code__in=NEW_CODES).values_list("name", flat=True)) == {
        "新市社区",
        "新市第一网格",
        "新市第二网格",
    }
    assert AuditEntry.objects.filter(action="area.import").count() == 3


def test_xlsx_rows_keep_the_sheets_numbers_and_accept_numeric_codes():
    data = xlsx_bytes(
        [
            (440105008103, "新市社区", None, None),
            (None, None, None, None),  # a blank line is skipped, not renumbered
            ("440105008103001", "新市第一网格", "440105008103", ""),
        ]
    )
    rows = read(data, "areas.xlsx")
    assert [row["row"] for row in rows] == [2, 4]
    assert rows[0]["code"] == 440105008103 and rows[0]["name"] == "新市社区"


def test_english_headers_and_extra_columns_are_accepted():
    data = xlsx_bytes([("备注", "440105008103", "新市社区")], header=("note", "code", "name"))
    assert read(data, "a.xlsx") == [{"row": 2, "code": "440105008103", "name": "新市社区"}]


def test_rows_may_come_children_first(personas):
    grids = [feature(*grid) for grid in C103_GRIDS]
    result = import_file(
        personas["system_admin"], geojson_bytes([*grids, feature(*C103)]), "a.geojson"
    )
    assert result.created == 3


# Bad rows: nothing written, every row reported -------------------------------------


def _bad_features():
    code, name, geometry = C103
    return [
        feature(code, name, geometry),  # 1: good
        feature("440105009101001", "越级网格", square(113.24, 23.09, 0.005), code),  # 2
        feature("440105008103001", "出界网格", square(113.40, 23.30, 0.005)),  # 3
        feature(code, "重复社区", geometry),  # 4: duplicate code
        feature("440105008103002", "坏边界", {"type": "Polygon", "coordinates": [[[1, 2]]]}),
    ]


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_row(personas):
    areas_before, audit_before = Area.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as refused:
        import_file(personas["system_admin"], geojson_bytes(_bad_features()), "a.geojson")
    assert problems_of(refused) == [(2, "code"), (3, "boundary"), (4, "code"), (5, "boundary")]
    messages = [p.message for p in refused.value.problems]
    assert "必须以上级代码" in messages[0]
    assert "超出了上级" in messages[1]
    assert "与第 1 行代码重复" in messages[2]
    assert "坐标格式不正确" in messages[3]
    assert Area.objects.count() == areas_before
    assert AuditEntry.objects.count() == audit_before


def test_a_bad_xlsx_row_is_reported_with_its_sheet_row_and_column(personas):
    data = xlsx_bytes(
        [
            (C103[0], C103[1], None, C103[2]),
            ("440105008103001", "", None, None),
            ("440105008103002", "坏边界", None, "{not json"),
        ]
    )
    areas_before = Area.objects.count()
    with pytest.raises(ImportRejected) as refused:
        import_file(personas["system_admin"], data, "a.xlsx")
    assert problems_of(refused) == [(3, "name"), (4, "boundary")]
    assert Area.objects.count() == areas_before


def test_a_code_outside_the_actors_scope_is_refused(personas, tree):
    staff = make_user("street008", Role.STREET_STAFF, tree["street"])
    rows = [{"row": 2, "code": "440105009101", "name": "改名", "boundary": None}]
    with pytest.raises(ImportRejected) as refused:
        import_areas(staff, rows)
    assert problems_of(refused) == [(2, "code")]
    assert Area.objects.get(code="440105009101").name == "凤阳社区"


# Bad files --------------------------------------------------------------------------


def _zip_of(name: str, text: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x00\x01\x02 garbage", "a.geojson", "不是有效的 JSON"),
        (b'{"type": "Feature"}', "a.json", "FeatureCollection"),
        (b"[1, 2, 3]", "a.geojson", "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": 3}', "a.geojson", "features"),
        (b"code,name\n440105,x\n", "a.csv", ".xlsx"),
        (b"code,name\n440105,x\n", "a.xlsx", "不是 Excel"),
        (good_geojson(), "a.xlsx", "不是 Excel"),
        (_zip_of("hello.txt", b"hi"), "a.xlsx", "无法读取"),
        (good_xlsx(), "a.geojson", "不是有效的 JSON"),
        (xlsx_bytes([("x", "440105")], header=("名称", "编号")), "a.xlsx", "代码"),
        (b"", "a.geojson", "空"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole_with_a_clear_message(data, filename, message):
    with pytest.raises(ImportRejected) as refused:
        read(data, filename)
    (problem,) = refused.value.problems
    assert problem.row == 0
    assert message in problem.message


def test_a_file_over_the_size_limit_is_refused_unread(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportRejected) as refused:
        read(b" " * (1024 * 1024 + 1), "a.geojson")
    assert "超过 1 MB" in refused.value.problems[0].message


def test_an_xlsx_that_unpacks_to_far_more_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (11 * 1024 * 1024))
    with pytest.raises(ImportRejected) as refused:
        read(buffer.getvalue(), "a.xlsx")
    assert "解压后过大" in refused.value.problems[0].message


def test_a_feature_that_is_not_a_feature_is_reported_by_its_index():
    data = json.dumps(
        {"type": "FeatureCollection", "features": [feature(*C103), "oops", {"type": "Feature"}]}
    ).encode()
    with pytest.raises(ImportRejected) as refused:
        read(data, "a.geojson")
    assert [p.row for p in refused.value.problems] == [2, 3]


# Writing and round trips ------------------------------------------------------------


def test_write_geojson_gives_codes_names_parents_and_boundaries(tree):
    collection = area_io.write_geojson(Area.objects.order_by("path"))
    assert collection["type"] == "FeatureCollection"
    by_code = {f["properties"]["code"]: f for f in collection["features"]}
    assert by_code["440105"]["properties"]["parent_code"] is None
    assert by_code["440105008101"]["properties"]["parent_code"] == "440105008"
    assert by_code["440105008101001"]["geometry"] == tree["g1"].boundary


def test_write_xlsx_has_the_agreed_columns(tree):
    sheet = read_sheet(area_io.write_xlsx(Area.objects.order_by("path")))
    assert sheet[0] == (
        "代码",
        "名称",
        "层级",
        "上级代码",
        "面积（平方米）",
        "中心经度",
        "中心纬度",
        "边界",
    )
    street = next(row for row in sheet if row[0] == "440105008")
    assert street[1:4] == ("南华西街道", "街道", "440105")
    assert json.loads(street[7]) == tree["street"].boundary


def test_write_xlsx_neutralises_formulas_in_names(tree):
    Area.objects.filter(code="440105008101").update(name='=HYPERLINK("http://x","y")')
    sheet = read_sheet(area_io.write_xlsx(Area.objects.order_by("path")))
    community = next(row for row in sheet if row[0] == "440105008101")
    assert community[1].startswith("'=")


def test_problems_xlsx_lists_row_column_and_problem(personas):
    with pytest.raises(ImportRejected) as refused:
        import_file(personas["system_admin"], geojson_bytes(_bad_features()), "a.geojson")
    report = problems_response(
        "import-problems.xlsx", refused.value.problems, area_io.column_label, values=False
    )
    sheet = read_sheet(report.content)
    assert sheet[0] == ("行", "列", "问题")
    assert sheet[1][:2] == (2, "代码")
    assert sheet[2][:2] == (3, "边界")


def _empty_the_tree_keeping(admin_district_code: str) -> None:
    """Remove every area (and what hangs on them) but a lone district for the admin."""
    RoleAssignment.objects.all().delete()
    Department.objects.all().delete()
    for level in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        Area.objects.filter(level=level).delete()
    Area.objects.create(
        level=Level.DISTRICT, code=admin_district_code, name="天河区", path="440106/"
    )


@pytest.mark.parametrize("filename", ["tree.geojson", "tree.xlsx"])
def test_an_export_imports_back_into_an_empty_database(tree, filename):
    exported = list(Area.objects.order_by("path").values_list("code", "name", "level"))
    areas = Area.objects.order_by("path")
    if filename.endswith(".xlsx"):
        data = area_io.write_xlsx(areas)
    else:
        data = json.dumps(area_io.write_geojson(areas)).encode()
    _empty_the_tree_keeping("440106")
    admin = make_user("admin", Role.SYSTEM_ADMIN, Area.objects.get(code="440106"))

    result = import_file(admin, data, filename)

    assert result.created == len(exported)
    imported = Area.objects.exclude(code="440106").order_by("path")
    assert list(imported.values_list("code", "name", "level")) == exported
    grid = Area.objects.get(code="440105008101001")
    assert grid.boundary == to_geojson(parse_boundary(tree["g1"].boundary))


def test_importing_an_export_again_changes_nothing(personas):
    admin = personas["system_admin"]
    import_file(admin, good_geojson(), "a.geojson")
    data = json.dumps(area_io.write_geojson(Area.objects.order_by("path"))).encode()
    import_file(admin, data, "again.geojson")  # the fixture's areas get their sizes
    audit_before = AuditEntry.objects.count()
    data = area_io.write_xlsx(Area.objects.order_by("path"))
    result = import_file(admin, data, "again.xlsx")
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Area.objects.count()
    assert AuditEntry.objects.count() == audit_before


# Commands ---------------------------------------------------------------------------


def test_the_import_command_reports_counts(personas, tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_bytes(good_geojson())
    out = io.StringIO()
    call_command("import_areas", str(path), "--as", "sysadmin", stdout=out)
    assert "新建 3 个，更新 0 个" in out.getvalue()
    assert (
        AuditEntry.objects.filter(action="area.import", actor=personas["system_admin"]).count() == 3
    )


def test_the_import_command_runs_as_the_first_system_admin_by_default(personas, tmp_path):
    path = tmp_path / "areas.xlsx"
    path.write_bytes(good_xlsx())
    out = io.StringIO()
    call_command("import_areas", str(path), stdout=out)
    assert "sysadmin" in out.getvalue()
    assert {e.actor for e in AuditEntry.objects.filter(action="area.import")} == {
        personas["system_admin"]
    }


def test_the_import_command_exits_1_and_prints_the_report_for_a_bad_file(personas, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_bytes(geojson_bytes(_bad_features()))
    areas_before = Area.objects.count()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command_as_shell(["import_areas", str(path)], out, err)
    assert exited.value.code == 1
    report = out.getvalue()
    assert "行 2，列 代码：" in report and "行 5，列 边界：" in report
    assert "未写入任何数据" in err.getvalue()
    assert Area.objects.count() == areas_before


def call_command_as_shell(argv, out, err):
    """Run a command the way `manage.py` does, so a failure becomes an exit code.

    `run_from_argv` closes the database connections when it ends, as a real process
    would; inside a test that would close the test's own transaction, so it is held off.
    """
    from unittest import mock

    from gridgov.places.management.commands.import_areas import Command

    with mock.patch("django.core.management.base.connections.close_all"):
        Command(stdout=out, stderr=err).run_from_argv(["manage.py", *argv])


def test_the_import_command_refuses_an_unknown_user_and_a_user_without_rights(personas, tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_bytes(good_geojson())
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_areas", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="没有管理区域的权限"):
        call_command("import_areas", str(path), "--as", "community101")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_areas", str(tmp_path / "missing.geojson"), "--as", "sysadmin")


def test_the_export_command_writes_the_whole_tree_or_one_subtree(tree, tmp_path):
    out = tmp_path / "all.geojson"
    call_command("export_areas", str(out), stdout=io.StringIO())
    codes = {f["properties"]["code"] for f in json.loads(out.read_text())["features"]}
    assert codes == set(Area.objects.values_list("code", flat=True))

    sheet_path = tmp_path / "c101.xlsx"
    call_command("export_areas", str(sheet_path), "--root", "440105008101", stdout=io.StringIO())
    rows = read_sheet(sheet_path.read_bytes())[1:]
    assert {row[0] for row in rows} == {"440105008101", "440105008101001", "440105008101002"}


def test_the_export_command_refuses_an_unknown_format_or_root(tree, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_areas", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_areas", str(tmp_path / "a.xlsx"), "--root", "999999")
