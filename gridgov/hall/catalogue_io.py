"""The service catalogue as an Excel workbook of two sheets, 事项 (one row an item) and
材料 (one row a material, its item named by code, in the order they are listed):
read and checked for import, written for export.

Reading checks both sheets whole and reports every problem by sheet, row and column;
nothing is written when any row is wrong (`catalogue_actions.import_items` writes a
checked workbook). Items are matched by code within the street: a known code updates
that item, a new one creates it, items not in the file are left alone. The 材料 sheet
replaces the materials of every item in the file; a workbook without it leaves
materials as they are. Themes, statuses and forms may be typed as their Chinese labels
or as codes, the window group as its letter ("A" or "A 社保"). An exported workbook
imports back changing nothing.
"""

import io
import re
from dataclasses import dataclass, field
from functools import partial

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gridgov.core.spreadsheets import (
    KEEP,
    UNREADABLE,
    XLSX_TYPE,
    Column,
    ImportRejected,
    RowError,
    SheetPlan,
    cell_text,
    choice,
    file_problem,
    norm,
    open_workbook,
    read_xlsx,
    records_by,
    safe_cell,
    text,
    whole,
)
from gridgov.hall.catalogue_queries import fill_search_keys, normal_aliases
from gridgov.hall.models import (
    ItemStatus,
    Material,
    MaterialForm,
    ServiceItem,
    Theme,
    WindowGroup,
)

ITEMS, MATERIALS = "items", "materials"
SHEET_TITLES = {ITEMS: gettext_lazy("事项"), MATERIALS: gettext_lazy("材料")}
MAX_DAYS, MAX_COUNT = 365, 99
MAX_ITEMS, MAX_MATERIALS = 2000, 20_000
DEFAULT_FEE = "不收费"
YES = {"是", "yes", "y", "true", "1", "可以", "√"}
NO = {"否", "no", "n", "false", "0", "不可以", "×"}
CODE_RE = re.compile(r"^[0-9A-Za-z_.-]{1,32}$")


def _please(label) -> str:
    return _("请填写%(label)s。") % {"label": label}


def _whole_message(label, high: int) -> str:
    return _("%(label)s应为 1 到 %(high)d 的整数。") % {"label": label, "high": high}


def _theme_message() -> str:
    themes = "、".join(str(label) for _value, label in Theme.choices)
    return _("主题应为以下之一：%(themes)s。") % {"themes": themes}


# Messages built when raised, in the language of the request.
please, whole_message, theme_message = (
    lazy(f, str) for f in (_please, _whole_message, _theme_message)
)


def _days(label):
    return whole(1, MAX_DAYS, whole_message(label, MAX_DAYS), required=please(label))


def _fee(value) -> str:
    return text(100)(value) or DEFAULT_FEE


def _aliases(value) -> str:
    return normal_aliases(text(200)(value))


def _online(value) -> bool:
    typed = norm(value)
    if typed in YES:
        return True
    if not typed or typed in NO:
        return False
    raise RowError(_("可网上办理应填“是”或“否”。"))


