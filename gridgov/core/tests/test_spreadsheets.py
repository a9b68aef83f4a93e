"""The export helper every download goes through (safe cells, capped sheets), and the
sheet plan every import reads its file with."""

import datetime
import io
import zoneinfo

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from gridgov.core.spreadsheets import (
    MAX_CELL_CHARS,
    Column,
    ImportRejected,
    SheetPlan,
    safe_cell,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("张三", "张三"),
        ("a=1", "a=1"),
        ("", ""),
        (None, None),
        (-2, -2),
        (3.5, 3.5),
        (True, True),
    ],
)
def test_safe_cell_neutralises_formula_starts(value, expected):
    assert safe_cell(value) == expected


def test_safe_cell_writes_aware_times_in_local_time():
    utc = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)
    assert safe_cell(utc) == datetime.datetime(2026, 3, 2, 0, 30)
    shanghai = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert safe_cell(shanghai) == datetime.datetime(2026, 3, 2, 0, 30)


def test_safe_cell_turns_json_into_text_and_drops_control_characters():
    assert safe_cell({"b": 1, "a": "=x"}) == '{"a": "=x", "b": 1}'
    assert safe_cell("a\x00b\x07c") == "abc"
    assert len(safe_cell("x" * 40_000)) < MAX_CELL_CHARS + 20


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_xlsx_response_writes_a_header_and_the_rows():
    response = xlsx_response(
        "名单.xlsx", ["姓名", "电话"], [("张三", "=1"), ("李四", None)], title="名单"
    )
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%90%8D%E5%8D%95.xlsx"
    assert _rows(response) == [("姓名", "电话"), ("张三", "'=1"), ("李四", None)]
    assert response.rows_written == 2 and response.capped is False


def test_xlsx_response_caps_the_rows_and_says_so():
    response = xlsx_response("a.xlsx", ["n"], ((i,) for i in range(5)), limit=3)
    rows = _rows(response)
    assert rows[1:4] == [(0,), (1,), (2,)]
    assert "仅导出前 3 行" in rows[4][0]
    assert response.rows_written == 3 and response.capped is True


def test_xlsx_response_is_not_capped_at_exactly_the_limit():
    response = xlsx_response("a.xlsx", ["n"], [(1,), (2,), (3,)], limit=3)
    assert len(_rows(response)) == 4 and response.capped is False


# Reading --------------------------------------------------------------------------------

PLAN = SheetPlan((Column("code", "编码", True), Column("name", "名称", True)), 100)


def _sheet(*rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_missing_required_column_is_one_problem_of_the_file():
    with pytest.raises(ImportRejected) as refused:
        PLAN.read(_sheet(["编码"], ["A1"], ["A2"], ["A3"]), "a.xlsx")
    (problem,) = refused.value.problems
    assert (problem.row, problem.message) == (0, "表格第一行缺少“名称”列。")


def test_every_cell_holding_a_formula_is_refused_with_its_row_and_column():
    sheet = _sheet(["编码", "名称"], ["A1", "=LEFT(A3,2)"], ["A2", "张三"], ["=1+1", "李四"])
    with pytest.raises(ImportRejected) as refused:
        PLAN.read(sheet, "a.xlsx")
    problems = [(p.row, p.column, p.value, p.message) for p in refused.value.problems]
    assert problems == [
        (2, "name", "=LEFT(A3,2)", "单元格含公式，请粘贴为数值。"),
        (4, "code", "=1+1", "单元格含公式，请粘贴为数值。"),
    ]


def test_an_array_formula_is_refused_too():
    workbook = Workbook()
    workbook.active.append(["编码", "名称"])
    workbook.active["A2"] = "B1"
    workbook.active["B2"] = ArrayFormula("B2", "=UPPER(A2)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as refused:
        PLAN.read(buffer, "a.xlsx")
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "name")]


def test_text_an_export_neutralised_reads_back_as_stored():
    rows, _data = PLAN.read(_sheet(["编码", "名称"], ["A1", "'=1+1"], [2.0, "x"]), "a.xlsx")
    assert rows == [{"row": 2, "code": "A1", "name": "=1+1"}, {"row": 3, "code": 2, "name": "x"}]


def test_text_that_starts_with_an_equals_sign_is_not_a_formula():
    """Typed in Excel as '=x, the cell holds the text =x: it imports as typed."""
    workbook = Workbook()
    workbook.active.append(["编码", "名称"])
    workbook.active.append(["A1", "x"])
    workbook.active["B2"].value, workbook.active["B2"].data_type = "=x", "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, _data = PLAN.read(buffer, "a.xlsx")
    assert rows == [{"row": 2, "code": "A1", "name": "=x"}]
