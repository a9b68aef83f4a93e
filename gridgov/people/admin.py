"""Reference data in the admin, read-only like every model there (core.admin): the
list of focus groups, which changes on its own audited pages. Personal data (residents,
households) does not appear here; it changes only through the audited pages."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin
from gridgov.people.models import FocusGroup


@admin.register(FocusGroup)
class FocusGroupAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sensitivity", "is_active", "sort")
    list_filter = ("sensitivity", "is_active")
    search_fields = ("code", "name")
