"""The hall's reference data in the admin, read-only like every model there
(core.admin): settings change on the hall's settings page, items through the
catalogue's import and publish/withdraw, windows and window groups on the window
setup page and a window's status at its console, each through its audited action.
Tickets, applications and ratings do not appear here."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin, ReadOnlyInline
from gridgov.hall.models import HallSettings, Material, ServiceItem, Window, WindowGroup


class MaterialInline(ReadOnlyInline):
    model = Material
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "theme", "group", "promised_days", "status")
    list_filter = ("status", "theme", "group")
    search_fields = ("code", "name")
    inlines = [MaterialInline]


admin.site.register([HallSettings, WindowGroup, Window], ReadOnlyAdmin)
