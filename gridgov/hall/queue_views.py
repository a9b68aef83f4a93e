"""The queue's public pages, opened without login.

* The call display (叫号屏) on the hall's TV: the number each window is calling, the
  last calls and how many wait per group; its script asks every second and speaks
  each new call. It shows numbers and window numbers only, what the hall's speakers
  announce to everyone anyway.
* The ticket page, reached through the QR code on the printed ticket: the token in
  the link is the key (only its digest is stored). It shows the number, its status,
  how many are ahead, the likely wait and the window that calls it; nothing personal.
  An unknown token is a 404 that says so.
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.hall import queue_queries
from gridgov.hall.models import HallSettings


def _hall(code: str) -> HallSettings:
    return get_object_or_404(
        HallSettings.objects.select_related("street").only(
            "id", "name", "street_id", "street__code", "street__name"
        ),
        street__code=code,
    )


@require_GET
def display_index(request):
    """The halls that have a display; with one hall, straight to its display."""
    halls = list(
        HallSettings.objects.select_related("street")
        .only("id", "name", "street_id", "street__code", "street__name")
        .order_by("street__code")
    )
    if len(halls) == 1:
        return redirect("hall:display", code=halls[0].street.code)
    return render(request, "hall/display_index.html", {"halls": halls})


@require_GET
def display(request, code: str):
    hall = _hall(code)
    context = {
        "hall": hall,
        "state": queue_queries.display_state(hall.street_id, timezone.now()),
        "calls_url": reverse("hall:display_calls", args=[code]),
    }
    response = render(request, "hall/display.html", context)
    add_never_cache_headers(response)
    return response


@require_GET
def display_calls(request, code: str):
    hall = _hall(code)
    now = timezone.now()
    state = queue_queries.display_state(hall.street_id, now)
    state["time"] = timezone.localtime(now).strftime("%H:%M")
    response = JsonResponse(state)
    add_never_cache_headers(response)
    return response


def _private(response):
    """The link is the key: never pass it on to another site; never cache the page."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def ticket_page(request, token: str):
    ticket = queue_queries.ticket_by_token(token)
    if ticket is None:
        return _private(render(request, "hall/ticket.html", {"ticket": None}, status=404))
    context = {
        "ticket": ticket,
        "state": queue_queries.ticket_state(ticket, timezone.now()),
        "live_url": reverse("hall:ticket_live", args=[token]),
        "rate_url": reverse("hall:rate", args=[token]),
    }
    return _private(render(request, "hall/ticket.html", context))


@require_GET
def ticket_live(request, token: str):
    ticket = queue_queries.ticket_by_token(token)
    if ticket is None:
        return _private(JsonResponse({"error": _("号码链接无效。")}, status=404))
    return _private(JsonResponse(queue_queries.ticket_state(ticket, timezone.now())))
