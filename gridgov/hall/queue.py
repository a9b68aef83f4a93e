"""The queue's two rules, apart from any request or table: who is called next, and how
long a number is likely to wait.

The fairness rule (叫号规则). When a window calls the next number, it looks at today's
waiting tickets of the groups the window serves, and:

1. if the oldest ordinary ticket has waited `starvation_minutes` or more, it goes
   first: priority numbers go ahead of ordinary ones, but never so long that an
   ordinary one waits without end;
2. otherwise the oldest priority ticket (elderly, disabled, pregnant) goes;
3. otherwise the oldest ordinary ticket.

"Oldest" is by the time the number was taken (`issued_at`), then by id. A ticket
transferred to another group keeps the time of its first number, so it keeps its
place there. With `starvation_minutes` at 0 every ordinary ticket counts as waited
long enough, so priority tickets would be called only when no ordinary one waits: the
setting should be at least a few minutes.

The same rule is a sort: rank 0 for an ordinary ticket that has waited long enough,
1 for a priority one, 2 for any other, then the age. `pick` states the rule step by
step; `order_key` is the sort in Python, `rank_expression` in the ORM (the ticket
page counts the people ahead with it) and `RANK_SQL` in plain SQL (`call_next` finds
and locks its ticket with it in one statement). The tests hold them to the same
answers.

The wait estimate: the people ahead of a ticket in its group (in the order above),
divided by how fast the group's open windows work. A window's pace is what the group's
windows finished in the last hour, per window that finished them; with less history
than `MIN_SAMPLE` tickets, `DEFAULT_SERVICE_MINUTES` per ticket.
"""

import datetime as dt
import math
from collections.abc import Iterable
from typing import Protocol

from django.db.models import Case, IntegerField, Q, Value, When

STARVED, PRIORITY, ORDINARY = 0, 1, 2
DEFAULT_SERVICE_MINUTES = 10
MIN_SAMPLE = 3
RATE_WINDOW = dt.timedelta(hours=1)


class Waiting(Protocol):
    id: int
    priority: str
    issued_at: dt.datetime


def _age(ticket: Waiting) -> tuple:
    return (ticket.issued_at, ticket.id)


def _waited_enough(ticket: Waiting, now: dt.datetime, starvation_minutes: int) -> bool:
    return now - ticket.issued_at >= dt.timedelta(minutes=starvation_minutes)


def pick(waiting: Iterable[Waiting], now: dt.datetime, starvation_minutes: int):
    """The ticket the fairness rule calls next, or None when nobody waits."""
    waiting = list(waiting)
    ordinary = [t for t in waiting if not t.priority]
    priority = [t for t in waiting if t.priority]
    oldest_ordinary = min(ordinary, key=_age, default=None)
    if oldest_ordinary is not None and _waited_enough(oldest_ordinary, now, starvation_minutes):
        return oldest_ordinary
    if priority:
        return min(priority, key=_age)
    return oldest_ordinary


def rank_of(ticket: Waiting, now: dt.datetime, starvation_minutes: int) -> int:
    if ticket.priority:
        return PRIORITY
    return STARVED if _waited_enough(ticket, now, starvation_minutes) else ORDINARY


def order_key(ticket: Waiting, now: dt.datetime, starvation_minutes: int) -> tuple:
    """Sorting by this lists the tickets in the order they would be called if nobody
    else came and the clock stood still."""
    return (rank_of(ticket, now, starvation_minutes), *_age(ticket))


def rank_expression(now: dt.datetime, starvation_minutes: int) -> Case:
    """`rank_of` for the database: annotate and order by ("rank", "issued_at", "id")."""
    cutoff = now - dt.timedelta(minutes=starvation_minutes)
    return Case(
        When(Q(priority="") & Q(issued_at__lte=cutoff), then=Value(STARVED)),
        When(~Q(priority=""), then=Value(PRIORITY)),
        default=Value(ORDINARY),
        output_field=IntegerField(),
    )


# `rank_of` in SQL over the ticket table's columns; its one parameter is the cutoff,
# `now - starvation_minutes`.
RANK_SQL = (
    f"CASE WHEN priority = '' AND issued_at <= %s THEN {STARVED}"
    f" WHEN priority <> '' THEN {PRIORITY} ELSE {ORDINARY} END"
)


def minutes_per_ticket(finished_last_hour: int, windows_that_finished: int) -> float:
    """How long one window takes per ticket of the group, from the last hour's work."""
    if finished_last_hour < MIN_SAMPLE or windows_that_finished < 1:
        return float(DEFAULT_SERVICE_MINUTES)
    return 60.0 * windows_that_finished / finished_last_hour


def estimate_wait(ahead: int, open_windows: int, per_ticket: float) -> int | None:
    """Minutes until the ticket is likely called; None when no open window serves its
    group (nobody can say)."""
    if ahead <= 0:
        return 0
    if open_windows < 1:
        return None
    return math.ceil(ahead * per_ticket / open_windows)
