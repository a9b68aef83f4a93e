"""The reference pages: who may open them (system administrator and street staff; 403
for everyone else, 404 for a department outside one's area), what they show, and that
their forms and imports go through the audited actions."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases.models import Category, DepartmentCategory, SpecialDay, WorkYear
from gridgov.core.models import AuditEntry
from gridgov.testing import login, make_user

YEAR = 2026


@pytest.fixture
def street_staff(tree):
    return make_user("street_staff", Role.STREET_STAFF, tree["street"])


@pytest.fixture
def admin_client(client, personas):
    return login(client, personas["system_admin"])


def _pages(department):
    return [
        reverse("cases:reference_categories"),
        reverse("cases:reference_category_new"),
        reverse("cases:reference_category_edit", args=["E0102"]),
        reverse("cases:reference_category_import"),
        reverse("cases:reference_category_export"),
        reverse("cases:reference_departments"),
        reverse("cases:reference_department_edit", args=[department.pk]),
        reverse("cases:reference_calendar"),
        reverse("cases:reference_calendar_year", args=[YEAR]),
        reverse("cases:reference_calendar_export", args=[YEAR]),
    ]


@pytest.mark.parametrize("who", ["system_admin", "street_staff"])
def test_administrators_open_every_page(client, personas, street_staff, department, who):
    login(client, street_staff if who == "street_staff" else personas[who])
    for url in _pages(department):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["dispatcher", "grid_worker", "stranger", "department_staff", "street_leader"]
)
def test_other_roles_get_403(client, personas, dispatcher, department, who):
    login(client, dispatcher if who == "dispatcher" else personas[who])
    for url in _pages(department):
        assert client.get(url).status_code == 403, url
    url = reverse("cases:reference_calendar_day_add", args=[YEAR])
    assert client.post(url, {"date": "2026-01-01", "kind": "holiday"}).status_code == 403
    assert not SpecialDay.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("cases:reference_categories"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_department_outside_the_area_is_a_404(client, street_staff, tree):
    theirs = Department.objects.create(
        name="龙凤环卫站", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["other_street"]
    )
    login(client, street_staff)
    url = reverse("cases:reference_department_edit", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"codes": ["E0102"]}).status_code == 404
    assert "龙凤环卫站" not in client.get(reverse("cases:reference_departments")).text


def test_the_category_tree_lists_classes_limits_and_versions(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("cases:reference_categories"))
    text = response.text
    assert "E01" in text and "暴露垃圾" in text and "4 工作小时" in text
    assert "网格事项" in text


def test_editing_a_category_adds_a_version_shown_in_its_history(admin_client, department):
    url = reverse("cases:reference_category_edit", args=["E0102"])
    form = admin_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "code"}
    data |= {"handle_limit": "6", "default_department": department.pk}
    data["effective"] = dt.date.today().isoformat()
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Category.objects.filter(code="E0102").count() == 2
    assert AuditEntry.objects.filter(action="category.save").exists()
    page = admin_client.get(url).text
    assert "历史版本" in page and "2020-01-01" in page


def test_a_bad_category_form_shows_the_field_error(admin_client):
    url = reverse("cases:reference_category_new")
    data = {"code": "E0999", "name": "无上级", "kind": "event", "effective": "2026-03-02"}
    for step in ("accept", "dispatch", "handle", "follow_up"):
        data |= {f"{step}_limit": "1", f"{step}_unit": "work_days"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "上级类别 E09 不存在" in response.text
    assert not Category.objects.filter(code="E0999").exists()


def test_new_refuses_an_existing_code(admin_client):
    data = {"code": "E0102", "name": "重复", "kind": "event", "effective": "2026-03-02"}
    for step in ("accept", "dispatch", "handle", "follow_up"):
        data |= {f"{step}_limit": "1", f"{step}_unit": "work_days"}
    response = admin_client.post(reverse("cases:reference_category_new"), data)
    assert "已存在" in response.text


def _sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编码", "名称", "受理时限", "受理单位", "派遣时限", "派遣单位",
                  "处置时限", "处置单位", "回访时限", "回访单位"])  # fmt: skip
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "categories.xlsx"
    return buffer


def test_the_import_page_checks_imports_and_reports(admin_client):
    url = reverse("cases:reference_category_import")
    good = ["E09", "新大类", 1, "工作小时", 1, "工作小时", 3, "工作日", 1, "工作日"]
    response = admin_client.post(
        url, {"file": _sheet([good]), "effective": "2026-03-02", "dry_run": "on"}
    )
    assert response.status_code == 302 and not Category.objects.filter(code="E09").exists()
    response = admin_client.post(url, {"file": _sheet([good]), "effective": "2026-03-02"})
    assert response.status_code == 302 and Category.objects.filter(code="E09").exists()
    bad = ["E0901", "", 1, "工作小时", 1, "工作小时", 0, "工作日", 1, "周"]
    response = admin_client.post(url, {"file": _sheet([bad]), "effective": "2026-03-02"})
    assert response.status_code == 200
    report = response.context["report"]
    assert [(r["row"], r["column"]) for r in report["rows"]] == [(2, "名称")]
    download = admin_client.get(reverse("cases:reference_import_report", args=[report["id"]]))
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == (2, "名称")
    assert not Category.objects.filter(code="E0901").exists()


def test_the_import_page_refuses_a_file_that_is_not_xlsx(admin_client):
    upload = io.BytesIO(b"code,name\n")
    upload.name = "categories.csv"
    response = admin_client.post(
        reverse("cases:reference_category_import"), {"file": upload, "effective": "2026-03-02"}
    )
    assert response.status_code == 200 and "只能导入 .xlsx 文件" in response.text


def test_the_export_is_a_sheet(admin_client):
    response = admin_client.get(reverse("cases:reference_category_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编码" and len(rows) == Category.objects.current().count() + 1


def test_departments_take_categories(admin_client, department, django_assert_max_num_queries):
    url = reverse("cases:reference_department_edit", args=[department.pk])
    assert admin_client.post(url, {"codes": ["E0102", "E0103"]}).status_code == 302
    assert DepartmentCategory.objects.filter(department=department).count() == 2
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse("cases:reference_departments")).text
    assert "南华西环卫站" in page and "E0103" in page
    assert 'value="E0102" id="code-E0102" checked' in admin_client.get(url).text


def test_the_calendar_page_saves_hours_and_days(admin_client, django_assert_max_num_queries):
    hours = reverse("cases:reference_calendar_hours", args=[YEAR])
    data = {"morning_start": "09:00", "morning_end": "12:00"}
    data |= {"afternoon_start": "13:30", "afternoon_end": "18:00"}
    assert admin_client.post(hours, data).status_code == 302
    assert WorkYear.objects.get(year=YEAR).morning_start == dt.time(9)
    data["afternoon_end"] = "13:00"
    response = admin_client.post(hours, data)
    assert response.status_code == 200 and "下午下班应晚于下午上班" in response.text
    add = reverse("cases:reference_calendar_day_add", args=[YEAR])
    admin_client.post(add, {"date": "2026-01-01", "kind": "holiday", "name": "元旦"})
    response = admin_client.post(add, {"date": "2026-01-05", "kind": "makeup"})
    assert "调休上班日应为周六或周日" in response.text
    response = admin_client.post(add, {"date": "2027-01-02", "kind": "holiday"})
    assert "2026 年内" in response.text
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse("cases:reference_calendar_year", args=[YEAR]))
    assert "元旦" in page.text and len(page.context["months"]) == 12
    delete = reverse("cases:reference_calendar_day_delete", args=[YEAR])
    assert admin_client.post(delete, {"date": "2026-01-01"}).status_code == 302
    assert not SpecialDay.objects.exists()


def test_the_calendar_imports_and_exports_a_year(admin_client):
    workbook = Workbook()
    workbook.active.append(["日期", "类型", "名称"])
    workbook.active.append([dt.date(2026, 1, 1), "法定节假日", "元旦"])
    workbook.active.append([dt.date(2026, 1, 4), "调休上班", "元旦调休上班"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "holidays.xlsx"
    url = reverse("cases:reference_calendar_import", args=[YEAR])
    assert admin_client.post(url, {"file": buffer}).status_code == 302
    assert SpecialDay.objects.count() == 2
    export = admin_client.get(reverse("cases:reference_calendar_export", args=[YEAR]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["法定节假日", "调休上班"]
    workbook.active.append(["2026-01-05", "调休上班", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "holidays.xlsx"
    response = admin_client.post(url, {"file": buffer})
    assert response.status_code == 200 and response.context["report"]["rows"][0]["row"] == 4


def test_a_year_out_of_range_is_a_404(admin_client):
    assert (
        admin_client.get(reverse("cases:reference_calendar_year", args=[1900])).status_code == 404
    )
