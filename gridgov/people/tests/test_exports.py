"""Exporting base data: within scope, masked by default, in clear only with the reveal
capability and a reason (logged), formulas neutralised, and back in as it went out."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from gridgov.core.models import AccessLog, AuditEntry
from gridgov.people.exports import export_response
from gridgov.people.imports import import_file
from gridgov.people.models import Resident
from gridgov.people.tests.people_sheets import (
    LI,
    ZHANG,
    make_elsewhere,
    make_place,
    make_staff,
    read_sheet,
    resident_row,
    xlsx,
)
from gridgov.testing import login

EXPORT_URL = "/people/export/"


@pytest.fixture
def staff(tree, personas):
    return make_staff(tree)


@pytest.fixture
def residents(staff, tree):
    """张三 in 鳌洲第一网格 (occupation typed as a formula), 李四 in a household of
    鳌洲第二网格."""
    place = make_place(tree)
    other = make_place_in_g2(place)
    rows = [
        resident_row(),
        resident_row(户号=other.number, 姓名="李四", 证件号码=LI, 性别="女", 出生日期=None),
    ]
    import_file(staff, "residents", io.BytesIO(xlsx(rows)), "residents.xlsx")
    Resident.objects.filter(name="张三").update(occupation='=HYPERLINK("http://x","点我")')
    return place


def make_place_in_g2(place):
    from gridgov.people.models import Household
    from gridgov.places.models import Area, Dwelling

    g2 = Area.objects.get(code="440105008101002")
    dwelling = Dwelling(building=place["building"], unit="2", room="201", use="residential")
    dwelling.place_in(g2)
    dwelling.save()
    household = Household(dwelling=dwelling, number="H201", kind="registered")
    household.place_in(g2)
    household.save()
    return household


def sheet_of(response) -> list[tuple]:
    return read_sheet(response.content)


def test_the_export_is_masked_by_default(client, personas, residents):
    login(client, personas["street_leader"])
    response = client.get("/people/export/residents.xlsx")
    assert response.status_code == 200
    rows = sheet_of(response)
    assert rows[0][:4] == ("户号", "姓名", "证件类型", "证件号码")
    text = " ".join(str(cell) for row in rows for cell in row)
    assert ZHANG not in text and LI not in text and "13812345678" not in text
    assert "440105********" + ZHANG[-4:] in text and "138****5678" in text
    assert not AccessLog.objects.exists()


def test_text_that_looks_like_a_formula_is_neutralised(client, personas, residents):
    login(client, personas["street_leader"])
    rows = sheet_of(client.get("/people/export/residents.xlsx"))
    occupations = [row[15] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","点我")' in occupations


def test_a_grid_worker_exports_only_their_grid(client, personas, residents):
    login(client, personas["grid_worker"])
    rows = sheet_of(client.get("/people/export/residents.xlsx"))
    assert [row[1] for row in rows[1:]] == ["张三"]


@pytest.mark.parametrize("persona", ["department_staff", "system_admin", "auditor", "stranger"])
def test_roles_that_see_no_residents_cannot_export(client, personas, persona):
    login(client, personas[persona])
    assert client.get(EXPORT_URL).status_code == 403
    assert client.get("/people/export/residents.xlsx").status_code == 403
    assert client.post(EXPORT_URL, {"kind": "residents"}).status_code == 403


def test_a_clear_export_needs_a_reason_and_is_logged(client, staff, residents):
    login(client, staff)
    page = client.get(EXPORT_URL)
    assert 'name="reason"' in page.content.decode()
    response = client.post(EXPORT_URL, {"kind": "residents", "reason": "核对低保名单"})
    text = " ".join(str(cell) for row in sheet_of(response) for cell in row)
    assert ZHANG in text and "13812345678" in text
    log = AccessLog.objects.get()
    assert log.actor == staff and log.reason == "核对低保名单"
    assert log.object_type == "people.resident" and "2" in log.object_repr
    assert log.fields == "id_number,phone"


def test_every_export_is_audited_and_a_clear_one_also_logged(staff, personas, residents):
    export_response(personas["street_leader"], "residents")
    export_response(staff, "residents", reason="核对低保名单")

    masked, clear = AuditEntry.objects.filter(action="people.export").order_by("id")
    assert masked.actor == personas["street_leader"] and masked.object_type == "people.resident"
    assert masked.after == {
        "filters": {"kind": "residents", "clear": False},
        "rows": 2,
        "capped": False,
    }
    assert clear.actor == staff and clear.after["filters"]["clear"] is True
    assert AccessLog.objects.get().reason == "核对低保名单"


def test_a_reason_of_one_character_is_refused(client, staff, residents):
    login(client, staff)
    response = client.post(EXPORT_URL, {"kind": "residents", "reason": "看"})
    assert response.status_code == 200 and "请填写查看事由" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_without_the_reveal_capability_a_reason_is_refused(client, personas, residents):
    login(client, personas["street_leader"])
    assert 'name="reason"' not in client.get(EXPORT_URL).content.decode()
    response = client.post(EXPORT_URL, {"kind": "residents", "reason": "核对"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        export_response(personas["street_leader"], "residents", reason="核对")
    assert not AccessLog.objects.exists()


def test_a_clear_export_imports_back_unchanged(staff, residents):
    data = export_response(staff, "residents", reason="年度核对").content
    result = import_file(staff, "residents", io.BytesIO(data), "back.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("kind", ["buildings", "dwellings", "households", "organizations"])
def test_every_kind_exports_in_its_template_columns(personas, residents, kind):
    from gridgov.people.import_columns import KINDS

    rows = sheet_of(export_response(personas["street_leader"], kind))
    assert rows[0][:-1] == tuple(str(c.label) for c in KINDS[kind].columns)


def test_the_export_command_writes_a_masked_file(tmp_path, staff, residents, capsys):
    out = tmp_path / "residents.xlsx"
    call_command("export_people", "residents", str(out), "--as", staff.username)
    text = " ".join(str(cell) for row in read_sheet(out.read_bytes()) for cell in row)
    assert ZHANG not in text and "已导出 2 条" in capsys.readouterr().out
    assert not AccessLog.objects.exists()


def test_other_streets_are_not_exported(personas, tree, residents):
    elsewhere = make_elsewhere(tree)
    Resident.objects.create(
        household=elsewhere["household"],
        name="外街人",
        id_type="none",
        sex="male",
        birth_date="1990-01-01",
        relation="head",
        registration="registered",
        grid=elsewhere["grid"],
        community_id=elsewhere["household"].community_id,
        street_id=elsewhere["household"].street_id,
    )
    rows = sheet_of(export_response(personas["street_leader"], "residents"))
    assert "外街人" not in [row[1] for row in rows]
