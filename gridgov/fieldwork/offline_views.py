"""The grid worker's pages as an installed app that works offline: the service worker
(served under /field/ so that its scope is the phone pages), the outbox page listing
what waits on the phone, and the case report form of the phone app.

The service worker is static/fieldwork/sw.js with the files to keep ahead
(static/fieldwork/precache.json) put in for Workbox's manifest placeholder, each with a
hash of its content as revision, as workbox-build's injectManifest would at build time:
a changed file is fetched again, the others stay kept.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.cases.forms import ReportForm
from gridgov.cases.report_views import _map_areas as map_areas  # the report page's own map
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.fieldwork import phone_actions
from gridgov.fieldwork.sync import report_categories

SCOPE = "/field/"
PLACEHOLDER = "self.__WB_MANIFEST"


def _file(path: str) -> Path:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found)


def _stamp(paths) -> tuple:
    """What the built worker depends on: each file's size and change time."""
    return tuple((p, (s := _file(p).stat()).st_size, s.st_mtime_ns) for p in paths)


@lru_cache(maxsize=4)
def _built(stamp: tuple) -> bytes:
    source = _file("fieldwork/sw.js").read_text(encoding="utf-8")
    entries = [
        {"url": static(path), "revision": hashlib.sha256(_file(path).read_bytes()).hexdigest()}
        for path, _size, _mtime in stamp[1:]
    ]
    return source.replace(PLACEHOLDER, json.dumps(entries, separators=(",", ":"))).encode()


def precache_paths() -> list[str]:
    kept = json.loads(_file("fieldwork/precache.json").read_text(encoding="utf-8"))
    return kept["static"]


def service_worker_source() -> bytes:
    """sw.js with its precache list: rebuilt only when one of its files changed."""
    return _built(_stamp(["fieldwork/sw.js", *precache_paths()]))


@require_GET
@requires("fieldwork.view")
def service_worker(request):
    response = HttpResponse(service_worker_source(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = SCOPE
    # The browser checks for a new worker on each visit: always ask the server.
    response["Cache-Control"] = "no-cache"
    return response


@requires("fieldwork.record")
def outbox(request):
    """What the phone keeps to send: the list itself is drawn on the phone from its
    IndexedDB (outbox-view.js); the server only gives the frame."""
    return render(request, "fieldwork/outbox.html")


@requires("cases.report")
def report(request):
    """Report a case from the phone app (发现告知): the case loop's form, stored once
    per the form's client id, offline through the outbox like the other phone forms."""
    categories = report_categories()
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ReportForm(*data, user=request.user, categories=categories)
    if form.is_bound and form.is_valid():
        try:
            case = phone_actions.report_case(
                request.user, client_id=request.POST.get("client_id"), **form.report_inputs()
            )
        except ActionError as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, _("案件 %(number)s 已上报。") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    context = {
        "form": form,
        "big_classes": [c for c in categories if not c.parent_code],
        "map_areas": map_areas(request.user),
    }
    return render(request, "fieldwork/report.html", context, status=400 if form.errors else 200)
