"""Reads of the queue: a ticket by its link, its place and likely wait, a window's
console, the hall's call display. Each is a few indexed queries, because the ticket
page and the display ask every second or two.

Everything is of one street and one local day: numbers start again at 001 each day,
and yesterday's unfinished tickets are not anybody's queue today.
"""

import datetime as dt
import hashlib

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.hall import queue
from gridgov.hall.models import (
    HallSettings,
    Ticket,
    TicketStatus,
    Window,
    WindowGroup,
    WindowStatus,
)

AT_A_WINDOW = (TicketStatus.CALLED, TicketStatus.SERVING)
RECENT_CALLS = 8


def token_digest(token: str) -> str:
    """What is stored of a ticket link's token: a copied table opens no ticket page."""
    return hashlib.sha256(token.encode()).hexdigest()


def local_day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


# A hall without settings yet follows the model's defaults.
DEFAULT_NO_SHOW_CALLS = HallSettings._meta.get_field("no_show_calls").default
DEFAULT_STARVATION_MINUTES = HallSettings._meta.get_field("starvation_minutes").default


def queue_rules(street_id: int) -> tuple[int, int]:
    """(no_show_calls, starvation_minutes) of the street's hall."""
    row = (
        HallSettings.objects.filter(street_id=street_id)
        .values_list("no_show_calls", "starvation_minutes")
        .first()
    )
    return row or (DEFAULT_NO_SHOW_CALLS, DEFAULT_STARVATION_MINUTES)


def ticket_by_token(token: str) -> Ticket | None:
    if not token or len(token) > 100:
        return None
    return (
        Ticket.objects.filter(token_digest=token_digest(token))
        .select_related("group", "window", "item", "transferred_from")
        .only(
            *("id", "street_id", "day", "number", "priority", "status", "calls", "issued_at"),
            *("group__letter", "group__name", "window__number", "item__name"),
            "transferred_from__number",
        )
        .first()
    )


def people_ahead(ticket: Ticket, now: dt.datetime, starvation_minutes: int) -> int:
    """Waiting tickets of the ticket's group that the fairness rule calls before it,
    as things stand (later arrivals and the clock may still change it)."""
    rank = queue.rank_of(ticket, now, starvation_minutes)
    before = (
        Q(rank__lt=rank)
        | Q(rank=rank, issued_at__lt=ticket.issued_at)
        | Q(rank=rank, issued_at=ticket.issued_at, id__lt=ticket.id)
    )
    return (
        Ticket.objects.filter(
            street_id=ticket.street_id,
            day=ticket.day,
            status=TicketStatus.WAITING,
            group_id=ticket.group_id,
        )
        .annotate(rank=queue.rank_expression(now, starvation_minutes))
        .filter(before)
        .count()
    )


def group_pace(street_id: int, group_id: int, now: dt.datetime) -> tuple[float, int]:
    """(minutes per ticket at one window, open windows serving the group)."""
    recent = Ticket.objects.filter(
        street_id=street_id,
        day=local_day(now),
        status=TicketStatus.DONE,
        group_id=group_id,
        finished_at__gte=now - queue.RATE_WINDOW,
    ).aggregate(done=Count("id"), windows=Count("window", distinct=True))
    open_windows = Window.objects.filter(
        street_id=street_id, groups=group_id, status=WindowStatus.OPEN
    ).count()
    return queue.minutes_per_ticket(recent["done"], recent["windows"]), open_windows


def estimate(ticket: Ticket, now: dt.datetime, starvation_minutes: int) -> tuple[int, int | None]:
    """(people ahead, estimated minutes) of a waiting ticket."""
    ahead = people_ahead(ticket, now, starvation_minutes)
    per_ticket, open_windows = group_pace(ticket.street_id, ticket.group_id, now)
    return ahead, queue.estimate_wait(ahead, open_windows, per_ticket)


