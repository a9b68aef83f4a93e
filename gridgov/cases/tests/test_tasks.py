"""The clockwork the task worker runs every minute (`cases.tasks.sweep`): reminders
before a due time (once per step), overdue cases rising a level with the level above
told, overdue notices at the street and at departments (once per step), the
self-evaluation closing unrated cases, and a second run changing nothing."""

import pytest
from django.core.management import call_command

from gridgov.cases import actions, tasks
from gridgov.cases.choices import Level, Rating, Status
from gridgov.cases.models import Case, Notice, NoticeKind
from gridgov.cases.tests.fixed_time import at
from gridgov.core.models import AuditEntry

NOTHING = {"reminded": 0, "escalated": 0, "evaluated": 0, "overdue": 0, "failed": 0}


def sweep(now):
    return tasks.sweep.call(now=now)


def notices(kind, user=None):
    found = Notice.objects.filter(kind=kind)
    return found.filter(recipient=user) if user else found


@pytest.fixture
def dispatched(clock, report, dispatcher, department):
    """Dispatched Monday 3/16 09:00, to be handled by 15:00."""
    clock.set(at(3, 16, 9, 0))
    case = report(actor=dispatcher)
    return actions.act(dispatcher, case, "dispatch", department=department)


# -- reminders ---------------------------------------------------------------------------


def test_the_department_is_reminded_once_before_the_due_time(dispatched, personas):
    staff = personas["department_staff"]
    # A six-hour step is reminded in its last quarter, 1.5 h before 15:00.
    assert sweep(at(3, 16, 13, 0)) == NOTHING
    assert sweep(at(3, 16, 13, 31))["reminded"] == 1
    notice = notices(NoticeKind.DUE_SOON, staff).get()
    assert dispatched.number in notice.message and "15:00" in notice.message
    assert Case.objects.get(pk=dispatched.pk).reminded_at == at(3, 16, 13, 31)
    assert sweep(at(3, 16, 13, 40)) == NOTHING
    assert sweep(at(3, 16, 14, 59)) == NOTHING
    assert notices(NoticeKind.DUE_SOON).count() == 1


def test_a_new_step_is_reminded_again(clock, dispatched, dispatcher, personas):
    staff = personas["department_staff"]
    sweep(at(3, 16, 14, 0))
    clock.set(at(3, 16, 14, 10))
    case = actions.act(staff, dispatched, "request_extension", amount="2", reason="配件未到")
    case = actions.act(dispatcher, case, "approve_extension")  # now due 17:00
    assert sweep(at(3, 16, 16, 30))["reminded"] == 1
    assert notices(NoticeKind.DUE_SOON, staff).count() == 2


def test_reminders_before_two_hours_wait_for_long_steps(clock, report, dispatcher, department):
    clock.set(at(3, 16, 9, 0))
    street_lamp = report(actor=dispatcher, category=_category("C0102"))  # 3 working days
    actions.act(dispatcher, street_lamp, "dispatch", department=department)  # due Thu 17:30
    assert sweep(at(3, 19, 15, 29)) == NOTHING
    assert sweep(at(3, 19, 15, 31))["reminded"] == 1


def test_suspended_and_closed_cases_are_not_reminded(clock, dispatched, dispatcher):
    clock.set(at(3, 16, 10, 0))
    actions.act(dispatcher, dispatched, "suspend", reason="等待业主")
    assert sweep(at(3, 16, 14, 0)) == NOTHING
    assert sweep(at(3, 16, 16, 0)) == NOTHING


def _category(code):
    from gridgov.cases.models import Category

    return Category.objects.current().get(code=code)


# -- overdue -----------------------------------------------------------------------------


def test_an_overdue_grid_case_rises_level_by_level_and_the_level_above_is_told(
    clock, report, personas, dispatcher
):
    clock.set(at(3, 16, 9, 0))
    case = report()  # at the grid, to be accepted by 09:15
    audit_before = AuditEntry.objects.count()
    assert sweep(at(3, 16, 9, 16))["escalated"] == 1
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY and case.due_at == at(3, 16, 9, 31)
    event = case.events.last()
    assert (event.action, event.actor, event.created_at) == ("escalate", None, at(3, 16, 9, 16))
    assert AuditEntry.objects.count() == audit_before + 1
    assert notices(NoticeKind.ESCALATED, personas["community_staff"]).count() == 1
    # Run again in the same minute: nothing more.
    assert sweep(at(3, 16, 9, 16)) == NOTHING
    # Still not accepted at the community: it rises to the street.
    assert sweep(at(3, 16, 9, 32))["escalated"] == 1
    case.refresh_from_db()
    assert case.level == Level.STREET
    assert notices(NoticeKind.ESCALATED, dispatcher).count() == 1
    # Overdue at the street: the dispatchers are told once.
    assert sweep(at(3, 16, 9, 48))["overdue"] == 1
    assert sweep(at(3, 16, 9, 58)) == NOTHING
    assert notices(NoticeKind.OVERDUE, dispatcher).count() == 1


def test_an_accepted_community_case_rises_too(clock, report, personas):
    clock.set(at(3, 16, 9, 0))
    case = report(actor=personas["community_staff"])
    case = actions.act(personas["community_staff"], case, "accept")  # due 10:00
    assert sweep(at(3, 16, 10, 1))["escalated"] == 1
    case.refresh_from_db()
    assert case.level == Level.STREET and case.status == Status.ACCEPTED


