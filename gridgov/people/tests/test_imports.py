"""Importing base data from Excel: good files of each kind, re-imports that update,
every check with a bad file (nothing written), files refused whole, scope, dry runs,
the page, the report and the command."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected
from gridgov.people import exports
from gridgov.people.import_columns import KINDS
from gridgov.people.imports import import_file
from gridgov.people.models import Household, HouseholdEvent, Organization, Resident
from gridgov.people.tests.people_sheets import (
    CREDIT_CODE,
    LI,
    ZHANG,
    building_row,
    counts,
    dwelling_row,
    household_row,
    id_number,
    make_elsewhere,
    make_place,
    make_staff,
    organization_row,
    read_sheet,
    resident_row,
    xlsx,
)
from gridgov.places.models import Building, Dwelling
from gridgov.testing import login, make_user

IMPORT_URL = "/people/import/"


@pytest.fixture
def staff(tree, personas):
    return make_staff(tree)


@pytest.fixture
def place(tree):
    return make_place(tree)


@pytest.fixture
def elsewhere(tree):
    return make_elsewhere(tree)


def run(actor, kind, rows, **options):
    return import_file(actor, kind, io.BytesIO(xlsx(rows)), f"{kind}.xlsx", **options)


def refused(actor, kind, rows) -> list[tuple[int, str, str, str]]:
    """The problems of a file that must be refused; asserts nothing was written."""
    before = counts()
    with pytest.raises(ImportRejected) as exc:
        run(actor, kind, rows)
    assert counts() == before
    return [(p.row, p.column, p.value, p.message) for p in exc.value.problems]


def has(problems, row, column, text) -> bool:
    return any(p[0] == row and p[1] == column and text in p[3] for p in problems)


# Good files -------------------------------------------------------------------------


def test_a_building_is_placed_in_the_grid_holding_its_point(staff, tree):
    result = run(staff, "buildings", [building_row()])
    assert (result.created, result.updated) == (1, 0)
    building = Building.objects.get(code="B002")
    assert (building.grid, building.community_id, building.street_id) == (
        tree["g1"],
        tree["c101"].pk,
        tree["street"].pk,
    )
    assert building.floors == 8 and building.use == "residential"
    assert building.head_phone_masked == "139****1111"
    assert "13900001111" not in building.head_phone_cipher


def test_one_audit_row_records_the_file_and_its_counts(staff, place):
    run(
        staff,
        "residents",
        [
            resident_row(),
            resident_row(姓名="李四", 证件号码=LI, 性别="女", 出生日期=None, 与户主关系="配偶"),
        ],
    )
    entry = AuditEntry.objects.get(action="people.import")
    assert entry.actor == staff and entry.object_type == "people.resident"
    assert entry.after["kind"] == "residents" and entry.after["file"] == "residents.xlsx"
    assert len(entry.after["sha256"]) == 64
    assert (entry.after["created"], entry.after["updated"]) == (2, 0)
    assert AuditEntry.objects.count() == 1


def test_dwellings_keep_their_decimals_and_lease(staff, place):
    run(staff, "dwellings", [dwelling_row()])
    dwelling = Dwelling.objects.get(room="102")
    assert str(dwelling.area_m2) == "85.50"
    assert dwelling.is_rental and dwelling.landlord_name == "赵六"
    assert dwelling.lease_end == datetime.date(2025, 12, 31)
    assert dwelling.grid_id == place["building"].grid_id


def test_a_household_goes_into_its_dwelling_with_its_history(staff, place):
    run(staff, "households", [household_row()])
    household = Household.objects.get(number="H002")
    assert household.dwelling == place["dwelling"] and household.kind == "floating"
    assert household.phone_masked == "137****2222"
    assert household.events.get().kind == "created"
    place["building"].refresh_from_db()
    assert place["building"].household_count == 2


def test_a_resident_is_stored_protected_searchable_and_in_the_history(staff, place):
    run(staff, "residents", [resident_row(性别=None, 出生日期=None)])
    resident = Resident.objects.get()
    assert resident.id_masked == "440105********" + ZHANG[-4:]
    assert ZHANG not in resident.id_cipher and resident.id_index
    assert (resident.sex, resident.birth_date) == ("male", datetime.date(1990, 1, 1))
    assert (resident.name_pinyin, resident.name_initials) == ("zhangsan", "zs")
    assert resident.grid_id == place["household"].grid_id
    household = place["household"]
    household.refresh_from_db()
    assert household.head == resident and household.member_count == 1
    assert household.events.get().kind == "moved_in"


def test_an_organization_is_matched_on_its_credit_code(staff, place):
    run(staff, "organizations", [organization_row()])
    result = run(staff, "organizations", [organization_row(从业人数=5)])
    assert (result.created, result.updated) == (0, 1)
    organization = Organization.objects.get()
    assert organization.credit_code == CREDIT_CODE and organization.employees == 5
    assert organization.fire_safety_level == "small"


def test_an_organization_without_a_code_is_matched_on_name_and_building(staff, place):
    row = organization_row(统一社会信用代码=None)
    run(staff, "organizations", [row])
    assert run(staff, "organizations", [row]).unchanged == 1
    assert Organization.objects.count() == 1


def test_the_template_imports_with_its_notes_row(staff, place):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(exports.template_xlsx(KINDS["residents"])))
    sheet = workbook.active
    labels = [cell.value for cell in sheet[1]]
    for label, value in resident_row().items():
        sheet.cell(row=3, column=labels.index(label) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file(staff, "residents", buffer, "filled.xlsx")
    assert result.created == 1


def test_code_names_are_accepted_as_headers(staff, place):
    rows = [
        {
            "household_number": "H001",
            **dict(
                zip(
                    ["name", "id_number", "relation", "registration"],
                    ["张三", ZHANG, "head", "registered"],
                    strict=True,
                )
            ),
        }
    ]
    assert run(staff, "residents", rows).created == 1


# Re-importing -----------------------------------------------------------------------


def test_the_same_file_twice_creates_nothing_the_second_time(staff, place):
    rows = [resident_row()]
    run(staff, "residents", rows)
    again = run(staff, "residents", rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Resident.objects.count() == 1
    assert HouseholdEvent.objects.count() == 1


def test_a_known_id_number_updates_the_resident(staff, place):
    run(staff, "residents", [resident_row()])
    result = run(staff, "residents", [resident_row(职业="医生", 联系电话="13811112222")])
    assert (result.created, result.updated) == (0, 1)
    resident = Resident.objects.get()
    assert resident.occupation == "医生" and resident.phone_masked == "138****2222"
    assert resident.events.order_by("id").last().kind == "updated"


def test_a_known_id_number_in_another_household_moves_the_resident(staff, place):
    run(staff, "households", [household_row()])
    run(staff, "residents", [resident_row()])
    run(staff, "residents", [resident_row(户号="H002")])
    resident = Resident.objects.get()
    assert resident.household.number == "H002"
    kinds = list(HouseholdEvent.objects.filter(resident=resident).values_list("kind", flat=True))
    assert sorted(kinds) == ["moved_in", "moved_in", "moved_out"]
    old = place["household"]
    old.refresh_from_db()
    assert old.head is None and old.member_count == 0


def test_moving_out_by_import_keeps_the_record(staff, place):
    run(staff, "residents", [resident_row()])
    run(staff, "residents", [resident_row(状态="已迁出", 状态日期="2025-01-02")])
    resident = Resident.objects.get()
    assert resident.status == "moved_out"
    household = place["household"]
    household.refresh_from_db()
    assert household.member_count == 0 and household.head is None


def test_a_sheet_with_fewer_columns_leaves_the_others_as_stored(staff, place):
    run(staff, "residents", [resident_row()])
    run(
        staff,
        "residents",
        [
            {
                "户号": "H001",
                "姓名": "张三",
                "证件号码": ZHANG,
                "与户主关系": "户主",
                "人口类型": "户籍人口",
            }
        ],
    )
    resident = Resident.objects.get()
    assert resident.occupation == "教师" and resident.phone_masked == "138****5678"


def test_a_dry_run_checks_and_writes_nothing(staff, place):
    before = counts()
    result = run(staff, "residents", [resident_row()], dry_run=True)
    assert result.dry_run and result.created == 1
    assert counts() == before


# Bad rows: nothing is written -------------------------------------------------------

RESIDENT_CASES = {
    "required": (resident_row(姓名=""), "name", "必填"),
    "id checksum": (
        resident_row(证件号码=ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")),
        "id_number",
        "身份证号码无效",
    ),
    "birth date": (resident_row(出生日期="1991-01-01"), "birth_date", "出生日期与身份证号码不一致"),
    "sex": (resident_row(性别="女"), "sex", "性别与身份证号码不一致"),
    "unknown household": (
        resident_row(户号="H999"),
        "household_number",
        "不存在或不在您的管辖范围内",
    ),
    "date": (resident_row(来穗日期="2020-13-45"), "arrival_date", "日期格式"),
    "enumeration": (resident_row(与户主关系="表哥"), "relation", "不是可选值"),
    "phone": (resident_row(联系电话="12345"), "phone", "电话号码格式不正确"),
}


@pytest.mark.parametrize("case", list(RESIDENT_CASES))
def test_a_bad_resident_row_refuses_the_whole_file(staff, place, case):
    bad, column, text = RESIDENT_CASES[case]
    good = resident_row(姓名="李四", 证件号码=LI, 性别="女", 出生日期=None, 与户主关系="配偶")
    problems = refused(staff, "residents", [good, bad])
    assert has(problems, 3, column, text), problems


def test_an_id_number_twice_in_the_file_is_refused(staff, place):
    problems = refused(staff, "residents", [resident_row(), resident_row(姓名="张叁")])
    assert has(problems, 3, "id_number", "与第 2 行重复")


def test_an_id_number_of_another_street_is_refused(staff, place, elsewhere):
    stranger = Resident(
        household=elsewhere["household"],
        name="外街人",
        id_type="resident_id",
        sex="male",
        birth_date=datetime.date(1990, 1, 1),
        relation="head",
        registration="registered",
    )
    from gridgov.core.protect import protect

    stranger.id_cipher, stranger.id_index, stranger.id_masked = (
        lambda p: (p.cipher, p.index, p.masked)
    )(protect(ZHANG, "id"))
    stranger.place_in(elsewhere["grid"])
    stranger.save()
    problems = refused(staff, "residents", [resident_row()])
    assert has(problems, 2, "id_number", "已登记在其他住户中")


def test_a_building_outside_every_grid_of_the_scope_is_refused(staff, elsewhere):
    inside_other_street = building_row(经度=113.272, 纬度=23.102)
    nowhere = building_row(编码="B003", 经度=113.40, 纬度=23.30)
    problems = refused(staff, "buildings", [inside_other_street, nowhere])
    assert has(problems, 2, "lon", "不在您管辖范围内的任何网格中")
    assert has(problems, 3, "lon", "不在您管辖范围内的任何网格中")


def test_a_building_code_twice_and_a_code_of_another_street_are_refused(staff, tree, elsewhere):
    problems = refused(
        staff, "buildings", [building_row(), building_row(), building_row(编码="X001")]
    )
    assert has(problems, 3, "code", "与第 2 行重复")
    assert has(problems, 4, "code", "已被范围外的楼宇使用")


def test_references_outside_the_scope_are_unknown(staff, place, elsewhere):
    problems = refused(staff, "households", [household_row(楼宇编码="X001", 单元=None, 房号="201")])
    assert has(problems, 2, "building_code", "不存在或不在您的管辖范围内")
    problems = refused(staff, "residents", [resident_row(户号="X-H001")])
    assert has(problems, 2, "household_number", "不存在或不在您的管辖范围内")


def test_an_importer_scoped_to_one_community_cannot_reach_another(tree, personas, place):
    """The scope, not the role, decides what a file may name: an importer held at
    福安社区 (102) does not find 鳌洲社区's (101) building or household."""
    importer = make_user("fuan-importer", Role.STREET_STAFF, tree["c102"])
    problems = refused(importer, "residents", [resident_row()])
    assert has(problems, 2, "household_number", "不存在或不在您的管辖范围内")
    problems = refused(importer, "dwellings", [dwelling_row()])
    assert has(problems, 2, "building_code", "不存在或不在您的管辖范围内")
    problems = refused(importer, "buildings", [building_row()])
    assert has(problems, 2, "lon", "不在您管辖范围内的任何网格中")


