"""The reference tables' writes: category versions by date, their checks, departments'
categories and the working-time calendar — each refused for other roles, each audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases import reference_actions as ra
from gridgov.cases.calendar import load_calendar
from gridgov.cases.holidays import seed_holidays_2026
from gridgov.cases.models import Category, DepartmentCategory, SpecialDay, WorkYear
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import make_user

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def admin(personas):
    return personas["system_admin"]


@pytest.fixture
def street_staff(tree):
    return make_user("street_staff", Role.STREET_STAFF, tree["street"])


def _limits(**overrides):
    values = {
        "accept_limit": "0.25",
        "accept_unit": "clock_hours",
        "dispatch_limit": "1",
        "dispatch_unit": "work_hours",
        "handle_limit": "3",
        "handle_unit": "work_days",
        "follow_up_limit": "1",
        "follow_up_unit": "work_days",
    }
    return values | overrides


def test_it_adds_a_new_version_and_closes_the_one_in_force(admin):
    old = Category.objects.current(TODAY).get(code="E0102")
    row = ra.save_category(admin, "E0102", effective=TODAY, handle_limit="6")
    old.refresh_from_db()
    assert old.valid_until == TODAY
    assert (row.valid_from, row.valid_until, row.handle_limit) == (TODAY, None, Decimal("6"))
    assert row.name == old.name and row.handle_unit == old.handle_unit
    assert Category.objects.current(TODAY).get(code="E0102") == row
    assert Category.objects.current(TODAY - dt.timedelta(days=1)).get(code="E0102") == old
    entry = AuditEntry.objects.get(action="category.save")
    assert entry.before["handle_limit"] == "4.00" and entry.after["handle_limit"] == "6.00"


def test_it_updates_in_place_a_version_that_starts_on_the_effective_date(admin):
    first = ra.save_category(admin, "E0102", effective=TODAY, handle_limit="6")
    second = ra.save_category(admin, "E0102", effective=TODAY, handle_limit="7")
    assert second.pk == first.pk and second.handle_limit == Decimal("7")
    assert Category.objects.filter(code="E0102").count() == 2
    assert AuditEntry.objects.filter(action="category.save").count() == 2


def test_a_version_between_two_keeps_the_later_one(admin):
    later = ra.save_category(admin, "E0102", effective=TODAY + dt.timedelta(days=30), name="新")
    middle = ra.save_category(admin, "E0102", effective=TODAY, handle_limit="5")
    assert middle.valid_until == later.valid_from
    assert Category.objects.current(TODAY + dt.timedelta(days=31)).get(code="E0102") == later


def test_saving_the_same_values_writes_nothing(admin):
    current = Category.objects.current(TODAY).get(code="E0102")
    assert ra.save_category(admin, "E0102", effective=TODAY, name=current.name) == current
    assert Category.objects.filter(code="E0102").count() == 1
    assert not AuditEntry.objects.filter(action="category.save").exists()


def test_old_cases_keep_the_limits_they_were_reported_under(admin, report):
    case = report()
    ra.save_category(admin, "E0102", handle_limit="10", handle_unit="work_days")
    case.refresh_from_db()
    assert case.category.limit("handle") == (Decimal("4.00"), "work_hours")
    assert Category.objects.current().get(code="E0102").limit("handle") == (
        Decimal("10.00"),
        "work_days",
    )


def test_it_creates_a_big_class_and_a_sub_class(admin, department):
    ra.save_category(admin, "E09", name="新大类", **_limits())
    row = ra.save_category(
        admin, "E0901", name="新小类", default_department=department, **_limits()
    )
    assert (row.parent_code, row.kind, row.default_department) == ("E09", "event", department)


@pytest.mark.parametrize(
    ("code", "fields", "field"),
    [
        ("X01", {"name": "甲"}, "code"),
        ("E1", {"name": "甲"}, "code"),
        ("E010101", {"name": "甲"}, "code"),
        ("E0999", {"name": "甲"}, "parent_code"),
        ("E0199", {"name": ""}, "name"),
        ("E0199", {"name": "甲" * 61}, "name"),
        ("E0199", {"name": "甲", "kind": "component"}, "kind"),
        ("E09", {"name": "甲", "kind": "grid_matter"}, "kind"),
        ("E0199", {"name": "甲", "parent_code": "E02"}, "parent_code"),
        ("E0199", {"name": "甲", "handle_limit": "0"}, "handle_limit"),
        ("E0199", {"name": "甲", "handle_limit": "-1"}, "handle_limit"),
        ("E0199", {"name": "甲", "handle_limit": "abc"}, "handle_limit"),
        ("E0199", {"name": "甲", "handle_limit": "1.234"}, "handle_limit"),
        ("E0199", {"name": "甲", "accept_unit": "minutes"}, "accept_unit"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(admin, code, fields, field):
    with pytest.raises(ActionError) as refused:
        ra.save_category(admin, code, **(_limits() | fields))
    assert refused.value.field == field
    assert not Category.objects.filter(code=code).exists() or code == "E0102"
    assert not AuditEntry.objects.filter(action="category.save").exists()


def test_it_refuses_an_inactive_department(admin, department):
    department.is_active = False
    department.save()
    with pytest.raises(ActionError) as refused:
        ra.save_category(admin, "E0102", default_department=department)
    assert refused.value.field == "default_department"


@pytest.mark.parametrize("role", ["dispatcher", "grid_worker", "stranger", "department_staff"])
def test_other_roles_may_not_touch_the_reference_tables(personas, dispatcher, role, department):
    actor = dispatcher if role == "dispatcher" else personas[role]
    with pytest.raises(PermissionDenied):
        ra.save_category(actor, "E0102", handle_limit="6")
    with pytest.raises(PermissionDenied):
        ra.save_work_year(actor, 2026, dt.time(9), dt.time(12), dt.time(14), dt.time(18))
    with pytest.raises(PermissionDenied):
        ra.set_department_categories(actor, department, ["E0102"])
    with pytest.raises(PermissionDenied):
        ra.save_special_day(actor, dt.date(2026, 1, 1), "holiday", "元旦")


def test_street_staff_may_edit_too(street_staff):
    assert ra.save_category(street_staff, "E0102", handle_limit="5").handle_limit == 5


def test_import_writes_every_row_with_one_audit_row(admin):
    rows = [
        {"code": "E0901", "name": "新小类", **_limits()},
        {"code": "E09", "name": "新大类", **_limits()},
        {"code": "E0102", "name": "暴露垃圾", **_limits(handle_limit="2")},
    ]
    counts = ra.import_categories(admin, rows, TODAY)
    assert counts == {"created": 2, "updated": 1, "unchanged": 0}
    assert Category.objects.current(TODAY).get(code="E0901").parent_code == "E09"
    entry = AuditEntry.objects.get(action="category.import")
    assert entry.after["created"] == 2


def test_import_with_one_bad_row_writes_nothing(admin):
    rows = [
        {"code": "E09", "name": "新大类", **_limits()},
        {"code": "E0901", "name": "", **_limits()},
    ]
    with pytest.raises(ActionError):
        ra.import_categories(admin, rows, TODAY)
    assert not Category.objects.filter(code="E09").exists()
    assert not AuditEntry.objects.exists()


def test_it_sets_the_categories_a_department_takes(admin, department):
    ra.set_department_categories(admin, department, ["E0102", "e0103"])
    ra.set_department_categories(admin, department, ["E0103", "E0104"])
    taken = DepartmentCategory.objects.filter(department=department)
    assert sorted(taken.values_list("category_code", flat=True)) == ["E0103", "E0104"]
    entries = AuditEntry.objects.filter(action="department.set_categories").order_by("id")
    assert [e.after["codes"] for e in entries] == [["E0102", "E0103"], ["E0103", "E0104"]]


def test_it_refuses_unknown_codes_and_departments_outside_the_area(street_staff, tree):
    theirs = Department.objects.create(
        name="龙凤环卫站", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["other_street"]
    )
    with pytest.raises(ActionError) as refused:
        ra.set_department_categories(street_staff, theirs, ["E0102"])
    assert refused.value.status == 404
    ours = Department.objects.create(
        name="南华西城管中队", kind=DepartmentKind.STREET_OFFICE, area=tree["street"]
    )
    with pytest.raises(ActionError) as refused:
        ra.set_department_categories(street_staff, ours, ["E0999"])
    assert refused.value.field == "codes"


def test_working_hours_are_saved_and_used(admin):
    ra.save_work_year(admin, 2026, dt.time(9), dt.time(12), dt.time(13, 30), dt.time(18))
    assert WorkYear.objects.get(year=2026).afternoon_start == dt.time(13, 30)
    assert load_calendar().periods_by_year[2026][1] == (dt.time(13, 30), dt.time(18))
    assert AuditEntry.objects.get(action="calendar.save_year").before is None


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ((dt.time(12), dt.time(9), dt.time(14), dt.time(18)), "morning_end"),
        ((dt.time(9), dt.time(14), dt.time(13), dt.time(18)), "afternoon_start"),
        ((dt.time(9), dt.time(12), dt.time(14), dt.time(14)), "afternoon_end"),
    ],
)
def test_working_hours_must_be_in_order(admin, hours, field):
    with pytest.raises(ActionError) as refused:
        ra.save_work_year(admin, 2026, *hours)
    assert refused.value.field == field
    assert not WorkYear.objects.exists()


def test_special_days_are_saved_replaced_and_deleted(admin):
    ra.save_special_day(admin, dt.date(2026, 1, 1), "holiday", "元旦")
    ra.save_special_day(admin, dt.date(2026, 1, 4), "makeup", "调休")
    assert load_calendar().is_working_day(dt.date(2026, 1, 4))
    assert not load_calendar().is_working_day(dt.date(2026, 1, 1))
    ra.delete_special_day(admin, dt.date(2026, 1, 1))
    assert load_calendar().is_working_day(dt.date(2026, 1, 1))
    codes = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert codes == ["calendar.save_day", "calendar.save_day", "calendar.delete_day"]


def test_a_make_up_day_must_be_a_weekend_day(admin):
    with pytest.raises(ActionError) as refused:
        ra.save_special_day(admin, dt.date(2026, 1, 5), "makeup", "")
    assert refused.value.field == "kind"


def test_deleting_an_ordinary_day_is_a_404(admin):
    with pytest.raises(ActionError) as refused:
        ra.delete_special_day(admin, dt.date(2026, 1, 5))
    assert refused.value.status == 404


def test_the_2026_schedule_loads_and_replaces_the_year(admin):
    ra.save_special_day(admin, dt.date(2026, 12, 25), "holiday", "不是假日")
    counts = ra.replace_special_days(admin, 2026, seed_holidays_2026())
    assert counts == {"saved": 39, "deleted": 1, "unchanged": 0}
    calendar = load_calendar()
    assert not calendar.is_working_day(dt.date(2026, 2, 16))
    assert calendar.is_working_day(dt.date(2026, 2, 14))
    assert calendar.is_working_day(dt.date(2026, 12, 25))
    again = ra.replace_special_days(admin, 2026, seed_holidays_2026())
    assert again == {"saved": 0, "deleted": 0, "unchanged": 39}
    assert SpecialDay.objects.count() == 39


def test_today_is_the_default_effective_date(admin):
    row = ra.save_category(admin, "E0102", handle_limit="6")
    assert row.valid_from == timezone.localdate()
