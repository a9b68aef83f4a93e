"""Category and holiday sheets: good sheets import, a sheet with any bad row writes
nothing and says what is wrong by row and column, and an export imports back as is."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from gridgov.cases import reference_actions as ra
from gridgov.cases import reference_io
from gridgov.cases.holidays import seed_holidays_2026
from gridgov.cases.models import Category, SpecialDay
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected

TODAY = dt.date(2026, 3, 2)
HEADER = [str(c.label) for c in reference_io.CATEGORY_COLUMNS]


def _xlsx(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _row(code, name, parent="", kind="事件", department="", handle=3, unit="工作日"):
    return [code, name, parent, kind, department, "标准", 0.25, "自然小时", 1, "工作小时",
            handle, unit, 1, "工作日"]  # fmt: skip


@pytest.fixture
def admin(personas):
    return personas["system_admin"]


def _problems(admin, rows, header=HEADER):
    with pytest.raises(ImportRejected) as refused:
        reference_io.read_categories(admin, _xlsx(rows, header), "c.xlsx", TODAY)
    return [(p.row, p.column, p.message) for p in refused.value.problems]


def test_a_good_sheet_is_checked_then_imported(admin, department):
    rows = [
        _row("E09", "新大类"),
        _row("E0901", "新小类", "E09", department=department.name, handle=2, unit="work_hours"),
        _row("E0102", "暴露垃圾", "E01", handle=8, unit="工作小时"),
    ]
    sheet = reference_io.read_categories(admin, _xlsx(rows), "c.xlsx", TODAY)
    assert (sheet.created, sheet.updated, sheet.unchanged) == (2, 1, 0)
    assert not Category.objects.filter(code="E09").exists()  # checking writes nothing
    ra.import_categories(admin, sheet.rows, TODAY)
    new = Category.objects.current(TODAY).get(code="E0901")
    assert (new.default_department, new.handle_unit) == (department, "work_hours")
    assert Category.objects.current(TODAY).get(code="E0102").handle_limit == 8


def test_a_bad_sheet_reports_every_problem_by_row_and_column(admin):
    rows = [
        _row("E09", "新大类"),
        _row("X01", "坏编码"),
        _row("E0901", "", "E09"),
        _row("E0902", "小类", "E09", kind="部件"),
        _row("E0903", "小类", "E09", handle=0),
        _row("E0904", "小类", "E09", unit="分钟"),
        _row("E0905", "小类", "E09", department="没有这个部门"),
        _row("E0901", "重复", "E09"),
        _row("E7701", "无上级"),
    ]
    problems = _problems(admin, rows)
    assert [(row, column) for row, column, _m in problems] == [
        (3, "code"),
        (4, "name"),
        (5, "kind"),
        (6, "handle_limit"),
        (7, "handle_unit"),
        (8, "default_department"),
        (9, "code"),
        (10, "parent_code"),
    ]
    assert "第 4 行重复" in problems[6][2]
    assert not Category.objects.filter(code__startswith="E09").exists()
    assert not AuditEntry.objects.exists()


def test_a_sheet_without_the_required_columns_is_refused_whole(admin):
    problems = _problems(admin, [["E09", "新大类"]], header=["编码", "名称"])
    assert problems[0][0] == 0 and "受理时限" in problems[0][2]


def test_a_file_that_is_not_a_spreadsheet_is_refused(admin):
    with pytest.raises(ImportRejected) as refused:
        reference_io.read_categories(admin, io.BytesIO(b"hello"), "c.xlsx", TODAY)
    assert refused.value.problems[0].row == 0
    with pytest.raises(ImportRejected):
        reference_io.read_categories(admin, _xlsx([]), "c.csv", TODAY)


def test_the_export_imports_back_unchanged(admin, department):
    ra.save_category(admin, "E0102", effective=TODAY, default_department=department)
    ra.save_category(admin, "E0103", effective=TODAY, name="=HYPERLINK(1)")
    response = reference_io.categories_response(TODAY)
    exported = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(exported.active.iter_rows(values_only=True))
    assert list(rows[0][:14]) == HEADER
    assert rows[1][3] == "部件" and rows[1][7] == "自然小时"
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["E0103"] == "'=HYPERLINK(1)"  # formula neutralised
    sheet = reference_io.read_categories(admin, io.BytesIO(response.content), "c.xlsx", TODAY)
    assert sheet.created == sheet.updated == 0
    assert sheet.unchanged == Category.objects.current(TODAY).count()


def test_holidays_round_trip(admin):
    ra.replace_special_days(admin, 2026, seed_holidays_2026())
    response = reference_io.days_response(2026)
    SpecialDay.objects.all().delete()
    days = reference_io.read_days(io.BytesIO(response.content), "h.xlsx", 2026)
    assert sorted(days) == seed_holidays_2026()


def test_a_bad_holidays_sheet_reports_by_row(admin):
    rows = [
        ["2026-01-01", "法定节假日", "元旦"],
        ["2026/1/4", "调休上班", "调休"],
        ["2026-01-05", "调休上班", "周一不能调休"],
        ["2025-12-31", "法定节假日", "去年"],
        ["明天", "法定节假日", ""],
        ["2026-01-01", "holiday", "重复"],
        [dt.date(2026, 2, 1), "放假", ""],
    ]
    header = [str(c.label) for c in reference_io.DAY_COLUMNS]
    with pytest.raises(ImportRejected) as refused:
        reference_io.read_days(_xlsx(rows, header), "h.xlsx", 2026)
    found = [(p.row, p.column) for p in refused.value.problems]
    assert found == [(4, "kind"), (5, "date"), (6, "date"), (7, "date"), (8, "kind")]
