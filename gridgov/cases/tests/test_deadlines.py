"""Due times through the actions: each step's due time follows its category's limit on
the working calendar (holidays and make-up days included), a suspension pauses the
clock, an extension moves the handling deadline (twice at most), and "overdue" is a
query over the due time, never a stored flag.

The category of the `report` fixture (暴露垃圾) is accepted in 15 clock minutes,
dispatched in 1 working hour, handled in 4 working hours, followed up in 1 working day.
"""

from decimal import Decimal

import pytest

from gridgov.cases import actions
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import Status
from gridgov.cases.models import Case, Category, WorkYear
from gridgov.cases.tests.fixed_time import at
from gridgov.cases.worktime import Unit
from gridgov.core.errors import ActionError


@pytest.fixture
def dispatched(clock, report, dispatcher, department):
    """A case dispatched on Monday 3/16 at 09:00: handled by 15:00 (3 h + 1 h)."""
    clock.set(at(3, 16, 8, 50))
    case = report(actor=dispatcher)
    clock.set(at(3, 16, 9, 0))
    return actions.act(dispatcher, case, "dispatch", department=department)


def test_reporting_sets_the_acceptance_due_time_in_clock_minutes(clock, report):
    clock.set(at(3, 16, 10, 0))
    case = report()
    assert case.due_at == at(3, 16, 10, 15) and case.due_unit == Unit.CLOCK_HOURS


def test_acceptance_sets_the_dispatch_due_time_in_working_hours(clock, report, dispatcher):
    clock.set(at(3, 16, 11, 30))
    case = report(actor=dispatcher)
    case = actions.act(dispatcher, case, "accept")
    # One working hour from 11:30: half an hour before lunch, half an hour after.
    assert case.accepted_at == at(3, 16, 11, 30)
    assert case.due_at == at(3, 16, 14, 30) and case.due_unit == Unit.WORK_HOURS


def test_dispatch_sets_the_handling_due_time_on_the_calendar(dispatched):
    assert dispatched.dispatched_at == at(3, 16, 9, 0)
    assert dispatched.handle_due_at == dispatched.due_at == at(3, 16, 15, 0)


def test_a_dispatch_before_the_holiday_is_due_after_it(
    clock, national_day, report, dispatcher, department
):
    clock.set(at(9, 30, 16, 0))
    case = report(actor=dispatcher)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    # 1.5 h on Wednesday 9/30, then 10/1–10/7 off, 2.5 h on Thursday 10/8.
    assert case.handle_due_at == at(10, 8, 11, 0)


def test_working_days_count_the_makeup_saturday(
    clock, national_day, report, dispatcher, department
):
    street_lamp = Category.objects.current().get(code="C0102")  # 3 working days
    clock.set(at(9, 30, 10, 0))
    case = report(actor=dispatcher, category=street_lamp)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    # Thursday 10/8, Friday 10/9, Saturday 10/10 (worked in exchange).
    assert case.handle_due_at == at(10, 10, 17, 30) and case.due_unit == Unit.WORK_DAYS


def test_clock_hour_limits_run_through_the_holiday(
    clock, national_day, report, dispatcher, department
):
    road_collapse = Category.objects.current().get(code="E0401")  # 2 clock hours
    clock.set(at(10, 2, 22, 0))
    case = report(actor=dispatcher, category=road_collapse)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    assert case.handle_due_at == at(10, 3, 0, 0) and case.due_unit == Unit.CLOCK_HOURS


def test_the_years_working_hours_apply(clock, report, dispatcher, department):
    WorkYear.objects.create(year=2026, afternoon_start="14:30", afternoon_end="18:00")
    clock.set(at(3, 16, 11, 0))
    case = report(actor=dispatcher)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    assert case.handle_due_at == at(3, 16, 17, 30)  # 1 h before lunch, 3 h from 14:30


