"""Due times of a case's steps, from its category's limits on the working calendar."""

import datetime as dt

from gridgov.cases.worktime import Unit, WorkCalendar

# After the follow-up, the case waits this long for the residents' rating before the
# self-evaluation closes it.
EVALUATE_DAYS = 3


def step_due(calendar: WorkCalendar, category, step: str, start: dt.datetime):
    """(due time, unit) of a step (accept, dispatch, handle, follow_up) started now."""
    amount, unit = category.limit(step)
    return calendar.add(start, amount, unit), unit


def evaluate_due(calendar: WorkCalendar, start: dt.datetime):
    return calendar.add(start, EVALUATE_DAYS, Unit.WORK_DAYS), Unit.WORK_DAYS