def test_an_unknown_dwelling_is_refused(staff, place):
    problems = refused(staff, "households", [household_row(房号="909")])
    assert has(problems, 2, "room", "请先导入房屋")


def test_a_household_number_twice_is_refused(staff, place):
    problems = refused(staff, "households", [household_row(), household_row()])
    assert has(problems, 3, "number", "与第 2 行重复")


def test_a_dwelling_twice_and_an_unknown_building_are_refused(staff, place):
    problems = refused(
        staff, "dwellings", [dwelling_row(), dwelling_row(), dwelling_row(楼宇编码="B404")]
    )
    assert has(problems, 3, "room", "与第 2 行重复")
    assert has(problems, 4, "building_code", "不存在")


def test_a_bad_or_repeated_credit_code_is_refused(staff, place):
    rows = [
        organization_row(),
        organization_row(名称="另一家"),
        organization_row(统一社会信用代码="91440101MA59UTXL5A"),
    ]
    problems = refused(staff, "organizations", rows)
    assert has(problems, 3, "credit_code", "与第 2 行重复")
    assert has(problems, 4, "credit_code", "统一社会信用代码无效")


def test_the_report_masks_id_and_phone_numbers(staff, place):
    bad_id = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    problems = refused(staff, "residents", [resident_row(证件号码=bad_id, 联系电话="1381234567")])
    values = {p[1]: p[2] for p in problems}
    assert values["id_number"] == "440105********" + bad_id[-4:]
    assert values["phone"] == "138***4567"