def test_an_explicit_due_time_wins_and_must_be_in_the_future(clock, report, dispatcher, department):
    clock.set(at(3, 16, 9, 0))
    case = report(actor=dispatcher)
    with pytest.raises(ActionError) as refused:
        actions.act(dispatcher, case, "dispatch", department=department, due_at=at(3, 16, 8, 0))
    assert refused.value.field == "due_at"
    case = actions.act(dispatcher, case, "dispatch", department=department, due_at=at(3, 18, 12))
    assert case.handle_due_at == case.due_at == at(3, 18, 12, 0)


def test_handling_sets_the_follow_up_due_time(clock, dispatched, personas):
    clock.set(at(3, 16, 14, 0))
    case = actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    assert case.due_at == at(3, 17, 17, 30) and case.handle_due_at == at(3, 16, 15, 0)
    assert case.handled_on_time is True


def test_a_reopened_case_gets_a_fresh_handling_due_time(clock, dispatched, personas):
    staff, worker = personas["department_staff"], personas["grid_worker"]
    clock.set(at(3, 16, 16, 0))  # an hour late
    case = actions.act(staff, dispatched, "handle", result="已清运")
    case = actions.act(worker, case, "follow_up", note="已告知")
    clock.set(at(3, 17, 10, 0))
    case = actions.rate_by_token(case.rating_token, "not_satisfied")
    assert case.status == Status.DISPATCHED and case.rework_count == 1
    assert case.handle_due_at == case.due_at == at(3, 17, 16, 0)  # 2 h + 2 h


# -- suspension --------------------------------------------------------------------------


def test_a_suspension_pauses_the_clock_and_resuming_shifts_both_due_times(
    clock, dispatched, dispatcher
):
    clock.set(at(3, 16, 10, 0))
    case = actions.act(dispatcher, dispatched, "suspend", reason="等待业主配合")
    assert case.suspended_at == at(3, 16, 10, 0)
    # Suspended, it is never overdue, however long it waits.
    clock.set(at(3, 17, 10, 0))
    assert not Case.objects.overdue().filter(pk=case.pk).exists()
    case = actions.act(dispatcher, case, "resume")
    # Paused 7 working hours (Monday 10:00–17:30 less lunch, Tuesday 08:30–10:00):
    # the 15:00 Monday due time moves 7 working hours on, to Tuesday 15:00.
    assert case.suspended_at is None
    assert case.due_at == case.handle_due_at == at(3, 17, 15, 0)
    assert case.events.last().data == {"paused_minutes": 24 * 60}


def test_a_suspension_over_lunch_shifts_nothing(clock, dispatched, dispatcher):
    clock.set(at(3, 16, 12, 30))
    case = actions.act(dispatcher, dispatched, "suspend", reason="午休")
    clock.set(at(3, 16, 13, 45))
    case = actions.act(dispatcher, case, "resume")
    assert case.handle_due_at == at(3, 16, 15, 0)  # no working time passed


def test_a_suspended_case_cannot_be_started_or_handled(clock, dispatched, dispatcher, personas):
    case = actions.act(dispatcher, dispatched, "suspend", reason="等待")
    for action, inputs in (("start", {}), ("handle", {"result": "好了"})):
        with pytest.raises(ActionError) as refused:
            actions.act(personas["department_staff"], case, action, **inputs)
        assert refused.value.status == 409 and "挂起" in str(refused.value.message)
    with pytest.raises(ActionError):
        actions.act(dispatcher, case, "suspend", reason="再挂起")


def test_a_clock_hours_suspension_shifts_by_the_clock(
    clock, national_day, report, dispatcher, department
):
    road_collapse = Category.objects.current().get(code="E0401")  # 2 clock hours
    clock.set(at(10, 2, 20, 0))
    case = report(actor=dispatcher, category=road_collapse)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    case = actions.act(dispatcher, case, "suspend", reason="等待燃气公司")
    clock.set(at(10, 2, 21, 30))
    case = actions.act(dispatcher, case, "resume")
    assert case.handle_due_at == at(10, 2, 23, 30)


