"""The catalogue in Excel: the export's two sheets (事项, 材料) import back changing
nothing; a good file creates and updates items by code and replaces their materials
with one audit row; a file with any bad row writes nothing and says, in Chinese, which
sheet, row and column is wrong, on the page and as a downloadable sheet."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gridgov.accounts.roles import Role
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected
from gridgov.hall import catalogue_actions, catalogue_io
from gridgov.hall.models import ItemStatus, Material, ServiceItem, WindowGroup
from gridgov.testing import login, make_user

LIST = reverse("hall:catalogue_manage")
EXPORT = reverse("hall:catalogue_export")
IMPORT = reverse("hall:catalogue_import")
ITEM_HEADER = [str(c.label) for c in catalogue_io.ITEM_COLUMNS]
MATERIAL_HEADER = [str(c.label) for c in catalogue_io.MATERIAL_COLUMNS]


def workbook(items, materials=None, item_header=ITEM_HEADER, name="items.xlsx") -> io.BytesIO:
    """An upload with the 事项 sheet and, unless `materials` is None, the 材料 sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    for row in [item_header, *items]:
        sheet.append(list(row))
    if materials is not None:
        sheet = book.create_sheet("材料")
        for row in [MATERIAL_HEADER, *materials]:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}


ITEM_KEYS = [c.key for c in catalogue_io.ITEM_COLUMNS]


def item_row(code="MZ-002", **cells):
    """A row of the 事项 sheet; `cells` by column key (promised_days=5)."""
    values = {
        "code": code,
        "name": "临时救助申请",
        "aliases": "",
        "theme": "民政救助",
        "department": "南华西街道社区事务受理中心",
        "legal_basis": "《社会救助暂行办法》",
        "authority": "公共服务",
        "conditions": "遭遇突发困难的家庭",
        "statutory_days": 20,
        "promised_days": 15,
        "fee": "",
        "group": "B",
        "online": "是",
        "status": "已发布",
    } | cells
    return [values[key] for key in ITEM_KEYS]


def snapshot():
    """Everything an import could change, ids and timestamps included."""
    items = list(ServiceItem.objects.order_by("code").values())
    materials = list(Material.objects.order_by("item__code", "sort", "id").values())
    return items, materials


def test_the_export_has_an_items_sheet_and_a_materials_sheet(staff_client, hall):
    response = staff_client.get(EXPORT)
    assert response.status_code == 200
    assert "service-items-440105008-" in response["Content-Disposition"]
    book = sheets(response.content)
    assert list(book) == ["事项", "材料"]
    assert book["事项"][0] == tuple(ITEM_HEADER)
    assert [row[0] for row in book["事项"][1:]] == ["LL-001", "MZ-001", "SB-001", "SB-099"]
    assert book["事项"][2] == (
        *("MZ-001", "最低生活保障申请", "低保", "民政救助", "南华西街道社区事务受理中心"),
        *("《广州市社会保险条例》", "公共服务", "本街道户籍或居住证持有人", 20, 10),
        *("不收费", "B 民政", "否", "已发布"),
    )
    assert book["材料"][0] == tuple(MATERIAL_HEADER)
    assert [row[:4] for row in book["材料"] if row[0] == "MZ-001"] == [
        ("MZ-001", "居民身份证", "原件和复印件", 1),
        ("MZ-001", "家庭收入证明", "原件", 1),
        ("MZ-001", "低保申请书", "原件", 1),
    ]


def test_text_that_looks_like_a_formula_is_exported_as_text(staff_client, hall):
    item = hall["items"]["pension"]
    item.name = '=HYPERLINK("http://evil.example","点此")'
    item.save()
    Material.objects.filter(item=item).update(notes="+1 份")
    book = sheets(staff_client.get(EXPORT).content)
    assert book["事项"][3][1] == "'" + item.name
    assert {row[4] for row in book["材料"] if row[0] == "SB-001"} == {"'+1 份"}


