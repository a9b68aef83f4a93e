"""The roles of gridgov and what each may do: one table, read by everything else.

A role is held through an assignment to an area (district, street, community or grid)
or to a department. `sees_data` says whether the role sees residents' and cases' data
inside its area; the system administrator and the auditor never do (separation of
duties, 等保 2.0): one manages accounts, the other reads the logs, neither reads people.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    STREET_LEADER = "street_leader", _("街道领导")
    STREET_STAFF = "street_staff", _("街道工作人员")
    DISPATCHER = "dispatcher", _("指挥中心调度员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    DEPARTMENT_STAFF = "department_staff", _("职能部门人员")
    HALL_CLERK = "hall_clerk", _("政务服务窗口人员")
    HALL_APPROVER = "hall_approver", _("政务服务审批人员")
    PARTY_STAFF = "party_staff", _("党建工作人员")
    INFORMANT_MANAGER = "informant_manager", _("治安信息员管理员")
    AUDITOR = "auditor", _("审计员")


@dataclass(frozen=True)
class RoleRule:
    capabilities: frozenset[str]
    sees_data: bool
    by_department: bool = False
    # The area levels an assignment of this role may be tied to.
    levels: tuple[str, ...] = ("district", "street", "community", "grid")


_VIEW = frozenset({"areas.view", "home.view"})
# Residents' data: who reads it, edits it, may reveal masked numbers, may bulk-import.
_PEOPLE = frozenset({"people.view"})
_PEOPLE_EDIT = _PEOPLE | {"people.edit"}
_PEOPLE_MANAGE = _PEOPLE_EDIT | {"people.reveal"}
# The focus-group list (重点人群) and who sees each sensitive group: reference data of
# the whole street, kept by street staff and the system administrator.
_PEOPLE_REFERENCE = frozenset({"people.reference"})
# The case loop: who sees cases, reports them, runs the dispatch board, works a
# department's queue, and keeps the reference tables (categories, calendar).
_CASES = frozenset({"cases.view"})
_CASES_REPORT = _CASES | {"cases.report"}
_CASES_DISPATCH = _CASES_REPORT | {"cases.dispatch"}
# The command center (一张图): who watches the map, keeps the camera registry, the
# alert sources and the alert kinds, and whose phone reports its position.
_MAP = frozenset({"command.map"})
_MAP_MANAGE = _MAP | {"command.cameras"}
# The grid worker's day (fieldwork): who reads visits, requests and services in their
# area; who records them; who writes a diary and has a day of their own to work
# through — "today" and patrols (grid workers); who reads the workers' diaries and
# follows their days; who supervises (comments on diaries, confirms corrections of the
# household file); and who keeps the street's visit rules.
_FIELD = frozenset({"fieldwork.view"})
_FIELD_RECORD = _FIELD | {"fieldwork.record"}
_FIELD_READ_DIARIES = _FIELD | {"fieldwork.diaries", "fieldwork.workers"}

ROLE_RULES: dict[str, RoleRule] = {
    Role.SYSTEM_ADMIN: RoleRule(
        _VIEW
        | {
            "accounts.manage",
            "areas.manage",
            "areas.manage_top",
            "areas.partition",
            "cases.reference",
        }
        | _PEOPLE_REFERENCE,
        sees_data=False,
        levels=("district", "street"),
    ),
    Role.STREET_LEADER: RoleRule(
        _VIEW | _PEOPLE | _CASES_REPORT | _MAP | _FIELD_READ_DIARIES | {"hall.view", "hall.stats"},
        sees_data=True,
        levels=("district", "street"),
    ),
    Role.STREET_STAFF: RoleRule(
        _VIEW
        | _PEOPLE_MANAGE
        | _CASES_DISPATCH
        | _MAP_MANAGE
        | _PEOPLE_REFERENCE
        | {"areas.manage", "areas.partition", "people.import", "cases.reference"}
        | {"hall.view", "hall.manage", "hall.stats"}
        | _FIELD_READ_DIARIES
        | {"fieldwork.rules"},
        sees_data=True,
        levels=("street",),
    ),
    Role.DISPATCHER: RoleRule(
        _VIEW | _PEOPLE | _CASES_DISPATCH | _MAP_MANAGE, sees_data=True, levels=("street",)
    ),
    Role.COMMUNITY_STAFF: RoleRule(
        _VIEW
        | _PEOPLE_MANAGE
        | _CASES_DISPATCH
        | _MAP
        | _FIELD_RECORD
        | _FIELD_READ_DIARIES
        | {"fieldwork.supervise"},
        sees_data=True,
        levels=("community",),
    ),
    Role.GRID_WORKER: RoleRule(
        _VIEW
        | _PEOPLE_EDIT
        | _CASES_REPORT
        | _FIELD_RECORD
        | {"fieldwork.diary", "fieldwork.today", "command.position"},
        sees_data=True,
        levels=("grid",),
    ),
    Role.DEPARTMENT_STAFF: RoleRule(
        _VIEW | _CASES | {"cases.handle"}, sees_data=False, by_department=True, levels=()
    ),
    # The hall needs the applicant only: the intake looks one person up by ID number
    # (logged), so no hall role browses, searches or lists residents.
    Role.HALL_CLERK: RoleRule(
        _VIEW | {"hall.view", "hall.desk"}, sees_data=True, levels=("street",)
    ),
    Role.HALL_APPROVER: RoleRule(
        _VIEW | {"hall.view", "hall.approve"}, sees_data=True, levels=("street",)
    ),
    # Their pages today are the home page and the area pages, which show counts only.
    Role.PARTY_STAFF: RoleRule(_VIEW, sees_data=True, levels=("street", "community")),
    Role.INFORMANT_MANAGER: RoleRule(_VIEW, sees_data=True, levels=("street", "community")),
    Role.AUDITOR: RoleRule(
        frozenset({"audit.view", "home.view"}), sees_data=False, levels=("district", "street")
    ),
}
