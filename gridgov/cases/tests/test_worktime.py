"""The working-time calendar on its own (no database): working hours with a lunch break,
weekends, public holidays, make-up working days, per-year hours, working days and
fractions of them, working minutes, the shift of a suspension, and clock hours.

Real 2026 dates: National Day 10/1 (Thu) to 10/7 (Wed) off, Sunday 9/20 and Saturday
10/10 worked in exchange (调休上班)."""

import datetime as dt
from decimal import Decimal

import pytest

from gridgov.cases.worktime import LOCAL, Unit, WorkCalendar

NATIONAL_DAY = frozenset(dt.date(2026, 10, d) for d in range(1, 8))
MAKEUP = frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)})
CAL = WorkCalendar(holidays=NATIONAL_DAY, makeup_days=MAKEUP)


def at(month, day, hour, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


# -- working days ------------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not():
    assert CAL.is_working_day(dt.date(2026, 3, 13))  # Friday
    assert not CAL.is_working_day(dt.date(2026, 3, 14))  # Saturday
    assert not CAL.is_working_day(dt.date(2026, 3, 15))  # Sunday


def test_public_holidays_are_off_and_makeup_weekend_days_are_worked():
    assert not CAL.is_working_day(dt.date(2026, 10, 1))  # Thursday, National Day
    assert not CAL.is_working_day(dt.date(2026, 10, 7))
    assert CAL.is_working_day(dt.date(2026, 10, 8))
    assert CAL.is_working_day(dt.date(2026, 10, 10))  # Saturday worked
    assert CAL.is_working_day(dt.date(2026, 9, 20))  # Sunday worked
    assert CAL.periods_on(dt.date(2026, 10, 3)) == ()


# -- working hours -----------------------------------------------------------------------


def test_work_hours_started_before_the_morning_count_from_half_past_eight():
    assert CAL.add(at(3, 16, 7, 0), 2, Unit.WORK_HOURS) == at(3, 16, 10, 30)


def test_work_hours_started_inside_a_period_count_from_the_start():
    assert CAL.add(at(3, 16, 9, 0), 2, Unit.WORK_HOURS) == at(3, 16, 11, 0)


def test_work_hours_cross_the_lunch_break():
    # 11:00 + 4 h = 1 h before lunch, 3 h after 14:00.
    assert CAL.add(at(3, 16, 11, 0), 4, Unit.WORK_HOURS) == at(3, 16, 17, 0)


def test_work_hours_started_at_lunch_count_from_two_oclock():
    assert CAL.add(at(3, 16, 12, 30), 1, Unit.WORK_HOURS) == at(3, 16, 15, 0)


def test_work_hours_started_after_work_count_from_the_next_morning():
    assert CAL.add(at(3, 16, 19, 0), 1, Unit.WORK_HOURS) == at(3, 17, 9, 30)


def test_work_hours_carry_over_the_evening():
    # 16:30 + 4 h: 1 h today, 3 h tomorrow from 08:30.
    assert CAL.add(at(3, 16, 16, 30), 4, Unit.WORK_HOURS) == at(3, 17, 11, 30)


def test_work_hours_skip_the_weekend():
    assert CAL.add(at(3, 13, 17, 0), 1, Unit.WORK_HOURS) == at(3, 16, 9, 0)


def test_work_hours_skip_national_day_and_land_on_the_makeup_saturday():
    # Wednesday 9/30 16:30 + 7 h: 1 h on 9/30, 6 h on Thursday 10/8.
    assert CAL.add(at(9, 30, 16, 30), 7, Unit.WORK_HOURS) == at(10, 8, 16, 30)
    # Friday 10/9 17:00 + 1 h: half an hour on Friday, then Saturday 10/10 is worked.
    assert CAL.add(at(10, 9, 17, 0), 1, Unit.WORK_HOURS) == at(10, 10, 9, 0)


def test_a_fraction_of_a_work_hour():
    assert CAL.add(at(3, 16, 9, 0), Decimal("0.25"), Unit.WORK_HOURS) == at(3, 16, 9, 15)


def test_each_year_keeps_its_own_working_hours():
    summer = ((dt.time(8, 0), dt.time(12, 0)), (dt.time(15, 0), dt.time(18, 0)))
    cal = WorkCalendar(periods_by_year={2026: summer})
    assert cal.add(at(3, 16, 11, 0), 2, Unit.WORK_HOURS) == at(3, 16, 16, 0)
    # 2027 has no row of its own: the default hours apply.
    assert cal.add(at(3, 16, 11, 0, 2027), 2, Unit.WORK_HOURS) == at(3, 16, 15, 0, 2027)


def test_results_are_aware_and_inputs_in_utc_are_read_in_local_time():
    start = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)  # 09:00 in Guangzhou
    due = CAL.add(start, 1, Unit.WORK_HOURS)
    assert due == at(3, 16, 10, 0) and due.tzinfo is not None


# -- working days ------------------------------------------------------------------------


def test_one_working_day_ends_at_the_close_of_the_next_working_day():
    assert CAL.add(at(3, 16, 10, 0), 1, Unit.WORK_DAYS) == at(3, 17, 17, 30)


