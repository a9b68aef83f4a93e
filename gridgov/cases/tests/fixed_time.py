"""Test helpers for due times: a frozen, settable clock and the 2026 National Day
calendar (10/1–10/7 off, Sunday 9/20 and Saturday 10/10 worked).

The case tests' conftest makes the fixtures available to every test module."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.cases import calendar
from gridgov.cases.models import DayKind, SpecialDay
from gridgov.cases.worktime import LOCAL


def at(month, day, hour, minute=0, year=2026):
    """A time in Guangzhou."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


class Clock:
    """`timezone.now()` frozen at `now` until moved; the actions read the time there."""

    def __init__(self, now):
        self.now = now

    def set(self, now):
        self.now = now
        return now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch, tree):
    """The area tree is made first, in real time: the grid lookup caches its index by the
    grids' last change, which a clock frozen at the same moment in every test would
    make look unchanged from one test to the next."""
    frozen = Clock(at(3, 16, 9, 0))  # a Monday
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def national_day(db):
    """The 2026 National Day holiday and its make-up working days, as the tables hold them."""
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=dt.date(2026, 10, d), kind=DayKind.HOLIDAY) for d in (1, 2, 5, 6, 7)]
        + [
            SpecialDay(date=dt.date(2026, 9, 20), kind=DayKind.MAKEUP),
            SpecialDay(date=dt.date(2026, 10, 10), kind=DayKind.MAKEUP),
        ]
    )
    calendar.forget()
    yield
    calendar.forget()