ITEM_COLUMNS = (
    Column("code", gettext_lazy("事项编码"), True),
    Column("name", gettext_lazy("事项名称"), True, text(100, please(gettext_lazy("事项名称")))),
    Column("aliases", gettext_lazy("别名"), parse=_aliases),
    Column("theme", gettext_lazy("主题"), True, choice(Theme, theme_message())),
    Column(
        "department", gettext_lazy("实施部门"), True, text(100, please(gettext_lazy("实施部门")))
    ),
    Column("legal_basis", gettext_lazy("设定依据"), parse=text(2000)),
    Column("authority", gettext_lazy("权力类型"), parse=text(50)),
    Column("conditions", gettext_lazy("办理条件"), parse=text(2000)),
    Column(
        "statutory_days", gettext_lazy("法定时限（工作日）"), True, _days(gettext_lazy("法定时限"))
    ),
    Column(
        "promised_days", gettext_lazy("承诺时限（工作日）"), True, _days(gettext_lazy("承诺时限"))
    ),
    Column("fee", gettext_lazy("收费"), parse=_fee),
    Column("group", gettext_lazy("受理窗口"), True),
    Column("online", gettext_lazy("可网上办理"), parse=_online),
    Column(
        "status",
        gettext_lazy("状态"),
        parse=choice(ItemStatus, gettext_lazy("状态应为 已发布、草稿 或 已停办。"), empty=KEEP),
    ),
)
MATERIAL_COLUMNS = (
    Column("item_code", gettext_lazy("事项编码"), True),
    Column("name", gettext_lazy("材料名称"), True, text(200, please(gettext_lazy("材料名称")))),
    Column(
        "form",
        gettext_lazy("原件/复印件"),
        True,
        choice(MaterialForm, gettext_lazy("原件/复印件应为 原件、复印件 或 原件和复印件。")),
    ),
    Column(
        "count",
        gettext_lazy("份数"),
        parse=whole(1, MAX_COUNT, whole_message(gettext_lazy("份数"), MAX_COUNT), empty=1),
    ),
    Column("notes", gettext_lazy("说明"), parse=text(300)),
    Column("sample", gettext_lazy("样表"), parse=text(300)),
)
SHEETS = {
    ITEMS: SheetPlan(ITEM_COLUMNS, MAX_ITEMS, SHEET_TITLES[ITEMS]),
    MATERIALS: SheetPlan(MATERIAL_COLUMNS, MAX_MATERIALS, SHEET_TITLES[MATERIALS]),
}
# The fields an import sets on an item (besides code and street).
FIELDS = (
    *("name", "aliases", "theme", "department", "legal_basis", "authority", "conditions"),
    *("statutory_days", "promised_days", "fee", "group", "online", "status"),
)
MATERIAL_FIELDS = ("name", "form", "count", "notes", "sample")


def column_key(sheet: str, key: str) -> str:
    return f"{sheet}:{key}"


def report_label(key: str) -> str:
    """A problem's column as the report names it: the sheet and the header, 事项·主题."""
    sheet, _sep, name = (key or "").partition(":")
    if sheet in SHEETS and SHEETS[sheet].column(name):
        return f"{SHEET_TITLES[sheet]}·{SHEETS[sheet].label(name)}"
    return str(key or "—")


# --- reading the file ---------------------------------------------------------------------


@dataclass
class CatalogueRows:
    """The rows of both sheets as {"row": line number, key: cell}; `materials` is None
    when the workbook has no 材料 sheet."""

    items: list[dict]
    materials: list[dict] | None = None


def _titles(sheet: str) -> set[str]:
    titles = {norm(SHEET_TITLES[sheet]), sheet}
    with translation.override("zh-hans"):
        titles.add(norm(SHEET_TITLES[sheet]))
    return titles


def _find_sheets(workbook):
    """The 事项 sheet (by name, else the first) and the 材料 sheet (by name, or None)."""
    by_title = {norm(title): title for title in workbook.sheetnames}
    found = {}
    for sheet in (ITEMS, MATERIALS):
        title = next((by_title[t] for t in _titles(sheet) if t in by_title), None)
        found[sheet] = workbook[title] if title else None
    if found[ITEMS] is None:
        first = workbook.worksheets[0]
        found[ITEMS] = first if first is not found[MATERIALS] else None
    if found[ITEMS] is None:
        raise file_problem(_("文件里没有“事项”表。"))
    return found[ITEMS], found[MATERIALS]


def read_catalogue(path_or_file, filename: str) -> CatalogueRows:
    """Both sheets' rows; refuses a file that is too big, not an .xlsx, or lacks the
    事项 sheet or a required column (problems of the whole file, row 0)."""
    workbook = open_workbook(read_xlsx(path_or_file, filename))
    try:
        items_sheet, materials_sheet = _find_sheets(workbook)
        items = SHEETS[ITEMS].rows(items_sheet)
        if items is None:
            raise file_problem(_("“事项”表是空的。"))
        materials = None
        if materials_sheet is not None:
            materials = SHEETS[MATERIALS].rows(materials_sheet) or []
    except (KeyError, ValueError, TypeError, OSError, IndexError):
        raise file_problem(UNREADABLE) from None
    finally:
        workbook.close()
    if not items:
        raise file_problem(_("“事项”表里没有数据行。"))
    return CatalogueRows(items, materials)


