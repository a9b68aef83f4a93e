"""The visit pages: the due list, recording a visit from a household's file, the visit
with its corrections, raising a case, the corrections queue, the household file's
panel; scope (404) and the pinned query counts of the lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.cases.models import Case
from gridgov.fieldwork import rule_actions, visit_actions
from gridgov.fieldwork.models import Request, Visit
from gridgov.fieldwork.tests.helpers import PNG
from gridgov.people.models import Household
from gridgov.testing import login


@pytest.fixture
def overdue(field, tree):
    """The usual rules, every household recorded long ago: all due."""
    rule_actions.add_default_rules(field["street_staff"], tree["street"])
    Household.objects.update(created_at="2020-01-01T00:00:00+08:00")
    return field


def test_the_due_list_shows_the_workers_households_with_why(client, overdue):
    login(client, overdue["worker"])
    response = client.get("/field/visits/due/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "HH-101" in text and "HH-102" in text and "HH-201" not in text
    assert "独居老人定期走访" in text and "出租屋定期检查" in text
    assert "残疾人" not in text  # a sensitive group the worker may not see
    assert f"/field/visits/new/?household={overdue['households']['101'].pk}" in text


def test_community_staff_pick_a_grid_on_the_due_list(client, overdue, tree):
    login(client, overdue["staff"])
    text = client.get(f"/field/visits/due/?grid={tree['g2'].code}").content.decode()
    assert "HH-201" in text and "HH-101" not in text


def test_the_due_list_query_count_is_pinned(client, overdue, django_assert_num_queries):
    login(client, overdue["worker"])
    client.get("/")  # the cached menu and access, as on every later page
    with django_assert_num_queries(5):
        assert client.get("/field/visits/due/").status_code == 200


def visit_form(**extra):
    return {"kind": "routine", "visited_at": "", "met": "张三", "findings": "一切正常"} | extra


def test_recording_a_visit_from_the_household_file(client, field):
    household = field["households"]["101"]
    login(client, field["worker"])
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "登记走访" in page and f"/field/visits/new/?household={household.pk}" in page
    form = client.get(f"/field/visits/new/?household={household.pk}")
    assert form.status_code == 200 and "张三" in form.content.decode()
    zhang = field["residents"]["zhang"]
    data = visit_form(
        household=household.pk,
        opinions="希望加装扶手",
        as_request="on",
        fix0_resident=zhang.pk,
        fix0_field="occupation",
        fix0_value="退休",
        photo=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
    )
    response = client.post("/field/visits/new/", data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/field/visits/{visit.pk}/"
    assert visit.corrections[0]["state"] == "applied"
    request = Request.objects.get()
    assert (request.requester, request.content) == (zhang, "希望加装扶手")
    detail = client.get(response["Location"]).content.decode()
    assert "退休" in detail and "已更新" in detail and "希望加装扶手" in detail
    assert client.get(f"/field/visits/{visit.pk}/photo/").status_code == 200
    file_page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "一切正常" in file_page


def test_a_wrong_visit_comes_back_with_the_errors_in_chinese(client, field):
    household = field["households"]["101"]
    login(client, field["worker"])
    zhang = field["residents"]["zhang"]
    data = visit_form(
        household=household.pk, fix0_resident=zhang.pk, fix0_field="phone", fix0_value="123"
    )
    response = client.post("/field/visits/new/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "电话号码格式不正确" in text and "一切正常" in text  # what was typed is kept
    assert not Visit.objects.exists()
    response = client.post("/field/visits/new/", visit_form(household=household.pk, kind=""))
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()


def test_a_visit_form_raises_a_case(client, field, category):
    login(client, field["worker"])
    data = visit_form(
        household=field["households"]["101"].pk, case_category=category.pk, case_title="楼道堵塞"
    )
    assert client.post("/field/visits/new/", data).status_code == 302
    assert Visit.objects.get().case == Case.objects.get()


def test_recording_in_another_grid_is_404(client, field):
    login(client, field["worker"])
    other = field["households"]["201"]
    assert client.get(f"/field/visits/new/?household={other.pk}").status_code == 404
    assert client.post("/field/visits/new/", visit_form(household=other.pk)).status_code == 404
    assert client.get("/field/visits/new/").status_code == 404
    assert not Visit.objects.exists()


def test_a_visit_outside_ones_scope_is_404(client, field):
    done = visit_actions.record_visit(
        field["worker2"], kind="routine", household=field["households"]["201"]
    )
    login(client, field["worker"])
    for url in (f"/field/visits/{done.pk}/", f"/field/visits/{done.pk}/case/"):
        assert client.get(url).status_code == 404
    login(client, field["staff"])
    assert client.get(f"/field/visits/{done.pk}/").status_code == 200


def test_raising_a_case_from_a_visit_page(client, field, category):
    done = visit_actions.record_visit(
        field["worker"], kind="routine", household=field["households"]["101"], findings="井盖缺失"
    )
    login(client, field["worker"])
    page = client.get(f"/field/visits/{done.pk}/case/")
    assert page.status_code == 200 and "井盖缺失" in page.content.decode()
    response = client.post(
        f"/field/visits/{done.pk}/case/",
        {"case_category": category.pk, "case_title": "井盖缺失", "priority": "normal"},
    )
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/" and case.source == "visit"
    again = client.post(
        f"/field/visits/{done.pk}/case/",
        {"case_category": category.pk, "case_title": "再报", "priority": "normal"},
    )
    assert again.status_code == 400 and "该走访已关联案件" in again.content.decode()


def test_the_visit_list_in_scope_and_its_query_count(client, field, django_assert_num_queries):
    for household in ("101", "102"):
        visit_actions.record_visit(
            field["worker"], kind="routine", household=field["households"][household]
        )
    visit_actions.record_visit(
        field["worker2"], kind="routine", household=field["households"]["201"]
    )
    login(client, field["worker"])
    client.get("/")
    with django_assert_num_queries(6):
        text = client.get("/field/visits/").content.decode()
    assert "HH-101" in text and "HH-102" in text and "HH-201" not in text
    login(client, field["leader"])
    text = client.get("/field/visits/?kind=routine").content.decode()
    assert "HH-201" in text


@pytest.fixture
def queued(field, monkeypatch):
    from gridgov.accounts.roles import ROLE_RULES, Role, RoleRule

    rule = ROLE_RULES[Role.GRID_WORKER]
    without = RoleRule(rule.capabilities - {"people.edit"}, rule.sees_data, levels=rule.levels)
    monkeypatch.setitem(ROLE_RULES, Role.GRID_WORKER, without)
    zhang = field["residents"]["zhang"]
    return visit_actions.record_visit(
        field["worker"],
        kind="routine",
        household=field["households"]["101"],
        corrections_proposed=[{"resident": zhang.pk, "field": "occupation", "value": "退休"}],
    )


def test_community_staff_confirm_a_queued_correction_from_their_queue(client, field, queued):
    login(client, field["staff"])
    text = client.get("/field/corrections/").content.decode()
    assert "HH-101" in text and "退休" in text
    url = f"/field/visits/{queued.pk}/corrections/0/confirm/"
    assert client.post(url, {"next": "queue"})["Location"] == "/field/corrections/"
    field["residents"]["zhang"].refresh_from_db()
    assert field["residents"]["zhang"].occupation == "退休"
    assert "HH-101" not in client.get("/field/corrections/").content.decode()


def test_other_communities_and_grid_workers_cannot_decide(client, field, queued):
    url = f"/field/visits/{queued.pk}/corrections/0/refuse/"
    login(client, field["staff102"])
    assert client.post(url, {"note": "x"}).status_code == 404
    login(client, field["worker"])
    assert client.post(url, {"note": "x"}).status_code == 403
    assert client.get("/field/corrections/").status_code == 403


def test_the_household_file_shows_visits_only_to_roles_that_read_them(client, field, tree):
    from gridgov.accounts.roles import Role
    from gridgov.testing import make_user

    household = field["households"]["101"]
    visit_actions.record_visit(
        field["worker"], kind="routine", household=household, findings="家中安好"
    )
    login(client, field["leader"])
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "家中安好" in page and "登记走访" not in page  # leaders read, do not record
    login(client, make_user("dispatcher", Role.DISPATCHER, tree["street"]))
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "走访记录" not in page and "家中安好" not in page
