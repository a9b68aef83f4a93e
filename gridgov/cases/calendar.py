"""The working-time calendar as the deadlines use it: built from the editable tables
(WorkYear, SpecialDay) once per process and rebuilt when either changes.

Whether they changed is checked at most every few seconds (every report and move needs
the calendar, and the check is two queries); the calendar actions call `forget()`, so
the process that made a change sees it at once and the others within seconds.
"""

import time

from django.db.models import Count, Max

from gridgov.cases.models import DayKind, SpecialDay, WorkYear
from gridgov.cases.worktime import WorkCalendar

CHECK_SECONDS = 5
_cached: dict = {"signature": None, "calendar": None, "checked": 0.0}


def _signature():
    days = SpecialDay.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    years = WorkYear.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (days["n"], days["at"], years["n"], years["at"])


def forget() -> None:
    """Read the tables afresh next time (after a change to the calendar)."""
    _cached.update(signature=None, calendar=None, checked=0.0)


def load_calendar() -> WorkCalendar:
    if _cached["calendar"] is not None and time.monotonic() - _cached["checked"] < CHECK_SECONDS:
        return _cached["calendar"]
    signature = _signature()
    if _cached["signature"] != signature or _cached["calendar"] is None:
        days = list(SpecialDay.objects.values_list("date", "kind"))
        _cached.update(
            signature=signature,
            calendar=WorkCalendar(
                periods_by_year={
                    y.year: (
                        (y.morning_start, y.morning_end),
                        (y.afternoon_start, y.afternoon_end),
                    )
                    for y in WorkYear.objects.all()
                },
                holidays=frozenset(d for d, kind in days if kind == DayKind.HOLIDAY),
                makeup_days=frozenset(d for d, kind in days if kind == DayKind.MAKEUP),
            ),
        )
    _cached["checked"] = time.monotonic()
    return _cached["calendar"]
