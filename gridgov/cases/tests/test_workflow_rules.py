"""The written rules of the case loop: the evaluation rule that decides "closed" or
"reopened", escalation level by level, refusals with clear messages (409 for the
wrong status, 403 for the wrong person), the on-the-spot report, merge and reject,
return and re-dispatch, and reopening back to the department."""

from types import SimpleNamespace

import pytest

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.choices import Level, Rating, Status
from gridgov.cases.models import Notice, NoticeKind
from gridgov.cases.workflow import PASS_SCORE, allowed_actions, self_score, verdict
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import make_user


def refused(status, *args, **inputs):
    """The ActionError of a move that must be refused with `status`."""
    with pytest.raises(ActionError) as error:
        actions.act(*args, **inputs)
    assert error.value.status == status
    return str(error.value.message)


@pytest.fixture
def dispatched(report, dispatcher, department):
    return actions.act(dispatcher, report(actor=dispatcher), "dispatch", department=department)


@pytest.fixture
def followed_up(dispatched, personas):
    case = actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    return actions.act(personas["grid_worker"], case, "follow_up", note="已告知居民")


# -- the evaluation rule -----------------------------------------------------------------


def _case(rating="", on_time=True, rework=0, extensions=0):
    return SimpleNamespace(
        rating=rating, handled_on_time=on_time, rework_count=rework, extension_count=extensions
    )


@pytest.mark.parametrize(
    ("rating", "expected"),
    [(Rating.SATISFIED, "close"), (Rating.BASIC, "close"), (Rating.NOT_SATISFIED, "reopen")],
)
def test_the_residents_rating_decides_whatever_the_score(rating, expected):
    assert verdict(_case(rating, on_time=False, rework=3)) == expected
    assert verdict(_case(rating)) == expected


@pytest.mark.parametrize(
    ("case", "score"),
    [
        (_case(), 100),
        (_case(on_time=None), 100),
        (_case(on_time=False), 60),
        (_case(rework=2), 60),
        (_case(extensions=2), 80),
        (_case(on_time=False, rework=1), 40),
        (_case(on_time=False, rework=5, extensions=2), 0),
    ],
)
def test_the_self_evaluation_scores_on_time_handling_rework_and_extensions(case, score):
    assert self_score(case) == score


def test_without_a_rating_a_passing_self_evaluation_closes_and_a_failing_one_asks_a_person():
    assert verdict(_case(on_time=False)) == "close"  # exactly PASS_SCORE passes
    assert self_score(_case(on_time=False)) == PASS_SCORE
    assert verdict(_case(on_time=False, rework=1)) is None


def test_the_dispatcher_closes_a_passing_case_without_a_reason(followed_up, dispatcher):
    case = actions.act(dispatcher, followed_up, "close")
    assert case.status == Status.CLOSED and case.self_score == 100 and case.closed_at
    assert case.rating_token_digest == "" and case.due_at is None


def test_a_passing_case_cannot_be_reopened_without_a_rating(followed_up, dispatcher):
    message = refused(409, dispatcher, followed_up, "reopen", reason="想返工")
    assert "满足结案条件" in message


def test_a_failing_case_needs_the_dispatchers_reason_either_way(clock_late_case, dispatcher):
    case = clock_late_case
    assert verdict(case) is None
    with pytest.raises(ActionError) as error:
        actions.act(dispatcher, case, "close")
    assert error.value.field == "reason"
    with pytest.raises(ActionError) as error:
        actions.system_move(case, "close")
    assert error.value.status == 409 and "人工判定" in str(error.value.message)
    case = actions.act(dispatcher, case, "reopen", reason="现场复查仍有垃圾")
    assert case.status == Status.DISPATCHED and case.rework_count == 2


@pytest.fixture
def clock_late_case(followed_up, dispatcher, personas):
    """A case reworked once, then handled after its deadline: scores 100 - 40 - 20."""
    case = actions.rate_by_token(followed_up.rating_token, Rating.NOT_SATISFIED)
    case.handle_due_at = case.due_at = case.dispatched_at  # past by the time it is handled
    case.save(update_fields=["handle_due_at", "due_at"])
    case = actions.act(personas["department_staff"], case, "handle", result="再次清运")
    case = actions.act(personas["grid_worker"], case, "follow_up", note="再次回访")
    assert case.handled_on_time is False and case.rework_count == 1
    return case


