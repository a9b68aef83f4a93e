"""The reference tables as Excel sheets: categories (with their step limits) and a
year's holidays and make-up days, read for import and written for export.

Reading checks the whole sheet and reports every problem by row and column (nothing
is written when any row is wrong); the rules themselves live in `reference_actions`
so the form and the sheet refuse the same things. Kinds, units and day types may be
typed as their Chinese labels (部件, 工作日, 法定节假日…) or as codes; departments by
name. An exported sheet imports back as it is.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases.choices import CategoryKind
from gridgov.cases.models import Category, DayKind, SpecialDay
from gridgov.cases.reference_actions import (
    FIELDS,
    CategoryRules,
    DayRules,
)
from gridgov.cases.worktime import Unit
from gridgov.core.errors import ActionError
from gridgov.core.spreadsheets import (
    Column,
    ImportRejected,
    RowProblem,
    SheetPlan,
    cell_text,
    choice_map,
    norm,
    shown,
    xlsx_response,
)

MAX_ROWS = 2000

CATEGORY_COLUMNS = (
    Column("code", gettext_lazy("编码"), True),
    Column("name", gettext_lazy("名称"), True),
    Column("parent_code", gettext_lazy("上级编码")),
    Column("kind", gettext_lazy("类型")),
    Column("default_department", gettext_lazy("默认处置部门")),
    Column("standard", gettext_lazy("立案结案标准")),
    Column("accept_limit", gettext_lazy("受理时限"), True),
    Column("accept_unit", gettext_lazy("受理单位"), True),
    Column("dispatch_limit", gettext_lazy("派遣时限"), True),
    Column("dispatch_unit", gettext_lazy("派遣单位"), True),
    Column("handle_limit", gettext_lazy("处置时限"), True),
    Column("handle_unit", gettext_lazy("处置单位"), True),
    Column("follow_up_limit", gettext_lazy("回访时限"), True),
    Column("follow_up_unit", gettext_lazy("回访单位"), True),
)
# Shown on export, ignored on import (a version starts on the import's effective date).
VALID_FROM_LABEL = gettext_lazy("生效日期")
DAY_COLUMNS = (
    Column("date", gettext_lazy("日期"), True),
    Column("kind", gettext_lazy("类型"), True),
    Column("name", gettext_lazy("名称")),
)


CATEGORY_SHEET = SheetPlan(CATEGORY_COLUMNS, MAX_ROWS)
DAY_SHEET = SheetPlan(DAY_COLUMNS, MAX_ROWS)


# Categories ---------------------------------------------------------------------------


class _Departments:
    """Departments by name, among those serving the user's area."""

    def __init__(self, actor):
        self.by_name: dict[str, list] = {}
        for department in CategoryRules.departments_for(actor).filter(is_active=True):
            self.by_name.setdefault(department.name, []).append(department)

    def get(self, name: str):
        found = self.by_name.get(name, [])
        if len(found) != 1:
            message = (
                _("部门“%(name)s”重名，请在页面上设置。")
                if found
                else _("找不到部门“%(name)s”（须为本辖区启用的部门）。")
            )
            raise ActionError(message % {"name": name}, "default_department")
        return found[0]


def _category_values(row: dict, departments: _Departments, kinds, units) -> dict:
    values = {}
    for key in FIELDS:
        if key not in row:
            continue  # the sheet has no such column: keep the version in force
        text = cell_text(row[key])
        if key == "default_department":
            values[key] = departments.get(text) if text else None
        elif key == "kind":
            values[key] = kinds.get(norm(text), text)
        elif key.endswith("_unit"):
            values[key] = units.get(norm(text), text)
        elif key.endswith("_limit"):
            values[key] = row[key] if row[key] not in (None, "") else None
        else:
            values[key] = text
    return values


@dataclass
class CategorySheet:
    """A checked category sheet: rows ready for `import_categories`, and what they
    would do to the versions in force."""

    rows: list[dict]
    created: int
    updated: int
    unchanged: int


