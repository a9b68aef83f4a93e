"""The import page (areas.manage) and the export downloads (areas.view, own scope)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core.models import AuditEntry
from gridgov.places.models import Area
from gridgov.places.tests.area_files import (
    C103,
    feature,
    geojson_bytes,
    good_geojson,
    good_xlsx,
    read_sheet,
    square,
)
from gridgov.testing import login

IMPORT_URL = "/areas/import/"


def upload(data: bytes, name: str) -> dict:
    return {"file": SimpleUploadedFile(name, data)}


def bad_file() -> bytes:
    code, name, geometry = C103
    return geojson_bytes(
        [
            feature(code, name, geometry),
            feature("440105008103001", "出界网格", square(113.40, 23.30, 0.005)),
        ]
    )


# Who may import ---------------------------------------------------------------------


def test_a_system_admin_sees_the_import_form(client, personas):
    login(client, personas["system_admin"])
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.parametrize("persona", ["community_staff", "street_leader", "grid_worker", "auditor"])
def test_roles_without_area_management_cannot_import(client, personas, persona):
    login(client, personas[persona])
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, upload(good_geojson(), "a.geojson"))
    assert response.status_code == 403
    assert not Area.objects.filter(code=C103[0]).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Importing --------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "name"), [(good_geojson(), "a.geojson"), (good_xlsx(), "a.xlsx")])
def test_a_good_file_is_imported_and_audited(client, personas, data, name):
    login(client, personas["system_admin"])
    response = client.post(IMPORT_URL, upload(data, name), follow=True)
    assert response.redirect_chain[0][0] == "/areas/"
    assert "新建 3 个" in response.content.decode()
    assert Area.objects.filter(code__startswith="440105008103").count() == 3
    assert AuditEntry.objects.filter(action="area.import").count() == 3


def test_a_file_with_a_bad_row_shows_the_report_and_writes_nothing(client, personas):
    login(client, personas["system_admin"])
    areas_before = Area.objects.count()
    response = client.post(IMPORT_URL, upload(bad_file(), "a.geojson"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "未写入任何数据" in text and "超出了上级" in text
    report = response.context["report"]
    assert [(r["row"], r["column"]) for r in report["rows"]] == [(2, "边界")]
    assert Area.objects.count() == areas_before
    assert not AuditEntry.objects.filter(action="area.import").exists()

    download = client.get(f"/areas/import/report/{report['id']}.xlsx")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = read_sheet(download.content)
    assert sheet[0] == ("行", "列", "问题") and sheet[1][:2] == (2, "边界")


def test_a_report_belongs_to_the_session_that_made_it(client, personas):
    login(client, personas["system_admin"])
    report = client.post(IMPORT_URL, upload(bad_file(), "a.geojson")).context["report"]
    client.logout()
    login(client, personas["system_admin"])
    assert client.get(f"/areas/import/report/{report['id']}.xlsx").status_code == 404
    assert client.get("/areas/import/report/made-up.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n not an area file", "a.geojson", "不是有效的 JSON"),
        (b"plain text", "a.xlsx", "不是 Excel"),
        (b"plain text", "a.exe", ".xlsx"),
    ],
)
def test_garbage_gets_a_clear_message_on_the_field(client, personas, data, name, message):
    login(client, personas["system_admin"])
    response = client.post(IMPORT_URL, upload(data, name))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert response.context["report"] is None


def test_no_file_and_too_big_a_file_are_refused_on_the_field(client, personas, settings):
    login(client, personas["system_admin"])
    response = client.post(IMPORT_URL, {})
    assert "请选择要导入的文件" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = client.post(IMPORT_URL, upload(b" " * (1024 * 1024 + 1), "a.geojson"))
    assert "超过 1 MB" in " ".join(response.context["form"].errors["file"])


# Exporting --------------------------------------------------------------------------


def test_a_community_staff_member_exports_only_their_subtree(client, personas):
    login(client, personas["community_staff"])
    response = client.get("/areas/export.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    codes = {f["properties"]["code"] for f in json.loads(response.content)["features"]}
    assert codes == {"440105008101", "440105008101001", "440105008101002"}


def test_a_street_leader_exports_their_street_as_a_sheet(client, personas):
    login(client, personas["street_leader"])
    response = client.get("/areas/export.xlsx")
    assert response.status_code == 200
    codes = {row[0] for row in read_sheet(response.content)[1:]}
    assert "440105008" in codes and "440105008102001" in codes
    assert "440105009" not in codes and "440105" not in codes


def test_an_export_of_one_area_holds_its_subtree(client, personas):
    login(client, personas["street_leader"])
    response = client.get("/areas/export.geojson?root=440105008102")
    codes = {f["properties"]["code"] for f in json.loads(response.content)["features"]}
    assert codes == {"440105008102", "440105008102001"}


def test_an_export_rooted_outside_the_scope_is_404(client, personas):
    login(client, personas["community_staff"])
    assert client.get("/areas/export.xlsx?root=440105008102").status_code == 404
    assert client.get("/areas/export.csv").status_code == 404


@pytest.mark.parametrize("fmt", ["geojson", "xlsx"])
def test_an_export_takes_the_same_few_queries_however_many_areas(
    client, personas, django_assert_max_num_queries, fmt
):
    login(client, personas["system_admin"])
    # session, user, role assignments, the areas, then the session write-back.
    with django_assert_max_num_queries(7):
        assert client.get(f"/areas/export.{fmt}").status_code == 200


@pytest.mark.parametrize("persona", ["stranger", "auditor"])
def test_roles_without_area_view_cannot_export(client, personas, persona):
    login(client, personas[persona])
    assert client.get("/areas/export.xlsx").status_code == 403


# The buttons on an area's page ------------------------------------------------------


def test_the_area_page_offers_import_only_to_managers(client, personas):
    login(client, personas["system_admin"])
    text = client.get("/areas/440105008/").content.decode()
    assert IMPORT_URL in text and "/areas/export.xlsx?root=440105008" in text
    login(client, personas["street_leader"])
    text = client.get("/areas/440105008/").content.decode()
    assert IMPORT_URL not in text and "/areas/export.xlsx?root=440105008" in text
