"""Pages to import an area file and to export the areas a user can see.

A refused import writes nothing; its report is shown on the page and kept in the
session under a random id, so the same report can be downloaded as a sheet without
uploading the file again.
"""

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.core.uploads import ImportFileField, ImportReports, run_import
from gridgov.places import actions, io
from gridgov.places.models import Area

REPORTS = ImportReports(
    "places.import_reports", io.column_label, "places:area_import_report", values=False
)
EXPORT_FORMATS = ("geojson", "xlsx")


class AreaImportForm(forms.Form):
    file = ImportFileField(
        suffixes=io.ALLOWED_SUFFIXES,
        suffix_message=gettext_lazy("只能导入 .geojson、.json 或 .xlsx 文件。"),
        label=gettext_lazy("区域文件"),
        help_text=gettext_lazy("GeoJSON（.geojson、.json）或 Excel（.xlsx）。"),
        attrs={"class": "form-control"},
    )


@requires("areas.manage")
def area_import(request):
    def run(upload, data) -> str:
        result = actions.import_areas(request.user, io.read_area_file(upload, upload.name))
        return _(
            "导入完成：新建 %(created)d 个，更新 %(updated)d 个，%(unchanged)d 个没有变化。"
        ) % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }

    posted = request.method == "POST"
    form = AreaImportForm(request.POST, request.FILES) if posted else AreaImportForm()
    outcome = run_import(request, form, run, REPORTS, reverse("places:area_tree"))
    context = {"form": form, "report": outcome.report}
    return outcome.done or render(request, "places/area_import.html", context)


@requires("areas.manage")
def area_import_report(request, report_id: str):
    return REPORTS.download(request, report_id)


@requires("areas.view")
def area_export(request, fmt: str):
    """The areas the user can see (or the subtree of `?root=CODE`), as a download."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    areas = Area.objects.visible_to(request.user).order_by("path")
    name = "areas"
    root_code = request.GET.get("root")
    if root_code:
        root = get_visible_or_404(Area.objects.all(), request.user, code=root_code)
        areas, name = areas.subtree(root), f"areas-{root.code}"
    if fmt == "xlsx":
        return io.areas_xlsx_response(f"{name}.xlsx", areas.iterator())
    response = JsonResponse(
        io.write_geojson(areas.iterator()),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.geojson")
    response["Cache-Control"] = "no-store"
    return response
