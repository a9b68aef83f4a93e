"""Spreadsheets in and out: every export goes through `xlsx_response`, every import
reads its file through a `SheetPlan`.

Writing: two things every export must get right, so they live here once. Text a
spreadsheet would read as a formula (``=HYPERLINK(...)`` typed into a name field) is
neutralised, as OWASP advises for CSV/formula injection. And an export is capped, so
one click cannot build a file the server or Excel chokes on; a capped sheet says so.
"""

import datetime
import decimal
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from gridgov.core.errors import ActionError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 100_000
# Characters a spreadsheet may take as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses cells longer than this; long JSON (a drawn boundary) is cut.
MAX_CELL_CHARS = 32_000


def _safe_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS] + _("…（已截断）")
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


def safe_cell(value):
    """A value openpyxl can write that no spreadsheet will run as a formula.

    Text starting with = + - @ tab or CR gets a leading apostrophe; aware datetimes
    become local time (Excel has no time zones); dicts and lists become JSON text.
    """
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return _safe_text(str(value))


def xlsx_response(filename: str, header, rows, *, title: str = "", limit: int = EXPORT_LIMIT):
    """An attachment of one sheet: a bold header, then at most `limit` rows.

    `rows` may be any iterable (a queryset's `.iterator()` keeps memory flat). When
    more rows were available, a last row says the export was capped. The response
    carries `rows_written` and `capped` so the caller can audit what left the system.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(name)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written, capped = 0, False
    for row in rows:
        if written >= limit:
            capped = True
            break
        sheet.append([safe_cell(value) for value in row])
        written += 1
    if capped:
        sheet.append(
            [_("仅导出前 %(n)s 行，其余未导出；请缩小筛选范围后分批导出。") % {"n": f"{limit:,}"}]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response.rows_written = written
    response.capped = capped
    return response


# Reading ------------------------------------------------------------------------------
#
# Every import is whole file or nothing: the file is read into rows {"row": line
# number, column key: cell}, every row is checked, and any problem refuses the file
# with a row-by-row report (RowProblem). A problem of the file itself (too big, not an
# .xlsx, a required column missing, a formula) is reported before any row is checked.

XLSX_SUFFIX = ".xlsx"
ZIP_MAGIC = b"PK\x03\x04"
# An .xlsx is a zip of XML; real sheets unpack to a few times their size.
UNPACKED_FACTOR = 10
# Every cell of a template's notes row (under the header) starts with this mark, so
# the reader can tell the notes from a first row of data.
NOTE_MARK = "※"
# Keys per `IN (…)` lookup: under SQLite's oldest limit of bound parameters.
CHUNK = 900
# A report shows a value cut to this length.
MAX_VALUE_CHARS = 50
UNREADABLE = gettext_lazy("无法读取这个 Excel 文件，请用 Excel 另存为 .xlsx 后再试。")
FORMULA_REFUSED = gettext_lazy("单元格含公式，请粘贴为数值。")
# A formula in a worksheet's XML: <f>, <f …> or <f/>, with any namespace prefix.
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
WORKSHEET_XML = re.compile(r"xl/worksheets/[^/]+\.xml")


@dataclass
class RowProblem:
    """One problem of an import: sheet row (0: the whole file), column key, the value
    as typed (ID and phone numbers masked) and what is wrong, in the user's language."""

    row: int
    column: str
    value: str
    message: str


