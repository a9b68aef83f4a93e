"""Pages to keep the case loop's reference tables: the category tree and its versions,
which categories each department takes, and the working-time calendar of each year.

Only "cases.reference" (system administrator, street staff) may open them. Every
change calls one function of `reference_actions`; sheet imports check the whole file
first (see `reference_io`) and, when refused, show the row-by-row report, which stays
in the session under a random id so it can be downloaded without a new upload.
"""

import calendar as stdcal
import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.cases import reference_actions as actions
from gridgov.cases import reference_io
from gridgov.cases.choices import CategoryKind
from gridgov.cases.forms import STEP_LABELS, CategoryForm, DayForm, HoursForm, date_input
from gridgov.cases.models import Category, DayKind, DepartmentCategory, SpecialDay, WorkYear
from gridgov.cases.worktime import DEFAULT_PERIODS, Unit
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.uploads import (
    ImportReports,
    SheetImportForm,
    run_import,
)

CAPABILITY = "cases.reference"
REPORTS = ImportReports(
    "cases.reference_reports",
    {"categories": reference_io.CATEGORY_SHEET.label, "days": reference_io.DAY_SHEET.label},
    "cases:reference_import_report",
)
DEPARTMENTS_PER_PAGE = 50


class ImportForm(SheetImportForm):
    """An .xlsx within the size limit and "only check"; the pages explain the columns."""


class CategoryImportForm(ImportForm):
    effective = forms.DateField(label=gettext_lazy("生效日期"), widget=date_input())


# --- import reports ------------------------------------------------------------------


@requires(CAPABILITY)
def reference_import_report(request, report_id: str):
    return REPORTS.download(request, report_id)


# --- categories ----------------------------------------------------------------------


def _step_limits(category) -> list[tuple]:
    return [(label, *category.limit(step)) for step, label in STEP_LABELS]


@requires(CAPABILITY)
def reference_categories(request):
    """The tree in force today: big classes of each kind, each with its sub-classes."""
    versions = Category.objects.current().select_related("default_department").order_by("code")
    history = dict(
        Category.objects.values_list("code").annotate(n=Count("id")).values_list("code", "n")
    )
    by_code = {c.code: {"category": c, "children": []} for c in versions if not c.parent_code}
    orphans = []
    for c in versions:
        if c.parent_code:
            parent = by_code.get(c.parent_code)
            (parent["children"] if parent else orphans).append(c)
    for c in versions:
        c.versions = history.get(c.code, 1)
        c.steps = [(label, amount, Unit(unit).label) for label, amount, unit in _step_limits(c)]
    groups = [
        {"kind": label, "classes": [g for g in by_code.values() if g["category"].kind == kind]}
        for kind, label in CategoryKind.choices
    ]
    context = {"groups": groups, "orphans": orphans, "steps": STEP_LABELS, "count": len(versions)}
    return render(request, "cases/reference_categories.html", context)


def _category_initial(category: Category | None, parent: Category | None) -> dict:
    initial = {"effective": timezone.localdate()}
    source = category or parent
    if source is not None:
        initial |= {
            name: getattr(source, name)
            for name in actions.FIELDS
            if name not in ("name", "parent_code")
        }
    if category is not None:
        initial |= {"code": category.code, "name": category.name}
    elif parent is not None:
        initial["code"] = parent.code
    return initial


