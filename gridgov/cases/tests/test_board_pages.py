"""The dispatch board (with bulk dispatch) and a department's task queue."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.choices import Status
from gridgov.cases.models import Case
from gridgov.testing import login, make_area, make_user

BOARD = reverse("cases:board")
QUEUE = reverse("cases:queue")
DISPATCH = reverse("cases:bulk_dispatch")


@pytest.fixture
def other_grid(tree):
    return make_area("440105009101001", "凤阳第一网格", tree["c201"])


@pytest.fixture
def outside_case(category, other_grid):
    """A case of another street, reported by the system."""
    return actions.report_case(None, category=category, grid=other_grid, title="外街道案件")


def _numbers(response):
    return {c.number for c in response.context["rows"]}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _dispatched(dispatcher, department, case):
    return actions.act(dispatcher, case, "dispatch", department=department)


# -- who may open the board ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["dispatcher", "community_staff"])
def test_it_shows_the_board_to_those_who_dispatch(client, personas, dispatcher, persona):
    user = dispatcher if persona == "dispatcher" else personas[persona]
    assert login(client, user).get(BOARD).status_code == 200


@pytest.mark.parametrize(
    "persona", ["grid_worker", "department_staff", "street_leader", "stranger", "system_admin"]
)
def test_it_refuses_the_board_to_others(client, personas, persona):
    assert login(client, personas[persona]).get(BOARD).status_code == 403


def test_it_sends_anonymous_users_to_log_in(client, db):
    assert client.get(BOARD).status_code == 302
    assert client.post(DISPATCH).status_code == 302


# -- the sections ----------------------------------------------------------------------------


def test_new_cases_show_with_the_suggested_department(
    client, dispatcher, department, category, report
):
    category.default_department = department
    category.save()
    case = report()
    response = login(client, dispatcher).get(BOARD)
    assert _numbers(response) == {case.number}
    assert response.context["sections"][0][1] == 1
    body = response.content.decode()
    assert f'data-suggest="{department.pk}"' in body
    assert reverse("cases:detail", args=[case.pk]) in body


def test_other_streets_cases_never_appear(client, dispatcher, report, outside_case):
    mine = report()
    login(client, dispatcher)
    for tab in ("new", "overdue", "returned", "closing", "extension"):
        response = client.get(BOARD, {"tab": tab})
        assert outside_case.number not in response.content.decode()
    assert _numbers(client.get(BOARD)) == {mine.number}


def test_community_staff_see_only_their_community_below_the_street(
    client, personas, dispatcher, tree, report
):
    grid_case = report()
    street_case = report(actor=dispatcher, title="街道上报")
    other_community = report(actor=dispatcher, lon=113.2525, lat=23.1025, title="福安")
    response = login(client, personas["community_staff"]).get(BOARD)
    assert _numbers(response) == {grid_case.number}
    assert street_case.number not in response.content.decode()
    assert other_community.number not in response.content.decode()


def test_overdue_cases_are_their_own_section(client, dispatcher, report):
    late, on_time = report(title="超期"), report(title="未超期")
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    response = login(client, dispatcher).get(BOARD, {"tab": "overdue"})
    assert _numbers(response) == {late.number}
    assert "超期" in response.content.decode()
    counts = dict((s.key, n) for s, n in response.context["sections"])
    assert counts == {"new": 2, "overdue": 1, "returned": 0, "closing": 0, "extension": 0}
    assert on_time.number not in _numbers(response)


def test_returned_cases_leave_new_for_returned(client, personas, dispatcher, department, report):
    case = _dispatched(dispatcher, department, report())
    actions.act(personas["department_staff"], case, "return", reason="不属本单位")
    login(client, dispatcher)
    assert _numbers(client.get(BOARD, {"tab": "returned"})) == {case.number}
    assert _numbers(client.get(BOARD)) == set()


def test_cases_awaiting_close_and_extension_requests(
    client, personas, dispatcher, department, report
):
    followed_up = report(on_spot_result="已清理")
    assert followed_up.status == Status.FOLLOWED_UP
    asking = _dispatched(dispatcher, department, report(title="申请延期"))
    actions.act(personas["department_staff"], asking, "request_extension", amount=2, reason="缺料")
    login(client, dispatcher)
    assert _numbers(client.get(BOARD, {"tab": "closing"})) == {followed_up.number}
    response = client.get(BOARD, {"tab": "extension"})
    assert _numbers(response) == {asking.number}
    assert "缺料" in response.content.decode()


def test_a_section_pages_fifty_rows_at_a_time(client, dispatcher, report, monkeypatch):
    from gridgov.cases import board_queries

    monkeypatch.setattr(board_queries, "SECTION_ROWS", 2)
    numbers = {report(title=f"案件{i}").number for i in range(3)}
    login(client, dispatcher)
    first = client.get(BOARD)
    assert first.context["has_next"] and len(first.context["rows"]) == 2
    second = client.get(BOARD, {"page": 2})
    assert not second.context["has_next"]
    assert _numbers(first) | _numbers(second) == numbers


def test_an_unknown_tab_or_page_falls_back(client, dispatcher, report):
    report()
    response = login(client, dispatcher).get(BOARD, {"tab": "nope", "page": "x"})
    assert response.status_code == 200 and response.context["tab"] == "new"


def test_the_board_takes_the_same_few_queries_whatever_it_holds(
    client, dispatcher, department, category, report, django_assert_max_num_queries
):
    category.default_department = department
    category.save()
    login(client, dispatcher)
    report()
    client.get(BOARD)  # warm the per-process caches (access, menu)
    # session, user, five section counts, the rows, the departments
    with django_assert_max_num_queries(9) as few:
        client.get(BOARD)
    for i in range(8):
        report(title=f"案件{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(BOARD)
    assert len(response.context["rows"]) == 9


# -- bulk dispatch -----------------------------------------------------------------------------


def test_bulk_dispatch_sends_the_checked_cases(client, dispatcher, department, report):
    cases = [report(title=f"案件{i}") for i in range(2)]
    due = timezone.localtime() + dt.timedelta(days=3)
    response = login(client, dispatcher).post(
        DISPATCH,
        {
            "case": [c.pk for c in cases],
            "department": department.pk,
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{BOARD}?tab=new"
    for case in cases:
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED and case.department == department
        assert case.handle_due_at == due.replace(second=0, microsecond=0)
    assert _messages(response) == [f"已派遣 2 件案件至{department.name}。"]


def test_bulk_dispatch_reports_each_failure_and_sends_the_rest(
    client, dispatcher, department, report, outside_case
):
    fresh = report(title="可派遣")
    gone = _dispatched(dispatcher, department, report(title="已派遣"))
    login(client, dispatcher)
    response = client.post(
        DISPATCH,
        {"case": [fresh.pk, gone.pk, outside_case.pk], "department": department.pk, "tab": "new"},
    )
    fresh.refresh_from_db()
    outside_case.refresh_from_db()
    assert fresh.status == Status.DISPATCHED
    assert outside_case.status == Status.REPORTED
    said = _messages(response)
    assert said[0].startswith("已派遣 1 件")
    assert gone.number in said[1] and "不能“派遣”" in said[1]
    assert said[2] == "1 件案件不存在或不在您的管辖范围内，未派遣。"


def test_bulk_dispatch_needs_cases_and_a_department(client, dispatcher, department, report):
    case = report()
    login(client, dispatcher)

    def said(data):  # follows the redirect, so each post's messages are shown and gone
        response = client.post(DISPATCH, data, follow=True)
        return [str(m) for m in response.context["messages"]]

    assert said({"department": department.pk}) == ["请勾选要派遣的案件。"]
    assert said({"case": [case.pk]}) == ["请选择处置部门。"]
    closed = Department.objects.create(
        name="已撤销", kind=DepartmentKind.STREET_OFFICE, area=department.area, is_active=False
    )
    assert said({"case": [case.pk], "department": closed.pk}) == ["处置部门不存在或已停用。"]
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_bulk_dispatch_refuses_a_due_time_in_the_past(client, dispatcher, department, report):
    cases = [report(title=f"案件{i}") for i in range(2)]
    past = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = login(client, dispatcher).post(
        DISPATCH, {"case": [c.pk for c in cases], "department": department.pk, "due_at": past}
    )
    assert _messages(response) == [
        f"2 件未派遣（{cases[0].number}、{cases[1].number}）：处置时限必须晚于现在。"
    ]


def test_bulk_dispatch_is_refused_without_the_capability(client, personas, department, report):
    case = report()
    response = login(client, personas["grid_worker"]).post(
        DISPATCH, {"case": [case.pk], "department": department.pk}
    )
    assert response.status_code == 403
    assert login(client, personas["community_staff"]).get(DISPATCH).status_code == 405


def test_community_staff_cannot_dispatch_a_street_level_case(
    client, personas, dispatcher, department, report
):
    case = report(actor=dispatcher)
    response = login(client, personas["community_staff"]).post(
        DISPATCH, {"case": [case.pk], "department": department.pk}
    )
    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert "无权" in _messages(response)[0]


# -- a department's task queue -----------------------------------------------------------------


def test_the_queue_shows_the_departments_cases_overdue_first(
    client, personas, dispatcher, department, report
):
    other = Department.objects.create(
        name="南华西派出所", kind=DepartmentKind.OUTSIDE_UNIT, area=department.area
    )
    soon = _dispatched(dispatcher, department, report(title="较早"))
    late = _dispatched(dispatcher, department, report(title="超期"))
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
    elsewhere = _dispatched(dispatcher, other, report(title="别的部门"))
    actions.act(personas["department_staff"], soon, "request_extension", amount=1, reason="等配件")
    response = login(client, personas["department_staff"]).get(QUEUE)
    assert response.status_code == 200
    assert [c.number for c in response.context["page"]] == [late.number, soon.number]
    body = response.content.decode()
    assert elsewhere.number not in body
    assert "待审批" in body and reverse("cases:detail", args=[soon.pk]) in body


def test_the_queue_lists_what_was_handled_lately(client, personas, dispatcher, department, report):
    case = _dispatched(dispatcher, department, report())
    actions.act(personas["department_staff"], case, "handle", result="已清运")
    response = login(client, personas["department_staff"]).get(QUEUE)
    assert [c.number for c in response.context["recent"]] == [case.number]
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("persona", ["grid_worker", "community_staff", "street_leader", "stranger"])
def test_the_queue_is_refused_to_non_department_staff(client, personas, persona):
    assert login(client, personas[persona]).get(QUEUE).status_code == 403


def test_the_queue_is_refused_to_dispatchers(client, dispatcher):
    assert login(client, dispatcher).get(QUEUE).status_code == 403


def test_the_queue_takes_the_same_few_queries_whatever_it_holds(
    client, personas, dispatcher, department, report, django_assert_max_num_queries
):
    staff = personas["department_staff"]
    login(client, staff)
    _dispatched(dispatcher, department, report())
    client.get(QUEUE)
    # session, user, the count, the page, the recently handled
    with django_assert_max_num_queries(5) as few:
        client.get(QUEUE)
    for i in range(5):
        _dispatched(dispatcher, department, report(title=f"案件{i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE)
    assert len(response.context["page"]) == 6


def test_another_departments_staff_see_none_of_these_cases(
    client, tree, dispatcher, department, report
):
    other = Department.objects.create(
        name="南华西派出所", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"]
    )
    police = make_user("police", Role.DEPARTMENT_STAFF, department=other)
    case = _dispatched(dispatcher, department, report())
    response = login(client, police).get(QUEUE)
    assert case.number not in response.content.decode()
