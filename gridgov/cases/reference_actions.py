"""Writes to the case loop's reference tables: categories (versioned by date), the
categories each department takes, and the working-time calendar.

Only users with "cases.reference" (system administrator, street staff) may call them.
A category is never edited under the cases already reported against it: a change
closes the version in force and adds a new one from its effective date, so every case
keeps the limits it was reported under (the case points at its version row).
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Department
from gridgov.cases import calendar
from gridgov.cases.choices import CategoryKind
from gridgov.cases.models import Category, DayKind, DepartmentCategory, SpecialDay, WorkYear
from gridgov.cases.worktime import Unit
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import area_path_q

CAPABILITY = "cases.reference"
# C/E/G and two digits is a big class (大类); two more digits make a sub-class (小类).
CODE_RE = re.compile(r"^[CEG]\d{2}(\d{2})?$")
KIND_BY_LETTER = {
    "C": CategoryKind.COMPONENT,
    "E": CategoryKind.EVENT,
    "G": CategoryKind.GRID_MATTER,
}
STEPS = ("accept", "dispatch", "handle", "follow_up")
LIMIT_FIELDS = tuple(f"{step}_limit" for step in STEPS)
UNIT_FIELDS = tuple(f"{step}_unit" for step in STEPS)
FIELDS = (
    "name",
    "parent_code",
    "kind",
    "default_department",
    "standard",
    *(name for step in STEPS for name in (f"{step}_limit", f"{step}_unit")),
)
MAX_LIMIT = Decimal("9999.99")
MAX_STANDARD_CHARS = 2000
YEARS = range(2000, 2101)


def _today() -> dt.date:
    return timezone.localdate()


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(_("时限应为数字。"), field) from None
    if not amount.is_finite() or amount <= 0:
        raise ActionError(_("时限应大于 0。"), field)
    if amount > MAX_LIMIT or amount != amount.quantize(Decimal("0.01")):
        raise ActionError(_("时限最多 9999.99，至多两位小数。"), field)
    return amount.quantize(Decimal("0.01"))


class CategoryRules:
    """The checks of one category version, shared by the form and the sheet import.

    `known_kinds` maps the codes a sub-class may hang under to their kind: the big
    classes in force on the effective date, plus those of the same sheet.
    """

    def __init__(self, effective: dt.date, extra_kinds: dict[str, str] | None = None):
        self.effective = effective
        versions = Category.objects.current(effective).select_related("default_department")
        self.current = {c.code: c for c in versions}
        self.known_kinds = {code: c.kind for code, c in self.current.items()}
        self.known_kinds.update(extra_kinds or {})

    @staticmethod
    def departments_for(user):
        """The departments serving the user's area (the ones a form may offer)."""
        return Department.objects.filter(area_path_q(user, "area__path")).select_related("area")

    @staticmethod
    def kind_of(code: str) -> str:
        """The kind a code's letter stands for (C 部件, E 事件, G 网格事项)."""
        return KIND_BY_LETTER.get(code[:1], "")

    @staticmethod
    def clean_code(code) -> str:
        code = str(code if code is not None else "").strip().upper()
        if not CODE_RE.match(code):
            raise ActionError(
                _("编码应为 C、E 或 G 加两位数字（大类），小类再加两位数字，如 E01、E0102。"),
                "code",
            )
        return code

    def clean(self, code: str, given: dict) -> dict:
        """All FIELDS of the version `code` would have: the version in force, changed by
        `given`. Raises ActionError naming the first wrong field."""
        unknown = set(given) - set(FIELDS)
        if unknown:
            raise ActionError(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
        current = self.current.get(code)
        values = {name: getattr(current, name) for name in FIELDS} if current else {}
        values.update(given)
        cleaned = {"name": str(values.get("name") or "").strip()}
        if not cleaned["name"]:
            raise ActionError(_("请填写名称。"), "name")
        if len(cleaned["name"]) > 60:
            raise ActionError(_("名称最多 60 个字。"), "name")
        cleaned["parent_code"] = self._parent(code, values.get("parent_code"))
        cleaned["kind"] = self._kind(code, values.get("kind"), cleaned["parent_code"])
        cleaned["default_department"] = self._department(values.get("default_department"))
        cleaned["standard"] = str(values.get("standard") or "").strip()
        if len(cleaned["standard"]) > MAX_STANDARD_CHARS:
            raise ActionError(_("立案结案标准最多 2000 个字。"), "standard")
        for limit, unit in zip(LIMIT_FIELDS, UNIT_FIELDS, strict=True):
            if values.get(limit) in (None, ""):
                raise ActionError(_("请填写时限。"), limit)
            cleaned[limit] = _decimal(values[limit], limit)
            if values.get(unit) not in Unit.values:
                raise ActionError(_("单位应为自然小时、工作小时或工作日。"), unit)
            cleaned[unit] = str(values[unit])
        return cleaned

    def _parent(self, code: str, given) -> str:
        expected = code[:3] if len(code) == 5 else ""
        given = str(given or "").strip().upper()
        if given and given != expected:
            if expected:
                raise ActionError(
                    _("小类 %(code)s 的上级编码应为 %(parent)s。")
                    % {"code": code, "parent": expected},
                    "parent_code",
                )
            raise ActionError(_("大类没有上级编码。"), "parent_code")
        if expected and expected not in self.known_kinds:
            raise ActionError(
                _("上级类别 %(parent)s 不存在，请先添加大类。") % {"parent": expected},
                "parent_code",
            )
        return expected

    def _kind(self, code: str, given, parent_code: str) -> str:
        expected = KIND_BY_LETTER[code[0]]
        kind = str(given or expected)
        if kind not in CategoryKind.values:
            raise ActionError(_("类型应为部件、事件或网格事项。"), "kind")
        if parent_code and kind != self.known_kinds[parent_code]:
            raise ActionError(
                _("类型与上级类别 %(parent)s 不一致。") % {"parent": parent_code}, "kind"
            )
        if kind != expected:
            raise ActionError(
                _("编码以 %(letter)s 开头的类别，类型应为“%(kind)s”。")
                % {"letter": code[0], "kind": expected.label},
                "kind",
            )
        return kind

    @staticmethod
    def _department(value):
        if value in (None, ""):
            return None
        if not isinstance(value, Department):
            value = Department.objects.filter(pk=value).first()
        if value is None or not value.is_active:
            raise ActionError(_("默认处置部门不存在或已停用。"), "default_department")
        return value


def _snapshot(category: Category) -> dict:
    return audit.snapshot(category, ("code", *FIELDS, "valid_from", "valid_until"))


def _write_version(code: str, cleaned: dict, effective: dt.date):
    """Save `cleaned` as the version of `code` from `effective`.

    Returns (row, before) — before is None for a new code — or None when nothing
    changed. The version in force is updated in place only when it starts on the
    effective date; otherwise it is closed there and a new row carries on until the
    old one would have ended (a later version already planned stays as it is).
    """
    rows = Category.objects.select_for_update().filter(code=code)
    current = rows.current(effective).first()
    if current is not None:
        if all(getattr(current, name) == value for name, value in cleaned.items()):
            return None
        before = _snapshot(current)
        if current.valid_from == effective:
            for name, value in cleaned.items():
                setattr(current, name, value)
            current.save()
            return current, before
        until = current.valid_until
        current.valid_until = effective
        current.save(update_fields=["valid_until"])
    else:
        before = None
        later = rows.filter(valid_from__gt=effective).order_by("valid_from").first()
        until = later.valid_from if later else None
    row = Category.objects.create(code=code, valid_from=effective, valid_until=until, **cleaned)
    return row, before


def save_category(actor, code, *, effective: dt.date | None = None, **fields) -> Category:
    """Create a category or a new version of one, in force from `effective` (today).

    Fields left out keep the values of the version in force. Returns the version in
    force from `effective` (unchanged when nothing differs; no audit row then).
    """
    check_capability(actor, CAPABILITY)
    effective = effective or _today()
    rules = CategoryRules(effective)
    code = rules.clean_code(code)
    cleaned = rules.clean(code, fields)
    try:
        with transaction.atomic():
            written = _write_version(code, cleaned, effective)
            if written is None:
                return rules.current[code]
            row, before = written
            audit.record(actor, "category.save", row, before=before, after=_snapshot(row))
    except IntegrityError:
        raise ActionError(_("类别刚被其他人修改，请刷新后重试。"), status=409) from None
    return row


def import_categories(actor, rows: list[dict], effective: dt.date) -> dict:
    """Apply a checked category sheet: every row or none, one audit row for the file.

    `rows` are {"code": ..., field: value}; big classes are written before their
    sub-classes. Returns counts {"created", "updated", "unchanged"}.
    """
    check_capability(actor, CAPABILITY)
    rows = sorted(rows, key=lambda r: (len(r["code"]), r["code"]))
    rules = CategoryRules(
        effective,
        {
            r["code"]: r.get("kind") or CategoryRules.kind_of(r["code"])
            for r in rows
            if len(r["code"]) == 3
        },
    )
    plan = []
    for row in rows:
        code = rules.clean_code(row["code"])
        plan.append((code, rules.clean(code, {k: v for k, v in row.items() if k != "code"})))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    try:
        with transaction.atomic():
            for code, cleaned in plan:
                written = _write_version(code, cleaned, effective)
                key = "unchanged" if written is None else "updated" if written[1] else "created"
                counts[key] += 1
            audit.record(
                actor,
                "category.import",
                None,
                object_type="cases.category",
                object_repr=_("%(n)d 个类别") % {"n": len(plan)},
                after={"effective": effective.isoformat(), **counts},
            )
    except IntegrityError:
        raise ActionError(_("类别刚被其他人修改，请重新导入。"), status=409) from None
    return counts


def set_department_categories(actor, department: Department, codes) -> list[str]:
    """Make `codes` the categories `department` takes (a department outside the
    actor's area is a 404, like one that does not exist)."""
    check_capability(actor, CAPABILITY)
    if not CategoryRules.departments_for(actor).filter(pk=department.pk).exists():
        raise ActionError(_("部门不存在。"), status=404)
    wanted = sorted({str(code).strip().upper() for code in codes})
    known = set(Category.objects.current().values_list("code", flat=True))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ActionError(_("类别不存在：%(codes)s") % {"codes": "、".join(unknown)}, "codes")
    with transaction.atomic():
        taken = DepartmentCategory.objects.select_for_update().filter(department=department)
        before = sorted(taken.values_list("category_code", flat=True))
        if before == wanted:
            return wanted
        taken.exclude(category_code__in=wanted).delete()
        DepartmentCategory.objects.bulk_create(
            [
                DepartmentCategory(department=department, category_code=code)
                for code in wanted
                if code not in before
            ]
        )
        audit.record(
            actor,
            "department.set_categories",
            department,
            before={"codes": before},
            after={"codes": wanted},
        )
    return wanted


HOUR_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


def save_work_year(
    actor, year: int, morning_start, morning_end, afternoon_start, afternoon_end
) -> WorkYear:
    """Set a year's working hours; the periods must follow each other in order."""
    check_capability(actor, CAPABILITY)
    if year not in YEARS:
        raise ActionError(_("年度应在 2000 至 2100 之间。"), "year")
    times = (morning_start, morning_end, afternoon_start, afternoon_end)
    hours = dict(zip(HOUR_FIELDS, times, strict=True))
    for name, value in hours.items():
        if not isinstance(value, dt.time):
            raise ActionError(_("请填写时间，如 08:30。"), name)
    if not hours["morning_start"] < hours["morning_end"]:
        raise ActionError(_("上午下班应晚于上午上班。"), "morning_end")
    if not hours["morning_end"] <= hours["afternoon_start"]:
        raise ActionError(_("下午上班不能早于上午下班。"), "afternoon_start")
    if not hours["afternoon_start"] < hours["afternoon_end"]:
        raise ActionError(_("下午下班应晚于下午上班。"), "afternoon_end")
    with transaction.atomic():
        work_year = WorkYear.objects.select_for_update().filter(year=year).first()
        before = audit.snapshot(work_year, ("year", *HOUR_FIELDS)) if work_year else None
        work_year = work_year or WorkYear(year=year)
        for name, value in hours.items():
            setattr(work_year, name, value)
        work_year.save()
        after = audit.snapshot(work_year, ("year", *HOUR_FIELDS))
        audit.record(actor, "calendar.save_year", work_year, before=before, after=after)
        calendar.forget()
    return work_year


class DayRules:
    """The checks of one holiday or make-up day, shared by the page and the sheet."""

    @staticmethod
    def clean(date, kind, name) -> tuple[dt.date, str, str]:
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime) or date.year not in YEARS:
            raise ActionError(_("请填写日期。"), "date")
        if kind not in DayKind.values:
            raise ActionError(_("类型应为法定节假日或调休上班。"), "kind")
        if kind == DayKind.MAKEUP and date.weekday() < 5:
            raise ActionError(_("调休上班日应为周六或周日。"), "kind")
        name = str(name or "").strip()
        if len(name) > 30:
            raise ActionError(_("名称最多 30 个字。"), "name")
        return date, kind, name