def test_working_days_skip_the_weekend():
    assert CAL.add(at(3, 13, 10, 0), 1, Unit.WORK_DAYS) == at(3, 16, 17, 30)
    assert CAL.add(at(3, 12, 10, 0), 3, Unit.WORK_DAYS) == at(3, 17, 17, 30)


def test_working_days_skip_national_day_and_count_the_makeup_saturday():
    # From Wednesday 9/30: day 1 is Thursday 10/8, day 2 Friday 10/9, day 3 Saturday 10/10.
    assert CAL.add(at(9, 30, 10, 0), 1, Unit.WORK_DAYS) == at(10, 8, 17, 30)
    assert CAL.add(at(9, 30, 10, 0), 3, Unit.WORK_DAYS) == at(10, 10, 17, 30)
    assert CAL.add(at(9, 30, 10, 0), 4, Unit.WORK_DAYS) == at(10, 12, 17, 30)


def test_working_days_from_a_holiday_start_the_day_after():
    assert CAL.add(at(10, 3, 10, 0), 1, Unit.WORK_DAYS) == at(10, 8, 17, 30)


def test_half_a_working_day_is_half_the_days_working_time():
    # 7 working hours a day: half is 3.5 h from 10:00 = 2 h before lunch, 1.5 h after.
    assert CAL.add(at(3, 16, 10, 0), Decimal("0.5"), Unit.WORK_DAYS) == at(3, 16, 15, 30)
    # 1.5 days: the close of the next working day, then half a day more.
    assert CAL.add(at(3, 16, 10, 0), Decimal("1.5"), Unit.WORK_DAYS) == at(3, 18, 12, 0)


def test_a_calendar_without_working_days_is_refused_not_looped():
    nothing = WorkCalendar(periods=())
    with pytest.raises(ValueError):
        nothing.add(at(3, 16, 10, 0), 1, Unit.WORK_HOURS)
    with pytest.raises(ValueError):
        nothing.add(at(3, 16, 10, 0), 1, Unit.WORK_DAYS)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        CAL.add(at(3, 16, 10, 0), 1, "fortnights")


# -- clock hours -------------------------------------------------------------------------


def test_clock_hours_ignore_the_calendar():
    assert CAL.add(at(10, 1, 23, 0), 2, Unit.CLOCK_HOURS) == at(10, 2, 1, 0)
    assert CAL.add(at(3, 16, 11, 50), Decimal("0.25"), Unit.CLOCK_HOURS) == at(3, 16, 12, 5)


# -- working minutes and the suspension shift --------------------------------------------


def test_working_minutes_count_only_working_time():
    assert CAL.working_minutes(at(3, 16, 9, 0), at(3, 16, 15, 0)) == 180 + 60
    assert CAL.working_minutes(at(3, 13, 17, 0), at(3, 16, 9, 0)) == 30 + 30  # weekend
    assert CAL.working_minutes(at(9, 30, 17, 0), at(10, 8, 9, 0)) == 30 + 30  # holiday
    assert CAL.working_minutes(at(3, 16, 12, 0), at(3, 16, 14, 0)) == 0  # lunch
    assert CAL.working_minutes(at(3, 16, 15, 0), at(3, 16, 9, 0)) == 0  # backwards


def test_working_minutes_and_add_agree():
    start = at(9, 29, 15, 10)
    for minutes in (1, 50, 200, 420, 1000, 3000):
        due = CAL.add(start, Decimal(minutes) / 60, Unit.WORK_HOURS)
        assert CAL.working_minutes(start, due) == minutes


def test_a_suspension_shifts_a_working_due_time_by_the_working_time_paused():
    due = at(3, 17, 11, 0)
    # Paused Monday 16:00 to Tuesday 09:00: 1.5 h + 0.5 h of working time.
    shifted = CAL.shift(due, at(3, 16, 16, 0), at(3, 17, 9, 0), Unit.WORK_HOURS)
    assert shifted == at(3, 17, 15, 0)


def test_a_suspension_over_a_weekend_only_shifts_the_working_time():
    due = at(3, 16, 17, 30)
    # Friday close to Monday opening paused no working time: the due time stays.
    assert CAL.shift(due, at(3, 13, 17, 30), at(3, 16, 8, 30), Unit.WORK_DAYS) == due
    # Friday 17:00 to Monday 09:00: half an hour each side, carried past Monday's close.
    assert CAL.shift(due, at(3, 13, 17, 0), at(3, 16, 9, 0), Unit.WORK_DAYS) == at(3, 17, 9, 30)


def test_a_suspension_over_lunch_does_not_move_a_due_time_at_noon():
    due = at(3, 16, 12, 0)
    assert CAL.shift(due, at(3, 16, 12, 10), at(3, 16, 13, 50), Unit.WORK_HOURS) == due


def test_a_suspension_shifts_a_clock_hours_due_time_by_the_clock():
    due = at(3, 14, 10, 0)
    shifted = CAL.shift(due, at(3, 14, 8, 0), at(3, 14, 9, 30), Unit.CLOCK_HOURS)
    assert shifted == at(3, 14, 11, 30)
