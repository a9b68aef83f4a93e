"""The admin shows; it never writes. Every write in gridgov is an action that checks
the actor and records its audit row in the same transaction (design.md, rule 2); an
admin form does neither, so every model appears here read-only, superusers included.
Reference data changes on its own pages, through those actions.

The libraries' registrations follow the same rule. Django's groups and permissions
are not how gridgov grants anything (roles are assignments, made by the accounts
actions), and an authenticator device shows its secret key, so both are taken out.
The login-lockout records stay visible but fixed: deleting one would lift a lockout
and erase the evidence unrecorded (a lockout lifts itself after
GRIDGOV_LOCKOUT_MINUTES, or from the server with `manage.py axes_reset_username`).
Task results were already view-only; they take the same class so one rule holds.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class _ViewOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(_ViewOnly, admin.ModelAdmin):
    """A model's list and detail pages, with no add, change, delete or bulk action."""

    actions = None


class ReadOnlyInline(_ViewOnly, admin.TabularInline):
    """Related rows shown under their parent, unchangeable like it."""


def _read_only(model, library_admin) -> None:
    """Register `model` with its library's admin made read-only, in place of the
    library's registration whether or not that has run yet."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(library_admin.__name__, (ReadOnlyAdmin, library_admin), {}))


admin.site.unregister([m for m in (Group, TOTPDevice) if admin.site.is_registered(m)])
_read_only(AccessAttempt, AccessAttemptAdmin)
_read_only(LoginLog, AccessLogAdmin)
_read_only(AccessFailureLog, AccessFailureLogAdmin)
_read_only(DBTaskResult, DBTaskResultAdmin)