class ImportRejected(ActionError):
    """An import with any bad row: nothing was written; `problems` says row by row."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(_("导入文件有 %(n)d 处错误，未写入任何数据。") % {"n": len(problems)})
        self.problems = problems


class RowError(Exception):
    """One bad cell, raised by a column's parser (the plan fills in its column) or by a
    check of the whole row, which names the column."""

    def __init__(self, message, column: str = ""):
        super().__init__(str(message))
        self.column, self.message = column, str(message)


# A parser's answer for an empty cell that leaves the stored value as it is.
KEEP = object()


def file_problem(message) -> ImportRejected:
    """A refusal of the whole file: one problem at row 0."""
    return ImportRejected([RowProblem(0, "", "", str(message))])


def quoted(labels) -> str:
    return pgettext("quoted list separator", "”“").join(str(label) for label in labels)


def shown(value) -> str:
    """A cell as a report shows it: text, cut short."""
    if value is None:
        return ""
    text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value).strip()
    return text[:MAX_VALUE_CHARS]


def norm(text) -> str:
    """A header or choice as typed, for matching: no spaces, lower case."""
    return "".join(str(text if text is not None else "").split()).lower()


def cell_text(value) -> str:
    return str(value if value is not None else "").strip()


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def choice_map(pairs) -> dict[str, str]:
    """{typed text → value} for (value, label) pairs, a choices list or a sheet's
    columns: the value, the label in the user's language and the label in Chinese
    (the sheets are usually Chinese whatever the UI language)."""
    mapping = {}
    for value, label in pairs:
        mapping[norm(value)] = value
        mapping[norm(label)] = value
        with translation.override("zh-hans"):
            mapping[norm(label)] = value
    return mapping


# Column parsers: each returns a function turning one cell into the field's value or
# raising RowError. Messages are lazy, so they speak the language of the request.


def text(limit: int, required=None):
    """Text up to `limit` characters; `required` is the message for an empty cell."""

    def parse(value) -> str:
        typed = cell_text(value)
        if required is not None and not typed:
            raise RowError(required)
        if len(typed) > limit:
            raise RowError(_("不能超过 %(n)d 个字。") % {"n": limit})
        return typed

    return parse


def whole(low: int, high: int, message, *, empty=None, required=None):
    """A whole number from low to high, else RowError(message). An empty cell is
    `empty`, or RowError(required) when that message is given."""

    def parse(value):
        if value is None or cell_text(value) == "":
            if required is not None:
                raise RowError(required)
            return empty
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RowError(message) from None
        if not number.is_integer() or not low <= number <= high:
            raise RowError(message)
        return int(number)

    return parse


@functools.lru_cache(maxsize=64)
def _choices(enum, language: str) -> dict[str, str]:
    return choice_map(enum.choices)


def choice(enum, message, *, empty=None):
    """One of `enum`'s values, typed as its code or its label (in the user's language
    or Chinese). An empty cell is `empty` (KEEP: leave what is stored), or
    RowError(message) when `empty` is None."""

    def parse(value):
        typed = norm(value)
        if not typed and empty is not None:
            return empty
        found = _choices(enum, translation.get_language()).get(typed)
        if found is None:
            raise RowError(message)
        return found

    return parse


def read_limited(path_or_file) -> bytes:
    """The file's bytes, refusing anything above IMPORT_MAX_BYTES without reading it all."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
        data = path_or_file.read(limit + 1)
    if len(data) > limit:
        raise file_problem(
            _("文件超过 %(mb)d MB，请拆分后再导入。") % {"mb": limit // (1024 * 1024)}
        )
    if not data:
        raise file_problem(_("文件是空的。"))
    return data


def open_workbook(data: bytes):
    """The workbook of an .xlsx's bytes, read-only, cells as their values; or as their
    formulas when any sheet has one, so SheetPlan.rows can refuse them (a formula's
    value is not in the file to check: openpyxl and many tools save none). The
    caller closes it."""
    if not data.startswith(ZIP_MAGIC):
        raise file_problem(_("文件内容不是 Excel（.xlsx）表格。"))
    try:
        # A small file can unpack to gigabytes (a "zip bomb"); zipfile enforces the
        # sizes the archive declares, so summing them is a real bound.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
                raise file_problem(_("Excel 文件解压后过大，请拆分后再导入。"))
            formulas = _has_formulas(archive)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError):
        raise file_problem(UNREADABLE) from None


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether any worksheet holds a formula: a scan of the XML, far cheaper than
    reading every cell with its formula (which costs a third more on a big sheet)."""
    overlap = 64  # longer than any tag, so one split across two chunks is still seen
    for name in archive.namelist():
        if not WORKSHEET_XML.fullmatch(name):
            continue
        with archive.open(name) as member:
            tail = b""
            while chunk := member.read(1 << 20):
                if FORMULA_TAG.search(tail + chunk):
                    return True
                tail = chunk[-overlap:]
    return False


def read_xlsx(path_or_file, filename: str) -> bytes:
    """The bytes of an upload named .xlsx, within the size limit."""
    if Path(filename or "").suffix.lower() != XLSX_SUFFIX:
        raise file_problem(_("只能导入 .xlsx 文件。"))
    return read_limited(path_or_file)


def chunks(items, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def records_by(queryset, field: str, keys) -> dict:
    """The records of `queryset` whose `field` is one of `keys` (blank keys left out),
    by that key: how an import resolves what a whole sheet's rows refer to or match,
    CHUNK keys a query."""
    found = {}
    for chunk in chunks({key for key in keys if key}):
        records = queryset.filter(**{f"{field}__in": chunk})
        found.update((getattr(record, field), record) for record in records)
    return found


def _is_notes_row(values: tuple) -> bool:
    texts = [v for v in values if v is not None and str(v).strip()]
    return bool(texts) and all(
        isinstance(v, str) and v.lstrip().startswith(NOTE_MARK) for v in texts
    )


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key, its header label (also matched in every UI
    language and by the key itself, plus `aliases`), whether the header must have it,
    and `parse`, which turns the cell into the field's value or raises RowError."""

    key: str
    label: str
    required: bool = False
    parse: Callable | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetPlan:
    """What one sheet of an import holds: its columns, at most how many rows, and its
    title for messages when a workbook has several sheets ("" for a one-sheet file)."""

    columns: tuple[Column, ...]
    max_rows: int
    title: str = ""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def label(self, key: str) -> str:
        """The column as the sheet names it, or "—" for the whole row or file."""
        column = self.column(key)
        return str(column.label) if column else str(key or "—")

    def order(self) -> dict[str, int]:
        return {c.key: i for i, c in enumerate(self.columns)}

    def sort(self, problems: list[RowProblem]) -> list[RowProblem]:
        """Problems by row, then in the sheet's column order."""
        order = self.order()
        return sorted(problems, key=lambda p: (p.row, order.get(p.column, 99)))

    def header_keys(self) -> dict[str, str]:
        """Header text (spaces removed, lower-cased) → column key, in every UI language."""
        keys = {}
        for column in self.columns:
            keys[norm(column.key)] = column.key
            for alias in column.aliases:
                keys[norm(alias)] = column.key
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    keys[norm(column.label)] = column.key
        return keys

    def header(self, values: tuple) -> dict[str, int]:
        """Where each column is; refuses, once, a header without a required column."""
        known = self.header_keys()
        found: dict[str, int] = {}
        for index, title in enumerate(values):
            key = known.get(norm(title))
            if key and key not in found:
                found[key] = index
        missing = [c.label for c in self.columns if c.required and c.key not in found]
        if missing:
            if self.title:
                message = _("“%(sheet)s”表第一行缺少“%(columns)s”列。") % {
                    "sheet": self.title,
                    "columns": quoted(missing),
                }
            else:
                message = _("表格第一行缺少“%(columns)s”列。") % {"columns": quoted(missing)}
            raise file_problem(message)
        return found

    def rows(self, worksheet) -> list[dict] | None:
        """{"row": line number, key: cell} for each row that is not blank, only the keys
        whose column the header names; None for a sheet without a header.

        The template's notes row is skipped; whole numbers typed as decimals (1.0) read
        as integers, so codes and rooms read as typed; text an export neutralised
        ("'=1+1") reads as it was stored, so exports import back; a formula in one of
        the plan's columns refuses the file, every such cell listed.
        """
        # Some tools write a wrong size into the file; read what is really there.
        worksheet.reset_dimensions()
        lines = worksheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            return None
        pairs = list(self.header(header).items())
        if not worksheet.parent.data_only:
            self._refuse_formulas(worksheet, pairs)
        rows = []
        # read_only yields empty tuples for blank rows, so numbering matches the sheet.
        for number, values in enumerate(lines, start=2):
            if all(blank(v) for v in values):
                continue
            if number == 2 and _is_notes_row(values):
                continue
            if len(rows) >= self.max_rows:
                raise file_problem(self._too_many())
            row = {"row": number}
            width = len(values)
            for key, index in pairs:
                value = values[index] if index < width else None
                kind = value.__class__
                if kind is float:
                    if value.is_integer():
                        value = int(value)
                elif kind is str and value[:1] == "'" and value[1:2] in FORMULA_STARTS:
                    value = value[1:]  # the apostrophe our exports put before a formula
                row[key] = value
            rows.append(row)
        return rows

    def _refuse_formulas(self, worksheet, pairs) -> None:
        """Refuse the file if a cell of the plan's columns holds a formula, listing each."""
        problems = []
        for number, cells in enumerate(worksheet.iter_rows(min_row=2), start=2):
            for key, index in pairs:
                cell = cells[index] if index < len(cells) else None
                if cell is not None and cell.data_type == "f":
                    typed = shown(cell.value) if isinstance(cell.value, str) else ""
                    problems.append(RowProblem(number, key, typed, str(FORMULA_REFUSED)))
        if problems:
            raise ImportRejected(self.sort(problems))

    def _too_many(self) -> str:
        if self.title:
            return _("“%(sheet)s”表超过 %(n)d 行，请拆分后再导入。") % {
                "sheet": self.title,
                "n": self.max_rows,
            }
        return _("文件超过 %(n)d 行，请拆分后再导入。") % {"n": self.max_rows}

    def read_data(self, data: bytes) -> list[dict]:
        """The rows of the first sheet of an .xlsx's bytes; refuses a file that is not
        an .xlsx, has no header or lacks a required column (row 0)."""
        workbook = open_workbook(data)
        try:
            rows = self.rows(workbook.worksheets[0])
        except (KeyError, ValueError, TypeError, OSError, IndexError):
            raise file_problem(UNREADABLE) from None
        finally:
            workbook.close()
        if rows is None:
            raise file_problem(_("表格是空的。"))
        return rows

    def read(self, path_or_file, filename: str) -> tuple[list[dict], bytes]:
        """The rows of an uploaded .xlsx and its bytes; refuses the file whole (row 0)
        if it is too big, not an .xlsx, or has no data rows."""
        data = read_xlsx(path_or_file, filename)
        rows = self.read_data(data)
        if not rows:
            raise file_problem(_("表格里没有数据行。"))
        return rows, data

    def values(self, row: dict) -> tuple[dict, list[RowError]]:
        """Each parsed column the sheet has, by key, and the bad cells (RowError).
        A column the sheet lacks is left out, so the stored value stays."""
        values, problems = {}, []
        for column in self.columns:
            if column.parse is None or column.key not in row:
                continue
            try:
                value = column.parse(row[column.key])
            except RowError as exc:
                exc.column = exc.column or column.key
                problems.append(exc)
            else:
                if value is not KEEP:
                    values[column.key] = value
        return values, problems

    def problem(self, row: dict, exc: RowError, prefix: str = "") -> RowProblem:
        """The report line of a bad cell; `prefix` names the sheet of a workbook."""
        column = f"{prefix}{exc.column}" if exc.column else ""
        return RowProblem(row["row"], column, shown(row.get(exc.column)), exc.message)