def test_an_overdue_department_is_told_once_per_step(
    clock, dispatched, personas, dispatcher, department
):
    staff = personas["department_staff"]
    sweep(at(3, 16, 14, 0))  # the reminder
    assert sweep(at(3, 16, 15, 1))["overdue"] == 1
    notice = notices(NoticeKind.OVERDUE, staff).get()
    assert "已超期" in notice.message
    assert sweep(at(3, 16, 15, 30)) == NOTHING
    assert sweep(at(3, 17, 9, 0)) == NOTHING
    # Returned and dispatched again late: a new step, a new notice when it is overdue.
    clock.set(at(3, 17, 9, 10))
    case = actions.act(staff, dispatched, "return", reason="不属于本单位")
    actions.act(dispatcher, case, "dispatch", department=department)  # due 13:10
    assert sweep(at(3, 17, 14, 0))["overdue"] == 0
    assert sweep(at(3, 17, 17, 0))["overdue"] == 1
    assert notices(NoticeKind.OVERDUE, staff).count() == 2


def test_an_overdue_follow_up_tells_the_grid_worker(clock, dispatched, personas):
    clock.set(at(3, 16, 10, 0))
    actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    assert sweep(at(3, 17, 17, 31))["overdue"] == 1  # follow-up due Tuesday 17:30
    assert notices(NoticeKind.OVERDUE, personas["grid_worker"]).count() == 1


# -- self-evaluation ---------------------------------------------------------------------


def test_an_unrated_case_is_closed_by_the_self_evaluation(clock, dispatched, personas):
    clock.set(at(3, 16, 10, 0))
    case = actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    case = actions.act(personas["grid_worker"], case, "follow_up", note="已告知居民")
    # The rating period is 3 working days: until Thursday 17:30.
    assert sweep(at(3, 19, 17, 0)) == NOTHING
    assert sweep(at(3, 19, 17, 31))["evaluated"] == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.self_score == 100
    assert case.closed_at == at(3, 19, 17, 31) and case.events.last().actor is None
    assert sweep(at(3, 19, 17, 32)) == NOTHING


def test_a_reworked_case_that_still_passes_is_closed(clock, dispatched, personas):
    staff, worker = personas["department_staff"], personas["grid_worker"]
    clock.set(at(3, 16, 16, 0))  # an hour late
    case = actions.act(staff, dispatched, "handle", result="已清运")
    case = actions.act(worker, case, "follow_up", note="已告知")
    case = actions.rate_by_token(case.rating_token, Rating.NOT_SATISFIED)
    clock.set(at(3, 17, 9, 0))
    case = actions.act(staff, case, "handle", result="再次清运")
    case = actions.act(worker, case, "follow_up", note="再次回访")  # score 100 - 20
    assert sweep(at(3, 20, 17, 31))["evaluated"] == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.self_score == 80


def test_an_unrated_case_that_fails_is_not_closed_and_the_dispatcher_told_once(
    clock, dispatched, personas, dispatcher
):
    staff, worker = personas["department_staff"], personas["grid_worker"]
    case = actions.rate_by_token(
        actions.act(
            worker,
            actions.act(staff, dispatched, "handle", result="已清运"),
            "follow_up",
            note="已告知",
        ).rating_token,
        Rating.NOT_SATISFIED,
    )
    clock.set(at(3, 17, 9, 0))  # the new due time passed
    Case.objects.filter(pk=case.pk).update(handle_due_at=at(3, 16, 10, 0))
    case = actions.act(staff, case, "handle", result="再次清运")  # late, reworked: 40
    case = actions.act(worker, case, "follow_up", note="再次回访")
    assert sweep(at(3, 20, 17, 31)) == NOTHING | {"overdue": 1}
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP
    assert notices(NoticeKind.OVERDUE, dispatcher).count() == 1
    assert sweep(at(3, 23, 9, 0)) == NOTHING


# -- robustness --------------------------------------------------------------------------


def test_one_failing_case_does_not_stop_the_sweep(clock, report, monkeypatch):
    clock.set(at(3, 16, 9, 0))
    first, second = report(), report()
    real_move = actions.system_move

    def flaky(case, action, **kw):
        if case.pk == first.pk:
            raise RuntimeError("boom")
        return real_move(case, action, **kw)

    monkeypatch.setattr(actions, "system_move", flaky)
    counts = sweep(at(3, 16, 9, 20))
    assert counts["failed"] == 1 and counts["escalated"] == 1
    assert Case.objects.get(pk=second.pk).level == Level.COMMUNITY
    assert Case.objects.get(pk=first.pk).level == Level.GRID


def test_a_stale_read_tells_nobody_twice(dispatched):
    stale = list(tasks._due_soon(at(3, 16, 14, 0)))
    assert sweep(at(3, 16, 14, 0))["reminded"] == 1
    # A second sweep that read the case before the first one told it: compare-and-set.
    assert tasks._remind(stale[0], at(3, 16, 14, 0)) is None
    assert notices(NoticeKind.DUE_SOON).count() == 1


def test_the_sweep_accepts_an_iso_time_and_can_be_queued(dispatched):
    assert tasks.sweep.call(now=at(3, 16, 14, 0).isoformat())["reminded"] == 1
    result = tasks.sweep.enqueue()
    assert result.id


def test_the_command_runs_one_sweep(dispatched, clock, capsys):
    clock.set(at(3, 16, 14, 0))
    call_command("case_sweep")
    assert "reminded=1" in capsys.readouterr().out
