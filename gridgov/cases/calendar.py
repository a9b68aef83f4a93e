"""The working-time calendar as the deadlines use it: built from the editable tables
(WorkYear, SpecialDay) once per process and rebuilt when either changes."""

from django.db.models import Count, Max

from gridgov.cases.models import DayKind, SpecialDay, WorkYear
from gridgov.cases.worktime import WorkCalendar

_cached: dict = {"signature": None, "calendar": None}


def _signature():
    days = SpecialDay.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    years = WorkYear.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (days["n"], days["at"], years["n"], years["at"])


def load_calendar() -> WorkCalendar:
    signature = _signature()
    if _cached["signature"] != signature:
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
    return _cached["calendar"]
