"""The auditor's pages: audit entries and sensitive-data access records."""

from django.core.paginator import Paginator
from django.shortcuts import render

from gridgov.core.models import AuditEntry
from gridgov.core.permissions import requires


@requires("audit.view")
def audit_list(request):
    page = Paginator(AuditEntry.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})
