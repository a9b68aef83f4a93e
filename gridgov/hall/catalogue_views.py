"""The catalogue's pages: the public list and item pages (no login, published items of
one street's hall, nothing personal), and street staff's pages to keep it: the list by
status with publish and withdraw, an item's aliases, Excel export and import.

The public pages are what residents open on their phones in the hall's queue, so they
run two to four queries and carry no app shell. The staff pages need "hall.manage"
(403 otherwise) and work on one of the user's streets at a time (`?street=`); an item
of another street is a 404. A refused import shows its row-by-row report, kept in the
session under a random id so it can be downloaded without a new upload.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.uploads import (
    ImportReports,
    SheetImportForm,
    run_import,
)
from gridgov.hall import catalogue_actions, catalogue_io
from gridgov.hall import catalogue_queries as queries
from gridgov.hall.forms import ItemAliasesForm
from gridgov.hall.models import ItemStatus, ServiceItem, Theme

CAPABILITY = "hall.manage"
PAGE_SIZE = 50
REPORTS = ImportReports(
    "hall.catalogue_import_reports",
    catalogue_io.report_label,
    "hall:catalogue_import_report",
    "service-item-import-problems.xlsx",
)
SAMPLE_SCHEMES = ("http://", "https://")
STATUS_DONE = {
    ItemStatus.PUBLISHED: gettext_lazy("已发布“%(name)s”，群众现在可以在办事指南中看到它。"),
    ItemStatus.WITHDRAWN: gettext_lazy("已停办“%(name)s”，办事指南中不再显示。"),
    ItemStatus.DRAFT: gettext_lazy("已将“%(name)s”改回草稿。"),
}


# --- the public pages -------------------------------------------------------------------


def _public_hall(request):
    """The hall the page shows, and the street code to keep in its links (only when the
    visitor chose a street: the default needs none)."""
    hall = queries.hall_for(request.GET.get("street"))
    return hall, hall.street.code if request.GET.get("street") else ""


@require_safe
def catalogue(request):
    hall, street = _public_hall(request)
    q = " ".join(request.GET.get("q", "").split())[: queries.MAX_QUERY]
    items = queries.published_items(hall.street_id, q)
    groups = queries.by_theme(items)
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    context = {
        "hall": hall,
        "street": street,
        "q": q,
        "theme": theme,
        "theme_label": Theme(theme).label if theme else "",
        "groups": groups,
        "shown": [g for g in groups if g.value == theme] if theme else groups,
        "total": len(items),
    }
    return render(request, "hall/catalogue.html", context)


@require_safe
def item_detail(request, code: str):
    hall, street = _public_hall(request)
    item = queries.published_item(hall.street_id, code[:32])
    if item is None:
        context = {"hall": hall, "street": street}
        return render(request, "hall/item_not_found.html", context, status=404)
    materials = list(item.materials.all())
    for material in materials:
        # Only a web address becomes a link; anything else ("见窗口样表") stays text.
        sample = material.sample.strip()
        material.sample_url = sample if sample.lower().startswith(SAMPLE_SCHEMES) else ""
    context = {
        "hall": hall,
        "street": street,
        "item": item,
        "materials": materials,
        "windows": [w.number for w in item.group.service_windows],
    }
    return render(request, "hall/item_detail.html", context)


# --- street staff ------------------------------------------------------------------------


def _list_url(street, params=None) -> str:
    return (
        f"{reverse('hall:catalogue_manage')}?{urlencode({'street': street.code, **(params or {})})}"
    )


@requires(CAPABILITY)
def manage_items(request):
    street, streets = queries.managed(request.user, request.GET.get("street"))
    status = request.GET.get("status", "")
    if status not in ItemStatus.values:
        status = ""
    items, counts = queries.managed_items(request.user, street, status, request.GET.get("q"))
    paginator = Paginator(items, PAGE_SIZE)
    paginator.count = counts[status] if status else counts["total"]  # counted already
    statuses = [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in ItemStatus.choices
    ]
    context = {
        "street": street,
        "streets": streets,
        "page": paginator.get_page(request.GET.get("page")),
        "counts": counts,
        "statuses": statuses,
        "status": status,
        "q": request.GET.get("q", ""),
    }
    return render(request, "hall/catalogue_manage.html", context)


@requires(CAPABILITY)
@require_POST
def item_status(request, pk: int):
    items = ServiceItem.objects.visible_to(request.user).select_related("street")
    item = get_object_or_404(items.only("name", "status", "street__code"), pk=pk)
    status = request.POST.get("status", "")
    try:
        catalogue_actions.set_item_status(request.user, item, status)
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, str(STATUS_DONE[status]) % {"name": item.name})
    back = request.POST.get("next", "")
    list_path = reverse("hall:catalogue_manage")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    if safe and back.startswith(list_path):
        return redirect(back)
    return redirect(_list_url(item.street))


@requires(CAPABILITY)
def manage_item(request, pk: int):
    """An item's page for street staff: what residents call it, which the public
    catalogue's search finds it by."""
    items = ServiceItem.objects.visible_to(request.user).select_related("street")
    item = get_object_or_404(items.only("code", "name", "aliases", "street__code"), pk=pk)
    form = ItemAliasesForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_actions.set_item_aliases(request.user, item, form.cleaned_data["aliases"])
        except ActionError:  # the item is no longer of the user's streets
            raise Http404 from None
        else:
            messages.success(request, _("已保存“%(name)s”的别名。") % {"name": item.name})
            return redirect(_list_url(item.street))
    return render(request, "hall/catalogue_item.html", {"item": item, "form": form})


@requires(CAPABILITY)
def manage_export(request):
    street, _streets = queries.managed(request.user, request.GET.get("street"))
    items = ServiceItem.objects.visible_to(request.user).filter(street=street)
    status = request.GET.get("status", "")
    if status in ItemStatus.values:
        items = items.filter(status=status)
    return catalogue_io.catalogue_response(street, items)


@requires(CAPABILITY)
def manage_import(request):
    street, streets = queries.managed(request.user, request.GET.get("street"))

    def run(upload, data) -> str:
        rows = catalogue_io.read_catalogue(upload, upload.name)
        if data["dry_run"]:
            counts = catalogue_io.check_catalogue(street, rows).counts()
            message = _(
                "检查通过：将新增 %(created)d 个事项、修改 %(updated)d 个，"
                "%(unchanged)d 个没有变化。未写入任何数据。"
            )
        else:
            counts = catalogue_actions.import_items(
                request.user, rows, street=street, filename=upload.name
            )
            message = _(
                "导入完成：新增 %(created)d 个事项，修改 %(updated)d 个，%(unchanged)d 个没有变化。"
            )
        return message % counts

    form = SheetImportForm(request.POST or None, request.FILES or None)
    outcome = run_import(request, form, run, REPORTS, _list_url(street))
    if outcome.done:
        return outcome.done
    context = {
        "form": form,
        "report": outcome.report,
        "street": street,
        "streets": streets,
        "item_columns": catalogue_io.ITEM_COLUMNS,
        "material_columns": catalogue_io.MATERIAL_COLUMNS,
        "themes": [label for _value, label in Theme.choices],
    }
    return render(request, "hall/catalogue_import.html", context)


@requires(CAPABILITY)
def manage_import_report(request, report_id: str):
    return REPORTS.download(request, report_id)
