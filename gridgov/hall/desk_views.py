"""The clerk's pages (`hall.desk`): the consultation desk (咨询台) and the window console.

At the desk the clerk picks the applicant's item, ticks the materials brought against
the published list, and either prints what is missing (一次性告知) or issues a queue
ticket. Issuing redirects to the ticket's print page, so a reload prints the same
number rather than taking another. Its QR code holds the token, of which the database
keeps only the digest; the desk's session keeps the tokens of its last numbers.

The window console works the window's current number; every button is a plain POST
form, and a refused move shows the console again with the reason and nothing changed.
Another street's windows and tickets are not found (404); other roles are refused (403).
"""

import io
from urllib.parse import urljoin

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.hall import queue_actions, queue_queries
from gridgov.hall.models import (
    HallSettings,
    ItemStatus,
    Priority,
    ServiceItem,
    Theme,
    Ticket,
    TicketStatus,
    Window,
    WindowGroup,
    WindowStatus,
)

CAPABILITY = "hall.desk"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- the consultation desk ----------------------------------------------------------------


def _items(user):
    return (
        ServiceItem.objects.visible_to(user)
        .filter(status=ItemStatus.PUBLISHED)
        .select_related("group")
        .only(
            *("id", "code", "name", "theme", "department", "promised_days", "fee"),
            *("status", "street_id", "group__letter", "group__name", "group__street_id"),
        )
        .order_by("code")
    )


def _by_theme(items) -> list[tuple[str, list]]:
    """The item select's option groups, in the catalogue's theme order."""
    grouped = {value: [] for value in Theme.values}
    for item in items:
        grouped[item.theme].append(item)
    return [(Theme(value).label, grouped[value]) for value in Theme.values if grouped[value]]


def _desk_context(user, item, brought=(), checked=False, error="") -> dict:
    items = _items(user)
    materials = list(item.materials.all()) if item else []
    missing = [m for m in materials if m.pk not in brought] if checked else []
    return {
        "themes": _by_theme(items),
        "item": item,
        "materials": materials,
        "brought": set(brought),
        "checked": checked,
        "missing": missing,
        "priorities": [(v, label) for v, label in Priority.choices if v],
        "groups": WindowGroup.objects.visible_to(user).order_by("street_id", "letter"),
        "hall_name": _hall_name(item.street_id) if item else "",
        "error": error,
        "now": timezone.now(),
    }


def _hall_name(street_id: int) -> str:
    name = HallSettings.objects.filter(street_id=street_id).values_list("name", flat=True)
    return name.first() or _("政务服务中心")


def _chosen_item(user, value):
    pk = _int(value)
    if pk is None:
        return None
    return _items(user).filter(pk=pk).first()


@requires(CAPABILITY)
def desk(request):
    """GET ?item=: the item's material list to tick; POST: what is missing."""
    data = request.POST if request.method == "POST" else request.GET
    item = _chosen_item(request.user, data.get("item"))
    if data.get("item") and item is None:
        raise Http404
    brought = {pk for pk in map(_int, request.POST.getlist("brought")) if pk is not None}
    checked = request.method == "POST" and item is not None
    context = _desk_context(request.user, item, brought, checked)
    return render(request, "hall/desk.html", context)


def qr_svg(text: str) -> str:
    """The QR code as inline SVG markup (no image request, no data URL)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 (made here, no user text)


def ticket_link(token: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", reverse("hall:ticket", args=[token]))


PRINTED = "hall_printed"  # session key: {ticket id: token} of this desk's last numbers
KEEP_PRINTED = 20


@require_POST
@requires(CAPABILITY)
def desk_issue(request):
    """Issue a ticket for the item (or straight for a group), then show it to print on
    a page of its own, so that reloading that page prints the same number again
    instead of taking another. Only the token's digest is stored: the token itself is
    kept in this desk's session for its last numbers."""
    item = _chosen_item(request.user, request.POST.get("item"))
    target = item
    if item is None:
        target = (
            WindowGroup.objects.visible_to(request.user)
            .filter(pk=_int(request.POST.get("group")))
            .first()
        )
    try:
        if target is None:
            raise ActionError(_("请选择办理的事项或窗口分组。"), field="item")
        ticket, token = queue_actions.issue_ticket(
            request.user, target, request.POST.get("priority", "")
        )
    except ActionError as exc:
        context = _desk_context(request.user, item, error=exc.message)
        return render(request, "hall/desk.html", context, status=exc.status)
    printed = request.session.get(PRINTED, {})
    printed[str(ticket.pk)] = token
    request.session[PRINTED] = dict(list(printed.items())[-KEEP_PRINTED:])
    return redirect("hall:desk_ticket", pk=ticket.pk)


@requires(CAPABILITY)
def desk_ticket(request, pk: int):
    """The number to print. Its QR code needs the token, which only the desk that
    took the number still holds (in its session); elsewhere the page says so."""
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("group", "item"), pk=pk
    )
    ahead, minutes = queue_queries.estimate(
        ticket, timezone.now(), queue_queries.queue_rules(ticket.street_id)[1]
    )
    token = request.session.get(PRINTED, {}).get(str(ticket.pk))
    link = ticket_link(token) if token else ""
    context = {
        "ticket": ticket,
        "item": ticket.item,
        "group": ticket.group,
        "ahead": ahead,
        "wait_label": queue_queries.wait_label(minutes),
        "link": link,
        "qr": qr_svg(link) if link else "",
        "hall_name": _hall_name(ticket.street_id),
    }
    response = render(request, "hall/ticket_print.html", context)
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    return response