def _save_day(actor, date: dt.date, kind: str, name: str) -> SpecialDay | None:
    day = SpecialDay.objects.select_for_update().filter(date=date).first()
    if day is not None and (day.kind, day.name) == (kind, name):
        return None
    before = audit.snapshot(day, ("date", "kind", "name")) if day else None
    day = day or SpecialDay(date=date)
    day.kind, day.name = kind, name
    day.save()
    after = audit.snapshot(day, ("date", "kind", "name"))
    audit.record(actor, "calendar.save_day", day, before=before, after=after)
    calendar.forget()
    return day


def _delete_day(actor, day: SpecialDay) -> None:
    before = audit.snapshot(day, ("date", "kind", "name"))
    audit.record(actor, "calendar.delete_day", day, before=before)
    calendar.forget()
    day.delete()


def save_special_day(actor, date: dt.date, kind: str, name: str = "") -> SpecialDay:
    """Mark a day as a public holiday or a make-up working day (replacing what it was)."""
    check_capability(actor, CAPABILITY)
    date, kind, name = DayRules.clean(date, kind, name)
    with transaction.atomic():
        return _save_day(actor, date, kind, name) or SpecialDay.objects.get(date=date)


def delete_special_day(actor, date: dt.date) -> None:
    """Make a day ordinary again (a weekday works, a weekend day is off)."""
    check_capability(actor, CAPABILITY)
    with transaction.atomic():
        day = SpecialDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise ActionError(_("这一天不是节假日或调休日。"), "date", status=404)
        _delete_day(actor, day)


def replace_special_days(actor, year: int, days: list[tuple]) -> dict:
    """Make `days` [(date, kind, name)] the year's holidays and make-up days: the
    imported schedule replaces the year's, all or nothing (one audit row per day
    changed). Returns counts {"saved", "deleted", "unchanged"}."""
    check_capability(actor, CAPABILITY)
    if year not in YEARS:
        raise ActionError(_("年度应在 2000 至 2100 之间。"), "year")
    cleaned = [DayRules.clean(*day) for day in days]
    if any(date.year != year for date, _kind, _name in cleaned):
        raise ActionError(_("日期应在 %(year)d 年内。") % {"year": year}, "date")
    wanted = {date for date, _kind, _name in cleaned}
    counts = {"saved": 0, "deleted": 0, "unchanged": 0}
    with transaction.atomic():
        stored = SpecialDay.objects.select_for_update().filter(date__year=year)
        for day in stored.exclude(date__in=wanted):
            _delete_day(actor, day)
            counts["deleted"] += 1
        for date, kind, name in cleaned:
            counts["saved" if _save_day(actor, date, kind, name) else "unchanged"] += 1
    return counts