def test_not_satisfied_reopens_back_to_the_department(followed_up, personas, department):
    case = actions.rate_by_token(followed_up.rating_token, Rating.NOT_SATISFIED, "还有异味")
    assert case.status == Status.DISPATCHED and case.department == department
    assert case.rework_count == 1 and case.rating == "" and case.handled_at is None
    assert list(case.events.values_list("action", flat=True))[-2:] == ["rate", "reopen"]
    staff = personas["department_staff"]
    assert Notice.objects.filter(recipient=staff, case=case, kind=NoticeKind.REOPENED).exists()
    # The link is used up.
    with pytest.raises(ActionError) as error:
        actions.rate_by_token(followed_up.rating_token, Rating.SATISFIED)
    assert error.value.status == 404


def test_the_grid_worker_records_the_residents_answer_on_follow_up(dispatched, personas):
    case = actions.act(personas["department_staff"], dispatched, "handle", result="已清运")
    case = actions.act(
        personas["grid_worker"], case, "follow_up", note="当面回访", rating=Rating.BASIC
    )
    assert case.status == Status.CLOSED and case.rating == Rating.BASIC


def test_rating_goes_only_through_the_link(followed_up, personas, dispatcher):
    for user in (personas["grid_worker"], dispatcher):
        refused(403, user, followed_up, "rate", rating=Rating.SATISFIED)
    with pytest.raises(ActionError) as error:
        actions.rate_by_token("not-a-token", Rating.SATISFIED)
    assert error.value.status == 404
    with pytest.raises(ActionError) as error:
        actions.rate_by_token(followed_up.rating_token, "delighted")
    assert error.value.field == "rating"


# -- escalation --------------------------------------------------------------------------


def test_escalation_rises_grid_community_street(report, personas, dispatcher):
    worker, community = personas["grid_worker"], personas["community_staff"]
    case = report()
    assert case.level == Level.GRID
    case = actions.act(worker, case, "escalate")
    assert case.level == Level.COMMUNITY
    assert Notice.objects.filter(recipient=community, kind=NoticeKind.ESCALATED).exists()
    # At the community level the grid worker no longer holds the case.
    assert "不能" not in refused(403, worker, case, "escalate")
    refused(403, worker, case, "resolve", result="已处理")
    assert allowed_actions(worker, case) == []
    case = actions.act(community, case, "escalate")
    assert case.level == Level.STREET
    assert Notice.objects.filter(recipient=dispatcher, kind=NoticeKind.ESCALATED).exists()
    refused(403, community, case, "dispatch", department=1)
    # Nothing is above the street: the command center never escalates, nor the system.
    refused(403, dispatcher, case, "escalate")
    with pytest.raises(ActionError) as error:
        actions.system_move(case, "escalate")
    assert error.value.status == 409 and "街道层级" in str(error.value.message)


def test_each_holder_acts_at_its_own_level(report, personas, dispatcher):
    case = report()
    assert "escalate" in allowed_actions(personas["grid_worker"], case)
    assert "accept" not in allowed_actions(personas["grid_worker"], case)
    assert {"accept", "dispatch", "escalate"} <= set(
        allowed_actions(personas["community_staff"], case)
    )
    assert "escalate" not in allowed_actions(dispatcher, case)  # the command center is the top
    assert allowed_actions(personas["department_staff"], case) == []
    assert allowed_actions(personas["stranger"], case) == []


# -- refusals ----------------------------------------------------------------------------


def test_a_move_in_the_wrong_status_is_refused_with_409_naming_the_status(report, dispatcher):
    case = report()
    message = refused(409, dispatcher, case, "close")
    assert "待受理" in message and "结案" in message