def test_an_exported_file_imports_back_changing_nothing(staff_client, staff, hall):
    hall["items"]["pension"].name = "=1+1"  # neutralised on export, restored on import
    hall["items"]["pension"].save()
    before = snapshot()
    exported = io.BytesIO(staff_client.get(EXPORT).content)
    exported.name = "service-items.xlsx"
    response = staff_client.post(IMPORT, {"file": exported})
    assert response.status_code == 302
    assert snapshot() == before
    entry = AuditEntry.objects.get(action="service_item.import")
    assert entry.actor == staff
    assert entry.after == {
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "materials": 0,
        "street": "440105008",
        "file": "service-items.xlsx",
    }
    page = staff_client.get(response["Location"]).text
    assert "导入完成：新增 0 个事项，修改 0 个，4 个没有变化。" in page


def test_a_good_file_creates_updates_and_replaces_materials(staff_client, client, hall):
    untouched = snapshot()[1]
    untouched = [m for m in untouched if m["item_id"] != hall["items"]["allowance"].pk]
    items = [
        item_row(),
        item_row("MZ-001", name="最低生活保障申请", promised_days=5, status=""),
    ]
    materials = [
        ["MZ-002", "居民身份证", "原件和复印件", None, "", ""],
        ["MZ-002", "困难情况说明", "原件", 2, "社区盖章", "https://nhx.example/t.pdf"],
        ["MZ-001", "低保申请书", "原件", 1, "", ""],
    ]
    response = staff_client.post(IMPORT, {"file": workbook(items, materials)})
    assert response.status_code == 302
    new = ServiceItem.objects.get(code="MZ-002")
    assert (new.name, new.theme, new.group, new.fee) == (
        "临时救助申请",
        "civil_affairs",
        hall["groups"]["B"],
        "不收费",
    )
    assert (new.online, new.status, new.promised_days) == (True, ItemStatus.PUBLISHED, 15)
    assert (new.name_pinyin, new.name_initials) == ("linshijiuzhushenqing", "lsjzsq")
    assert [(m.name, m.count, m.sort) for m in new.materials.all()] == [
        ("居民身份证", 1, 0),
        ("困难情况说明", 2, 1),
    ]
    allowance = ServiceItem.objects.get(code="MZ-001")
    assert allowance.promised_days == 5 and allowance.status == ItemStatus.PUBLISHED
    assert [m.name for m in allowance.materials.all()] == ["低保申请书"]
    # Items not in the file keep their materials.
    assert [m for m in snapshot()[1] if m["item_id"] not in (allowance.pk, new.pk)] == untouched
    entry = AuditEntry.objects.get(action="service_item.import")
    assert entry.after | {"file": ""} == {
        **{"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "materials": 3},
        **{"street": "440105008", "file": ""},
    }
    client.logout()
    found = client.get(reverse("hall:catalogue"), {"q": "lsjz"}).context["shown"]
    assert [item.code for group in found for item in group.items] == ["MZ-002"]


def test_without_a_materials_sheet_materials_stay_as_they_are(staff_client, hall):
    before = snapshot()[1]
    row = item_row("MZ-001", name="最低生活保障申请（更新）")
    assert staff_client.post(IMPORT, {"file": workbook([row])}).status_code == 302
    assert snapshot()[1] == before
    assert ServiceItem.objects.get(code="MZ-001").name_initials == "zdshbzsqgx"


def test_aliases_are_imported_tidied_and_searched(staff_client, client, hall):
    row = item_row(aliases="救急难， 临时救助/救急难")
    assert staff_client.post(IMPORT, {"file": workbook([row])}).status_code == 302
    assert ServiceItem.objects.get(code="MZ-002").aliases == "救急难、临时救助"
    client.logout()
    for q in ("救急难", "jjn"):
        found = client.get(reverse("hall:catalogue"), {"q": q}).context["shown"]
        assert [item.code for group in found for item in group.items] == ["MZ-002"]


def test_a_bad_file_writes_nothing_and_reports_sheet_row_and_column(staff_client, hall):
    before = snapshot()
    items = [
        item_row(),
        item_row("MZ-003", promised_days=30),
        item_row("MZ-004", theme="彩票", group="C", online="也许"),
        item_row("MZ-005", name="", statutory_days=0),
        item_row("MZ-002"),
    ]
    materials = [
        ["MZ-002", "居民身份证", "原件", 0, "", ""],
        ["XX-404", "户口簿", "扫描件", 1, "", ""],
    ]
    response = staff_client.post(IMPORT, {"file": workbook(items, materials)})
    assert response.status_code == 200
    report = response.context["report"]
    problems = [(p["row"], p["column"], p["value"], p["message"]) for p in report["rows"]]
    assert problems == [
        (3, "事项·承诺时限（工作日）", "30", "承诺时限不能超过法定时限（20 个工作日）。"),
        (4, "事项·主题", "彩票", "主题应为以下之一：社会保障、民政救助、计划生育、来穗人员服务、"
            "老龄服务、残疾人服务、就业创业、住房保障、卫生健康、证明开具、其他。"),
        (4, "事项·受理窗口", "C", "受理窗口应为本中心的窗口分组字母：A、B。"),
        (4, "事项·可网上办理", "也许", "可网上办理应填“是”或“否”。"),
        (5, "事项·事项名称", "", "请填写事项名称。"),
        (5, "事项·法定时限（工作日）", "0", "法定时限应为 1 到 365 的整数。"),
        (6, "事项·事项编码", "MZ-002", "事项编码与第 2 行重复。"),
        (2, "材料·份数", "0", "份数应为 1 到 99 的整数。"),
        (3, "材料·事项编码", "XX-404", "“事项”表中没有这个事项编码。"),
        (3, "材料·原件/复印件", "扫描件", "原件/复印件应为 原件、复印件 或 原件和复印件。"),
    ]  # fmt: skip
    assert "导入文件有 10 处错误，未写入任何数据。" in response.text
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="service_item.import").exists()
    download = staff_client.get(reverse("hall:catalogue_import_report", args=[report["id"]]))
    rows = sheets(download.content)["导入问题"]
    assert rows[0] == ("行", "列", "值", "问题")
    assert rows[1] == (
        3,
        "事项·承诺时限（工作日）",
        "30",
        "承诺时限不能超过法定时限（20 个工作日）。",
    )


