"""The main navigation: each entry shows only to the roles whose capability it needs.

Later parts add their entries here, in the order the menu shows them.
"""

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None
    icon: str


NAV_ITEMS = (
    NavItem(_("工作台"), "home", None, "house"),
    NavItem(_("网格架构"), "places:area_tree", "areas.view", "diagram-3"),
    NavItem(_("人口查询"), "people:search", "people.view", "search"),
    NavItem(_("导入导出"), "people:import", "people.import", "file-earmark-spreadsheet"),
    NavItem(_("账号管理"), "accounts:user_list", "accounts.manage", "people"),
    NavItem(_("审计日志"), "core:audit_list", "audit.view", "journal-text"),
)


@cache
def _url(url_name: str) -> str:
    return reverse(url_name)


def navigation_for(request) -> list[dict]:
    user = request.user
    path = request.path
    items = []
    for item in NAV_ITEMS:
        if item.capability and not user.has_capability(item.capability):
            continue
        url = _url(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