def test_a_move_by_the_wrong_person_is_refused_with_403(dispatched, personas, tree):
    other = Department.objects.create(
        name="南华西派出所", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"]
    )
    other_staff = make_user("police", Role.DEPARTMENT_STAFF, department=other)
    other_street = make_user("other_dispatcher", Role.DISPATCHER, tree["other_street"])
    for user in (other_staff, personas["stranger"], personas["grid_worker"], other_street):
        assert "无权" in refused(403, user, dispatched, "handle", result="已处理")
    before = AuditEntry.objects.count()
    refused(403, personas["grid_worker"], dispatched, "return", reason="不归我管")
    assert AuditEntry.objects.count() == before


def test_a_missing_input_names_its_field(report, dispatcher):
    case = report(actor=dispatcher)
    for action, field in (("dispatch", "department"), ("reject", "reason"), ("merge", "target")):
        with pytest.raises(ActionError) as error:
            actions.act(dispatcher, case, action)
        assert error.value.field == field


def test_an_inactive_department_is_refused(report, dispatcher, department):
    department.is_active = False
    department.save()
    with pytest.raises(ActionError) as error:
        actions.act(dispatcher, report(actor=dispatcher), "dispatch", department=department)
    assert error.value.field == "department"


# -- on the spot, merge, reject ------------------------------------------------------------


def test_a_small_matter_solved_on_the_spot_is_still_evaluated(report, personas, dispatcher):
    case = report(on_spot_result="已当场清理", follow_up_note="已告知居民")
    assert case.status == Status.FOLLOWED_UP and case.result == "已当场清理"
    assert list(case.events.values_list("action", flat=True)) == ["report", "resolve", "follow_up"]
    assert case.department is None and case.rating_token
    case = actions.rate_by_token(case.rating_token, Rating.NOT_SATISFIED)
    # No department to go back to: the case waits at its level to be dispatched.
    assert case.status == Status.ACCEPTED and case.rework_count == 1


def test_on_the_spot_with_the_residents_answer_closes_at_once(report):
    case = report(on_spot_result="已当场劝离", rating=Rating.SATISFIED)
    assert case.status == Status.CLOSED
    actions_done = list(case.events.values_list("action", flat=True))
    assert actions_done == ["report", "resolve", "follow_up", "close"]
    assert (
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="case.").count() == 4
    )


def test_merge_into_an_open_case_and_nothing_after(report, dispatcher):
    first, second = report(actor=dispatcher), report(actor=dispatcher)
    with pytest.raises(ActionError) as error:
        actions.act(dispatcher, second, "merge", target=second.number)
    assert error.value.field == "target"
    case = actions.act(dispatcher, second, "merge", target=first.number)
    assert case.status == Status.MERGED and case.merged_into == first and case.due_at is None
    refused(409, dispatcher, case, "accept")
    closed = actions.act(dispatcher, report(actor=dispatcher), "reject", reason="重复")
    with pytest.raises(ActionError) as error:
        actions.act(dispatcher, first, "merge", target=closed.number)
    assert error.value.field == "target"


def test_a_rejected_case_changes_no_more(report, dispatcher, department):
    case = actions.act(dispatcher, report(actor=dispatcher), "reject", reason="不属于受理范围")
    assert case.status == Status.REJECTED and case.closed_at
    for action in ("accept", "dispatch", "escalate", "reopen"):
        refused(409, dispatcher, case, action, department=department, reason="x")


# -- return and re-dispatch ---------------------------------------------------------------


def test_the_department_returns_and_the_dispatcher_re_dispatches(
    dispatched, personas, dispatcher, department
):
    staff = personas["department_staff"]
    case = actions.act(staff, dispatched, "start")
    case = actions.act(staff, case, "return", reason="不属于本单位职责")
    assert case.status == Status.ACCEPTED and case.department is None
    assert case.handle_due_at is None and case.due_at
    notice = Notice.objects.get(recipient=dispatcher, kind=NoticeKind.RETURNED)
    assert "不属于本单位职责" in notice.message
    # The department no longer holds the case.
    refused(403, staff, case, "dispatch", department=department)
    case = actions.act(dispatcher, case, "dispatch", department=department)
    assert case.status == Status.DISPATCHED and case.handle_due_at
    assert [e.action for e in case.events.all()] == [
        "report",
        "dispatch",
        "start",
        "return",
        "dispatch",
    ]