# -- extension ---------------------------------------------------------------------------


def test_an_approved_extension_moves_the_handling_deadline(clock, dispatched, dispatcher, personas):
    staff = personas["department_staff"]
    case = actions.act(staff, dispatched, "request_extension", amount="2", reason="需采购配件")
    assert case.extension_amount == Decimal("2") and case.handle_due_at == at(3, 16, 15, 0)
    case = actions.act(dispatcher, case, "approve_extension")
    # Two more working hours from 15:00 Monday.
    assert case.handle_due_at == case.due_at == at(3, 16, 17, 0)
    assert case.extension_count == 1 and case.extension_amount is None


def test_a_denied_extension_changes_nothing_and_does_not_count(
    clock, dispatched, dispatcher, personas
):
    staff = personas["department_staff"]
    case = actions.act(staff, dispatched, "request_extension", amount="2", reason="人手不足")
    case = actions.act(dispatcher, case, "deny_extension", reason="请按时办结")
    assert case.handle_due_at == at(3, 16, 15, 0) and case.extension_count == 0
    assert case.extension_amount is None


def test_at_most_two_extensions(clock, dispatched, dispatcher, personas):
    staff = personas["department_staff"]
    case = dispatched
    for _ in range(2):
        case = actions.act(staff, case, "request_extension", amount="1", reason="配件未到")
        case = actions.act(dispatcher, case, "approve_extension")
    assert case.extension_count == 2 and case.handle_due_at == at(3, 16, 17, 0)
    with pytest.raises(ActionError) as refused:
        actions.act(staff, case, "request_extension", amount="1", reason="再延一次")
    assert refused.value.status == 409 and "两次" in str(refused.value.message)


def test_one_pending_extension_at_a_time_and_a_positive_amount(clock, dispatched, personas):
    staff = personas["department_staff"]
    with pytest.raises(ActionError) as refused:
        actions.act(staff, dispatched, "request_extension", amount="0", reason="x")
    assert refused.value.field == "amount"
    with pytest.raises(ActionError) as refused:
        actions.act(staff, dispatched, "request_extension", amount="abc", reason="x")
    assert refused.value.field == "amount"
    case = actions.act(staff, dispatched, "request_extension", amount="1", reason="配件未到")
    with pytest.raises(ActionError) as refused:
        actions.act(staff, case, "request_extension", amount="1", reason="又一次")
    assert refused.value.status == 409


# -- overdue is a query ------------------------------------------------------------------


def test_overdue_is_a_query_over_the_due_time(clock, dispatched, personas):
    overdue = Case.objects.overdue
    assert not overdue(at(3, 16, 14, 59)).filter(pk=dispatched.pk).exists()
    assert overdue(at(3, 16, 15, 1)).filter(pk=dispatched.pk).exists()
    assert dispatched.is_overdue(at(3, 16, 15, 1)) and not dispatched.is_overdue(at(3, 16, 14))
    # Handling starts the follow-up step: the case is no longer overdue at the same time.
    clock.set(at(3, 16, 16, 0))
    case = actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    assert not overdue(at(3, 16, 16, 1)).filter(pk=case.pk).exists()
    assert case.handled_on_time is False


def test_closed_and_rejected_cases_are_never_overdue(clock, report, dispatcher):
    clock.set(at(3, 16, 9, 0))
    case = actions.act(dispatcher, report(actor=dispatcher), "reject", reason="不属于受理范围")
    assert case.due_at is None
    assert not Case.objects.overdue(at(12, 31, 9, 0)).filter(pk=case.pk).exists()


def test_due_times_come_from_the_calendar_tables(clock, national_day):
    calendar = load_calendar()
    assert not calendar.is_working_day(at(10, 1, 9).date())
    assert calendar.is_working_day(at(10, 10, 9).date())
