"""The grid workers' reference data in the admin, read-only (core.admin): the visit
rules change on their own page through the audited rule actions. Patrols, visits,
diaries, requests and services are personal data and do not appear here."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin
from gridgov.fieldwork.models import VisitRule


@admin.register(VisitRule)
class VisitRuleAdmin(ReadOnlyAdmin):
    list_display = ("street", "kind", "focus_group", "interval_days", "visit_kind", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("street", "focus_group")
