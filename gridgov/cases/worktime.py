"""The working-time calendar: when a case is due, counted in clock hours, working hours
or working days.

Pure functions over a `WorkCalendar` value (no database), so deadlines can be tested
and computed in bulk. `cases.calendar.load_calendar()` builds the value from the
editable tables. Times are aware datetimes; the arithmetic runs in Asia/Shanghai time.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

LOCAL = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30)))
# Far enough to cover any extension; stops a calendar with no working days from looping.
_MAX_DAYS = 3660


class Unit(models.TextChoices):
    CLOCK_HOURS = "clock_hours", _("自然小时")
    WORK_HOURS = "work_hours", _("工作小时")
    WORK_DAYS = "work_days", _("工作日")


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours per year, public holidays and make-up working days (调休上班)."""

    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    periods_by_year: dict[int, tuple[tuple[dt.time, dt.time], ...]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()
    makeup_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def periods_on(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The working periods of one day as aware datetimes (none on a day off)."""
        if not self.is_working_day(day):
            return ()
        periods = self.periods_by_year.get(day.year, self.periods)
        return tuple(
            (dt.datetime.combine(day, a, LOCAL), dt.datetime.combine(day, b, LOCAL))
            for a, b in periods
        )

    def add(self, start: dt.datetime, amount: Decimal | int | float, unit: str) -> dt.datetime:
        """The due time `amount` units after `start`."""
        amount = Decimal(str(amount))
        if unit == Unit.CLOCK_HOURS:
            return start + dt.timedelta(minutes=float(amount * 60))
        if unit == Unit.WORK_HOURS:
            return self.add_minutes(start, int(amount * 60))
        if unit == Unit.WORK_DAYS:
            return self.add_days(start, amount)
        raise ValueError(f"unknown unit {unit!r}")

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """`minutes` of working time after `start`; ends inside a working period. No
        time at all is the start itself (a suspension that paused no working time must
        not push a due time at the close of work to the next morning)."""
        start = start.astimezone(LOCAL)
        if minutes <= 0:
            return start
        left = dt.timedelta(minutes=minutes)
        day = start.date()
        for _day in range(_MAX_DAYS):
            for begin, end in self.periods_on(day):
                begin = max(begin, start)
                if begin >= end:
                    continue
                if begin + left <= end:
                    return begin + left
                left -= end - begin
            day += dt.timedelta(days=1)
        raise ValueError("the calendar has no working time")

    def add_days(self, start: dt.datetime, days: Decimal) -> dt.datetime:
        """The close of work on the n-th working day after the start's day; a fraction
        of a day counts as that share of the day's working time."""
        whole = int(days)
        day = start.astimezone(LOCAL).date()
        due = start.astimezone(LOCAL)
        counted = 0
        for _day in range(_MAX_DAYS):
            if counted == whole:
                break
            day += dt.timedelta(days=1)
            periods = self.periods_on(day)
            if periods:
                counted += 1
                due = periods[-1][1]
        else:
            raise ValueError("the calendar has no working time")
        fraction = days - whole
        if fraction:
            day_minutes = sum((b - a).total_seconds() // 60 for a, b in self.periods_on(day))
            due = self.add_minutes(due, int(fraction * Decimal(day_minutes or 420)))
        return due

    def working_minutes(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working minutes between two times (0 if end is not after start)."""
        if end <= start:
            return 0
        start, end = start.astimezone(LOCAL), end.astimezone(LOCAL)
        total = dt.timedelta()
        day = start.date()
        while day <= end.date():
            for begin, finish in self.periods_on(day):
                a, b = max(begin, start), min(finish, end)
                if b > a:
                    total += b - a
            day += dt.timedelta(days=1)
        return int(total.total_seconds() // 60)

    def shift(self, due: dt.datetime, paused_from: dt.datetime, paused_to: dt.datetime, unit: str):
        """Move a due time by the time the clock was paused (suspension), in its unit."""
        if unit == Unit.CLOCK_HOURS:
            return due + (paused_to - paused_from)
        return self.add_minutes(due, self.working_minutes(paused_from, paused_to))
