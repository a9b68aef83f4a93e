"""The map's cards: what clicking a case, camera, grid, building or worker shows in the
side panel. HTML fragments without the base template, swapped in by htmx.

    GET  /command/cards/<kind>/<id>/     kind: case, camera, grid, building, worker
    POST /command/cases/<id>/verify/     send a grid worker to verify the case on site

Each card starts from the scope rule (404 outside it). The case card suggests the
nearest on-duty grid workers when the user may send one (`assign_verify`); sending
goes through `cases.actions.act` and answers the refreshed card, with the refusal in
red if there is one (status 200, so htmx swaps it in).
"""

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases import actions, workflow
from gridgov.cases.choices import OPEN_STATUSES
from gridgov.cases.models import Case
from gridgov.command.models import Camera, CameraAlert, WorkerLocation
from gridgov.command.queries import STALE_AFTER, nearest_workers
from gridgov.core.errors import ActionError
from gridgov.core.masking import mask_name
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.people.models import Household
from gridgov.places.models import Area, Building, Dwelling, Level

EVENTS_SHOWN = 5
ALERTS_SHOWN = 5
OPEN_CASES_SHOWN = 5
DWELLINGS_SHOWN = 30


def safe_stream_url(url: str) -> str:
    """A stream address without the user name and password some cameras carry in it
    (rtsp://admin:secret@10.0.0.5/… → rtsp://10.0.0.5/…)."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
    return urlunsplit(parts)


# -- the case card --------------------------------------------------------------------


def _case(user, pk):
    return get_visible_or_404(Case.objects.select_related("category", "verifier"), user, pk=pk)


def _case_context(user, case: Case, now: dt.datetime) -> dict:
    events = list(case.events.order_by("-id")[:EVENTS_SHOWN])
    for event in events:
        event.label = workflow.ACTION_LABELS.get(event.action, event.action)
    may_send = "assign_verify" in workflow.allowed_actions(user, case)
    return {
        "case": case,
        "is_overdue": case.is_overdue(now),
        "events": events,
        "may_send": may_send,
        "workers": nearest_workers(case, user, now) if may_send else [],
        "verifier": case.verifier if case.verifier_id and case.verify_due_at else None,
    }


def _case_card(request, pk, now):
    case = _case(request.user, pk)
    return "case", _case_context(request.user, case, now)


# -- the other cards ------------------------------------------------------------------


def _camera_card(request, pk, now):
    camera = get_visible_or_404(
        Camera.objects.select_related("grid").defer("grid__boundary"), request.user, pk=pk
    )
    alerts = (
        CameraAlert.objects.visible_to(request.user)
        .filter(camera=camera)
        .select_related("kind", "case")
        .only("id", "occurred_at", "text", "joined", "kind__name", "case__id", "case__number")
        .order_by("-occurred_at", "-id")[:ALERTS_SHOWN]
    )
    stream = safe_stream_url(camera.stream_url)
    return "camera", {
        "camera": camera,
        "stream": stream,
        "stream_opens": stream.lower().startswith(("http://", "https://")),
        "alerts": list(alerts),
    }


def _last_positions(user, user_ids) -> dict:
    """When each of these workers' phones last reported (those the user may see)."""
    return dict(
        WorkerLocation.objects.visible_to(user)
        .filter(user_id__in=user_ids)
        .values_list("user_id", "recorded_at")
    )


def _grid_card(request, pk, now):
    area = get_visible_or_404(
        Area.objects.without_boundary().filter(level__in=(Level.GRID, Level.COMMUNITY)),
        request.user,
        pk=pk,
    )
    by = {"grid_id": area.pk} if area.level == Level.GRID else {"community_id": area.pk}
    user = request.user
    assignments = list(
        RoleAssignment.objects.filter(
            role=Role.GRID_WORKER,
            user__is_active=True,
            **({"area_id": area.pk} if area.level == Level.GRID else {"area__parent_id": area.pk}),
        )
        .select_related("user", "area")
        .defer("area__boundary")
        .order_by("area__code", "user__full_name")
    )
    positions = _last_positions(user, [a.user_id for a in assignments])
    workers = []
    for assignment in assignments:
        recorded_at = positions.get(assignment.user_id)
        workers.append(
            {
                "id": assignment.user_id,
                "name": str(assignment.user),
                "grid": assignment.area.name,
                "recorded_at": recorded_at,
                "stale": recorded_at is None or recorded_at < now - STALE_AFTER,
            }
        )
    open_cases = Case.objects.visible_to(user).filter(status__in=OPEN_STATUSES, **by)
    return "grid", {
        "area": area,
        "workers": workers,
        "households": Household.objects.visible_to(user).filter(**by).count(),
        "buildings": Building.objects.visible_to(user).filter(**by).count(),
        "open_count": open_cases.count(),
        "open_cases": [
            (case, case.is_overdue(now))
            for case in open_cases.order_by(F("due_at").asc(nulls_last=True), "id").only(
                "id", "number", "title", "status", "due_at", "suspended_at"
            )[:OPEN_CASES_SHOWN]
        ],
    }


def _building_card(request, pk, now):
    building = get_visible_or_404(Building.objects.all(), request.user, pk=pk)
    dwellings = (
        Dwelling.objects.visible_to(request.user)
        .filter(building=building)
        .annotate(household_n=Count("households"))
        .order_by("unit", "room")
    )
    shown = list(dwellings[:DWELLINGS_SHOWN])
    for dwelling in shown:
        dwelling.landlord_masked = mask_name(dwelling.landlord_name)
    total = len(shown)
    if total == DWELLINGS_SHOWN:
        total = Dwelling.objects.visible_to(request.user).filter(building=building).count()
    return "building", {
        "building": building,
        "dwellings": shown,
        "dwelling_total": total,
        "may_open": request.user.has_capability("people.view"),
    }


def _worker_card(request, pk, now):
    location = (
        WorkerLocation.objects.visible_to(request.user)
        .select_related("user", "grid")
        .defer("grid__boundary")
        .filter(user_id=pk)
        .first()
    )
    if location is None:
        raise Http404
    return "worker", {
        "location": location,
        "worker": location.user,
        "stale": location.recorded_at < now - STALE_AFTER,
    }


CARDS = {
    "case": _case_card,
    "camera": _camera_card,
    "grid": _grid_card,
    "building": _building_card,
    "worker": _worker_card,
}


@requires("command.map")
@require_GET
def card(request, kind, pk):
    builder = CARDS.get(kind)
    if builder is None:
        raise Http404
    template, context = builder(request, pk, timezone.now())
    return render(request, f"command/cards/{template}.html", context)


def _worker_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@requires("command.map")
@require_POST
def verify(request, pk):
    """Send the chosen grid worker to verify the case on site (派核实), then answer the
    case card as it is now, with the outcome on top."""
    case = _case(request.user, pk)
    worker = _worker_id(request.POST.get("worker"))
    message = error = None
    try:
        if worker is None:
            raise ActionError(_("请选择核实的网格员。"), field="worker")
        case = actions.act(
            request.user,
            case,
            "assign_verify",
            version=request.POST.get("version") or None,
            worker=worker,
        )
        message = _("已派 %(name)s 到现场核实，请在 %(due)s 前完成。") % {
            "name": case.verifier,
            "due": timezone.localtime(case.verify_due_at).strftime("%H:%M"),
        }
    except ActionError as exc:
        error = exc.message
        case = _case(request.user, pk)
    context = _case_context(request.user, case, timezone.now())
    context |= {"message": message, "error": error}
    return render(request, "command/cards/case.html", context)