# Files refused whole ----------------------------------------------------------------


def test_a_file_that_is_not_an_xlsx_is_refused(staff):
    with pytest.raises(ImportRejected) as exc:
        import_file(staff, "residents", io.BytesIO(b"name,id\n"), "people.xlsx")
    assert "不是 Excel" in exc.value.problems[0].message
    with pytest.raises(ImportRejected) as exc:
        import_file(staff, "residents", io.BytesIO(b"name,id\n"), "people.csv")
    assert "只能导入 .xlsx" in exc.value.problems[0].message


def test_a_file_too_large_is_refused(staff, settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportRejected) as exc:
        import_file(staff, "residents", io.BytesIO(xlsx([resident_row()])), "people.xlsx")
    assert "文件超过" in exc.value.problems[0].message


def test_a_sheet_without_a_required_column_is_refused(staff):
    with pytest.raises(ImportRejected) as exc:
        import_file(staff, "residents", io.BytesIO(xlsx([{"姓名": "张三"}])), "people.xlsx")
    assert "缺少“户号”“证件号码”“与户主关系”“人口类型”列" in exc.value.problems[0].message


def test_a_missing_id_number_column_is_one_header_problem_not_one_per_row(staff, place):
    rows = [resident_row(), resident_row(姓名="李四", 证件号码=LI, 性别="女")]
    for row in rows:
        del row["证件号码"]
    with pytest.raises(ImportRejected) as exc:
        run(staff, "residents", rows)
    (problem,) = exc.value.problems
    assert problem.row == 0 and "缺少“证件号码”列" in problem.message