def test_a_missing_column_or_sheet_is_said_on_the_file_field(staff_client, hall):
    header = [h for h in ITEM_HEADER if h != "主题"]
    response = staff_client.post(IMPORT, {"file": workbook([], item_header=header)})
    assert response.context["form"].errors["file"] == ["“事项”表第一行缺少“主题”列。"]
    response = staff_client.post(IMPORT, {"file": workbook([item_row()], name="items.csv")})
    assert response.context["form"].errors["file"] == ["只能导入 .xlsx 文件。"]
    assert not ServiceItem.objects.filter(code="MZ-002").exists()


def test_only_checking_writes_nothing(staff_client, hall):
    response = staff_client.post(IMPORT, {"file": workbook([item_row()]), "dry_run": "on"})
    assert response.status_code == 302
    assert not ServiceItem.objects.filter(code="MZ-002").exists()
    assert not AuditEntry.objects.filter(action="service_item.import").exists()
    page = staff_client.get(response["Location"]).text
    assert "检查通过：将新增 1 个事项、修改 0 个，0 个没有变化。未写入任何数据。" in page


def test_the_action_checks_the_rows_itself(staff, hall):
    row = {"row": 2, **dict(zip(ITEM_KEYS, item_row(promised_days=21), strict=True))}
    rows = catalogue_io.CatalogueRows([row])
    with pytest.raises(ImportRejected) as refused:
        catalogue_actions.import_items(staff, rows)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "items:promised_days")]
    assert not ServiceItem.objects.filter(code="MZ-002").exists()
    row["promised_days"] = 20
    assert catalogue_actions.import_items(staff, rows)["created"] == 1
    assert ServiceItem.objects.get(code="MZ-002").street == hall["street"]


def test_another_streets_staff_import_into_their_own_street(client, hall, tree):
    WindowGroup.objects.create(street=tree["other_street"], letter="B", name="民政")
    login(client, make_user("staff9", Role.STREET_STAFF, tree["other_street"]))
    assert client.post(IMPORT, {"file": workbook([item_row("MZ-001")])}).status_code == 302
    assert ServiceItem.objects.filter(code="MZ-001").count() == 2
    ours = ServiceItem.objects.get(code="MZ-001", street=hall["street"])
    assert ours.name == "最低生活保障申请" and ours.promised_days == 10
    theirs = sheets(client.get(EXPORT).content)["事项"]
    assert [row[0] for row in theirs[1:]] == ["MZ-001"]
