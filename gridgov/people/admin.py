"""Reference data in the admin: the managed list of focus groups. Personal data
(residents, households) is never editable here — only through the audited pages."""

from django.contrib import admin

from gridgov.people.models import FocusGroup


@admin.register(FocusGroup)
class FocusGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sensitivity", "is_active", "sort")
    list_filter = ("sensitivity", "is_active")
    search_fields = ("code", "name")
