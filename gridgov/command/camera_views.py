"""The camera registry pages: the status list with its filters, Excel export and
import, and the alert sources (video platforms and AI boxes allowed to send alerts).

Only "command.cameras" (street staff, dispatchers) may open them, and every list
starts from `visible_to(user)`: another street's cameras and sources are not there. A
refused import shows its row-by-row report, kept in the session under a random id so
it can be downloaded without a new upload. A new source's secret appears once, on the
page answering the POST that made it; it is never put in the session or a URL.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.command import camera_actions, camera_io
from gridgov.command.actions import create_alert_source, disable_alert_source
from gridgov.command.forms import AlertSourceForm, CameraFilterForm, CameraImportForm
from gridgov.command.models import AlertSource, Camera, CameraKind, CameraStatus
from gridgov.command.signing import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import street_q
from gridgov.core.uploads import ImportReports, run_import
from gridgov.places.queries import filter_areas

CAPABILITY = "command.cameras"
PAGE_SIZE = 50
STALE_AFTER = dt.timedelta(minutes=10)
REPORTS = ImportReports(
    "command.camera_import_reports",
    camera_io.report_label,
    "command:camera_import_report",
    "camera-import-problems.xlsx",
)
MAP_PATH = "/command/map/"


# --- the list ------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def camera_filters(user, params):
    """(cameras the user may see filtered by everything but status, status or "").
    Values that make no sense are ignored, as on the case list."""
    cameras = Camera.objects.visible_to(user)
    kind = params.get("kind", "")
    if kind in CameraKind.values:
        cameras = cameras.filter(kind=kind)
    community = _int(params.get("community"))
    if community is not None:
        cameras = cameras.filter(community_id=community)
    grid = _int(params.get("grid"))
    if grid is not None:
        cameras = cameras.filter(grid_id=grid)
    q = (params.get("q") or "").strip()[:50]
    if q:
        cameras = cameras.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(address__icontains=q)
        )
    status = params.get("status", "")
    return cameras, status if status in CameraStatus.values else ""


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    """A heartbeat's age as people say it: 刚刚, 5 分钟前, 3 小时前, 2 天前."""
    if moment is None:
        return _("从未")
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return _("刚刚")
    if seconds < 3600:
        return _("%(n)d 分钟前") % {"n": seconds // 60}
    if seconds < 86400:
        return _("%(n)d 小时前") % {"n": seconds // 3600}
    return _("%(n)d 天前") % {"n": seconds // 86400}


def map_path() -> str:
    try:
        return reverse("command:map")
    except NoReverseMatch:
        return MAP_PATH


@requires(CAPABILITY)
def camera_list(request):
    cameras, status = camera_filters(request.user, request.GET)
    counts = cameras.aggregate(
        total=Count("id"),
        **{value: Count("id", filter=Q(status=value)) for value in CameraStatus.values},
    )
    if status:
        cameras = cameras.filter(status=status)
    cameras = cameras.select_related("grid").only(
        *("code", "name", "kind", "status", "last_heartbeat_at", "address"),
        *("grid", "grid__name", "grid__code", "community_id", "street_id"),
    )
    paginator = Paginator(cameras.order_by("code"), PAGE_SIZE)
    paginator.count = counts[status] if status else counts["total"]  # counted already
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    for camera in page:
        camera.heartbeat = ago(camera.last_heartbeat_at, now)
        camera.stale = camera.status == CameraStatus.ONLINE and (
            camera.last_heartbeat_at is None or now - camera.last_heartbeat_at > STALE_AFTER
        )
    communities, grids = filter_areas(request.user)
    statuses = [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in CameraStatus.choices
    ]
    context = {
        "form": CameraFilterForm(request.GET, communities, grids),
        "page": page,
        "counts": counts,
        "statuses": statuses,
        "status": status,
        "map_path": map_path(),
    }
    return render(request, "command/camera_list.html", context)


@requires(CAPABILITY)
def camera_export(request):
    cameras, status = camera_filters(request.user, request.GET)
    if status:
        cameras = cameras.filter(status=status)
    return camera_io.cameras_response(cameras.order_by("code"))


# --- import --------------------------------------------------------------------------


@requires(CAPABILITY)
def camera_import(request):
    def run(upload, data) -> str:
        sheet = camera_io.read_cameras(request.user, upload, upload.name)
        counts = {"created": len(sheet.new), "updated": len(sheet.changed)}
        counts["unchanged"] = sheet.unchanged
        if data["dry_run"]:
            message = _(
                "检查通过：将新增 %(created)d 个摄像头、修改 %(updated)d 个，"
                "%(unchanged)d 个没有变化。未写入任何数据。"
            )
        else:
            counts = camera_actions.import_cameras(request.user, sheet, upload.name)
            message = _(
                "导入完成：新增 %(created)d 个摄像头，修改 %(updated)d 个，"
                "%(unchanged)d 个没有变化。"
            )
        return message % counts

    form = CameraImportForm(request.POST or None, request.FILES or None)
    outcome = run_import(request, form, run, REPORTS, reverse("command:camera_list"))
    context = {"form": form, "report": outcome.report, "columns": camera_io.COLUMNS}
    return outcome.done or render(request, "command/camera_import.html", context)


@requires(CAPABILITY)
def camera_import_report(request, report_id: str):
    return REPORTS.download(request, report_id)


# --- alert sources -------------------------------------------------------------------


def _sources(user):
    return (
        AlertSource.objects.filter(street_q(user))
        .select_related("street")
        .defer("street__boundary", "secret_cipher")
        .order_by("-is_active", "name", "id")
    )


@requires(CAPABILITY)
def alert_sources(request):
    """The sources of the user's streets; a POST makes one and shows its secret in
    clear on this response only."""
    form = AlertSourceForm(request.POST or None, user=request.user)
    created, secret, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created, secret = create_alert_source(
                    request.user, data["name"], data["street"], data["merge_minutes"]
                )
            except ActionError as exc:
                exc.show_on(form)
            else:
                form = AlertSourceForm(user=request.user)
        if created is None:
            status = 400
    context = {
        "sources": _sources(request.user),
        "form": form,
        "created": created,
        "secret": secret,
        "headers": (KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER),
    }
    response = render(request, "command/alert_sources.html", context, status=status)
    if secret:
        add_never_cache_headers(response)
    return response


@requires(CAPABILITY)
@require_POST
def alert_source_disable(request, pk: int):
    source = _sources(request.user).filter(pk=pk).first()
    if source is None:
        raise Http404
    if source.is_active:
        disable_alert_source(request.user, source)
        messages.success(
            request, _("已停用接入方“%(name)s”，它发送的请求将被拒绝。") % {"name": source.name}
        )
    return redirect("command:alert_sources")
