"""The fairness rule and the wait estimate (`hall.queue`), and the database's ordering
held to the same rule: priority first, but an ordinary number that has waited long
enough goes before them; first come, first served within each kind."""

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import timezone

from gridgov.hall import queue, queue_actions
from gridgov.hall.models import Priority, Ticket, TicketStatus

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
STARVATION = 20


@dataclass(frozen=True)
class T:
    id: int
    priority: str
    minutes_ago: float

    @property
    def issued_at(self):
        return NOW - dt.timedelta(minutes=self.minutes_ago)


def pick(*tickets, starvation=STARVATION):
    return queue.pick(tickets, NOW, starvation)


def called_in_order(tickets, starvation=STARVATION):
    """Call one after another with the clock standing still."""
    waiting, order = list(tickets), []
    while waiting:
        chosen = queue.pick(waiting, NOW, starvation)
        order.append(chosen.id)
        waiting.remove(chosen)
    return order


def test_nobody_waiting_calls_nobody():
    assert pick() is None


def test_a_priority_number_goes_before_older_ordinary_ones():
    assert pick(T(1, "", 10), T(2, "", 8), T(3, "elderly", 1)).id == 3


def test_an_ordinary_number_that_waited_long_enough_goes_before_priority_ones():
    assert pick(T(1, "", 20), T(2, "pregnant", 25)).id == 1  # exactly at the limit
    assert pick(T(1, "", 19.9), T(2, "pregnant", 25)).id == 2  # just before it


def test_first_come_first_served_within_each_kind():
    tickets = [T(1, "", 5), T(2, "", 9), T(3, "disabled", 3), T(4, "elderly", 4), T(5, "", 7)]
    assert called_in_order(tickets) == [4, 3, 2, 5, 1]


def test_priority_numbers_never_starve_an_ordinary_one():
    """An ordinary number waiting 30 minutes is called before a stream of priority ones;
    the ordinary ones behind it that have not waited long enough still give way."""
    tickets = [T(1, "", 30), T(2, "", 5)] + [T(10 + i, "elderly", 2) for i in range(5)]
    assert called_in_order(tickets) == [1, 10, 11, 12, 13, 14, 2]


def test_same_time_falls_back_to_the_number_taken_first():
    assert pick(T(7, "", 3), T(6, "", 3)).id == 6
    assert pick(T(9, "elderly", 3), T(8, "pregnant", 3)).id == 8


def test_the_limit_decides_who_counts_as_waited_long_enough():
    tickets = [T(1, "", 3), T(2, "elderly", 2), T(3, "", 1)]
    assert called_in_order(tickets, starvation=2) == [1, 2, 3]
    # At 0 every ordinary number has waited long enough: priority ones come last.
    assert called_in_order(tickets, starvation=0) == [1, 3, 2]


def test_the_sort_is_the_rule():
    """`order_key` lists tickets exactly as calling `pick` again and again does."""
    rng = random.Random(3)
    for _ in range(200):
        tickets = [
            T(i, rng.choice(["", "", "", "elderly", "pregnant"]), rng.uniform(0, 45))
            for i in range(rng.randint(1, 12))
        ]
        by_sort = [t.id for t in sorted(tickets, key=lambda t: queue.order_key(t, NOW, 20))]
        assert by_sort == called_in_order(tickets)


# -- the wait estimate ----------------------------------------------------------------------


def test_the_estimate_uses_the_recent_pace_of_the_groups_windows():
    # 12 finished in the last hour by 2 windows: 10 minutes each per window.
    per_ticket = queue.minutes_per_ticket(12, 2)
    assert per_ticket == 10
    assert queue.estimate_wait(6, 2, per_ticket) == 30
    assert queue.estimate_wait(6, 3, per_ticket) == 20  # a third window opened
    assert queue.estimate_wait(7, 2, queue.minutes_per_ticket(30, 2)) == 14  # 4 min each


def test_without_history_the_default_pace_is_used():
    assert queue.minutes_per_ticket(0, 0) == queue.DEFAULT_SERVICE_MINUTES
    assert queue.minutes_per_ticket(2, 1) == queue.DEFAULT_SERVICE_MINUTES  # too few
    assert queue.estimate_wait(3, 1, queue.minutes_per_ticket(0, 0)) == 30


def test_the_estimate_for_the_next_in_line_and_for_a_group_nobody_serves():
    assert queue.estimate_wait(0, 0, 10) == 0
    assert queue.estimate_wait(4, 0, 10) is None


# -- the database says the same ---------------------------------------------------------------


def test_the_databases_order_is_the_rule(hall, settings):
    """The ORM's sort (the ticket page's count of the people ahead) and the SQL one
    (`call_next`'s pick) put today's waiting tickets in the rule's order."""
    rng = random.Random(11)
    clerk, a = hall["clerk"], hall["groups"]["A"]
    now = timezone.now()
    for _ in range(30):
        ticket, _token = queue_actions.issue_ticket(
            clerk, a, rng.choice(["", "", Priority.ELDERLY, Priority.DISABLED])
        )
        # Spread the times taken over the last 45 minutes, some at the same moment.
        issued = now - dt.timedelta(minutes=rng.choice([rng.uniform(0, 45), 12]))
        Ticket.objects.filter(pk=ticket.pk).update(issued_at=issued)
    tickets = list(Ticket.objects.filter(status=TicketStatus.WAITING))
    expected = [t.id for t in sorted(tickets, key=lambda t: queue.order_key(t, now, 20))]
    in_db = list(
        Ticket.objects.filter(status=TicketStatus.WAITING)
        .annotate(rank=queue.rank_expression(now, 20))
        .order_by("rank", "issued_at", "id")
        .values_list("id", flat=True)
    )
    assert in_db == expected
    cutoff = connection.ops.adapt_datetimefield_value(now - dt.timedelta(minutes=20))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM hall_ticket WHERE status = 'waiting'"  # noqa: S608
            f" ORDER BY {queue.RANK_SQL}, issued_at, id",
            [cutoff],
        )
        assert [row[0] for row in cursor.fetchall()] == expected


@pytest.mark.parametrize("starvation", [1, 20, 600])
def test_call_next_follows_the_rule(hall, starvation):
    """Calling a window again and again takes the tickets in the rule's order."""
    hall["settings"].starvation_minutes = starvation
    hall["settings"].save()
    clerk, window = hall["clerk"], hall["windows"][1]
    now = timezone.now()
    plan = [("", 30), (Priority.PREGNANT, 10), ("", 25), ("", 2), (Priority.ELDERLY, 1)]
    for priority, minutes in plan:
        ticket, _token = queue_actions.issue_ticket(clerk, hall["groups"]["A"], priority)
        Ticket.objects.filter(pk=ticket.pk).update(issued_at=now - dt.timedelta(minutes=minutes))
    tickets = list(Ticket.objects.all())
    expected = [
        t.number for t in sorted(tickets, key=lambda t: queue.order_key(t, now, starvation))
    ]
    called = []
    while (ticket := queue_actions.call_next(clerk, window, now=now)) is not None:
        called.append(ticket.number)
        queue_actions.start(clerk, ticket)
    assert called == expected
    if starvation == 20:
        assert called == ["A001", "A003", "A002", "A005", "A004"]
