"""Importing base data from Excel: buildings, dwellings, households, residents,
organizations — the whole file or nothing.

`read_sheet` turns an uploaded .xlsx into rows keyed by column (import_columns);
`import_sheet` checks every row (people.rules plus the checks that need the database,
in import_checks) and writes nothing unless every row is right; `write_import` then
saves the plan with bulk statements in one transaction and one audit row for the file.

Why bulk: a street office imports its 60,000 residents in one go, and per-row actions
(a transaction, an audit row and a history row each) would take many minutes. The
rules are the same ones the pages apply; what the bulk path adds by hand — protected
numbers, pinyin keys, place ids, household history, heads and member counts — is what
the per-row actions do.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.protect import normalise
from gridgov.core.spreadsheets import FORMULA_STARTS
from gridgov.people.import_columns import KINDS, NOTE_MARK, Kind, header_keys, normalise_header

XLSX_SUFFIX = ".xlsx"
# 60,000 residents is a street; a district's worth still fits.
MAX_ROWS = 200_000
MAX_VALUE_CHARS = 50
FORMULA = frozenset(c for c in FORMULA_STARTS if c)
CAPABILITY = "people.import"


@dataclass
class RowProblem:
    """One problem of an import: sheet row (0: the whole file), column key, the value
    as typed (ID and phone numbers masked) and what is wrong, in Chinese."""

    row: int
    column: str
    value: str
    message: str


class ImportRejected(ActionError):
    """An import with any bad row: nothing was written; `problems` says row by row."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(_("导入文件有 %(n)d 处错误，未写入任何数据。") % {"n": len(problems)})
        self.problems = problems


@dataclass
class Sheet:
    """What was read from one file: the rows and which columns the header named."""

    kind: Kind
    rows: list[dict]
    columns: frozenset[str]
    filename: str
    sha256: str


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: dict = field(default_factory=dict)


def file_problem(message) -> ImportRejected:
    return ImportRejected([RowProblem(0, "", "", str(message))])


def shown_value(kind: Kind, key: str, value) -> str:
    """A cell as the report shows it: text, cut short, ID and phone numbers masked."""
    if value is None:
        return ""
    text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value).strip()
    column = kind.column(key)
    if column is not None and column.masked_as:
        clean = normalise(text)
        return mask_id_number(clean) if column.masked_as == "id" else mask_phone(clean)
    return text[:MAX_VALUE_CHARS]


# Reading -----------------------------------------------------------------------------


def _workbook(path_or_file):
    """The file's bytes and workbook: size-limited, and an .xlsx by its content."""
    from gridgov.places import io as area_io
    from gridgov.places.actions import ImportRejected as FileRefused

    try:
        data = area_io.read_limited(path_or_file)
        return data, area_io.open_workbook(data)
    except FileRefused as exc:
        raise ImportRejected([RowProblem(0, "", "", p.message) for p in exc.problems]) from None


def _is_notes_row(values: tuple) -> bool:
    texts = [v for v in values if v is not None and str(v).strip()]
    return bool(texts) and all(
        isinstance(v, str) and v.lstrip().startswith(NOTE_MARK) for v in texts
    )


