"""The case loop's JSON API: cases.view or 403, scope or 404, the actions' refusals as
JSON (400 with the field, 403, 409 for a stale version), masked phones only."""

import threading

import pytest
from django.db import connection
from django.test import Client

from gridgov.accounts.actions import create_token
from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.choices import Status
from gridgov.cases.models import Notice
from gridgov.core.models import AuditEntry
from gridgov.testing import login, make_area, make_user, square

API = "/api/v1/cases"
PHONE = "13812345678"
IN_G1 = {"lon": 113.2425, "lat": 23.1025}
IN_G3 = {"lon": 113.2525, "lat": 23.1025}


def post(client, path, body, **extra):
    return client.post(f"{API}{path}", body, content_type="application/json", **extra)


def new_case(**fields):
    return {"category": "E0102", "title": "垃圾堆放", **IN_G1} | fields


def move(client, case, action, **body):
    return post(client, f"/{case.pk}/actions/{action}", {"version": case.version, **body})


@pytest.fixture
def far_case(tree, report):
    """A case in the other street, reported by that street's dispatcher."""
    make_area("440105009101001", "凤阳第一网格", tree["c201"], square(113.27, 23.10, 0.005))
    far_dispatcher = make_user("far_dispatcher", Role.DISPATCHER, tree["other_street"])
    return report(actor=far_dispatcher, title="远处的案件", lon=113.2725, lat=23.1025)


# --- authentication, capability ------------------------------------------------------


def test_anonymous_callers_get_a_json_401(client, report):
    case = report()
    for path in ("", "/categories", "/notices", f"/{case.pk}"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401 and response.json()["detail"], path
    assert post(client, "", new_case()).status_code == 401
    assert post(client, "/notices/read", {}).status_code == 401
    assert move(client, case, "accept").status_code == 401


@pytest.mark.parametrize("persona", ["stranger", "system_admin", "auditor"])
def test_roles_without_cases_get_a_403(client, personas, report, persona):
    case = report()
    login(client, personas[persona])
    for path in ("", "/categories", f"/{case.pk}"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 403 and response.json()["detail"], path
    assert post(client, "", new_case()).status_code == 403
    assert move(client, case, "accept").status_code == 403


def test_a_token_works_without_a_session(personas, report):
    case = report()
    _token, clear = create_token(personas["grid_worker"], "巡查手机应用")
    machine = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert machine.get(f"{API}/{case.pk}", **auth).json()["number"] == case.number
    response = post(machine, "", new_case(title="令牌上报"), **auth)
    assert response.status_code == 201 and response.json()["title"] == "令牌上报"
    assert machine.get(API, HTTP_AUTHORIZATION="Bearer gg_wrong").status_code == 401


def test_the_openapi_schema_documents_the_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("", "/categories", "/notices", "/notices/read", "/{case_id}", "/rate/{token}"):
        assert f"{API}{path}" in paths, path
    responses = paths[f"{API}/{{case_id}}/actions/{{action}}"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(responses)


# --- categories -----------------------------------------------------------------------


def test_categories_with_their_limits(client, personas, department):
    login(client, personas["department_staff"])
    response = client.get(f"{API}/categories")
    rows = {row["code"]: row for row in response.json()}
    garbage = rows["E0102"]
    assert garbage["parent_code"] == "E01" and garbage["name"] == "暴露垃圾"
    assert garbage["limits"]["handle"]["amount"] == 4
    assert garbage["limits"]["handle"]["unit"] == "work_hours"
    assert garbage["limits"]["handle"]["unit_label"]
    assert set(garbage["limits"]) == {"accept", "dispatch", "handle", "follow_up"}
    assert rows["E01"]["parent_code"] == ""


# --- report -----------------------------------------------------------------------------


def test_a_grid_worker_reports_a_case(client, personas):
    login(client, personas["grid_worker"])
    contacts = [{"name": "陈大妈", "phone": PHONE}]
    response = post(client, "", new_case(description="楼下", contacts=contacts))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == Status.REPORTED and body["level"] == "grid"
    assert body["number"].startswith("440105008") and body["version"] == 1
    assert PHONE not in response.content.decode()
    assert body["duplicates"] == []
    assert body["reported_at"].endswith("+08:00")
    detail = client.get(f"{API}/{body['id']}").json()
    assert detail["contacts"] == [
        {"name": "陈大妈", "phone_masked": "138****5678", "resident_id": None}
    ]
    assert [e["action"] for e in detail["events"]] == ["report"]
    assert "escalate" in detail["allowed_actions"]
    assert AuditEntry.objects.filter(action="case.report").count() == 1


def test_a_report_warns_of_open_cases_nearby(client, personas, report):
    first = report()
    login(client, personas["grid_worker"])
    body = post(client, "", new_case(lon=113.2426)).json()
    assert [d["number"] for d in body["duplicates"]] == [first.number]
    assert 0 < body["duplicates"][0]["distance_m"] < 50
    assert body["id"] not in [d["id"] for d in body["duplicates"]]


def test_a_report_by_grid_or_in_gcj02(client, personas, tree):
    login(client, personas["grid_worker"])
    by_grid = post(client, "", new_case(lon=None, lat=None, grid=tree["g1"].pk)).json()
    assert by_grid["grid_id"] == tree["g1"].pk and by_grid["lon"] is None
    # GCJ-02 is about 500 m off WGS84 in Guangzhou; the stored point is WGS84.
    gcj = post(client, "", new_case(lon=113.2478, lat=23.1000, coords="gcj02")).json()
    assert gcj["grid_id"] == tree["g1"].pk and gcj["lon"] < 113.2450


def test_a_grid_worker_solves_on_the_spot(client, personas):
    login(client, personas["grid_worker"])
    spot = new_case(on_spot_result="已清扫", follow_up_note="居民认可")
    body = post(client, "", spot).json()
    assert body["status"] == Status.FOLLOWED_UP and body["rating_link"]
    rated = post(client, "", spot | {"rating": "satisfied"}).json()
    assert rated["status"] == Status.CLOSED and rated["rating"] == "satisfied"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "NOPE"}, "category"),
        ({"category": "E01"}, "category"),  # a big class, not a sub-class
        ({"title": "  "}, "title"),
        ({"lon": 100.0, "lat": 30.0}, "location"),  # in no grid
        (IN_G3, "location"),  # another community's grid
        ({"lon": None, "lat": None}, "location"),
    ],
)
def test_report_refusals_name_the_field(client, personas, fields, field):
    login(client, personas["grid_worker"])
    response = post(client, "", new_case(**fields))
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["detail"]