def test_a_cell_holding_a_formula_is_refused_as_a_formula(staff, place):
    # openpyxl saves the formula without a computed value, as many tools do.
    problems = refused(staff, "residents", [resident_row(姓名="=B2&C2")])
    assert problems == [(2, "name", "=B2&C2", "单元格含公式，请粘贴为数值。")]


def test_a_residents_grid_naming_another_grid_than_the_households_is_refused(staff, place, tree):
    problems = refused(staff, "residents", [resident_row(网格=str(tree["g2"]))])
    assert has(problems, 2, "grid", "与户号所在的网格“鳌洲第一网格（440105008101001）”不一致")


def test_a_residents_grid_agreeing_with_the_households_imports(staff, place, tree):
    for typed in (str(tree["g1"]), tree["g1"].name, tree["g1"].code):
        run(staff, "residents", [resident_row(网格=typed)])
    assert Resident.objects.get().grid_id == tree["g1"].pk


# Who may import ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["community_staff", "grid_worker", "department_staff", "street_leader"]
)
def test_only_street_staff_may_import(client, personas, place, persona):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(personas[persona], "residents", [resident_row()])
    login(client, personas[persona])
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, upload(xlsx([resident_row()]), "residents"))
    assert response.status_code == 403
    assert not Resident.objects.exists()


# The page ---------------------------------------------------------------------------


def upload(data: bytes, kind: str, name: str = "people.xlsx", **extra) -> dict:
    return {"kind": kind, "file": SimpleUploadedFile(name, data), **extra}


def test_street_staff_imports_on_the_page(client, staff, place):
    login(client, staff)
    assert client.get(IMPORT_URL).status_code == 200
    response = client.post(IMPORT_URL, upload(xlsx([resident_row()]), "residents"), follow=True)
    assert response.redirect_chain[0][0] == IMPORT_URL
    assert "新建 1 条" in response.content.decode()
    assert Resident.objects.count() == 1
    assert AuditEntry.objects.filter(action="people.import").count() == 1