def wait_label(minutes: int | None) -> str:
    if minutes is None:
        return _("暂无窗口办理该类业务")
    if minutes == 0:
        return _("马上就到您")
    if minutes < 60:
        return _("约 %(n)d 分钟") % {"n": minutes}
    return _("约 %(h)d 小时 %(m)d 分钟") % {"h": minutes // 60, "m": minutes % 60}


def _message(ticket: Ticket) -> str:
    window = ticket.window.number if ticket.window_id else None
    if ticket.status == TicketStatus.CALLED:
        return _("请到 %(n)s 号窗口办理") % {"n": window}
    if ticket.status == TicketStatus.SERVING:
        return _("正在 %(n)s 号窗口办理") % {"n": window}
    if ticket.status == TicketStatus.DONE:
        return _("已办结，感谢您的耐心等候")
    if ticket.status == TicketStatus.NO_SHOW:
        return _("已过号，如需办理请到咨询台重新取号")
    if ticket.status == TicketStatus.TRANSFERRED:
        return _("已转到其他窗口，请以新号码为准")
    return _("请留意大厅叫号屏和语音提示")


def ticket_state(ticket: Ticket, now: dt.datetime) -> dict:
    """What the ticket's page and its live JSON show: nothing personal."""
    waiting = ticket.status == TicketStatus.WAITING
    ahead = minutes = None
    if waiting:
        ahead, minutes = estimate(ticket, now, queue_rules(ticket.street_id)[1])
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": str(TicketStatus(ticket.status).label),
        "group": f"{ticket.group.letter} {ticket.group.name}",
        "window": ticket.window.number if ticket.window_id else None,
        "ahead": ahead,
        "wait_minutes": minutes,
        "wait_label": wait_label(minutes) if waiting else "",
        "message": _message(ticket),
        "final": ticket.status in (TicketStatus.DONE, TicketStatus.NO_SHOW),
    }


# -- a window's console ---------------------------------------------------------------


def at_window(window: Window):
    """The window's number called and not yet closed (one at most, a constraint)."""
    return Ticket.objects.filter(window=window, status__in=AT_A_WINDOW)


def current_ticket(window: Window) -> Ticket | None:
    """The number the window has called and not yet closed, with its group and item."""
    return at_window(window).select_related("group", "item").order_by("-called_at").first()


def waiting_by_group(street_id: int, now: dt.datetime) -> list[WindowGroup]:
    """The street's groups, each with `waiting` and `waiting_priority` of today."""
    waiting = Q(tickets__day=local_day(now), tickets__status=TicketStatus.WAITING)
    return list(
        WindowGroup.objects.filter(street_id=street_id)
        .annotate(
            waiting=Count("tickets", filter=waiting),
            waiting_priority=Count("tickets", filter=waiting & ~Q(tickets__priority="")),
        )
        .order_by("letter")
    )


def console_version(window: Window, current: Ticket | None) -> str:
    """Changes whenever what the console's buttons act on changes (another clerk at the
    same window, a transfer): the page reloads when it no longer matches."""
    if current is None:
        return f"{window.status}:-"
    return f"{window.status}:{current.pk}:{current.status}:{current.calls}"


def console_state(window: Window, now: dt.datetime) -> dict:
    current = current_ticket(window)
    groups = waiting_by_group(window.street_id, now)
    served = {g.pk for g in window.groups.all()}
    for group in groups:
        group.served_here = group.pk in served
    return {
        "current": current,
        "groups": groups,
        "waiting_here": sum(g.waiting for g in groups if g.served_here),
        "version": console_version(window, current),
    }


# -- the call display -----------------------------------------------------------------


def say(number: str, window_number: int) -> str:
    return _("请 %(number)s 号到 %(window)s 号窗口") % {"number": number, "window": window_number}


def display_state(street_id: int, now: dt.datetime) -> dict:
    """Numbers and window numbers only: the hall's TV shows it to everyone."""
    day = local_day(now)
    windows = list(
        Window.objects.filter(street_id=street_id, is_pickup=False)
        .order_by("number")
        .values_list("id", "number", "status")
    )
    today = Ticket.objects.filter(street_id=street_id, day=day)
    at_window = {
        window_id: number
        for window_id, number in today.filter(status__in=AT_A_WINDOW)
        .order_by("called_at")
        .values_list("window_id", "number")
    }
    recent = (
        today.filter(called_at__isnull=False, window__isnull=False)
        .order_by("-called_at", "-id")
        .values_list("id", "number", "calls", "window__number", "called_at")[:RECENT_CALLS]
    )
    groups = waiting_by_group(street_id, now)
    return {
        "windows": [
            {"number": number, "open": status == WindowStatus.OPEN, "ticket": at_window.get(pk)}
            for pk, number, status in windows
        ],
        "calls": [
            {
                "key": f"{pk}-{calls}",
                "number": number,
                "window": window_number,
                "at": timezone.localtime(at).strftime("%H:%M"),
                "say": say(number, window_number),
            }
            for pk, number, calls, window_number, at in recent
        ],
        "waiting": [
            {"group": f"{g.letter} {g.name}", "letter": g.letter, "count": g.waiting}
            for g in groups
        ],
    }