def test_malformed_reports_are_422(client, personas):
    login(client, personas["grid_worker"])
    for body in ({"title": "无类别"}, new_case(source="nonsense"), new_case(title="长" * 101)):
        response = post(client, "", body)
        assert response.status_code == 422 and response.json()["errors"]


def test_a_contact_links_only_a_visible_resident(client, personas):
    login(client, personas["grid_worker"])
    response = post(client, "", new_case(contacts=[{"name": "某人", "resident_id": 999999}]))
    assert response.status_code == 400 and response.json()["field"] == "contacts"


def test_department_staff_cannot_report(client, personas):
    login(client, personas["department_staff"])
    assert post(client, "", new_case()).status_code == 403


# --- list and detail ---------------------------------------------------------------------


def test_the_list_is_scoped_filtered_and_paginated(
    client, personas, dispatcher, report, far_case, django_assert_max_num_queries
):
    mine = report()
    theirs = report(actor=dispatcher, title="福安的案件", **IN_G3)
    login(client, personas["grid_worker"])
    with django_assert_max_num_queries(5):  # session, user, count, page ids, page: none per row
        body = client.get(API).json()
    assert body["count"] == 1 and body["items"][0]["number"] == mine.number
    row = body["items"][0]
    assert row["category_code"] == "E0102" and row["status_label"] and row["overdue"] is False
    login(client, dispatcher)
    with django_assert_max_num_queries(5):
        numbers = [r["number"] for r in client.get(API).json()["items"]]
    assert numbers == [theirs.number, mine.number]  # not the other street's
    assert client.get(API, {"q": "福安"}).json()["count"] == 1
    assert client.get(API, {"grid": theirs.grid_id}).json()["count"] == 1
    assert client.get(API, {"status": "closed"}).json()["count"] == 0
    assert client.get(API, {"overdue": "true"}).json()["count"] == 0
    assert client.get(API, {"open": "true", "category": "E01"}).json()["count"] == 2
    assert client.get(API, {"status": "nonsense"}).json()["count"] == 2  # ignored, as the page
    assert client.get(API, {"grid": 2**40}).status_code == 422


def test_department_staff_see_only_their_departments_cases(
    client, personas, dispatcher, department, report, tree
):
    other = Department.objects.create(
        name="南华西城管中队", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"]
    )
    ours, theirs, undispatched = report(actor=dispatcher), report(actor=dispatcher), report()
    actions.act(dispatcher, ours, "dispatch", department=department)
    actions.act(dispatcher, theirs, "dispatch", department=other)
    login(client, personas["department_staff"])
    assert [r["number"] for r in client.get(API).json()["items"]] == [ours.number]
    assert client.get(f"{API}/{ours.pk}").status_code == 200
    for hidden in (theirs, undispatched):
        assert client.get(f"{API}/{hidden.pk}").status_code == 404


