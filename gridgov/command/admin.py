"""The command center in the admin, read-only like every model there (core.admin):
cameras change through the registry's import, alerts arrive through the signed API,
alert kinds change on their own audited pages, and alert sources are shown without their
secret (it is made, and shown once, by the alert-sources page or `manage.py
alert_source`). Grid workers' positions are personal data and do not appear here."""

from django.contrib import admin

from gridgov.command.models import AlertKind, AlertSource, Camera, CameraAlert
from gridgov.core.admin import ReadOnlyAdmin


@admin.register(Camera)
class CameraAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "status", "last_heartbeat_at", "grid")
    list_filter = ("status", "kind", "vendor")
    search_fields = ("code", "name", "address")
    list_select_related = ("grid",)
    exclude = ("community", "street")


@admin.register(CameraAlert)
class CameraAlertAdmin(ReadOnlyAdmin):
    list_display = ("alert_id", "source", "camera", "kind", "occurred_at", "case", "joined")
    list_filter = ("kind", "joined", "source")
    search_fields = ("alert_id", "camera__code")
    list_select_related = ("source", "camera", "kind", "case")


@admin.register(AlertKind)
class AlertKindAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "category_code")
    search_fields = ("code", "name")


@admin.register(AlertSource)
class AlertSourceAdmin(ReadOnlyAdmin):
    list_display = ("name", "key_id", "street", "is_active", "last_used_at", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "key_id")
    fields = ("name", "key_id", "street", "merge_minutes", "is_active", "last_used_at")
    readonly_fields = fields
