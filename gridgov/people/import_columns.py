"""The columns of the base-data sheets: one list per kind, shared by the template, the
import and the export, so a downloaded template, an exported sheet and the importer
always agree on names, order and meaning.

A header may be written as the Chinese label, the code name (`id_number`), the English
label, or a common alias (身份证号); other columns are ignored, so an exported sheet
with its extra columns imports as it is. Each kind reads its file through its
`plan` (core.spreadsheets.SheetPlan).
"""

import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.protect import normalise
from gridgov.core.spreadsheets import NOTE_MARK, SheetPlan
from gridgov.core.spreadsheets import Column as SheetColumn
from gridgov.core.spreadsheets import shown as shown_cell
from gridgov.people.choices import (
    Education,
    FireSafetyLevel,
    HouseholdKind,
    IdType,
    OrganizationKind,
    Registration,
    Relation,
    ResidentStatus,
    Sex,
)
from gridgov.places.models import BuildingUse, DwellingUse

# 60,000 residents is a street; a district's worth still fits.
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    hint: str = ""
    required: bool = False
    enum: type | None = None
    # "id" or "phone": shown masked in reports and exports.
    masked_as: str = ""
    # The header must have the column though a cell may be blank: without it no row
    # could be checked, and each would say so (the residents' ID number).
    in_header: bool = False

    def note(self) -> str:
        """The notes-row text: required or not, the format, the allowed values."""
        parts = [_("必填。") if self.required else _("选填。")]
        if self.hint:
            parts.append(str(self.hint))
        if self.enum is not None:
            separator = pgettext("list separator", "、")
            options = separator.join(str(label) for _code, label in self.enum.choices)
            parts.append(_("可选：%(options)s。") % {"options": options})
        return f"{NOTE_MARK} " + "".join(parts)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in (*self.columns, GRID) if c.key == key), None)

    def column_label(self, key: str) -> str:
        """The column as the sheet names it, or "—" for the whole row or file."""
        column = self.column(key)
        return str(column.label) if column else (key or "—")

    @functools.cached_property
    def plan(self) -> SheetPlan:
        """How the kind's file is read: its columns, the aliases people type for them,
        and which the header must have."""
        aliases = ALIASES.get(self.name, {})
        columns = tuple(
            SheetColumn(
                c.key,
                c.label,
                c.required or c.in_header,
                aliases=tuple(alias for alias, key in aliases.items() if key == c.key),
            )
            for c in (*self.columns, GRID)
        )
        return SheetPlan(columns, MAX_ROWS)


@dataclass
class Sheet:
    """What was read from one file: the rows and which columns the header named."""

    kind: Kind
    rows: list[dict]
    columns: frozenset[str]
    filename: str
    sha256: str


def shown_value(kind: Kind, key: str, value) -> str:
    """A cell as the report shows it: text, cut short, ID and phone numbers masked."""
    column = kind.column(key)
    if value is not None and column is not None and column.masked_as:
        clean = normalise(str(value).strip())
        return mask_id_number(clean) if column.masked_as == "id" else mask_phone(clean)
    return shown_cell(value)


# The grid an export adds after every kind's columns. The grid follows from what the
# row's key names (a building's point, a dwelling's building, a resident's household),
# so on import the column is only checked against it, never written.
GRID = Column("grid", gettext_lazy("网格"))

DATE = gettext_lazy("日期，如 2024-05-01。")
PHONE = gettext_lazy("手机 11 位，或区号-号码。")
YES_NO = gettext_lazy("填“是”或“否”，空白为否。")
BUILDING_CODE = gettext_lazy("已登记的楼宇编码（须在您的管辖范围内）。")

BUILDINGS = Kind(
    "buildings",
    gettext_lazy("楼宇"),
    (
        Column(
            "code",
            gettext_lazy("编码"),
            gettext_lazy("楼宇唯一编码，最长 32 位；已有的编码按此更新。"),
            True,
        ),
        Column("name", gettext_lazy("名称"), gettext_lazy("最长 100 字。"), True),
        Column("address", gettext_lazy("地址"), gettext_lazy("最长 200 字。"), True),
        Column(
            "lon",
            gettext_lazy("经度"),
            gettext_lazy("WGS84 经度，如 113.2471；决定所属网格。"),
            True,
        ),
        Column("lat", gettext_lazy("纬度"), gettext_lazy("WGS84 纬度，如 23.1032。"), True),
        Column("floors", gettext_lazy("层数"), gettext_lazy("1 到 200 的整数，空白为 1。")),
        Column("use", gettext_lazy("用途"), required=True, enum=BuildingUse),
        Column("property_company", gettext_lazy("物业公司"), gettext_lazy("最长 100 字。")),
        Column("head_name", gettext_lazy("楼长"), gettext_lazy("姓名。")),
        Column("head_phone", gettext_lazy("楼长电话"), PHONE, masked_as="phone"),
    ),
)

DWELLINGS = Kind(
    "dwellings",
    gettext_lazy("房屋"),
    (
        Column("building_code", gettext_lazy("楼宇编码"), BUILDING_CODE, True),
        Column("unit", gettext_lazy("单元"), gettext_lazy("没有单元可空白。")),
        Column("room", gettext_lazy("房号"), gettext_lazy("如 301；同一楼宇、单元内唯一。"), True),
        Column("use", gettext_lazy("用途"), required=True, enum=DwellingUse),
        Column("area_m2", gettext_lazy("面积"), gettext_lazy("平方米，数字。")),
        Column("owner_name", gettext_lazy("产权人"), gettext_lazy("最长 100 字。")),
        Column("is_rental", gettext_lazy("是否出租"), YES_NO),
        Column("landlord_name", gettext_lazy("房东"), gettext_lazy("出租屋必填。")),
        Column("lease_start", gettext_lazy("租赁开始"), DATE),
        Column("lease_end", gettext_lazy("租赁结束"), DATE),
        Column("occupancy_cap", gettext_lazy("限住人数"), gettext_lazy("整数。")),
        Column("fire_checked_on", gettext_lazy("消防检查日期"), DATE),
    ),
)