def test_the_detail_has_the_timeline_masked_contacts_and_allowed_actions(
    client, personas, dispatcher, report, django_assert_max_num_queries
):
    case = report(contacts=[("陈大妈", PHONE, None)])
    case = actions.act(personas["grid_worker"], case, "escalate")
    login(client, personas["community_staff"])
    with django_assert_max_num_queries(7):
        response = client.get(f"{API}/{case.pk}")
    body = response.json()
    assert [e["action"] for e in body["events"]] == ["report", "escalate"]
    assert body["events"][1]["label"] and body["events"][1]["created_at"].endswith("+08:00")
    assert body["contacts"][0]["phone_masked"] == "138****5678"
    assert PHONE not in response.content.decode()
    assert {"accept", "dispatch", "reject"} <= set(body["allowed_actions"])
    login(client, personas["grid_worker"])
    assert client.get(f"{API}/{case.pk}").json()["allowed_actions"] == []


def test_cases_outside_the_scope_are_404_like_missing_ones(
    client, personas, dispatcher, report, far_case
):
    far = far_case
    in_g3 = report(actor=dispatcher, **IN_G3)
    login(client, personas["grid_worker"])
    for case in (far, in_g3):
        hidden = client.get(f"{API}/{case.pk}")
        assert hidden.status_code == 404
        assert hidden.json() == client.get(f"{API}/999999").json()
        assert move(client, case, "accept").status_code == 404


# --- actions --------------------------------------------------------------------------------


def test_the_loop_through_the_api(client, personas, dispatcher, department, report):
    case = report()
    login(client, dispatcher)
    body = move(client, case, "accept").json()
    assert body["status"] == Status.ACCEPTED and body["version"] == 2
    body = post(
        client,
        f"/{case.pk}/actions/dispatch",
        {"version": 2, "department": department.pk, "due_at": "2099-01-01T10:00:00"},
    ).json()
    assert body["status"] == Status.DISPATCHED and body["department_name"] == department.name
    assert body["handle_due_at"] == "2099-01-01T10:00:00+08:00"
    login(client, personas["department_staff"])
    body = post(client, f"/{case.pk}/actions/handle", {"version": 3, "result": "已清运"}).json()
    assert body["status"] == Status.HANDLED
    login(client, personas["grid_worker"])
    body = post(client, f"/{case.pk}/actions/follow_up", {"version": 4, "note": "已告知"}).json()
    assert body["status"] == Status.FOLLOWED_UP and "/r/" in body["rating_link"]
    token = body["rating_link"].rsplit("/", 1)[1]
    assert client.get(f"{API}/{case.pk}").json()["rating_link"] is None  # shown once
    resident = Client()
    rated = post(resident, f"/rate/{token}", {"rating": "satisfied", "comment": "很快"})
    assert rated.status_code == 200
    assert rated.json() == {"number": case.number, "status": "closed", "rating": "satisfied"}
    assert post(resident, f"/rate/{token}", {"rating": "satisfied"}).status_code == 404


def test_a_department_returning_a_case_gets_the_answer(
    client, personas, dispatcher, department, report
):
    case = actions.act(dispatcher, report(), "dispatch", department=department)
    login(client, personas["department_staff"])
    response = move(client, case, "return", reason="不属本部门")
    assert response.status_code == 200 and response.json()["status"] == Status.ACCEPTED
    assert client.get(f"{API}/{case.pk}").status_code == 404  # no longer theirs


def test_a_stale_version_is_a_409_and_nothing_is_lost(client, personas, dispatcher, report):
    case = report()
    login(client, dispatcher)
    first = move(client, case, "accept")
    second = move(client, case, "reject", reason="重复")
    assert first.status_code == 200
    assert second.status_code == 409 and "刷新" in second.json()["detail"]
    assert client.get(f"{API}/{case.pk}").json()["status"] == Status.ACCEPTED


def test_two_dispatchers_acting_at_once(client, personas, dispatcher, tree, department, report):
    case = report()
    other = make_user("dispatcher2", Role.DISPATCHER, tree["street"])
    second_client = login(Client(), other)
    login(client, dispatcher)
    answers = [
        move(client, case, "dispatch", department=department.pk),
        move(second_client, case, "reject", reason="不属实"),
    ]
    assert [a.status_code for a in answers] == [200, 409]
    assert answers[1].json()["detail"]
    assert AuditEntry.objects.filter(action__in=["case.dispatch", "case.reject"]).count() == 1


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("dispatch", {}, "department"),
        ("dispatch", {"department": 999999}, "department"),
        ("reject", {}, "reason"),
        ("merge", {"target": "NOPE"}, "target"),
    ],
)
def test_missing_inputs_are_400_with_the_field(client, dispatcher, report, action, body, field):
    case = report()
    login(client, dispatcher)
    response = move(client, case, action, **body)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["detail"]


