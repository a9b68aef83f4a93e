"""The auditor's pages: audit entries and sensitive-data access records, and their exports.

The auditor reads and changes nothing; only an export writes, and what it writes is one
more audit row ("audit.export"), through `core.actions`. The logs are not tied to areas,
so there is no scope to apply: the capability "audit.view" is the whole gate.
"""

import json

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import actions
from gridgov.core.audit_filters import AccessFilterForm, AuditFilterForm
from gridgov.core.models import AccessLog, AuditEntry
from gridgov.core.permissions import requires
from gridgov.core.spreadsheets import xlsx_response

PAGE_SIZE = 50
AUDIT_COLUMNS = (
    "created_at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "request_id",
    "ip",
)
ACCESS_COLUMNS = (
    "created_at",
    "actor_name",
    "object_type",
    "object_id",
    "object_repr",
    "fields",
    "reason",
    "request_id",
    "ip",
)
NEWEST_FIRST = ("-created_at", "-id")


def _pretty(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _changed_keys(before, after) -> list[str]:
    """The keys whose value differs, so the auditor sees at once what an update touched."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _entry_row(entry: AuditEntry) -> dict:
    return {
        "entry": entry,
        "before": _pretty(entry.before),
        "after": _pretty(entry.after),
        "changed": _changed_keys(entry.before, entry.after),
    }


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@requires("audit.view")
def audit_list(request):
    form = AuditFilterForm(request.GET)
    page = _page(request, form.filter(AuditEntry.objects.order_by(*NEWEST_FIRST)))
    context = {
        "form": form,
        "page": page,
        "rows": [_entry_row(e) for e in page],
        "tab": "audit",
        "export_url": "core:audit_export",
    }
    return render(request, "core/audit_list.html", context)


@requires("audit.view")
def access_list(request):
    form = AccessFilterForm(request.GET)
    page = _page(request, form.filter(AccessLog.objects.order_by(*NEWEST_FIRST)))
    context = {"form": form, "page": page, "tab": "access", "export_url": "core:access_export"}
    return render(request, "core/access_list.html", context)


def _export(request, model, form, columns, title: str):
    rows = form.filter(model.objects.order_by(*NEWEST_FIRST)).values_list(*columns)
    header = [model._meta.get_field(name).verbose_name for name in columns]
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response = xlsx_response(filename, header, rows.iterator(chunk_size=2000), title=title)
    actions.record_export(
        request.user,
        "audit.export",
        model._meta.label_lower,
        capability="audit.view",
        filters=form.describe(),
        rows=response.rows_written,
        capped=response.capped,
    )
    return response


@requires("audit.view")
def audit_export(request):
    return _export(request, AuditEntry, AuditFilterForm(request.GET), AUDIT_COLUMNS, _("审计日志"))


@requires("audit.view")
def access_export(request):
    return _export(
        request, AccessLog, AccessFilterForm(request.GET), ACCESS_COLUMNS, _("敏感信息查看记录")
    )
