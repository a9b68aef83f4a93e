"""The patrol pages: the grid worker's patrol on the phone (start, the running patrol
sending its positions with the screen kept awake, stop), a patrol's page with its
track over the grid, the month's patrols, and reporting what was found on a patrol as
a case that keeps its patrol.

Views parse, call `fieldwork.actions` and render; scope is `visible_to` (404).
"""

import datetime
import uuid

from django.contrib import messages
from django.db.models import Avg, Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.choices import Source
from gridgov.cases.models import Case
from gridgov.cases.report_views import report_page
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.fieldwork import actions, coverage, patrols
from gridgov.fieldwork.models import OFF_GRID_NOTED_MINUTES, Patrol
from gridgov.fieldwork.visit_views import grid_filter, page_of

TODAY = "fieldwork.today"


def _running(user) -> Patrol | None:
    return Patrol.objects.filter(worker=user, ended_at__isnull=True).defer("track").first()


@requires(TODAY)
def patrol(request):
    """Start a patrol, or the running one: elapsed time, distance, positions sent."""
    running = _running(request.user)
    now = timezone.now()
    since = datetime.datetime.combine(
        timezone.localdate(now), datetime.time.min, timezone.get_current_timezone()
    )
    context = {
        "running": running,
        "client_id": uuid.uuid4(),
        "done_today": list(
            Patrol.objects.filter(
                worker=request.user, started_at__gte=since, ended_at__isnull=False
            )
            .defer("track")
            .order_by("-started_at")
        ),
    }
    if running is not None:
        context |= {
            "distance_m": round(patrols.distance_so_far(running, now)),
            "from_earlier_day": not patrols.started_today(running, now),
        }
    return render(request, "fieldwork/patrol.html", context)


@requires(TODAY)
@require_POST
def patrol_start(request):
    try:
        actions.start_patrol(request.user, client_id=request.POST.get("client_id"))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("巡查已开始，请保持本页面打开。"))
    return redirect("fieldwork:patrol")


@requires(TODAY)
@require_POST
def patrol_stop(request):
    """Stop the patrol named (or the running one); a second stop is no error."""
    named = request.POST.get("patrol") or None
    try:
        done = actions.stop_patrol(request.user, named)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("fieldwork:patrol")
    if done.replayed:
        messages.info(request, _("该巡查已结束。"))
    else:
        messages.success(request, _("巡查已结束。"))
    return redirect("fieldwork:patrol_detail", pk=done.pk)


def _month(request) -> datetime.date:
    """?month=YYYY-MM, this month if missing or wrong; never after this month."""
    this = timezone.localdate().replace(day=1)
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return this
    return min(month, this)


def _shift(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@requires("fieldwork.view")
def patrol_list(request):
    """The patrols of a month in the viewer's scope (a grid worker: their own), by
    worker or grid for supervisors."""
    month = _month(request)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, zone)
    end = datetime.datetime.combine(_shift(month, 1), datetime.time.min, zone)
    grids, grid = grid_filter(request)
    rows = Patrol.objects.visible_to(request.user).filter(started_at__gte=start, started_at__lt=end)
    if grid is not None:
        rows = rows.filter(grid=grid)
    worker = request.GET.get("worker", "")
    if worker.isdigit():
        rows = rows.filter(worker_id=int(worker))
    totals = rows.aggregate(
        n=Count("id"),
        days=Count("started_at__date", distinct=True),
        metres=Sum("distance_m"),
        spent=Sum("duration"),
        share=Avg("coverage"),
    )
    rows = (
        rows.select_related("worker", "grid")
        .only(
            "id",
            "started_at",
            "ended_at",
            "distance_m",
            "duration",
            "coverage",
            "off_grid_minutes",
            "worker__username",
            "worker__full_name",
            "grid__name",
        )
        .order_by("-started_at", "-id")
    )
    keep = [("month", f"{month:%Y-%m}")] + ([("worker", worker)] if worker.isdigit() else [])
    context = {
        "page": page_of(request, rows),
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1) if month < timezone.localdate().replace(day=1) else None,
        "totals": totals,
        "hours": (totals["spent"] or datetime.timedelta()).total_seconds() / 3600,
        "km": (totals["metres"] or 0) / 1000,
        "share": None if totals["share"] is None else round(totals["share"] * 100),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "keep": keep,
        "worker": worker,
        "noted": OFF_GRID_NOTED_MINUTES,
    }
    return render(request, "fieldwork/patrol_list.html", context)


@requires("fieldwork.view")
def patrol_detail(request, pk: int):
    """A patrol's track over its grid (one line per unbroken piece: a gap shows as a
    gap), the buildings passed and not, its figures and the cases found on it."""
    found = get_visible_or_404(
        Patrol.objects.select_related("worker", "grid").defer("grid__boundary"), request.user, pk=pk
    )
    shape = patrols.grid_shape(found.grid_id)
    if found.is_running:
        track = coverage.encode_track(
            patrols.fixes_between(found.worker_id, found.started_at, timezone.now())
        )
        passed = set()
    else:
        track = found.track or {}
        passed = patrols.passed_ids(found, shape)
    buildings = [
        {"lon": lon, "lat": lat, "passed": pk in passed}
        for pk, (lon, lat) in zip(shape.building_ids, shape.points, strict=True)
    ]
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(source=Source.PATROL, source_ref=f"patrol:{found.pk}")
        .only("id", "number", "title", "status")
        .order_by("id")
    )
    own = found.worker_id == request.user.pk
    spent = found.duration or (timezone.now() - found.started_at)
    minutes = int(spent.total_seconds() // 60)
    context = {
        "patrol": found,
        "spent": (minutes // 60, f"{minutes % 60:02d}"),
        "map_data": {
            "grid": shape.boundary,
            "track": coverage.track_geojson(track),
            "buildings": buildings,
        },
        "buildings": len(buildings),
        "passed": sum(1 for b in buildings if b["passed"]),
        "gaps": patrols.gaps(track),
        "cases": cases,
        "can_report": own and request.user.has_capability(TODAY),
        "can_stop": own and found.is_running and request.user.has_capability(TODAY),
        "noted": OFF_GRID_NOTED_MINUTES,
    }
    return render(request, "fieldwork/patrol_detail.html", context)


@requires(TODAY)
def patrol_case(request, pk: int):
    """ "发现问题": the case report form, for a case that keeps this patrol."""
    own = Patrol.objects.visible_to(request.user).filter(worker=request.user).defer("track")
    found = get_object_or_404(own, pk=pk)
    if not request.user.has_capability("cases.report"):
        return redirect("fieldwork:patrol_detail", pk=found.pk)
    local = timezone.localtime(found.started_at)
    origin = {
        "label": _("巡查发现"),
        "text": _("%(time)s 开始的巡查") % {"time": f"{local:%m-%d %H:%M}"},
        "url": reverse("fieldwork:patrol_detail", args=[found.pk]),
    }
    return report_page(
        request,
        submit=lambda inputs: actions.report_case_from_patrol(request.user, found, **inputs),
        origin=origin,
    )
