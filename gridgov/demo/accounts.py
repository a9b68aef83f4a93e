"""The demo's departments and one account per role, so every page can be tried as
every kind of user. The names are made up; the units are the kind a Guangzhou street
office really works with."""

from dataclasses import dataclass

from gridgov.accounts.models import DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.demo.areas import DISTRICT_CODE, STREET_CODE

# The published demo password (≥ 10 characters, 4 character classes), not a secret.
DEFAULT_PASSWORD = "Nanhua-2026!"  # noqa: S105


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    kind: str
    area_code: str
    phone: str


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("南华西街道综治中心", DepartmentKind.STREET_OFFICE, STREET_CODE, "020-84401100"),
    DepartmentSpec("南华西街城管执法队", DepartmentKind.STREET_OFFICE, STREET_CODE, "020-84401101"),
    DepartmentSpec("南华西街消防安全办", DepartmentKind.STREET_OFFICE, STREET_CODE, "020-84401102"),
    DepartmentSpec(
        "南华西街社区服务中心", DepartmentKind.STREET_OFFICE, STREET_CODE, "020-84401103"
    ),
    DepartmentSpec("南华西环卫站", DepartmentKind.OUTSIDE_UNIT, STREET_CODE, "020-84401104"),
    DepartmentSpec("南华西派出所", DepartmentKind.OUTSIDE_UNIT, STREET_CODE, "020-84401110"),
    DepartmentSpec("南华西供电服务站", DepartmentKind.OUTSIDE_UNIT, STREET_CODE, "020-84401105"),
    DepartmentSpec("海珠区住建局", DepartmentKind.DISTRICT_BUREAU, DISTRICT_CODE, "020-84402200"),
    DepartmentSpec("海珠区水务局", DepartmentKind.DISTRICT_BUREAU, DISTRICT_CODE, "020-84402201"),
    DepartmentSpec(
        "海珠区市场监管局", DepartmentKind.DISTRICT_BUREAU, DISTRICT_CODE, "020-84402202"
    ),
)


@dataclass(frozen=True)
class AccountSpec:
    """A demo account and the one role it holds, in an area (by code) or a department
    (by name)."""

    username: str
    full_name: str
    role: str
    area_code: str = ""
    department: str = ""


ADMIN = "admin"

ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(ADMIN, "陈志强", Role.SYSTEM_ADMIN, area_code=DISTRICT_CODE),
    AccountSpec("leader", "李建华", Role.STREET_LEADER, area_code=STREET_CODE),
    AccountSpec("staff", "黄丽萍", Role.STREET_STAFF, area_code=STREET_CODE),
    AccountSpec("dispatcher", "张伟明", Role.DISPATCHER, area_code=STREET_CODE),
    AccountSpec("community", "梁淑仪", Role.COMMUNITY_STAFF, area_code="440105008101"),
    AccountSpec("gridworker", "何家俊", Role.GRID_WORKER, area_code="440105008101001"),
    AccountSpec("dept", "罗国栋", Role.DEPARTMENT_STAFF, department="南华西环卫站"),
    AccountSpec("clerk", "林晓敏", Role.HALL_CLERK, area_code=STREET_CODE),
    AccountSpec("approver", "吴振宇", Role.HALL_APPROVER, area_code=STREET_CODE),
    AccountSpec("party", "刘红梅", Role.PARTY_STAFF, area_code=STREET_CODE),
    AccountSpec("informant", "郑永康", Role.INFORMANT_MANAGER, area_code=STREET_CODE),
    AccountSpec("auditor", "周慧琳", Role.AUDITOR, area_code=STREET_CODE),
)