def _category_form_page(request, category: Category | None):
    parent = None
    if category is None and request.GET.get("parent"):
        parent = Category.objects.current().filter(code=request.GET["parent"]).first()
    editing = category is not None
    form = CategoryForm(
        request.POST or None,
        user=request.user,
        editing=editing,
        initial=_category_initial(category, parent),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code, effective = data.pop("code"), data.pop("effective")
        if not editing and Category.objects.filter(code=code.strip().upper()).exists():
            form.add_error("code", _("编码 %(code)s 已存在，请修改该类别。") % {"code": code})
        else:
            try:
                saved = actions.save_category(request.user, code, effective=effective, **data)
            except ActionError as exc:
                exc.show_on(form)
            else:
                messages.success(
                    request,
                    _("已保存类别 %(category)s，自 %(date)s 起生效。")
                    % {"category": saved, "date": effective.isoformat()},
                )
                return redirect("cases:reference_categories")
    versions = []
    if editing:
        versions = Category.objects.filter(code=category.code).select_related("default_department")
        versions = versions.order_by("-valid_from")
        for version in versions:
            version.steps = [(label, a, Unit(u).label) for label, a, u in _step_limits(version)]
    context = {"form": form, "category": category, "versions": versions, "steps": STEP_LABELS}
    return render(request, "cases/reference_category_form.html", context)


@requires(CAPABILITY)
def reference_category_new(request):
    return _category_form_page(request, None)


@requires(CAPABILITY)
def reference_category_edit(request, code: str):
    category = Category.objects.current().filter(code=code).first()
    if category is None:
        raise Http404
    return _category_form_page(request, category)


@requires(CAPABILITY)
def reference_category_import(request):
    def run(upload, data) -> str:
        effective = data["effective"]
        sheet = reference_io.read_categories(request.user, upload, upload.name, effective)
        counts = {"created": sheet.created, "updated": sheet.updated}
        counts |= {"unchanged": sheet.unchanged, "date": effective.isoformat()}
        if data["dry_run"]:
            message = _(
                "检查通过：将新建 %(created)d 个类别、修改 %(updated)d 个，"
                "%(unchanged)d 个没有变化（自 %(date)s 起生效）。未写入任何数据。"
            )
        else:
            counts |= actions.import_categories(request.user, sheet.rows, effective)
            message = _(
                "导入完成：新建 %(created)d 个类别，修改 %(updated)d 个，"
                "%(unchanged)d 个没有变化，自 %(date)s 起生效。"
            )
        return message % counts

    form = CategoryImportForm(
        request.POST or None, request.FILES or None, initial={"effective": timezone.localdate()}
    )
    done_url = reverse("cases:reference_categories")
    outcome = run_import(request, form, run, REPORTS, done_url, kind="categories")
    context = {"form": form, "report": outcome.report}
    return outcome.done or render(request, "cases/reference_import.html", context)


@requires(CAPABILITY)
def reference_category_export(request):
    try:
        on = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    return reference_io.categories_response(on)


# --- departments ---------------------------------------------------------------------


@requires(CAPABILITY)
def reference_departments(request):
    departments = actions.CategoryRules.departments_for(request.user).order_by("area__code", "name")
    page = Paginator(departments, DEPARTMENTS_PER_PAGE).get_page(request.GET.get("page"))
    takes: dict[int, list[str]] = {}
    rows = DepartmentCategory.objects.filter(department__in=[d.pk for d in page])
    for department_id, code in rows.order_by("category_code").values_list(
        "department_id", "category_code"
    ):
        takes.setdefault(department_id, []).append(code)
    for department in page:
        department.codes = takes.get(department.pk, [])
    return render(request, "cases/reference_departments.html", {"page": page})


@requires(CAPABILITY)
def reference_department_edit(request, pk: int):
    department = actions.CategoryRules.departments_for(request.user).filter(pk=pk).first()
    if department is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            actions.set_department_categories(
                request.user, department, request.POST.getlist("codes")
            )
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("已保存 %(name)s 承办的类别。") % {"name": department})
            return redirect("cases:reference_departments")
    taken = set(department.takes.values_list("category_code", flat=True))
    if request.method == "POST":
        taken = set(request.POST.getlist("codes"))
    versions = Category.objects.current().order_by("code").only("code", "name", "parent_code")
    classes = {c.code: {"category": c, "children": []} for c in versions if not c.parent_code}
    for c in versions:
        c.taken = c.code in taken
        if c.parent_code in classes:
            classes[c.parent_code]["children"].append(c)
    context = {"department": department, "classes": classes.values(), "error": error}
    return render(request, "cases/reference_department_form.html", context)


# --- calendar ------------------------------------------------------------------------


def _year_or_404(year: int) -> int:
    if year not in actions.YEARS:
        raise Http404
    return year