# -- the window console -------------------------------------------------------------------


def _window(user, number: int, *, with_clerk: bool = False) -> Window:
    """The window of that number in the user's hall (404 elsewhere); the buttons need
    only the window's own row, the console also the clerk on duty."""
    windows = Window.objects.visible_to(user).filter(number=number).order_by("street_id")
    window = (windows.select_related("clerk") if with_clerk else windows).first()
    if window is None:
        raise Http404
    return window


@requires(CAPABILITY)
def window_list(request):
    windows = list(
        Window.objects.visible_to(request.user)
        .select_related("clerk")
        .prefetch_related("groups")
        .order_by("street_id", "number")
    )
    now = timezone.now()
    current = dict(
        Ticket.objects.visible_to(request.user)
        .filter(day=queue_queries.local_day(now), status__in=queue_queries.AT_A_WINDOW)
        .values_list("window_id", "number")
    )
    for window in windows:
        window.current_number = current.get(window.pk)
    return render(request, "hall/window_list.html", {"windows": windows})


def _console(request, window, error="", status=200):
    state = queue_queries.console_state(window, timezone.now())
    context = {
        "window": window,
        **state,
        "error": error,
        "WindowStatus": WindowStatus,
        "TicketStatus": TicketStatus,
        "is_open": window.status == WindowStatus.OPEN,
        "on_duty": window.clerk_id == request.user.pk,
    }
    return render(request, "hall/window.html", context, status=status)


@requires(CAPABILITY)
def window_console(request, number: int):
    return _console(request, _window(request.user, number, with_clerk=True))


@requires(CAPABILITY)
def window_state(request, number: int):
    """What the console's script refreshes: the waiting counts, and a version that
    changes when the current number or the window changes under the clerk."""
    window = _window(request.user, number)
    state = queue_queries.console_state(window, timezone.now())
    response = JsonResponse(
        {
            "version": state["version"],
            "waiting_here": state["waiting_here"],
            "groups": [
                {"letter": g.letter, "waiting": g.waiting, "priority": g.waiting_priority}
                for g in state["groups"]
            ],
        }
    )
    add_never_cache_headers(response)
    return response


def _at_window(request, window) -> Ticket:
    """The ticket a button acts on: the window's current number. The console names it
    (`ticket`), and a page that no longer shows the current number is refused rather
    than acting on another; without a name, whatever is current."""
    named = request.POST.get("ticket")
    if named:
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=_int(named))
        if ticket.window_id == window.pk and ticket.status in queue_queries.AT_A_WINDOW:
            return ticket
        raise ActionError(_("该号已被处理，页面上的信息已过时。请刷新后重试。"), status=409)
    # The action locks and reads the ticket again: only its id is needed here.
    ticket = queue_queries.at_window(window).only("id").first()
    if ticket is None:
        raise ActionError(_("本窗口当前没有正在办理的号。"), status=409)
    return ticket


def _move(request, number: int, act):
    window = _window(request.user, number)
    try:
        message = act(window)
    except ActionError as exc:
        return _console(request, window, error=exc.message, status=exc.status)
    messages.success(request, message)
    return redirect("hall:window", number=window.number)


@require_POST
@requires(CAPABILITY)
def window_call(request, number: int):
    def act(window):
        ticket = queue_actions.call_next(request.user, window)
        if ticket is None:
            return _("当前没有等候的号。")
        return _("已叫号：%(number)s") % {"number": ticket.number}

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_recall(request, number: int):
    def act(window):
        ticket = queue_actions.recall(request.user, _at_window(request, window))
        if ticket.status == TicketStatus.NO_SHOW:
            return _("%(number)s 已叫 %(n)d 次未到，按过号处理。") % {
                "number": ticket.number,
                "n": ticket.calls,
            }
        return _("已重呼 %(number)s（第 %(n)d 次）") % {"number": ticket.number, "n": ticket.calls}

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_skip(request, number: int):
    def act(window):
        ticket = queue_actions.skip(request.user, _at_window(request, window))
        return _("%(number)s 已按过号处理。") % {"number": ticket.number}

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_start(request, number: int):
    def act(window):
        ticket = queue_actions.start(request.user, _at_window(request, window))
        return _("%(number)s 开始办理。") % {"number": ticket.number}

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_finish(request, number: int):
    def act(window):
        ticket = queue_actions.finish(request.user, _at_window(request, window))
        return _("%(number)s 已办结。") % {"number": ticket.number}

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_transfer(request, number: int):
    def act(window):
        ticket = _at_window(request, window)
        group = (
            WindowGroup.objects.visible_to(request.user)
            .filter(pk=_int(request.POST.get("group")))
            .first()
        )
        moved = queue_actions.transfer(request.user, ticket, group)
        return _("%(old)s 已转到 %(group)s，新号码 %(new)s。") % {
            "old": ticket.number,
            "group": moved.group,
            "new": moved.number,
        }

    return _move(request, number, act)


@require_POST
@requires(CAPABILITY)
def window_status(request, number: int):
    """Start serving (the clerk pressing it goes on duty), pause, or close the window."""

    def act(window):
        status = request.POST.get("status", "")
        clerk = {WindowStatus.OPEN: request.user, WindowStatus.CLOSED: None}.get(
            status, queue_actions.KEEP
        )
        window = queue_actions.set_window(request.user, window, status, clerk)
        return _("%(window)s：%(status)s") % {
            "window": window,
            "status": WindowStatus(window.status).label,
        }

    return _move(request, number, act)