def _columns(kind: Kind, header: tuple) -> dict[str, int]:
    known = header_keys(kind)
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = known.get(normalise_header(title))
        if key and key not in columns:
            columns[key] = index
    missing = [str(c.label) for c in kind.columns if c.required and c.key not in columns]
    if missing:
        raise file_problem(
            _("表格第一行缺少“%(columns)s”列。")
            % {"columns": pgettext("quoted list separator", "”“").join(missing)}
        )
    return columns


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(kind_name: str, path_or_file, filename: str) -> Sheet:
    """The rows of the first sheet: {"row": line number, column key: cell value}.

    A notes row under the header (the template's) and blank rows are skipped; whole
    numbers typed as decimals (1.0) become integers, so codes and rooms read as typed;
    text an export neutralised ("'=1+1") reads as it was stored, so exports import back.
    """
    kind = KINDS[kind_name]
    if Path(filename or "").suffix.lower() != XLSX_SUFFIX:
        raise file_problem(_("只能导入 .xlsx 文件。"))
    data, workbook = _workbook(path_or_file)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise file_problem(_("表格是空的。"))
        columns = _columns(kind, header)
        pairs = list(columns.items())
        rows = []
        for number, values in enumerate(lines, start=2):
            filled = len(values) - values.count(None) - values.count("")
            if filled == 0 or (filled < 3 and all(_blank(v) for v in values)):
                continue
            if number == 2 and _is_notes_row(values):
                continue
            if len(rows) >= MAX_ROWS:
                raise file_problem(_("文件超过 %(n)d 行，请拆分后再导入。") % {"n": MAX_ROWS})
            row = {"row": number}
            width = len(values)
            for key, index in pairs:
                value = values[index] if index < width else None
                if value.__class__ is float and value.is_integer():
                    value = int(value)
                elif value.__class__ is str and value[:1] == "'" and value[1:2] in FORMULA:
                    value = value[1:]  # the apostrophe our exports put before a formula
                row[key] = value
            rows.append(row)
    except (KeyError, ValueError, TypeError, OSError, IndexError):
        raise file_problem(_("无法读取这个 Excel 文件，请用 Excel 另存为 .xlsx 后再试。")) from None
    finally:
        workbook.close()
    digest = hashlib.sha256(data).hexdigest()
    return Sheet(kind, rows, frozenset(columns), Path(filename).name[:200], digest)


# Checking and writing ----------------------------------------------------------------


def _plans() -> dict:
    # The plans import this module (RowProblem, Sheet): imported when first needed.
    from gridgov.people.import_households import HouseholdPlan, ResidentPlan
    from gridgov.people.import_places import BuildingPlan, DwellingPlan, OrganizationPlan

    return {
        "buildings": BuildingPlan,
        "dwellings": DwellingPlan,
        "households": HouseholdPlan,
        "residents": ResidentPlan,
        "organizations": OrganizationPlan,
    }


def import_sheet(actor, sheet: Sheet, *, dry_run: bool = False) -> ImportResult:
    """Check every row; unless `dry_run`, write them all (or raise ImportRejected).

    Rows whose values equal what is stored count as unchanged and are not written, so
    importing the same file twice creates nothing the second time.
    """
    check_capability(actor, CAPABILITY)
    if not sheet.rows:
        raise file_problem(_("表格里没有数据行。"))
    plan = _plans()[sheet.kind.name](actor, sheet)
    plan.check()
    if plan.problems:
        order = {c.key: i for i, c in enumerate(sheet.kind.columns)}
        plan.problems.sort(key=lambda p: (p.row, order.get(p.column, 99)))
        raise ImportRejected(plan.problems)
    result = ImportResult(
        sheet.kind.name,
        rows=len(sheet.rows),
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        dry_run=dry_run,
    )
    if not dry_run:
        write_import(actor, sheet, plan, result)
    return result


def write_import(actor, sheet: Sheet, plan, result: ImportResult) -> None:
    """Save a checked plan in one transaction, with one audit row for the whole file
    (what file, its SHA-256, how many records were created and updated)."""
    try:
        with transaction.atomic():
            plan.write()
            audit.record(
                actor,
                "people.import",
                None,
                object_type=plan.model._meta.label_lower,
                object_repr=sheet.filename,
                after={
                    "kind": sheet.kind.name,
                    "file": sheet.filename,
                    "sha256": sheet.sha256,
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    except IntegrityError:
        # Someone else took a key (an ID number, a code) between the check and the write.
        raise ActionError(_("数据刚被其他操作修改，请重新导入。"), status=409) from None


def import_file(actor, kind_name: str, path_or_file, filename: str, *, dry_run: bool = False):
    """Read and import in one call (the page, the command and the benchmark use it)."""
    return import_sheet(actor, read_sheet(kind_name, path_or_file, filename), dry_run=dry_run)