HOUSEHOLDS = Kind(
    "households",
    gettext_lazy("住户"),
    (
        Column(
            "number",
            gettext_lazy("户号"),
            gettext_lazy("唯一，最长 32 位；已有的户号按此更新。"),
            True,
        ),
        Column("building_code", gettext_lazy("楼宇编码"), BUILDING_CODE, True),
        Column("unit", gettext_lazy("单元"), gettext_lazy("与已登记房屋一致。")),
        Column("room", gettext_lazy("房号"), gettext_lazy("已登记的房屋。"), True),
        Column("kind", gettext_lazy("户别"), required=True, enum=HouseholdKind),
        Column("phone", gettext_lazy("联系电话"), PHONE, masked_as="phone"),
    ),
)

RESIDENTS = Kind(
    "residents",
    gettext_lazy("居民"),
    (
        Column(
            "household_number",
            gettext_lazy("户号"),
            gettext_lazy("已登记的户号（须在您的管辖范围内）。"),
            True,
        ),
        Column("name", gettext_lazy("姓名"), gettext_lazy("最长 50 字。"), True),
        Column(
            "id_type", gettext_lazy("证件类型"), gettext_lazy("空白为居民身份证。"), enum=IdType
        ),
        Column(
            "id_number",
            gettext_lazy("证件号码"),
            gettext_lazy("身份证 18 位，校验位须正确；已有的证件号码按此更新。"),
            masked_as="id",
            in_header=True,
        ),
        Column("sex", gettext_lazy("性别"), gettext_lazy("身份证可不填，须与号码一致。"), enum=Sex),
        Column(
            "birth_date",
            gettext_lazy("出生日期"),
            gettext_lazy("日期；身份证可不填，须与号码一致。"),
        ),
        Column(
            "ethnicity",
            gettext_lazy("民族"),
            gettext_lazy("GB/T 3304 名称（汉族）或两位代码，空白为汉族。"),
        ),
        Column("phone", gettext_lazy("联系电话"), PHONE, masked_as="phone"),
        Column("relation", gettext_lazy("与户主关系"), required=True, enum=Relation),
        Column("registration", gettext_lazy("人口类型"), required=True, enum=Registration),
        Column("origin", gettext_lazy("户籍地/来源地"), gettext_lazy("流动人口必填。")),
        Column("arrival_date", gettext_lazy("来穗日期"), DATE),
        Column("permit_number", gettext_lazy("居住证号"), gettext_lazy("最长 32 位。")),
        Column("permit_expiry", gettext_lazy("居住证有效期至"), DATE),
        Column("education", gettext_lazy("文化程度"), enum=Education),
        Column("occupation", gettext_lazy("职业"), gettext_lazy("最长 50 字。")),
        Column("work_unit", gettext_lazy("工作单位"), gettext_lazy("最长 100 字。")),
        Column("status", gettext_lazy("状态"), gettext_lazy("空白为在住。"), enum=ResidentStatus),
        Column("status_date", gettext_lazy("状态日期"), gettext_lazy("迁出或死亡必填，日期。")),
    ),
)

ORGANIZATIONS = Kind(
    "organizations",
    gettext_lazy("单位"),
    (
        Column("name", gettext_lazy("名称"), gettext_lazy("最长 200 字。"), True),
        Column(
            "credit_code",
            gettext_lazy("统一社会信用代码"),
            gettext_lazy("18 位，校验位须正确；有代码按代码更新，没有按名称和楼宇更新。"),
        ),
        Column("kind", gettext_lazy("类型"), required=True, enum=OrganizationKind),
        Column("building_code", gettext_lazy("楼宇编码"), BUILDING_CODE, True),
        Column("address", gettext_lazy("地址"), gettext_lazy("最长 200 字。"), True),
        Column("legal_representative", gettext_lazy("法定代表人"), gettext_lazy("姓名。")),
        Column("contact_name", gettext_lazy("联系人"), gettext_lazy("姓名。")),
        Column("contact_phone", gettext_lazy("联系电话"), PHONE, masked_as="phone"),
        Column("employees", gettext_lazy("从业人数"), gettext_lazy("整数。")),
        Column("is_key_unit", gettext_lazy("重点单位"), YES_NO),
        Column(
            "fire_safety_level",
            gettext_lazy("消防等级"),
            gettext_lazy("空白为一般单位。"),
            enum=FireSafetyLevel,
        ),
    ),
)

KINDS = {kind.name: kind for kind in (BUILDINGS, DWELLINGS, HOUSEHOLDS, RESIDENTS, ORGANIZATIONS)}

# Headers people often type instead of ours.
ALIASES = {
    "residents": {
        "身份证号": "id_number",
        "身份证号码": "id_number",
        "手机": "phone",
        "手机号": "phone",
        "电话": "phone",
        "户籍地": "origin",
        "来源地": "origin",
    },
    "households": {"电话": "phone", "手机": "phone"},
    "buildings": {"楼宇编码": "code", "楼宇名称": "name"},
    "organizations": {"单位名称": "name", "信用代码": "credit_code", "电话": "contact_phone"},
    "dwellings": {"面积（平方米）": "area_m2", "出租屋": "is_rental"},
}
