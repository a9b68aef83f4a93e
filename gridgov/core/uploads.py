"""What every import page shares: the upload, "only check", and the report of a refusal.

Areas, base data, the case reference tables and cameras are imported the same way: the
user uploads one file, the whole file is checked first, and nothing is written if any
row is wrong. The page then shows the row-by-row report, and the same report can be
downloaded as a sheet without uploading the file again, so it is kept in the session
under a random id. These steps live here once so that every import page refuses the
same files with the same words, keeps the same bounded amount of session data and
writes the same report sheet.

Core knows nothing of the domain: each app passes its suffixes, its ImportReports
(session key, column names, download view) and to `run_import` a function that runs
its import; its page extends core/import_page.html. A problem is a
core.spreadsheets.RowProblem.
"""

import base64
import binascii
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.spreadsheets import XLSX_SUFFIX, ImportRejected, RowProblem, xlsx_response

# Reports kept under one session key: the newest few; an older id answers 404.
KEPT_REPORTS = 3
# A longer report is cut, on the page and in the session (which is saved with every
# request); the first rows say what is wrong. core/_import_report.html says so.
KEPT_PROBLEMS = 2000
REPORT_HEADER = (gettext_lazy("行"), gettext_lazy("列"), gettext_lazy("值"), gettext_lazy("问题"))


# --- the upload ----------------------------------------------------------------------


class ImportFileField(forms.FileField):
    """A file to import: its name ends in one of `suffixes`, its size is within
    settings.IMPORT_MAX_BYTES.

    Checked before anything reads the file, so a wrong or oversized upload is refused
    at once with a message on the field; the readers still check the content. The
    widget offers only the allowed suffixes; `attrs` adds to its attributes.
    """

    default_error_messages = {"required": gettext_lazy("请选择要导入的文件。")}

    def __init__(self, *, suffixes=(XLSX_SUFFIX,), suffix_message=None, attrs=None, **kwargs):
        self.suffixes = tuple(suffixes)
        if suffix_message is None:
            suffix_message = gettext_lazy("只能导入 .xlsx 文件。")
        self.suffix_message = suffix_message
        attrs = {"accept": ",".join(self.suffixes), **(attrs or {})}
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if Path(upload.name).suffix.lower() not in self.suffixes:
            raise forms.ValidationError(str(self.suffix_message))
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请拆分后再导入。") % {"mb": limit // (1024 * 1024)}
            )
        return upload


