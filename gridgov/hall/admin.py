"""The hall's reference data in the admin: settings, window groups, windows, items
with their materials. Tickets, applications and ratings are not edited here."""

from django.contrib import admin

from gridgov.hall.models import HallSettings, Material, ServiceItem, Window, WindowGroup


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "theme", "group", "promised_days", "status")
    list_filter = ("status", "theme", "group")
    search_fields = ("code", "name")
    inlines = [MaterialInline]


admin.site.register(HallSettings)
admin.site.register(WindowGroup)
admin.site.register(Window)
