"""Many windows calling at the same moment: no ticket is called twice, none is passed
over, and each window still takes them in the fair order; many desks issuing at once
never draw the same number.

Real threads with their own database connections, committing. On PostgreSQL each
window takes its ticket with `FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE
transactions queue behind the busy timeout."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import queue
from gridgov.hall import queue_actions as qa
from gridgov.hall.models import Priority, Ticket, TicketStatus, Window, WindowStatus
from gridgov.testing import at_once, make_user

transactional = pytest.mark.django_db(transaction=True)
WINDOWS = 8
TICKETS = 40


@pytest.fixture
def waiting(hall):
    """40 waiting tickets in A and B: ordinary ones that have waited past the limit
    (20 minutes), priority ones, fresh ordinary ones, all interleaved by number."""
    now = timezone.now()
    kinds = [("", 40), (Priority.ELDERLY, 15), ("", 10), (Priority.PREGNANT, 5), ("", 1)]
    for i in range(TICKETS):
        priority, minutes = kinds[i % len(kinds)]
        group = hall["groups"]["AB"[i % 2]]
        qa.issue_ticket(
            hall["clerk"], group, priority, now=now - dt.timedelta(minutes=minutes, seconds=i)
        )
    return now


@transactional
def test_eight_windows_call_forty_tickets_each_once_in_fair_order(
    separate_connections, hall, waiting
):
    clerk = hall["clerk"]
    windows = []
    for number in range(11, 11 + WINDOWS):
        window = Window.objects.create(
            street=hall["street"], number=number, clerk=clerk, status=WindowStatus.OPEN
        )
        window.groups.set(hall["groups"].values())
        windows.append(window)
    now = waiting  # the clock stands still: the fair order cannot change under the test

    def work(window):
        def loop():
            called = []
            while (ticket := qa.call_next(clerk, window, now=now)) is not None:
                called.append(ticket.pk)
                qa.start(clerk, ticket)
            return called

        return loop

    outcomes = at_once(*(work(w) for w in windows))

    assert all(isinstance(o, list) for o in outcomes), outcomes
    called = [pk for o in outcomes for pk in o]
    assert len(called) == len(set(called)) == TICKETS  # none twice, none left out
    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()
    assert set(Ticket.objects.values_list("calls", flat=True)) == {1}
    calls = AuditEntry.objects.filter(action="hall.ticket_call")
    assert sorted(int(pk) for pk in calls.values_list("object_id", flat=True)) == sorted(called)
    # Fair: each window took its tickets in the rule's order (all windows serve A and B).
    fair = sorted(Ticket.objects.all(), key=lambda t: queue.order_key(t, now, 20))
    position = {t.pk: i for i, t in enumerate(fair)}
    for taken in outcomes:
        assert [position[pk] for pk in taken] == sorted(position[pk] for pk in taken)
    # Across windows, in the order the calls were written: on SQLite one after the other,
    # so exactly the rule's order; on PostgreSQL at most the other windows' calls in flight.
    order = [int(pk) for pk in calls.order_by("id").values_list("object_id", flat=True)]
    slack = 0 if connection.vendor == "sqlite" else WINDOWS
    assert all(abs(position[pk] - i) <= slack for i, pk in enumerate(order)), order


@transactional
def test_two_clerks_at_one_window_call_one_ticket(separate_connections, hall):
    other = make_user("clerk8b", Role.HALL_CLERK, hall["street"])
    qa.issue_ticket(hall["clerk"], hall["groups"]["A"])
    qa.issue_ticket(hall["clerk"], hall["groups"]["A"])
    window = hall["windows"][1]

    outcomes = at_once(
        lambda: qa.call_next(hall["clerk"], window), lambda: qa.call_next(other, window)
    )

    tickets = [o for o in outcomes if isinstance(o, Ticket)]
    refusals = [o for o in outcomes if isinstance(o, ActionError)]
    assert len(tickets) == 1 and len(refusals) == 1, outcomes
    assert refusals[0].status == 409 and "A001 号已叫号尚未办理" in str(refusals[0].message)
    assert list(Ticket.objects.order_by("seq").values_list("status", flat=True)) == [
        TicketStatus.CALLED,
        TicketStatus.WAITING,
    ]
    assert AuditEntry.objects.filter(action="hall.ticket_call").count() == 1


@transactional
def test_desks_issuing_at_once_never_draw_the_same_number(separate_connections, hall):
    clerk, group = hall["clerk"], hall["groups"]["A"]

    def desk():
        return [qa.issue_ticket(clerk, group)[0].number for _ in range(5)]

    outcomes = at_once(*(desk for _ in range(WINDOWS)))

    assert all(isinstance(o, list) for o in outcomes), outcomes
    numbers = sorted(n for o in outcomes for n in o)
    assert numbers == [f"A{seq:03d}" for seq in range(1, 5 * WINDOWS + 1)]