def _month_grids(year: int, days: dict) -> list[dict]:
    """Twelve month tables (Monday first) marking working days, days off, public
    holidays and make-up working days."""
    today = timezone.localdate()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in stdcal.Calendar().monthdatescalendar(year, month):
            cells = []
            for day in week:
                special = days.get(day)
                if day.month != month:
                    state = "outside"
                elif special is not None:
                    state = special.kind
                else:
                    state = "weekend" if day.weekday() >= 5 else "work"
                title = special.name if special is not None and day.month == month else ""
                cells.append({"day": day, "state": state, "title": title, "today": day == today})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def _calendar_page(request, year: int, *, hours_form=None, day_form=None, import_form=None):
    report = getattr(import_form, "report", None)
    work_year = WorkYear.objects.filter(year=year).first()
    if hours_form is None:
        (ms, me), (as_, ae) = DEFAULT_PERIODS
        if work_year is not None:
            ms, me = work_year.morning_start, work_year.morning_end
            as_, ae = work_year.afternoon_start, work_year.afternoon_end
        hours_form = HoursForm(
            initial={
                "morning_start": ms,
                "morning_end": me,
                "afternoon_start": as_,
                "afternoon_end": ae,
            }
        )
    days = list(SpecialDay.objects.filter(date__year=year).order_by("date"))
    context = {
        "year": year,
        "work_year": work_year,
        "hours_form": hours_form,
        "day_form": day_form or DayForm(initial={"kind": DayKind.HOLIDAY}),
        "import_form": import_form or ImportForm(),
        "report": report,
        "days": days,
        "holidays": sum(1 for d in days if d.kind == DayKind.HOLIDAY),
        "makeups": sum(1 for d in days if d.kind == DayKind.MAKEUP),
        "months": _month_grids(year, {d.date: d for d in days}),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "years": [year - 1, year, year + 1],
    }
    return render(request, "cases/reference_calendar.html", context)


@requires(CAPABILITY)
def reference_calendar(request, year: int | None = None):
    return _calendar_page(request, _year_or_404(year or timezone.localdate().year))


@requires(CAPABILITY)
@require_POST
def reference_calendar_hours(request, year: int):
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            actions.save_work_year(request.user, _year_or_404(year), **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已保存 %(year)d 年的工作时间。") % {"year": year})
            return redirect("cases:reference_calendar_year", year=year)
    return _calendar_page(request, year, hours_form=form)


@requires(CAPABILITY)
@require_POST
def reference_calendar_day_add(request, year: int):
    form = DayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["date"].year != _year_or_404(year):
                raise ActionError(_("日期应在 %(year)d 年内。") % {"year": year}, "date")
            actions.save_special_day(request.user, data["date"], data["kind"], data["name"])
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已保存 %(date)s。") % {"date": data["date"].isoformat()})
            return redirect("cases:reference_calendar_year", year=year)
    return _calendar_page(request, year, day_form=form)


@requires(CAPABILITY)
@require_POST
def reference_calendar_day_delete(request, year: int):
    try:
        date = dt.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        raise Http404 from None
    if date.year != year:
        raise Http404
    try:
        actions.delete_special_day(request.user, date)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(date)s。") % {"date": date.isoformat()})
    return redirect("cases:reference_calendar_year", year=year)


@requires(CAPABILITY)
@require_POST
def reference_calendar_import(request, year: int):
    def run(upload, data) -> str:
        days = reference_io.read_days(upload, upload.name, _year_or_404(year))
        if data["dry_run"]:
            return _(
                "检查通过：共 %(n)d 天，导入后将替换 %(year)d 年的节假日与调休。未写入任何数据。"
            ) % {"n": len(days), "year": year}
        counts = actions.replace_special_days(request.user, year, days)
        return (
            _("导入完成：保存 %(saved)d 天，删除 %(deleted)d 天，%(unchanged)d 天没有变化。")
            % counts
        )

    form = ImportForm(request.POST, request.FILES)
    done_url = reverse("cases:reference_calendar_year", args=[year])
    outcome = run_import(request, form, run, REPORTS, done_url, kind="days")
    form.report = outcome.report
    return outcome.done or _calendar_page(request, year, import_form=form)


@requires(CAPABILITY)
def reference_calendar_export(request, year: int):
    return reference_io.days_response(_year_or_404(year))
