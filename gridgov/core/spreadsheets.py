"""Writing .xlsx downloads: every export in gridgov goes through `xlsx_response`.

Two things every export must get right, so they live here once. Text a spreadsheet
would read as a formula (``=HYPERLINK(...)`` typed into a name field) is neutralised,
as OWASP advises for CSV/formula injection. And an export is capped, so one click
cannot build a file the server or Excel chokes on; a capped sheet says so.
"""

import datetime
import decimal
import io
import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def norm(text) -> str:
    """A header or choice as typed, for matching: no spaces, lower case."""
    return "".join(str(text if text is not None else "").split()).lower()


def cell_text(value) -> str:
    return str(value if value is not None else "").strip()


def choice_map(pairs) -> dict[str, str]:
    """{typed text → value} for (value, label) pairs, a choices list or a sheet's
    columns: the value, the label in the user's language and the label in Chinese
    (the sheets are usually Chinese whatever the UI language)."""
    from django.utils import translation

    mapping = {}
    for value, label in pairs:
        mapping[norm(value)] = value
        mapping[norm(label)] = value
        with translation.override("zh-hans"):
            mapping[norm(label)] = value
    return mapping