def test_a_past_due_time_is_refused(client, dispatcher, department, report):
    case = report()
    login(client, dispatcher)
    response = move(
        client, case, "dispatch", department=department.pk, due_at="2000-01-01T08:00:00+08:00"
    )
    assert response.status_code == 400 and response.json()["field"] == "due_at"


def test_moves_the_caller_may_not_make(client, personas, dispatcher, report):
    case = report()
    login(client, personas["grid_worker"])
    refused = move(client, case, "dispatch", department=1)
    assert refused.status_code == 403 and refused.json()["detail"]
    rate = move(client, case, "rate", rating="satisfied")
    assert rate.status_code == 403
    wrong_state = move(client, case, "close")
    assert wrong_state.status_code == 409 and wrong_state.json()["detail"]
    assert move(client, case, "fly").status_code == 422
    assert move(client, case, "dispatch", department=2**40).status_code == 422
    no_version = post(client, f"/{case.pk}/actions/escalate", {})
    assert no_version.status_code == 422
    assert move(client, case, "escalate").status_code == 200


def test_a_bad_rating_link_or_rating(client, personas, report):
    case = report(on_spot_result="已处理")
    assert post(client, "/rate/not-a-token", {"rating": "satisfied"}).status_code == 404
    token = case.rating_token
    bad = post(client, f"/rate/{token}", {"rating": "great"})
    assert bad.status_code == 400 and bad.json()["field"] == "rating"
    assert post(client, f"/rate/{token}", {}).status_code == 422


# --- notices -----------------------------------------------------------------------------


def test_the_inbox_lists_unread_first(client, personas, dispatcher, department, report):
    first = actions.act(dispatcher, report(), "dispatch", department=department)
    second = actions.act(dispatcher, report(), "dispatch", department=department)
    staff = personas["department_staff"]
    Notice.objects.filter(recipient=staff, case=second).update(read_at=second.dispatched_at)
    login(client, staff)
    body = client.get(f"{API}/notices").json()
    assert [n["case_number"] for n in body["items"]] == [first.number, second.number]
    assert body["items"][0]["read_at"] is None and body["items"][0]["kind"] == "new_task"
    assert client.get(f"{API}/notices", {"unread": "true"}).json()["count"] == 1
    assert post(client, "/notices/read", {}).json() == {"count": 1}
    assert client.get(f"{API}/notices", {"unread": "true"}).json()["count"] == 0
    assert AuditEntry.objects.filter(action="notices.read", actor=staff).exists()
    login(client, personas["stranger"])
    assert client.get(f"{API}/notices").json()["count"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_the_same_moment(purgeable_audit, personas, tree, department, report):
    """Real concurrency: two requests on two connections, released together. The case
    row is locked, so one move wins and the other is told its page is stale."""
    case = report()
    callers = [login(Client(), make_user(f"d{n}", Role.DISPATCHER, tree["street"])) for n in (1, 2)]
    bodies = [{"department": department.pk}, {"reason": "不属实"}]
    barrier, answers = threading.Barrier(2), {}

    def call(n, action):
        try:
            barrier.wait()
            answers[action] = move(callers[n], case, action, **bodies[n])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=call, args=(n, a)) for n, a in enumerate(("dispatch", "reject"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [200, 409]
    loser = next(a for a in answers.values() if a.status_code == 409)
    assert "刷新" in loser.json()["detail"]
    case.refresh_from_db()
    assert case.version == 2 and case.events.count() == 2


def test_an_extension_request_and_its_approval(client, personas, dispatcher, department, report):
    case = actions.act(dispatcher, report(), "dispatch", department=department)
    login(client, personas["department_staff"])
    for amount in ("0", "0.001", "1000", "NaN"):
        assert move(client, case, "request_extension", amount=amount, reason="x").status_code == 422
    missing = move(client, case, "request_extension", amount="2")
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    body = move(client, case, "request_extension", amount="2", reason="材料未到").json()
    assert body["extension_amount"] == "2.00"
    assert "request_extension" not in body["allowed_actions"]  # one pending at a time
    login(client, dispatcher)
    body = post(client, f"/{case.pk}/actions/approve_extension", {"version": body["version"]})
    assert body.json()["extension_count"] == 1


def test_a_long_list_counts_up_to_the_cap(client, dispatcher, report, monkeypatch):
    """A district-wide list does not count a million rows: beyond the cap the API says
    so instead of giving an exact total."""
    from gridgov.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for i in range(4):
        report(actor=dispatcher, title=f"井盖{i}", **IN_G3)
    body = login(client, dispatcher).get(API).json()
    assert body["count"] == 3 and body["capped"] is True and len(body["items"]) == 4
    body = client.get(API, {"q": "井盖1"}).json()
    assert body["count"] == 1 and body["capped"] is False
