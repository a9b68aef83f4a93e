"""Reference data of the case loop in the admin, read-only: categories, working hours,
holidays and departments' categories are changed on the reference pages, whose
actions keep category versions and write the audit log; the admin only lets a
superuser look (cases themselves never appear here)."""

from django.contrib import admin

from gridgov.cases.models import Category, DepartmentCategory, SpecialDay, WorkYear
from gridgov.core.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "default_department", "valid_from", "valid_until")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(DepartmentCategory)
class DepartmentCategoryAdmin(ReadOnlyAdmin):
    list_display = ("department", "category_code")
    search_fields = ("category_code", "department__name")


@admin.register(WorkYear)
class WorkYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "morning_start", "morning_end", "afternoon_start", "afternoon_end")


@admin.register(SpecialDay)
class SpecialDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
