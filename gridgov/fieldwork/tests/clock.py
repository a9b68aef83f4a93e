"""A frozen clock for the tests of a grid worker's day: "today" and patrols depend on
the hour (a patrol started before midnight belongs to yesterday), so they run on a
Monday afternoon whatever the time the suite runs."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases import calendar
from gridgov.cases.worktime import LOCAL

MONDAY_AFTERNOON = datetime.datetime(2026, 3, 16, 15, 0, tzinfo=LOCAL)


class Clock:
    def __init__(self, now):
        self.now = now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch, tree):
    """`timezone.now()` frozen at MONDAY_AFTERNOON until moved (the area tree is made
    first, in real time, as the cases' clock does for the grid lookup's cache)."""
    frozen = Clock(MONDAY_AFTERNOON)
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    calendar.forget()
    yield frozen
    calendar.forget()
