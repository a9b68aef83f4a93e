"""Pages to import base data from Excel and to export it, and the template downloads.

A refused import writes nothing; its report (row, column, masked value, problem) is
shown on the page and kept in the session under a random id, so the same report can be
downloaded as a sheet without uploading the file again. The uploaded file itself is
read in memory and never stored.
"""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.people import exports
from gridgov.people.import_columns import KINDS
from gridgov.people.imports import XLSX_SUFFIX, ImportRejected, RowProblem, import_file

REPORTS_KEY = "people.import_reports"
KEPT_REPORTS = 3
KEPT_PROBLEMS = 2000


def _kind_choices():
    return [(kind.name, kind.label) for kind in KINDS.values()]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("数据类别"),
        choices=_kind_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": gettext_lazy("请选择数据类别。")},
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("按模板填写的 .xlsx 文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_SUFFIX, "class": "form-control"}),
        error_messages={"required": gettext_lazy("请选择要导入的文件。")},
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("只检查，不写入"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != XLSX_SUFFIX:
            raise forms.ValidationError(_("只能导入 .xlsx 文件。"))
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请拆分后再导入。") % {"mb": limit // (1024 * 1024)}
            )
        return upload


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


def _keep_report(request, kind_name: str, problems: list[RowProblem]) -> str:
    """Store the report in the session (the newest few only); return its id."""
    report_id = secrets.token_urlsafe(12)
    reports = request.session.get(REPORTS_KEY, {})
    reports = dict(list(reports.items())[-(KEPT_REPORTS - 1) :]) if reports else {}
    reports[report_id] = {
        "kind": kind_name,
        "problems": [[p.row, p.column, p.value, p.message] for p in problems[:KEPT_PROBLEMS]],
    }
    request.session[REPORTS_KEY] = reports
    return report_id


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
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    report = None
    if posted and form.is_valid():
        kind_name = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                request.user,
                kind_name,
                upload,
                upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRejected as exc:
            if all(p.row == 0 for p in exc.problems):
                for problem in exc.problems:
                    form.add_error("file", problem.message)
            else:
                kind = KINDS[kind_name]
                report = {
                    "id": _keep_report(request, kind_name, exc.problems),
                    "message": exc.message,
                    "rows": [
                        {
                            "row": p.row,
                            "column": kind.column_label(p.column),
                            "value": p.value,
                            "message": p.message,
                        }
                        for p in exc.problems[:KEPT_PROBLEMS]
                    ],
                    "cut": len(exc.problems) > KEPT_PROBLEMS,
                }
        except ActionError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _summary(result))
            return redirect("people:import")
    context = {"form": form, "report": report, "kinds": KINDS.values()}
    return render(request, "people/import.html", context)


@requires("people.import")
def import_report(request, report_id: str):
    report = request.session.get(REPORTS_KEY, {}).get(report_id)
    if report is None:
        raise Http404
    problems = [RowProblem(*row) for row in report["problems"]]
    return exports.report_response(KINDS[report["kind"]], problems)


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
