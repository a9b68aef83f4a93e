"""Checking one record of base data, as typed on a page or read from a sheet row.

Each `clean_*` takes raw values (strings, numbers, dates from openpyxl) and returns the
cleaned values plus every problem found, so an import can report all of a row's
problems at once and a form can show each beside its field. Enumerations accept the
code or the Chinese label (户籍户 or registered).
"""

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from gridgov.people.choices import (
    ETHNICITIES,
    Education,
    FireSafetyLevel,
    HouseholdKind,
    IdType,
    OrganizationKind,
    Registration,
    Relation,
    ResidentStatus,
    Sensitivity,
    Sex,
)

# A focus group's code: what sheets and the API name it by, so plain and stable.
FOCUS_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MAX_DETAIL_FIELDS = 10
MAX_DETAIL_LABEL = 20
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


@lru_cache(maxsize=256)
def _choice_keys(enum, language: str | None) -> tuple[frozenset, dict]:
    """An enumeration's codes and {label: code} in one UI language. Building them costs
    a translation lookup per label, which an import of 60,000 rows would pay 300,000
    times; labels only change with the language."""
    return frozenset(enum.values), {str(label): code for code, label in enum.choices}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class Checker:
    """Collects cleaned values and problems for one record."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.values: dict = {}
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def _get(self, field: str):
        value = self.raw.get(field)
        if isinstance(value, str):
            value = value.strip()
        return None if value in ("", None) else value

    def text(self, field: str, max_length: int, required: bool = False) -> str:
        value = self._get(field)
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.fail(field, _("必填。"))
        elif len(value) > max_length:
            self.fail(field, _("不能超过 %(n)d 个字。") % {"n": max_length})
        self.values[field] = value[:max_length]
        return value

    def choice(self, field: str, enum, required: bool = True, default=None) -> str | None:
        value = self._get(field)
        if value is None:
            if required and default is None:
                self.fail(field, _("必填。"))
            self.values[field] = default or ""
            return self.values[field]
        value = str(value)
        codes, by_label = _choice_keys(enum, get_language())
        code = value if value in codes else by_label.get(value)
        if code is None:
            self.fail(
                field,
                _("“%(value)s”不是可选值（%(options)s）。")
                % {
                    "value": value[:20],
                    "options": "、".join(str(label) for _c, label in enum.choices),
                },
            )
            code = ""
        self.values[field] = code
        return code

    def date(self, field: str, required: bool = False) -> datetime.date | None:
        value = self._get(field)
        parsed = None
        if isinstance(value, datetime.datetime):
            parsed = value.date()
        elif isinstance(value, datetime.date):
            parsed = value
        elif value is not None:
            text = str(value).replace("/", "-").replace(".", "-")
            try:
                parsed = datetime.date.fromisoformat(text[:10])
            except ValueError:
                self.fail(field, _("日期格式应为 2024-05-01。"))
        if parsed is None and required and value is None:
            self.fail(field, _("必填。"))
        elif parsed is not None and not (1900 <= parsed.year <= 2100):
            self.fail(field, _("日期超出合理范围。"))
            parsed = None
        self.values[field] = parsed
        return parsed

    def integer(self, field: str, minimum: int = 0, maximum: int = 100_000) -> int | None:
        value = self._get(field)
        if value is None:
            self.values[field] = None
            return None
        try:
            number = int(float(value))
        except (TypeError, ValueError, OverflowError):  # "1e999" overflows
            self.fail(field, _("应为整数。"))
            number = None
        if number is not None and not (minimum <= number <= maximum):
            self.fail(field, _("应在 %(a)d 到 %(b)d 之间。") % {"a": minimum, "b": maximum})
            number = None
        self.values[field] = number
        return number

    def flag(self, field: str) -> bool:
        value = self._get(field)
        truth = (
            str(value).lower() in {"1", "true", "是", "yes", "y", "√"}
            if value is not None
            else False
        )
        if (
            value is not None
            and not truth
            and str(value).lower() not in {"0", "false", "否", "no", "n"}
        ):
            self.fail(field, _("应填“是”或“否”。"))
        self.values[field] = truth
        return truth

    def phone(self, field: str, required: bool = False) -> str:
        value = self._get(field)
        text = re.sub(r"[\s()（）]", "", str(value)) if value is not None else ""
        if text.startswith("+86"):
            text = text[3:]
        if not text:
            if required:
                self.fail(field, _("必填。"))
        elif not (MOBILE.match(text) or LANDLINE.match(text)):
            self.fail(field, _("电话号码格式不正确（手机 11 位，或区号-号码）。"))
            text = ""
        self.values[field] = text
        return text


@lru_cache(maxsize=4096)
def _region_exists(code: str) -> bool:
    """Whether a 6-digit region code was ever assigned (stdnum's table; slow, so cached)."""
    try:
        parts = numdb.get("cn/loc").info(code)
    except KeyError:
        return False
    return any(props.get("county") for _part, props in parts)


def valid_ric(number: str) -> str:
    """GB 11643 as python-stdnum checks it, except that the region code need only exist.

    stdnum also wants the code assigned in the birth year, but numbers carry the code of
    the place where they were issued (from 1984 on): everyone born in 海珠区 before its
    code 440105 existed (1983) would be refused. The region lookup is cached: an import
    checks 60,000 numbers from a few hundred regions.
    """
    number = ric.compact(number)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    ric.get_birth_date(number)  # an impossible date is an error
    if not _region_exists(number[:6]):
        raise InvalidComponent()
    return number


def clean_resident(raw: dict, today: datetime.date | None = None) -> tuple[dict, list[Problem]]:
    """A resident: the ID number must pass GB 11643 and agree with birth date and sex."""
    today = today or datetime.date.today()
    c = Checker(raw)
    c.text("name", 50, required=True)
    id_type = c.choice("id_type", IdType, default=IdType.RESIDENT_ID)
    number = str(c._get("id_number") or "").upper().replace(" ", "")
    sex = c.choice("sex", Sex, required=False)
    birth = c.date("birth_date")
    if id_type == IdType.RESIDENT_ID:
        try:
            number = valid_ric(number)
        except NumberError:
            c.fail("id_number", _("身份证号码无效（位数、出生日期或校验位不对）。"))
        else:
            id_birth = ric.get_birth_date(number)
            id_sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
            if birth and birth != id_birth:
                c.fail("birth_date", _("出生日期与身份证号码不一致。"))
            if sex and sex != id_sex:
                c.fail("sex", _("性别与身份证号码不一致。"))
            birth, sex = id_birth, id_sex
    elif id_type != IdType.NONE and not number:
        c.fail("id_number", _("请填写证件号码。"))
    elif len(number) > 32:
        c.fail("id_number", _("证件号码太长。"))
    if not sex:
        c.fail("sex", _("必填。"))
    if birth is None:
        c.fail("birth_date", _("必填。"))
    elif birth > today:
        c.fail("birth_date", _("出生日期不能晚于今天。"))
    c.values.update(id_number=number, sex=sex, birth_date=birth)
    ethnicity = str(c._get("ethnicity") or "01")
    code = (
        ethnicity.zfill(2)
        if ethnicity.isdigit()
        else next((k for k, v in ETHNICITIES.items() if v == ethnicity), None)
    )
    if code not in ETHNICITIES:
        c.fail("ethnicity", _("民族应为 GB/T 3304 的名称或两位代码。"))
    c.values["ethnicity"] = code or "01"
    c.phone("phone")
    c.choice("relation", Relation)
    registration = c.choice("registration", Registration)
    c.text("origin", 100)
    arrival = c.date("arrival_date")
    c.text("permit_number", 32)
    c.date("permit_expiry")
    if registration == Registration.FLOATING and not c.values["origin"]:
        c.fail("origin", _("流动人口请填写来源地。"))
    if arrival and birth and arrival < birth:
        c.fail("arrival_date", _("来穗日期早于出生日期。"))
    c.choice("education", Education, required=False)
    c.text("occupation", 50)
    c.text("work_unit", 100)
    status = c.choice("status", ResidentStatus, default=ResidentStatus.LIVING)
    status_date = c.date("status_date")
    if status != ResidentStatus.LIVING and status_date is None:
        c.fail("status_date", _("迁出或死亡请填写日期。"))
    return c.values, c.problems


def clean_household(raw: dict) -> tuple[dict, list[Problem]]:
    c = Checker(raw)
    c.text("number", 32, required=True)
    c.choice("kind", HouseholdKind)
    c.phone("phone")
    return c.values, c.problems


def clean_building(raw: dict) -> tuple[dict, list[Problem]]:
    from gridgov.places.models import BuildingUse

    c = Checker(raw)
    c.text("code", 32, required=True)
    c.text("name", 100, required=True)
    c.text("address", 200, required=True)
    for field, low, high in (("lon", 73.0, 136.0), ("lat", 3.0, 54.0)):
        value = c._get(field)
        try:
            number = float(value)
        except (TypeError, ValueError):
            c.fail(field, _("必填，应为 WGS84 经纬度数字。"))
            number = None
        if number is not None and not (low <= number <= high):
            c.fail(field, _("坐标不在中国范围内。"))
            number = None
        c.values[field] = number
    c.integer("floors", 1, 200)
    c.choice("use", BuildingUse)
    c.text("property_company", 100)
    c.text("head_name", 50)
    c.phone("head_phone")
    return c.values, c.problems


def clean_dwelling(raw: dict) -> tuple[dict, list[Problem]]:
    from gridgov.places.models import DwellingUse

    c = Checker(raw)
    c.text("building_code", 32, required=True)
    c.text("unit", 10)
    c.text("room", 20, required=True)
    c.choice("use", DwellingUse)
    c.integer("area_m2", 1, 100_000)
    c.text("owner_name", 100)
    rental = c.flag("is_rental")
    c.text("landlord_name", 50)
    start, end = c.date("lease_start"), c.date("lease_end")
    if start and end and end < start:
        c.fail("lease_end", _("租赁结束日期早于开始日期。"))
    c.integer("occupancy_cap", 1, 500)
    c.date("fire_checked_on")
    if rental and not c.values["landlord_name"]:
        c.fail("landlord_name", _("出租屋请填写房东。"))
    return c.values, c.problems


def clean_organization(raw: dict) -> tuple[dict, list[Problem]]:
    c = Checker(raw)
    c.text("name", 200, required=True)
    code = str(c._get("credit_code") or "").upper().replace(" ", "")
    if code:
        try:
            code = uscc.validate(code)
        except NumberError:
            c.fail("credit_code", _("统一社会信用代码无效。"))
    c.values["credit_code"] = code
    c.choice("kind", OrganizationKind)
    c.text("building_code", 32, required=True)
    c.text("address", 200, required=True)
    c.text("legal_representative", 50)
    c.text("contact_name", 50)
    c.phone("contact_phone")
    c.integer("employees", 0, 1_000_000)
    c.flag("is_key_unit")
    c.choice("fire_safety_level", FireSafetyLevel, default=FireSafetyLevel.GENERAL)
    return c.values, c.problems


def role_choices() -> list[tuple[str, str]]:
    """The roles a focus group may be shown to: those a role assignment can hold (read
    through the app registry, since people does not import accounts)."""
    return list(apps.get_model("accounts", "RoleAssignment")._meta.get_field("role").choices)


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    return [value] if isinstance(value, str) else list(value)


def clean_focus_group(raw: dict) -> tuple[dict, list[Problem]]:
    """A focus group as typed: `visible_roles` and `detail_fields` are lists (the
    roles' names; the short labels of the details each member's tag carries)."""
    c = Checker(raw)
    code = c.text("code", 32, required=True)
    if code and not FOCUS_CODE.match(code):
        c.fail("code", _("代码应以小写字母开头，只含小写字母、数字和下划线，2 至 32 位。"))
    c.text("name", 50, required=True)
    c.choice("sensitivity", Sensitivity)
    roles = [str(role) for role in _as_list(raw.get("visible_roles"))]
    unknown = sorted(set(roles) - {code for code, _label in role_choices()})
    if unknown:
        c.fail("visible_roles", _("未知角色：%(roles)s") % {"roles": "、".join(unknown)[:100]})
    c.values["visible_roles"] = sorted(set(roles))
    labels = _as_list(raw.get("detail_fields"))
    labels = [label.strip() if isinstance(label, str) else label for label in labels]
    labels = [label for label in labels if label]
    if not all(isinstance(label, str) for label in labels):
        c.fail("detail_fields", _("附加信息项应为简短的文字。"))
        labels = []
    elif len(labels) > MAX_DETAIL_FIELDS:
        c.fail("detail_fields", _("附加信息项最多 %(n)d 项。") % {"n": MAX_DETAIL_FIELDS})
    elif any(len(label) > MAX_DETAIL_LABEL for label in labels):
        c.fail("detail_fields", _("每项最多 %(n)d 个字。") % {"n": MAX_DETAIL_LABEL})
    elif len(set(labels)) != len(labels):
        c.fail("detail_fields", _("附加信息项不能重复。"))
    c.values["detail_fields"] = labels
    if c.integer("sort", 0, 32767) is None:
        c.values["sort"] = 0
    return c.values, c.problems
