"""The auditor's pages: the audit log, the access log, their filters and exports."""

import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.core.models import AccessLog, AuditEntry
from gridgov.testing import login

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
REFUSED = [
    "street_leader",
    "community_staff",
    "grid_worker",
    "department_staff",
    "stranger",
    "system_admin",
]
PAGES = ["/audit/", "/audit/access/", "/audit/export.xlsx", "/audit/access/export.xlsx"]


def entry(monkeypatch=None, at=None, **fields):
    """An audit row as an action would write it, optionally at a chosen time."""
    if at is not None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: at)
    values = {
        "actor_name": "leader",
        "action": "area.update",
        "object_type": "places.area",
        "object_id": "1",
        "object_repr": "鳌洲社区",
        **fields,
    }
    return AuditEntry.objects.create(**values)


def access(user, monkeypatch=None, at=None, **fields):
    if at is not None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: at)
    values = {
        "actor": user,
        "actor_name": user.username,
        "object_type": "people.resident",
        "object_id": "7",
        "object_repr": "张三",
        "fields": "身份证号",
        "reason": "核实低保申请",
        **fields,
    }
    return AccessLog.objects.create(**values)


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def read_sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content)).active


@pytest.fixture
def auditor(client, personas):
    return login(client, personas["auditor"])


# Who may see the pages


