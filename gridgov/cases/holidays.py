"""China's official holiday schedule (国务院办公厅 节假日安排) as data the demo and a new
installation can load into SpecialDay: the days off, and the weekend days worked in
exchange (调休上班). Each year's schedule is published in the autumn before; add the
next year here (or import it on the calendar page)."""

import datetime as dt

HOLIDAY = "holiday"
MAKEUP = "makeup"


def _span(year: int, month: int, first: int, last: int, name: str):
    return [(dt.date(year, month, day), HOLIDAY, name) for day in range(first, last + 1)]


def _makeup(year: int, month: int, day: int, name: str):
    return (dt.date(year, month, day), MAKEUP, name)


def seed_holidays_2026() -> list[tuple[dt.date, str, str]]:
    """The 2026 schedule as (date, kind, name), kind "holiday" or "makeup", by date."""
    days = [
        *_span(2026, 1, 1, 3, "元旦"),
        _makeup(2026, 1, 4, "元旦调休上班"),
        _makeup(2026, 2, 14, "春节调休上班"),
        *_span(2026, 2, 15, 23, "春节"),
        _makeup(2026, 2, 28, "春节调休上班"),
        *_span(2026, 4, 4, 6, "清明节"),
        *_span(2026, 5, 1, 5, "劳动节"),
        _makeup(2026, 5, 9, "劳动节调休上班"),
        *_span(2026, 6, 19, 21, "端午节"),
        _makeup(2026, 9, 20, "国庆节调休上班"),
        *_span(2026, 9, 25, 27, "中秋节"),
        *_span(2026, 10, 1, 7, "国庆节"),
        _makeup(2026, 10, 10, "国庆节调休上班"),
    ]
    return sorted(days)
