"""Pages to import base data from Excel and to export it, and the template downloads.

A refused import writes nothing; its report (row, column, masked value, problem) is
shown on the page and kept in the session under a random id, so the same report can be
downloaded as a sheet without uploading the file again. The uploaded file itself is
read in memory and never stored.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.uploads import (
    ImportFileField,
    ImportReports,
    SheetImportForm,
    run_import,
)
from gridgov.people import exports
from gridgov.people.import_columns import KINDS
from gridgov.people.imports import import_file

REPORTS = ImportReports(
    "people.import_reports",
    {name: kind.column_label for name, kind in KINDS.items()},
    "people:import_report",
)


def _kind_choices():
    return [(kind.name, kind.label) for kind in KINDS.values()]


class ImportForm(SheetImportForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("数据类别"),
        choices=_kind_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": gettext_lazy("请选择数据类别。")},
    )
    file = ImportFileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("按模板填写的 .xlsx 文件。"),
        attrs={"class": "form-control"},
    )
    field_order = ("kind", "file", "dry_run")


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("数据类别"),
        choices=_kind_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("显示完整号码的事由"),
        help_text=gettext_lazy("留空则证件号码和电话号码打码导出；填写事由将记入查看记录。"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


def _summary(result) -> str:
    counts = {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if result.dry_run:
        return (
            _(
                "检查通过：共 %(rows)d 行，将新建 %(created)d 条、更新 %(updated)d 条，"
                "%(unchanged)d 条没有变化。未写入任何数据。"
            )
            % counts
        )
    return (
        _(
            "导入完成：共 %(rows)d 行，新建 %(created)d 条，更新 %(updated)d 条，%(unchanged)d 条没有变化。"
        )
        % counts
    )


@requires("people.import")
def people_import(request):
    def run(upload, data) -> str:
        dry_run = data["dry_run"]
        result = import_file(request.user, data["kind"], upload, upload.name, dry_run=dry_run)
        return _summary(result)

    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    done_url = reverse("people:import")
    outcome = run_import(request, form, run, REPORTS, done_url, kind=lambda data: data["kind"])
    context = {"form": form, "report": outcome.report, "kinds": KINDS.values()}
    return outcome.done or render(request, "people/import.html", context)


@requires("people.import")
def import_report(request, report_id: str):
    return REPORTS.download(request, report_id)


@requires("people.view")
def import_template(request, kind_name: str):
    kind = KINDS.get(kind_name)
    if kind is None:
        raise Http404
    return exports.template_response(kind)


@requires("people.view")
def people_export(request):
    """GET: the form. POST: the download — masked, or in clear with a logged reason."""
    can_reveal = request.user.has_capability("people.reveal")
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if reason and not can_reveal:
            raise PermissionDenied("people.reveal")
        try:
            return exports.export_response(request.user, form.cleaned_data["kind"], reason=reason)
        except ActionError as exc:
            form.add_error(exc.field or None, exc.message)
    context = {"form": form, "can_reveal": can_reveal, "kinds": KINDS.values()}
    return render(request, "people/export.html", context)


@requires("people.view")
def export_masked(request, kind_name: str):
    if kind_name not in KINDS:
        raise Http404
    return exports.export_response(request.user, kind_name)