def test_a_dry_run_on_the_page_writes_nothing(client, staff, place):
    login(client, staff)
    before = counts()
    response = client.post(
        IMPORT_URL, upload(xlsx([resident_row()]), "residents", dry_run="on"), follow=True
    )
    assert "未写入任何数据" in response.content.decode()
    assert counts() == before


def test_the_page_shows_the_report_masked_and_offers_it_as_a_sheet(client, staff, place):
    login(client, staff)
    bad = resident_row(性别="女", 联系电话="1381234567")
    response = client.post(IMPORT_URL, upload(xlsx([bad]), "residents"))
    text = response.content.decode()
    assert response.status_code == 200 and "未写入任何数据" in text
    assert "性别与身份证号码不一致" in text and "138***4567" in text
    assert ZHANG not in text and "1381234567" not in text
    report_id = response.context["report"]["id"]
    sheet = client.get(f"/people/import/report/{report_id}.xlsx")
    rows = read_sheet(sheet.content)
    assert rows[0] == ("行", "列", "值", "问题")
    assert (2, "联系电话", "138***4567") in [row[:3] for row in rows]
    assert not any(ZHANG in str(cell) for row in rows for cell in row)


def test_a_file_refused_whole_shows_beside_the_field(client, staff):
    login(client, staff)
    response = client.post(IMPORT_URL, upload(b"not a spreadsheet", "residents"))
    assert response.status_code == 200
    assert "不是 Excel" in response.content.decode()


def test_the_templates_download_with_headers_and_notes(client, staff):
    login(client, staff)
    for kind in KINDS.values():
        response = client.get(f"/people/import/template/{kind.name}.xlsx")
        rows = read_sheet(response.content)
        assert rows[0] == tuple(str(c.label) for c in kind.columns)
        assert all(note.startswith("※") for note in rows[1])
    assert client.get("/people/import/template/secrets.xlsx").status_code == 404


def test_an_empty_template_is_refused(staff):
    data = exports.template_xlsx(KINDS["buildings"])
    with pytest.raises(ImportRejected) as exc:
        import_file(staff, "buildings", io.BytesIO(data), "b.xlsx")
    assert "没有数据行" in exc.value.problems[0].message


# The command ------------------------------------------------------------------------


def write(tmp_path, rows) -> str:
    path = tmp_path / "residents.xlsx"
    path.write_bytes(xlsx(rows))
    return str(path)


def test_the_command_imports_and_reports(tmp_path, staff, place, capsys):
    call_command(
        "import_people", "residents", write(tmp_path, [resident_row()]), "--as", staff.username
    )
    assert Resident.objects.count() == 1
    assert "新建 1 条" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_with_exit_code_1(tmp_path, staff, place, capsys):
    bad = resident_row(证件号码=id_number("19900101", "125"), 联系电话="1381234567")
    with pytest.raises(CommandError) as exc:
        call_command("import_people", "residents", write(tmp_path, [bad]), "--as", staff.username)
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert "行 2，列 联系电话，值 138***4567" in out and "1381234567" not in out
    assert not Resident.objects.exists()


def test_the_cli_imports_with_dry_run_and_keeps_areas(tmp_path, staff, place, capsys):
    from gridgov.cli import main

    path = write(tmp_path, [resident_row()])
    assert main(["import", "residents", path, "--dry-run", "--as", staff.username]) == 0
    assert not Resident.objects.exists()
    assert main(["import", "residents", path, "--as", staff.username]) == 0
    assert Resident.objects.count() == 1
    bad = write(tmp_path, [resident_row(户号="H404")])
    assert main(["import", "residents", bad, "--as", staff.username]) == 1
    assert main(["import", "areas", path, "--dry-run"]) == 2


def test_the_command_runs_as_street_staff_by_default(tmp_path, staff, place):
    call_command("import_people", "residents", write(tmp_path, [resident_row()]))
    assert AuditEntry.objects.get(action="people.import").actor == staff


def test_a_user_without_the_capability_cannot_use_the_command(tmp_path, personas, place):
    with pytest.raises(CommandError):
        call_command(
            "import_people", "residents", write(tmp_path, [resident_row()]), "--as", "leader"
        )