# --- checking the rows ----------------------------------------------------------------------


def _code(row: dict, key: str) -> str:
    code = cell_text(row.get(key))
    if not code:
        raise RowError(_("请填写事项编码。"), key)
    if not CODE_RE.match(code):
        raise RowError(_("事项编码只能由字母、数字、点、下划线和短横线组成，最长 32 位。"), key)
    return code


class _Groups:
    """The street's window groups, typed as the letter ("A" or "A 社保")."""

    def __init__(self, street):
        self.by_letter = {g.letter: g for g in WindowGroup.objects.filter(street=street)}

    def __call__(self, value) -> WindowGroup:
        typed = cell_text(value).upper()
        group = self.by_letter.get(typed[:1])
        rest = "".join(typed[1:].split())
        if group is None or rest not in ("", "".join(group.name.upper().split())):
            letters = "、".join(self.by_letter) or _("（本中心尚未设置窗口分组）")
            message = _("受理窗口应为本中心的窗口分组字母：%(letters)s。")
            raise RowError(message % {"letters": letters}, "group")
        return group


def _item(row: dict, groups: _Groups) -> tuple[dict, list[RowError]]:
    values, problems = SHEETS[ITEMS].values(row)
    if "group" in row:
        try:
            values["group"] = groups(row["group"])
        except RowError as exc:
            problems.append(exc)
    days = (values.get("statutory_days"), values.get("promised_days"))
    if None not in days and days[1] > days[0]:
        message = _("承诺时限不能超过法定时限（%(n)d 个工作日）。") % {"n": days[0]}
        problems.append(RowError(message, "promised_days"))
    return values, problems


def _material(row: dict) -> tuple[dict, list[RowError]]:
    values, problems = SHEETS[MATERIALS].values(row)
    for key in ("notes", "sample"):
        values.setdefault(key, "")
    return values, problems


