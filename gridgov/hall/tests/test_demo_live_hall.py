"""The demo's live hall: each tick numbers are taken and the open windows with a
clerk call and start them, through the queue's actions."""

import random

from gridgov.demo import hall_live
from gridgov.hall.models import Ticket, TicketStatus


def test_ticks_take_numbers_and_the_windows_call_them(hall):
    rng = random.Random(4)
    called = sum(hall_live.tick(rng) for _ in range(6))
    assert called >= 1 and Ticket.objects.count() >= called
    at_window_1 = Ticket.objects.filter(
        window=hall["windows"][1], status__in=(TicketStatus.CALLED, TicketStatus.SERVING)
    )
    assert at_window_1.count() <= 1  # one number at a window at a time
    assert not Ticket.objects.filter(window=hall["windows"][8]).exists()  # pick-up only
