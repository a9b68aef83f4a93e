"""The pieces every import page shares: the upload check and the kept report."""

import io
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from openpyxl import load_workbook

from gridgov.core import uploads


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


class Rejected(Exception):
    def __init__(self, problems):
        self.message = "导入被拒绝"
        self.problems = problems


class GeoForm(forms.Form):
    file = uploads.ImportFileField(suffixes=(".json", ".xlsx"), suffix_message="只能 json")


def _request():
    return SimpleNamespace(session={})


def test_the_field_refuses_another_suffix_and_a_file_too_big(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    form = uploads.SheetImportForm({}, {"file": SimpleUploadedFile("a.csv", b"x")})
    assert form.errors["file"] == ["只能导入 .xlsx 文件。"]
    big = SimpleUploadedFile("a.XLSX", b"x" * (1024 * 1024 + 1))
    form = uploads.SheetImportForm({}, {"file": big})
    assert form.errors["file"] == ["文件超过 1 MB，请拆分后再导入。"]
    assert uploads.SheetImportForm({}, {}).errors["file"] == ["请选择要导入的文件。"]
    form = uploads.SheetImportForm({"dry_run": "on"}, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert form.is_valid() and form.cleaned_data["dry_run"] is True


def test_the_field_takes_its_own_suffixes_and_message():
    form = GeoForm()
    assert form.fields["file"].widget.attrs["accept"] == ".json,.xlsx"
    assert GeoForm({}, {"file": SimpleUploadedFile("a.json", b"{}")}).is_valid()
    assert GeoForm({}, {"file": SimpleUploadedFile("a.csv", b"x")}).errors["file"] == ["只能 json"]


def test_only_the_newest_reports_are_kept_and_long_ones_are_cut():
    request = _request()
    ids = [uploads.keep_report(request, "k", [[1, "a", "x", "m"]]) for _ in range(4)]
    assert list(request.session["k"]) == ids[-uploads.KEPT_REPORTS :]
    with pytest.raises(Http404):
        uploads.kept_report(request, "k", ids[0])
    rows = ([n, "a", "", "m"] for n in range(uploads.KEPT_PROBLEMS + 5))
    report_id = uploads.keep_report(request, "k", rows, kind="days")
    kept = uploads.kept_report(request, "k", report_id)
    assert kept.kind == "days" and len(kept.rows) == uploads.KEPT_PROBLEMS
    assert uploads.kept_report(request, "k", ids[-1]) == ([[1, "a", "x", "m"]], None)


def test_the_page_report_and_the_sheet():
    request = _request()
    problems = [Problem(0, "", "", "文件不对"), Problem(3, "code", "=1", "编码不对")]
    form = uploads.SheetImportForm({}, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert form.is_valid()
    assert not uploads.whole_file_errors(form, problems)
    assert uploads.whole_file_errors(form, problems[:1])
    assert form.errors["file"] == ["文件不对"]

    report = uploads.refused_report(request, "k", Rejected(problems), str.upper)
    assert report["message"] == "导入被拒绝" and report["cut"] is False
    assert report["rows"][1] == {"row": 3, "column": "CODE", "value": "=1", "message": "编码不对"}
    kept = [Problem(*row) for row in uploads.kept_report(request, "k", report["id"]).rows]
    assert kept == problems

    response = uploads.problems_response("p.xlsx", kept, str.upper)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["行", "列", "值", "问题"],
        ["文件", None, None, "文件不对"],
        [3, "CODE", "'=1", "编码不对"],
    ]
    response = uploads.problems_response("p.xlsx", kept, str.upper, values=False)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(values_only=True)) == ("行", "列", "问题")
