"""Pages to import an area file and to export the areas a user can see.

A refused import writes nothing; its report is shown on the page and kept in the
session under a random id, so the same report can be downloaded as a sheet without
uploading the file again.
"""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.places import actions, io
from gridgov.places.actions import ImportProblem, ImportRejected
from gridgov.places.models import Area

REPORTS_KEY = "places.import_reports"
KEPT_REPORTS = 3
# A report longer than this is cut in the session; the first rows say what is wrong.
KEPT_PROBLEMS = 2000
EXPORT_FORMATS = ("geojson", "xlsx")


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("区域文件"),
        help_text=gettext_lazy("GeoJSON（.geojson、.json）或 Excel（.xlsx）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(io.ALLOWED_SUFFIXES)}),
        error_messages={"required": gettext_lazy("请选择要导入的文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in io.ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只能导入 .geojson、.json 或 .xlsx 文件。"))
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请拆分后再导入。") % {"mb": limit // (1024 * 1024)}
            )
        return upload


def _keep_report(request, problems: list[ImportProblem]) -> str:
    """Store the report in the session (the newest few only); return its id."""
    report_id = secrets.token_urlsafe(12)
    reports = request.session.get(REPORTS_KEY, {})
    reports = dict(list(reports.items())[-(KEPT_REPORTS - 1) :]) if reports else {}
    reports[report_id] = [[p.row, p.column, p.message] for p in problems[:KEPT_PROBLEMS]]
    request.session[REPORTS_KEY] = reports
    return report_id


def _report_rows(problems: list[ImportProblem]) -> list[dict]:
    return [
        {"row": p.row, "column": io.column_label(p.column), "message": p.message} for p in problems
    ]


@requires("areas.manage")
def area_import(request):
    posted = request.method == "POST"
    form = AreaImportForm(request.POST, request.FILES) if posted else AreaImportForm()
    report = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actions.import_areas(request.user, io.read_area_file(upload, upload.name))
        except ImportRejected as exc:
            if all(p.row == 0 for p in exc.problems):
                for problem in exc.problems:
                    form.add_error("file", problem.message)
            else:
                report = {
                    "id": _keep_report(request, exc.problems),
                    "message": exc.message,
                    "rows": _report_rows(exc.problems),
                }
        except ActionError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("导入完成：新建 %(created)d 个，更新 %(updated)d 个，%(unchanged)d 个没有变化。")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("places:area_tree")
    return render(request, "places/area_import.html", {"form": form, "report": report})


@requires("areas.manage")
def area_import_report(request, report_id: str):
    rows = request.session.get(REPORTS_KEY, {}).get(report_id)
    if rows is None:
        raise Http404
    problems = [ImportProblem(*row) for row in rows]
    return io.problems_xlsx_response("import-problems.xlsx", problems)


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
