"""Small base-data sheets for the import and export tests, built in memory, and the
records they refer to (a building in grid 鳌洲第一网格 with one dwelling and household).

Plain functions, not fixtures, so each test module wraps them in its own fixture."""

import io

from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from gridgov.accounts.roles import Role
from gridgov.core.models import AccessLog, AuditEntry
from gridgov.people.models import Household, HouseholdEvent, Organization, Resident
from gridgov.places.models import Building, Dwelling
from gridgov.testing import make_area, make_user


def id_number(birth: str = "19900101", seq: str = "123", area: str = "440105") -> str:
    """A valid GB 11643 number (odd sequence: male)."""
    body = f"{area}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")


CREDIT_CODE = "91440101MA59UTXL5H"
OTHER_CREDIT_CODE = "91440105MA5CN2X01X"
ZHANG = id_number("19900101", "123")  # male, 1990-01-01
LI = id_number("19920304", "124")  # female, 1992-03-04


def xlsx(rows: list[dict], header: list[str] | None = None) -> bytes:
    """A sheet whose header is every key of the rows, in order (or `header`)."""
    header = header or list(dict.fromkeys(key for row in rows for key in row))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_sheet(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def building_row(**changes) -> dict:
    row = {
        "编码": "B002",
        "名称": "鳌洲新楼",
        "地址": "鳌洲路2号",
        "经度": 113.2421,
        "纬度": 23.1021,
        "层数": 8,
        "用途": "住宅",
        "物业公司": "南华物业",
        "楼长": "王五",
        "楼长电话": "13900001111",
    }
    return {**row, **changes}


def dwelling_row(**changes) -> dict:
    row = {
        "楼宇编码": "B001",
        "单元": "1",
        "房号": "102",
        "用途": "住宅",
        "面积": 85.5,
        "产权人": "赵六",
        "是否出租": "是",
        "房东": "赵六",
        "租赁开始": "2024-01-01",
        "租赁结束": "2025-12-31",
        "限住人数": 4,
        "消防检查日期": "2024-06-01",
    }
    return {**row, **changes}


def household_row(**changes) -> dict:
    row = {
        "户号": "H002",
        "楼宇编码": "B001",
        "单元": "1",
        "房号": "101",
        "户别": "流动户",
        "联系电话": "13700002222",
    }
    return {**row, **changes}


def resident_row(**changes) -> dict:
    row = {
        "户号": "H001",
        "姓名": "张三",
        "证件类型": "居民身份证",
        "证件号码": ZHANG,
        "性别": "男",
        "出生日期": "1990-01-01",
        "民族": "汉族",
        "联系电话": "13812345678",
        "与户主关系": "户主",
        "人口类型": "户籍人口",
        "文化程度": "本科",
        "职业": "教师",
        "状态": "在住",
    }
    return {**row, **changes}


def organization_row(**changes) -> dict:
    row = {
        "名称": "鳌洲便利店",
        "统一社会信用代码": CREDIT_CODE,
        "类型": "个体商户",
        "楼宇编码": "B001",
        "地址": "鳌洲路1号首层",
        "法定代表人": "钱七",
        "联系人": "钱七",
        "联系电话": "13600003333",
        "从业人数": 3,
        "重点单位": "否",
        "消防等级": "九小场所",
    }
    return {**row, **changes}


def counts() -> dict:
    """Everything an import may write: compared before and after a refused import."""
    models = (Building, Dwelling, Household, Resident, Organization, HouseholdEvent)
    result = {model.__name__: model.objects.count() for model in models}
    result["audit"] = AuditEntry.objects.count()
    result["access"] = AccessLog.objects.count()
    return result


def make_staff(tree):
    """Street staff of 南华西街道: the role that may import."""
    return make_user("streetstaff", Role.STREET_STAFF, tree["street"])


def make_place(tree):
    """Building B001 in 鳌洲第一网格 with dwelling 1-101 and household H001."""
    building = Building(
        code="B001",
        name="鳌洲大厦",
        address="鳌洲路1号",
        lon=113.242,
        lat=23.102,
        use="residential",
    )
    building.place_in(tree["g1"])
    building.save()
    dwelling = Dwelling(building=building, unit="1", room="101", use="residential")
    dwelling.place_in(tree["g1"])
    dwelling.save()
    household = Household(dwelling=dwelling, number="H001", kind="registered")
    household.place_in(tree["g1"])
    household.save()
    return {"building": building, "dwelling": dwelling, "household": household}


def make_elsewhere(tree):
    """A grid, building, dwelling and household in the other street (龙凤街道)."""
    grid = make_area(
        "440105009101001",
        "凤阳第一网格",
        tree["c201"],
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [113.27, 23.10],
                    [113.275, 23.10],
                    [113.275, 23.105],
                    [113.27, 23.105],
                    [113.27, 23.10],
                ]
            ],
        },
    )
    building = Building(
        code="X001", name="凤阳楼", address="凤阳路1号", lon=113.272, lat=23.102, use="residential"
    )
    building.place_in(grid)
    building.save()
    dwelling = Dwelling(building=building, unit="", room="201", use="residential")
    dwelling.place_in(grid)
    dwelling.save()
    household = Household(dwelling=dwelling, number="X-H001", kind="registered")
    household.place_in(grid)
    household.save()
    return {"grid": grid, "building": building, "dwelling": dwelling, "household": household}
