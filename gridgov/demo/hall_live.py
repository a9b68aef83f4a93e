"""The demo hall, alive: while `gridgov demo` serves, a number or two is taken at the
consultation desk each tick, and every open window starts the number it called and,
after a few minutes of service, calls the next, through the same actions the desk
and the window consoles use, so the call display and the ticket pages move."""

import datetime as dt
import random

from django.utils import timezone

from gridgov.core.errors import ActionError
from gridgov.hall import queue_actions
from gridgov.hall.models import (
    HallSettings,
    Ticket,
    TicketStatus,
    Window,
    WindowGroup,
    WindowStatus,
)

SERVICE = dt.timedelta(minutes=3)  # a demo service is quicker than a real one
PRIORITIES = ("", "", "", "", "", "", "elderly", "disabled", "pregnant")


def tick(rng: random.Random) -> int:
    """One round at the first hall; returns how many numbers were called."""
    hall = HallSettings.objects.order_by("id").first()
    if hall is None:
        return 0
    now = timezone.now()
    windows = list(
        Window.objects.filter(
            street_id=hall.street_id, status=WindowStatus.OPEN, is_pickup=False, number__lt=100
        )
        .exclude(clerk=None)
        .select_related("clerk")
    )
    if not windows:
        return 0
    groups = list(WindowGroup.objects.filter(street_id=hall.street_id))
    for _ in range(rng.choice((0, 1, 1, 2))):
        queue_actions.issue_ticket(windows[0].clerk, rng.choice(groups), rng.choice(PRIORITIES))
    called = 0
    for window in windows:
        current = Ticket.objects.filter(
            window=window, status__in=(TicketStatus.CALLED, TicketStatus.SERVING)
        ).first()
        try:
            if current is not None and current.status == TicketStatus.CALLED:
                queue_actions.start(window.clerk, current)
            elif current is None or (current.started_at or now) < now - SERVICE * rng.uniform(
                0.5, 1.5
            ):
                called += queue_actions.call_next(window.clerk, window) is not None
        except ActionError:
            continue  # another process moved this window meanwhile
    return called