def check_categories(actor, rows: list[dict], effective: dt.date) -> CategorySheet:
    """Check every row; raise ImportRejected listing every problem, by row and column."""
    problems, parsed, seen = [], [], {}
    for row in rows:
        try:
            code = CategoryRules.clean_code(row.get("code"))
        except ActionError as exc:
            problems.append(RowProblem(row["row"], "code", shown(row.get("code")), exc.message))
            continue
        if code in seen:
            message = _("编码与第 %(row)d 行重复。") % {"row": seen[code]}
            problems.append(RowProblem(row["row"], "code", code, message))
            continue
        seen[code] = row["row"]
        parsed.append((row, code))
    kinds = choice_map(CategoryKind.choices)
    units = choice_map(Unit.choices)
    file_kinds = {
        code: kinds.get(norm(row.get("kind")), "") or CategoryRules.kind_of(code)
        for row, code in parsed
        if len(code) == 3
    }
    rules = CategoryRules(effective, file_kinds)
    departments = _Departments(actor)
    sheet = CategorySheet([], 0, 0, 0)
    for row, code in parsed:
        try:
            cleaned = rules.clean(code, _category_values(row, departments, kinds, units))
        except ActionError as exc:
            value = shown(row.get(exc.field)) if exc.field else ""
            problems.append(RowProblem(row["row"], exc.field or "", value, exc.message))
            continue
        sheet.rows.append({"code": code, **cleaned})
        current = rules.current.get(code)
        if current is None:
            sheet.created += 1
        elif all(getattr(current, k) == v for k, v in cleaned.items()):
            sheet.unchanged += 1
        else:
            sheet.updated += 1
    if problems:
        raise ImportRejected(CATEGORY_SHEET.sort(problems))
    return sheet


def read_categories(actor, path_or_file, filename: str, effective: dt.date) -> CategorySheet:
    rows, _data = CATEGORY_SHEET.read(path_or_file, filename)
    return check_categories(actor, rows, effective)


def category_rows(on: dt.date):
    versions = Category.objects.current(on).select_related("default_department")
    for c in versions.order_by("code"):
        yield (
            c.code,
            c.name,
            c.parent_code,
            CategoryKind(c.kind).label,
            c.default_department.name if c.default_department else "",
            c.standard,
            *(
                value
                for step in ("accept", "dispatch", "handle", "follow_up")
                for value in (c.limit(step)[0], Unit(c.limit(step)[1]).label)
            ),
            c.valid_from,
        )


def categories_response(on: dt.date):
    header = [c.label for c in CATEGORY_COLUMNS] + [VALID_FROM_LABEL]
    return xlsx_response(
        f"categories-{on.isoformat()}.xlsx", header, category_rows(on), title=_("案件类别")
    )


# Holidays and make-up days ------------------------------------------------------------


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def check_days(rows: list[dict], year: int) -> list[tuple]:
    """The (date, kind, name) of a holidays sheet for `year`, or ImportRejected."""
    kinds = choice_map(DayKind.choices)
    problems, days, seen = [], [], {}
    for row in rows:
        date = _date(row.get("date"))
        try:
            if date is None:
                raise ActionError(_("日期应写成 2026-01-01。"), "date")
            if date.year != year:
                raise ActionError(_("日期应在 %(year)d 年内。") % {"year": year}, "date")
            if date in seen:
                raise ActionError(_("日期与第 %(row)d 行重复。") % {"row": seen[date]}, "date")
            kind = kinds.get(norm(row.get("kind")), cell_text(row.get("kind")))
            days.append(DayRules.clean(date, kind, cell_text(row.get("name"))))
            seen[date] = row["row"]
        except ActionError as exc:
            problems.append(
                RowProblem(row["row"], exc.field or "", shown(row.get(exc.field)), exc.message)
            )
    if problems:
        raise ImportRejected(problems)
    return days


def read_days(path_or_file, filename: str, year: int) -> list[tuple]:
    rows, _data = DAY_SHEET.read(path_or_file, filename)
    return check_days(rows, year)


def days_response(year: int):
    days = SpecialDay.objects.filter(date__year=year).order_by("date")
    rows = ((d.date, DayKind(d.kind).label, d.name) for d in days)
    header = [c.label for c in DAY_COLUMNS]
    return xlsx_response(f"holidays-{year}.xlsx", header, rows, title=_("节假日与调休"))
