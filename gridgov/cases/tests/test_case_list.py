"""The case list: its filters, scope, pages and count, and the export to Excel."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.cases import actions, exports, list_views
from gridgov.cases.choices import Level, Source, Status
from gridgov.cases.models import Case, Category
from gridgov.core import pagination
from gridgov.core.models import AuditEntry
from gridgov.testing import login, make_area

LIST = reverse("cases:list")
EXPORT = reverse("cases:export")


@pytest.fixture
def outside_case(tree, category):
    grid = make_area("440105009101001", "凤阳第一网格", tree["c201"])
    return actions.report_case(None, category=category, grid=grid, title="外街道案件")


def _numbers(response):
    return {c.number for c in response.context["page"]}


def _sheet(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# -- who may see it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["street_leader", "community_staff", "grid_worker", "department_staff"]
)
def test_it_shows_the_list_to_everyone_who_sees_cases(client, personas, persona):
    assert login(client, personas[persona]).get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["stranger", "system_admin", "auditor"])
def test_it_refuses_the_list_and_the_export_to_others(client, personas, persona):
    login(client, personas[persona])
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action="case.export").exists()


def test_other_streets_cases_never_appear(client, dispatcher, report, outside_case):
    mine = report()
    login(client, dispatcher)
    assert _numbers(client.get(LIST)) == {mine.number}
    assert _numbers(client.get(LIST, {"q": outside_case.number})) == set()
    rows = _sheet(client.get(EXPORT))
    assert [r[0] for r in rows[1:]] == [mine.number]


def test_grid_workers_see_their_grid_only(client, personas, dispatcher, report):
    mine = report()
    report(actor=dispatcher, lon=113.2475, lat=23.1025, title="第二网格")
    assert _numbers(login(client, personas["grid_worker"]).get(LIST)) == {mine.number}


def test_department_staff_see_only_their_departments_cases(
    client, personas, dispatcher, department, report
):
    other = Department.objects.create(
        name="南华西派出所", kind=DepartmentKind.OUTSIDE_UNIT, area=department.area
    )
    ours = actions.act(dispatcher, report(), "dispatch", department=department)
    actions.act(dispatcher, report(title="派出所"), "dispatch", department=other)
    report(title="未派遣")
    login(client, personas["department_staff"])
    assert _numbers(client.get(LIST)) == {ours.number}
    assert _numbers(client.get(LIST, {"department": other.pk})) == set()


# -- the filters -------------------------------------------------------------------------------


@pytest.fixture
def spread(personas, dispatcher, department, report):
    """Cases that differ in one way each from a plain reported one."""
    manhole = Category.objects.current().get(code="C0101")
    plain = report(title="普通案件")
    cases = {
        "plain": plain,
        "manhole": report(category=manhole, title="井盖缺失"),
        "second_grid": report(actor=dispatcher, lon=113.2475, lat=23.1025, title="第二网格"),
        "other_community": report(actor=dispatcher, lon=113.2525, lat=23.1025, title="福安"),
        "hotline": report(source=Source.HOTLINE, title="热线来电"),
        "dispatched": actions.act(
            dispatcher, report(title="已派遣"), "dispatch", department=department
        ),
        "closed": report(on_spot_result="当场清理", rating="satisfied", title="当场解决"),
        "late": report(title="已超期"),
        "old": report(title="去年的", now=timezone.now() - dt.timedelta(days=400)),
    }
    Case.objects.filter(pk=cases["late"].pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    return cases


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": Status.DISPATCHED}, {"dispatched"}),
        ({"status": Status.CLOSED}, {"closed"}),
        ({"category": "C0101"}, {"manhole"}),
        ({"category": "C01"}, {"manhole"}),
        ({"source": Source.HOTLINE}, {"hotline"}),
        ({"level": Level.STREET}, {"second_grid", "other_community"}),
        ({"overdue": "on"}, {"late", "old"}),
        ({"q": "热线"}, {"hotline"}),
    ],
)
def test_each_filter_narrows_the_list(client, dispatcher, spread, params, expected):
    response = login(client, dispatcher).get(LIST, params)
    assert _numbers(response) == {spread[key].number for key in expected}


def test_area_department_date_and_open_filters(client, dispatcher, tree, department, spread):
    login(client, dispatcher)
    everyone = set(spread)

    def listed(**params):
        numbers = _numbers(client.get(LIST, params))
        return {key for key, case in spread.items() if case.number in numbers}

    assert listed(community=tree["c102"].pk) == {"other_community"}
    assert listed(grid=tree["g2"].pk) == {"second_grid"}
    assert listed(department=department.pk) == {"dispatched"}
    assert listed(open="on") == everyone - {"closed"}
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert listed(to=yesterday) == {"old"}
    assert listed(**{"from": yesterday}) == everyone - {"old"}
    assert listed(q=spread["manhole"].number) == {"manhole"}
    number = spread["manhole"].number
    assert "manhole" in listed(q=number[:-1]) and listed(q=number + "0") == set()


def test_the_form_keeps_what_was_chosen_and_ignores_nonsense(client, dispatcher, tree, spread):
    response = login(client, dispatcher).get(
        LIST,
        {"status": "closed", "grid": tree["g2"].pk, "q": "井盖", "overdue": "on", "level": "moon"},
    )
    body = response.content.decode()
    assert '<option value="closed" selected>' in body
    assert f'<option value="{tree["g2"].pk}" selected>' in body
    assert 'value="井盖"' in body and "checked" in body
    assert response.status_code == 200


def test_the_count_stops_at_a_cap(client, dispatcher, report, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(list_views, "PAGE_SIZE", 2)
    for i in range(4):
        report(title=f"案件{i}")
    response = login(client, dispatcher).get(LIST)
    assert response.context["page"].paginator.capped
    assert "共 2+ 条" in response.content.decode()
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 1  # the cap's extra row


def test_the_list_takes_the_same_few_queries_whatever_it_holds(
    client, dispatcher, report, django_assert_max_num_queries
):
    login(client, dispatcher)
    report()
    client.get(LIST)
    # session, user, the capped count, areas, categories, departments, the page's ids, its rows
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for i in range(6):
        report(title=f"案件{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"open": "on"})
    assert len(response.context["page"]) == 7


# -- the export --------------------------------------------------------------------------------


def test_the_export_has_the_filtered_cases_and_leaves_an_audit_row(
    client, dispatcher, department, spread
):
    response = login(client, dispatcher).get(EXPORT, {"status": "dispatched", "page": "3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    assert rows[0][:3] == ["案件编号", "标题", "状态"]
    case = spread["dispatched"]
    assert [r[0] for r in rows[1:]] == [case.number]
    assert rows[1][1:3] == ["已派遣", "待签收"]
    assert department.name in rows[1]
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.actor == dispatcher
    assert entry.after == {"filters": {"status": "dispatched"}, "rows": 1, "capped": False}


def test_the_export_neutralises_formulas_and_holds_no_personal_data(client, dispatcher, report):
    report(title='=HYPERLINK("http://x")', reporter_name="王小明")
    rows = _sheet(login(client, dispatcher).get(EXPORT))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert "王小明" not in str(rows)


def test_the_export_stops_at_its_limit_and_says_so(client, dispatcher, report, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_ROWS", 2)
    for i in range(3):
        report(title=f"案件{i}")
    rows = _sheet(login(client, dispatcher).get(EXPORT))
    assert len(rows) == 4 and "仅导出前 2 行" in rows[3][0]
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.after["rows"] == 2 and entry.after["capped"] is True


def test_department_staff_export_only_their_cases(client, personas, dispatcher, department, report):
    ours = actions.act(dispatcher, report(), "dispatch", department=department)
    report(title="未派遣")
    rows = _sheet(login(client, personas["department_staff"]).get(EXPORT))
    assert [r[0] for r in rows[1:]] == [ours.number]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_report_date_out_of_range_is_refused_not_an_error(client, dispatcher, report, day):
    """The start of 0001-01-01 in China is before year 1: it used to be a 500."""
    report(actor=dispatcher)
    login(client, dispatcher)
    page = client.get(LIST, {"from": day, "to": day})
    assert page.status_code == 200
    api = client.get("/api/v1/cases", {"from": day})
    assert api.status_code == 422 and api.json()["detail"] == "请求数据不正确。"