@dataclass
class CatalogueSheet:
    """A checked workbook: items to create with their materials, items changed (with
    their new materials, or None to keep them), and how many rows changed nothing."""

    new: list[tuple[ServiceItem, list[Material]]] = field(default_factory=list)
    changed: list[tuple[ServiceItem, list[Material] | None]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged

    def counts(self) -> dict:
        materials = sum(len(m) for _item, m in [*self.new, *self.changed] if m is not None)
        return {
            "rows": self.rows,
            "created": len(self.new),
            "updated": len(self.changed),
            "unchanged": self.unchanged,
            "materials": materials,
        }


def _same_materials(stored, new: list[dict]) -> bool:
    """Whether the stored materials are the new ones in the same order (sort numbers
    aside: the sheet's order is the order)."""
    old = [tuple(getattr(m, name) for name in MATERIAL_FIELDS) for m in stored]
    return old == [tuple(m[name] for name in MATERIAL_FIELDS) for m in new]


def _apply(item: ServiceItem, values: dict) -> bool:
    """Set the row's values on the item; True if anything changed."""
    changed = False
    for key, value in values.items():
        if key == "group":
            if item.group_id != value.pk:
                item.group = value
                changed = True
        elif getattr(item, key) != value:
            setattr(item, key, value)
            changed = True
    return changed


def _materials(values: list[dict]) -> list[Material]:
    return [Material(sort=sort, **m) for sort, m in enumerate(values)]


def _item_code(row: dict, seen: dict[str, int]) -> str:
    code = _code(row, "code")
    if code in seen:
        raise RowError(_("事项编码与第 %(row)d 行重复。") % {"row": seen[code]}, "code")
    seen[code] = row["row"]
    return code


def _material_code(row: dict, seen: dict[str, int]) -> str:
    code = _code(row, "item_code")
    if code not in seen:
        raise RowError(_("“事项”表中没有这个事项编码。"), "item_code")
    return code


def _checked(sheet: str, rows: list[dict], check, code_of, problems: list) -> list[tuple]:
    """(code, values) of each good row of one sheet; each bad cell goes to `problems`."""
    good = []
    for row in rows:
        values, row_problems = check(row)
        try:
            code = code_of(row)
        except RowError as exc:
            row_problems.insert(0, exc)
        problems += [SHEETS[sheet].problem(row, exc, column_key(sheet, "")) for exc in row_problems]
        if not row_problems:
            good.append((code, values))
    return good


def check_catalogue(street, rows: CatalogueRows) -> CatalogueSheet:
    """Check every row of both sheets against the street's window groups; raise
    ImportRejected listing every problem by sheet, row and column."""
    groups, seen = _Groups(street), {}
    problems = []
    check_item, item_code = partial(_item, groups=groups), partial(_item_code, seen=seen)
    parsed = _checked(ITEMS, rows.items, check_item, item_code, problems)
    materials: dict[str, list[dict]] | None = None
    if rows.materials is not None:
        materials = {code: [] for code in seen}
        material_code = partial(_material_code, seen=seen)
        for code, values in _checked(MATERIALS, rows.materials, _material, material_code, problems):
            materials[code].append(values)
    if problems:
        order = {column_key(s, k): i for s, plan in SHEETS.items() for k, i in plan.order().items()}
        problems.sort(
            key=lambda p: (p.column.startswith(MATERIALS), p.row, order.get(p.column, 99))
        )
        raise ImportRejected(problems)
    return _plan(street, parsed, materials)


def _plan(street, parsed, materials) -> CatalogueSheet:
    items = ServiceItem.objects.filter(street=street).prefetch_related("materials")
    stored = records_by(items, "code", (code for code, _values in parsed))
    sheet = CatalogueSheet()
    for code, values in parsed:
        new_materials = None if materials is None else materials[code]
        item = stored.get(code)
        if item is None:
            item = ServiceItem(street=street, code=code)
            _apply(item, values)
            sheet.new.append((fill_search_keys(item), _materials(new_materials or [])))
            continue
        changed = _apply(item, values)
        if changed:
            fill_search_keys(item)
        if new_materials is not None and _same_materials(item.materials.all(), new_materials):
            new_materials = None
        if changed or new_materials is not None:
            sheet.changed.append(
                (item, None if new_materials is None else _materials(new_materials))
            )
        else:
            sheet.unchanged += 1
    return sheet


def read_and_check(street, path_or_file, filename: str) -> CatalogueSheet:
    return check_catalogue(street, read_catalogue(path_or_file, filename))


# --- writing the file ------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def item_rows(items):
    for item in items:
        yield (
            item.code,
            item.name,
            item.aliases,
            Theme(item.theme).label,
            item.department,
            item.legal_basis,
            item.authority,
            item.conditions,
            item.statutory_days,
            item.promised_days,
            item.fee,
            f"{item.group.letter} {item.group.name}",
            _yes_no(item.online),
            ItemStatus(item.status).label,
        )


def material_rows(materials):
    for code, name, form, count, notes, sample in materials:
        yield (code, name, MaterialForm(form).label, count, notes, sample)


def _append(worksheet, values, font=None) -> None:
    cells = []
    for value in values:
        cell = WriteOnlyCell(worksheet, value=safe_cell(value))
        if font is not None:
            cell.font = font
        cells.append(cell)
    worksheet.append(cells)


def catalogue_xlsx(items) -> bytes:
    """The items (a queryset of one street's items) and their materials as a workbook;
    every cell goes through `safe_cell`, so no text becomes a formula."""
    items = items.select_related("group").order_by("code")
    materials = (
        Material.objects.filter(item__in=items.values("pk"))
        .order_by("item__code", "sort", "id")
        .values_list("item__code", *MATERIAL_FIELDS)
    )
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, rows in ((ITEMS, item_rows(items)), (MATERIALS, material_rows(materials))):
        worksheet = workbook.create_sheet(title=str(SHEET_TITLES[sheet]))
        _append(worksheet, [str(c.label) for c in SHEETS[sheet].columns], bold)
        for row in rows:
            _append(worksheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalogue_response(street, items) -> HttpResponse:
    response = HttpResponse(catalogue_xlsx(items), content_type=XLSX_TYPE)
    filename = f"service-items-{street.code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