def test_the_auditor_sees_the_audit_log_newest_first(auditor, monkeypatch):
    entry(monkeypatch, local(2026, 3, 1, 9, 0), object_repr="早上的记录")
    entry(monkeypatch, local(2026, 3, 1, 15, 0), object_repr="下午的记录")
    response = auditor.get("/audit/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("下午的记录") < text.index("早上的记录")
    assert "操作审计" in text and "敏感信息查看" in text
    assert "2026-03-01 15:00:00" in text  # shown in Shanghai time


def test_the_auditor_sees_the_access_log_with_the_reason(auditor, personas):
    access(personas["street_leader"], reason="核实低保申请")
    response = auditor.get("/audit/access/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "核实低保申请" in text and "身份证号" in text and "张三" in text


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("url", PAGES)
def test_every_other_role_is_refused(client, personas, persona, url):
    login(client, personas[persona])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_refused_export_writes_no_audit_row(client, personas):
    login(client, personas["system_admin"])
    client.get("/audit/export.xlsx")
    assert not AuditEntry.objects.filter(action="audit.export").exists()


# Filters


def test_the_audit_log_filters_by_actor_action_object_and_request(auditor):
    entry(
        actor_name="leader",
        action="area.update",
        object_id="1",
        request_id="req-a",
        object_repr="甲",
    )
    entry(
        actor_name="sysadmin",
        action="account.create",
        object_type="accounts.user",
        object_id="9",
        request_id="req-b",
        object_repr="乙",
    )
    entry(
        actor_name="leader",
        action="area.create",
        object_id="2",
        request_id="req-c",
        object_repr="丙",
    )

    def shown(query):
        text = auditor.get(f"/audit/?{query}").content.decode()
        return {name for name in "甲乙丙" if f">{name}<" in text}

    assert shown("") == {"甲", "乙", "丙"}
    assert shown("actor=sysad") == {"乙"}
    assert shown("action=area.create") == {"丙"}
    assert shown("object_type=places.area&object_id=1") == {"甲"}
    assert shown("object_type=ACCOUNTS.USER") == {"乙"}
    assert shown("request_id=req-c") == {"丙"}
    assert shown("actor=leader&action=area.update") == {"甲"}


def test_the_action_filter_offers_the_actions_recorded(auditor):
    entry(action="area.update")
    entry(action="account.create")
    text = auditor.get("/audit/").content.decode()
    assert '<option value="area.update">' in text and '<option value="account.create">' in text


def test_the_date_range_is_in_shanghai_local_dates(auditor, monkeypatch):
    # 23:30 on 1 March and 00:30 on 2 March in Shanghai are both 1 March in UTC.
    entry(monkeypatch, local(2026, 3, 1, 23, 30), object_repr="三月一日深夜")
    entry(monkeypatch, local(2026, 3, 2, 0, 30), object_repr="三月二日凌晨")
    entry(monkeypatch, local(2026, 3, 3, 12, 0), object_repr="三月三日中午")

    def shown(query):
        text = auditor.get(f"/audit/?{query}").content.decode()
        return {n for n in ("三月一日深夜", "三月二日凌晨", "三月三日中午") if n in text}

    assert shown("date_from=2026-03-02") == {"三月二日凌晨", "三月三日中午"}
    assert shown("date_to=2026-03-01") == {"三月一日深夜"}
    assert shown("date_from=2026-03-02&date_to=2026-03-02") == {"三月二日凌晨"}


def test_the_access_log_filters_by_actor_object_type_and_date(auditor, personas, monkeypatch):
    access(personas["street_leader"], monkeypatch, local(2026, 3, 1, 10, 0), reason="事由一")
    access(
        personas["grid_worker"],
        monkeypatch,
        local(2026, 3, 5, 10, 0),
        reason="事由二",
        object_type="people.household",
    )

    def shown(query):
        text = auditor.get(f"/audit/access/?{query}").content.decode()
        return {n for n in ("事由一", "事由二") if n in text}

    assert shown("") == {"事由一", "事由二"}
    assert shown("actor=grid101001") == {"事由二"}
    assert shown("object_type=people.resident") == {"事由一"}
    assert shown("date_from=2026-03-02") == {"事由二"}


def test_a_bad_date_shows_a_message_and_is_ignored(auditor):
    entry(object_repr="甲", action="area.update")
    entry(object_repr="乙", action="area.create")
    response = auditor.get("/audit/?date_from=2026-13-45&action=area.create")
    assert response.status_code == 200
    text = response.content.decode()
    assert "日期格式不对" in text and "部分筛选条件有误" in text
    assert ">乙<" in text and ">甲<" not in text  # the other filter still applies


def test_an_unknown_action_shows_a_message_and_is_ignored(auditor):
    entry(object_repr="甲")
    response = auditor.get("/audit/?action=no.such.thing")
    assert response.status_code == 200
    text = response.content.decode()
    assert "没有“no.such.thing”这种操作" in text and ">甲<" in text


@pytest.mark.parametrize(
    "query",
    [
        "date_from=0001-01-01",
        "date_to=9999-12-31",
        "date_from=2026-03-05&date_to=2026-03-01",
        "page=abc",
        "page=99999",
        "object_id=" + "x" * 500,
        "date_from=%00",
        "actor=%00",
    ],
)
def test_odd_filters_never_break_the_pages(auditor, query):
    entry()
    assert auditor.get(f"/audit/?{query}").status_code == 200
    assert auditor.get(f"/audit/access/?{query}").status_code == 200
    assert auditor.get(f"/audit/export.xlsx?{query}").status_code == 200


def test_an_inverted_date_range_says_so(auditor):
    text = auditor.get("/audit/?date_from=2026-03-05&date_to=2026-03-01").content.decode()
    assert "结束日期早于开始日期" in text


# Paging, details and speed


def test_page_links_keep_the_filters(auditor):
    for i in range(60):
        entry(object_id=str(i), action="area.update")
    text = auditor.get("/audit/?action=area.update").content.decode()
    assert "共 60 条" in text
    assert "?action=area.update&amp;page=2" in text
    second = auditor.get("/audit/?action=area.update&page=2").content.decode()
    assert second.count('data-bs-toggle="collapse"') == 10


def test_a_row_expands_to_before_and_after_side_by_side(auditor):
    entry(
        before={"name": "旧名称", "code": "440105008101"},
        after={"name": "新名称", "code": "440105008101"},
    )
    text = auditor.get("/audit/").content.decode()
    assert 'class="collapse"' in text
    assert "&quot;name&quot;: &quot;旧名称&quot;" in text  # pretty-printed, one key a line
    assert "&quot;name&quot;: &quot;新名称&quot;" in text
    assert "<code>name</code>" in text and "<code>code</code>" not in text  # what changed


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/audit/", "/audit/access/"])
def test_the_query_count_does_not_grow_with_the_rows(auditor, personas, url):
    def add(n):
        for i in range(n):
            entry(
                object_id=str(i), action=f"test.action{i % 7}", before={"a": i}, after={"a": i + 1}
            )
            access(personas["street_leader"])

    add(5)
    auditor.get(url)  # the first request of a session writes it; don't count that
    few = _queries(auditor, url)
    add(55)
    many = _queries(auditor, url)
    assert many == few
    assert many <= 10


# Exports


def test_the_export_neutralises_formulas(auditor):
    entry(
        actor_name="=cmd|' /C calc'!A0",
        object_repr='=HYPERLINK("http://evil.example","点我")',
        object_id="+1",
        request_id="@SUM(A1)",
        before={"name": "=1+1"},
    )
    sheet = read_sheet(auditor.get("/audit/export.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "'=cmd|' /C calc'!A0"
    assert row[5] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row[4] == "'+1" and row[8] == "'@SUM(A1)"
    for cell in next(sheet.iter_rows(min_row=2, max_row=2)):
        assert cell.data_type != "f"


def test_the_export_follows_the_filters_and_shows_local_time(auditor, monkeypatch):
    entry(monkeypatch, local(2026, 3, 1, 23, 30), action="area.update", object_repr="要")
    entry(monkeypatch, local(2026, 3, 1, 23, 40), action="area.create", object_repr="不要")
    sheet = read_sheet(auditor.get("/audit/export.xlsx?action=area.update&page=3"))
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [r[5] for r in rows] == ["要"]
    assert rows[0][0] == datetime.datetime(2026, 3, 1, 23, 30)


def test_an_export_is_itself_audited(auditor, personas):
    entry()
    entry(action="area.create")
    response = auditor.get("/audit/export.xlsx?action=area.update&date_from=bad")
    assert response.status_code == 200
    row = AuditEntry.objects.get(action="audit.export")
    assert row.actor == personas["auditor"]
    assert row.object_type == "core.auditentry"
    assert row.after == {"filters": {"action": "area.update"}, "rows": 1, "capped": False}


def test_the_access_log_export_is_audited_too(auditor, personas):
    access(personas["street_leader"], reason="=2+3")
    response = auditor.get("/audit/access/export.xlsx")
    rows = list(read_sheet(response).iter_rows(values_only=True))
    assert rows[0][1] == "查看人"
    assert rows[1][6] == "'=2+3"
    row = AuditEntry.objects.get(action="audit.export")
    assert row.object_type == "core.accesslog" and row.after["rows"] == 1


def test_the_export_has_a_chinese_file_name(auditor):
    disposition = auditor.get("/audit/export.xlsx")["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert timezone.localdate().strftime("%Y%m%d") in disposition
