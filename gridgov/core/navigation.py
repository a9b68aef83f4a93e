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
    NavItem(_("今日工作"), "fieldwork:today", "fieldwork.today", "sun"),
    NavItem(_("巡查"), "fieldwork:patrol", "fieldwork.today", "person-walking"),
    NavItem(_("网格架构"), "places:area_tree", "areas.view", "diagram-3"),
    NavItem(_("网格划分"), "places:partition_index", "areas.partition", "bounding-box-circles"),
    NavItem(_("人口查询"), "people:search", "people.view", "search"),
    NavItem(_("导入导出"), "people:import", "people.import", "file-earmark-spreadsheet"),
    NavItem(_("重点人群"), "people:focus_groups", "people.reference", "tags"),
    NavItem(_("上报案件"), "cases:report", "cases.report", "plus-circle"),
    NavItem(_("我的案件"), "cases:mine", "cases.report", "person-check"),
    NavItem(_("待走访"), "fieldwork:due", "fieldwork.record", "door-open"),
    NavItem(_("民情日志"), "fieldwork:diary", "fieldwork.diary", "journal-richtext"),
    NavItem(_("走访记录"), "fieldwork:visits", "fieldwork.view", "clipboard-check"),
    NavItem(_("群众诉求"), "fieldwork:requests", "fieldwork.view", "chat-left-dots"),
    NavItem(_("便民服务"), "fieldwork:services", "fieldwork.view", "hand-thumbs-up"),
    NavItem(_("网格员动态"), "fieldwork:workers", "fieldwork.workers", "person-badge"),
    NavItem(_("巡查记录"), "fieldwork:patrols", "fieldwork.workers", "signpost-2"),
    NavItem(_("日志批阅"), "fieldwork:diaries", "fieldwork.diaries", "journals"),
    NavItem(_("信息更正"), "fieldwork:corrections", "fieldwork.supervise", "pencil-square"),
    NavItem(_("走访规则"), "fieldwork:rules", "fieldwork.rules", "calendar-check"),
    NavItem(_("调度台"), "cases:board", "cases.dispatch", "broadcast"),
    NavItem(_("指挥地图"), "command:map", "command.map", "map"),
    NavItem(_("摄像头"), "command:camera_list", "command.cameras", "camera-video"),
    NavItem(_("部门任务"), "cases:queue", "cases.handle", "inboxes"),
    NavItem(_("案件列表"), "cases:list", "cases.view", "list-task"),
    NavItem(_("消息"), "cases:inbox", "cases.view", "bell"),
    NavItem(_("类别与日历"), "cases:reference_categories", "cases.reference", "sliders"),
    NavItem(_("咨询台"), "hall:desk", "hall.desk", "person-raised-hand"),
    NavItem(_("叫号台"), "hall:window_list", "hall.desk", "megaphone"),
    NavItem(_("办件"), "hall:application_list", "hall.view", "folder2-open"),
    NavItem(_("服务事项"), "hall:catalogue_manage", "hall.manage", "card-checklist"),
    NavItem(_("窗口设置"), "hall:window_setup", "hall.manage", "grid-3x3-gap"),
    NavItem(_("服务统计"), "hall:stats", "hall.stats", "bar-chart"),
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
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # One entry is active: the longest URL the path starts with ("/cases/board/" over
    # "/cases/"); the home page only on itself.
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