def dry_run_field() -> forms.BooleanField:
    """The "only check" box: the whole file is checked and reported, nothing written."""
    return forms.BooleanField(
        label=gettext_lazy("只检查，不写入"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class SheetImportForm(forms.Form):
    """An .xlsx within the size limit (its content is checked on reading) and "only
    check" to see the report without writing. Subclasses add what else they ask."""

    file = ImportFileField(label=gettext_lazy("Excel 文件"), attrs={"class": "form-control"})
    dry_run = dry_run_field()


# --- the report of a refused import ---------------------------------------------------


def whole_file_errors(form, problems) -> bool:
    """Put whole-file problems (row 0) on the form's file field; True when that was all,
    so there is no row-by-row report to show."""
    if all(p.row == 0 for p in problems):
        for problem in problems:
            form.add_error("file", problem.message)
        return True
    return False


class KeptReport(NamedTuple):
    rows: list[list]
    kind: str | None


def keep_report(request, key: str, rows, *, kind: str | None = None) -> str:
    """Keep a refused import's problem rows in the session; return their new random id.

    `rows` are lists of JSON values (e.g. [row, column, value, message]), at most
    KEPT_PROBLEMS of them are kept. Only the newest KEPT_REPORTS reports stay under
    `key`, so repeated refusals do not grow the session. `kind` tells which import it
    was, for pages whose reports share one key.
    """
    report_id = secrets.token_urlsafe(12)
    kept = list(request.session.get(key, {}).items())[-(KEPT_REPORTS - 1) :]
    rows = [list(row) for row in itertools.islice(rows, KEPT_PROBLEMS)]
    report = rows if kind is None else {"kind": kind, "problems": rows}
    request.session[key] = dict(kept) | {report_id: report}
    return report_id


def kept_report(request, key: str, report_id: str) -> KeptReport:
    """The rows (and kind) kept by `keep_report`; 404 once the report is gone."""
    report = request.session.get(key, {}).get(report_id)
    if report is None:
        raise Http404
    if isinstance(report, dict):
        return KeptReport(report["problems"], report["kind"])
    return KeptReport(report, None)


def refused_report(
    request,
    key: str,
    rejected,
    column_label,
    *,
    kind: str | None = None,
    url_name: str = "",
    values: bool = True,
):
    """Keep the report of a refused import and return what core/_import_report.html
    shows: its id and download address (the view `url_name`, which takes the id), the
    refusal's message, the first KEPT_PROBLEMS problems (row, column as the sheet
    names it, value, message), whether it was cut and whether it shows values."""
    problems = rejected.problems[:KEPT_PROBLEMS]
    rows = ([p.row, p.column, p.value, p.message] for p in problems)
    report_id = keep_report(request, key, rows, kind=kind)
    return {
        "id": report_id,
        "url": reverse(url_name, args=[report_id]) if url_name else "",
        "values": values,
        "message": rejected.message,
        "rows": [
            {
                "row": p.row,
                "column": column_label(p.column),
                "value": p.value,
                "message": p.message,
            }
            for p in problems
        ],
        "cut": len(rejected.problems) > KEPT_PROBLEMS,
    }


@dataclass(frozen=True)
class ImportReports:
    """Where an import page keeps the reports of refused files (a session key), how it
    names their columns (one function of a column key, or one per kind of sheet when
    the page imports several), the view that downloads one (it takes the report's id)
    and whether they show the cells' values."""

    key: str
    labels: Callable[[str], str] | dict[str, Callable[[str], str]]
    url_name: str
    filename: str = "import-problems.xlsx"
    values: bool = True

    def label(self, kind: str | None) -> Callable[[str], str]:
        return self.labels[kind] if isinstance(self.labels, dict) else self.labels

    def refused(self, request, rejected, kind: str | None = None) -> dict:
        """Keep the report of a refused import; what core/_import_report.html shows."""
        return refused_report(
            request,
            self.key,
            rejected,
            self.label(kind),
            kind=kind,
            url_name=self.url_name,
            values=self.values,
        )

    def download(self, request, report_id: str):
        """A kept report as a sheet; 404 once it is gone."""
        rows, kind = kept_report(request, self.key, report_id)
        problems = [RowProblem(*row) for row in rows]
        return problems_response(self.filename, problems, self.label(kind), values=self.values)


class ImportOutcome(NamedTuple):
    """What an import page does next: redirect (`done`), or show the form again with
    the report of a refused file, if any."""

    done: HttpResponse | None = None
    report: dict | None = None


def run_import(request, form, run, reports: ImportReports, done_url: str, kind=None):
    """What every import page does with its form. A valid POST runs `run(upload,
    cleaned_data)`, which checks the file (and writes it, unless "only check") and
    returns the message to show after redirecting to `done_url`. A refusal of the whole
    file goes on the file field; a row-by-row refusal is kept in `reports` under
    `kind` (if callable, it is given the cleaned data); any other ActionError goes on
    the file field. Returns an ImportOutcome."""
    if request.method != "POST" or not form.is_valid():
        return ImportOutcome()
    try:
        message = run(form.cleaned_data["file"], form.cleaned_data)
    except ImportRejected as exc:
        if whole_file_errors(form, exc.problems):
            return ImportOutcome()
        kind = kind(form.cleaned_data) if callable(kind) else kind
        return ImportOutcome(report=reports.refused(request, exc, kind))
    except ActionError as exc:
        form.add_error("file", exc.message)
        return ImportOutcome()
    messages.success(request, message)
    return ImportOutcome(done=redirect(done_url))


# --- the same in a management command -------------------------------------------------


def problem_line(problem, column_label, *, values: bool = True) -> str:
    """One line of a refused import's report: "行 3，列 证件号码，值 …：…" (without the
    value when `values` is False), or "文件：…" for the whole file."""
    if not problem.row:
        return _("文件：%(message)s") % {"message": problem.message}
    parts = {"row": problem.row, "column": column_label(problem.column)}
    parts["message"] = problem.message
    if values:
        parts["value"] = problem.value or "—"
        return _("行 %(row)d，列 %(column)s，值 %(value)s：%(message)s") % parts
    return _("行 %(row)d，列 %(column)s：%(message)s") % parts


def run_import_command(command, run, *, file: str, column_label, denied: str, values=True):
    """What an import command does: `run()` and return its result. A refused file
    prints its report, a line a problem, and exits with code 1; an unreadable file, a
    user without the permission (`denied` says so) or any other refusal ends the
    command with its message."""
    try:
        return run()
    except OSError as exc:
        raise CommandError(
            _("无法读取 %(file)s：%(error)s") % {"file": file, "error": exc.strerror}
        ) from None
    except ImportRejected as exc:
        for problem in exc.problems:
            command.stdout.write(problem_line(problem, column_label, values=values))
        raise CommandError(str(exc.message), returncode=1) from None
    except PermissionDenied:
        raise CommandError(denied) from None
    except ActionError as exc:
        raise CommandError(str(exc.message)) from None


def problems_response(filename: str, problems, column_label, *, values: bool = True):
    """The row-by-row report as a sheet: 行, 列, 值, 问题 (without 值 when `values` is
    False). The whole file's problems (row 0) say 文件 in the row column."""
    header = REPORT_HEADER if values else (*REPORT_HEADER[:2], REPORT_HEADER[3])
    rows = (
        (p.row or _("文件"), column_label(p.column), *([p.value] if values else []), p.message)
        for p in problems
    )
    return xlsx_response(filename, header, rows, title=_("导入问题"))


# --- a file sent inside JSON -------------------------------------------------------------

# The images the site takes, known by their first bytes (never by name or declared type).
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)


def image_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a JPEG, PNG or WebP image from its first 16 bytes."""
    for magic, ext, content_type in _IMAGE_SIGNATURES:
        if head.startswith(magic):
            return ext, content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def decoded_image(value: dict, *, limit: int, field: str) -> SimpleUploadedFile:
    """An image a client sent inside JSON as {"filename", "content_type", "base64"} (a
    phone's outbox), as an upload the forms and actions take like any other: strict
    base64, at most `limit` bytes decoded, a JPEG, PNG or WebP by content. Anything
    else is an ActionError naming `field`, in the words the pages use."""
    name = Path(str(value.get("filename") or "photo")).name[:100] or "photo"
    encoded = str(value.get("base64") or "")
    # Four characters of base64 carry three bytes: refuse an oversized one unread.
    if len(encoded) > (limit + 2) // 3 * 4 + 4:
        raise ActionError(
            _("照片“%(name)s”超过 %(kb)d KB。") % {"name": name, "kb": limit // 1024}, field
        )
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ActionError(_("照片“%(name)s”的数据无法读取。") % {"name": name}, field) from None
    if len(content) > limit:
        raise ActionError(
            _("照片“%(name)s”超过 %(kb)d KB。") % {"name": name, "kb": limit // 1024}, field
        )
    kind = image_type(content[:16])
    if kind is None:
        raise ActionError(_("“%(name)s”不是 JPEG、PNG 或 WebP 图片。") % {"name": name}, field)
    return SimpleUploadedFile(name, content, content_type=kind[1])
