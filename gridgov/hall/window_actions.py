"""Setting up a hall's windows and window groups (窗口设置): adding and renaming a
group, adding a window and changing the groups it calls and whether it is the
pick-up window, and deleting either while nothing refers to it.

Only street staff ("hall.manage") set up the hall, and only their own street's: a
group or window of another street answers 404, as if it did not exist. A group's
letter and a window's number are fixed once made, because tickets and the hall's
signs carry them; who is on duty and whether a window is open are set at its
console (`queue_actions.set_window`). History is never deleted: a group that items
or tickets name, or a window that has called a number or been rated, stays; a
window no longer used is closed instead.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import street_of
from gridgov.hall.models import Rating, Window, WindowGroup
from gridgov.places.models import Area

CAPABILITY = "hall.manage"
MAX_WINDOW_NUMBER = 999
LETTER_RE = re.compile(r"^[A-Z]$")
# Chinese names of the audit codes, for the auditor's pages (registered by the app).
ACTION_LABELS = {
    "window_group.create": gettext_lazy("新增窗口分组"),
    "window_group.rename": gettext_lazy("修改窗口分组名称"),
    "window_group.delete": gettext_lazy("删除窗口分组"),
    "window.create": gettext_lazy("新增窗口"),
    "window.change": gettext_lazy("修改窗口"),
    "window.delete": gettext_lazy("删除窗口"),
}


def _check_street(actor, street: Area) -> None:
    """The actor sets up halls (else 403), and this is their street (else 404)."""
    check_capability(actor, CAPABILITY)
    if street_of(actor, street.pk) is None:
        raise ActionError(_("该街道不在您的管辖范围内。"), status=404)


def _locked(actor, model, pk: int):
    """The record's row as it is now, locked; 404 when missing or of another street."""
    check_capability(actor, CAPABILITY)
    record = model.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if record is None:
        raise ActionError(_("该记录不存在。"), status=404)
    return record


def _group_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError(_("请填写分组名称。"), field="name")
    return name[:50]


def _group_fields(group: WindowGroup) -> dict:
    return audit.snapshot(group, ("letter", "name"))


def _window_fields(window: Window, groups) -> dict:
    letters = sorted(group.letter for group in groups)
    return {"number": window.number, "groups": letters, "is_pickup": window.is_pickup}


# -- window groups --------------------------------------------------------------------------


def create_group(actor, street: Area, letter: str, name: str) -> WindowGroup:
    """A new group of the street's hall; its tickets will be numbered A001, A002…"""
    _check_street(actor, street)
    letter = (letter or "").strip().upper()
    if not LETTER_RE.match(letter):
        raise ActionError(_("分组字母应为 A 到 Z 之间的一个字母。"), field="letter")
    name = _group_name(name)
    taken = ActionError(_("本服务中心已有 %(letter)s 分组。") % {"letter": letter}, "letter")
    try:
        with transaction.atomic():
            if WindowGroup.objects.filter(street=street, letter=letter).exists():
                raise taken
            group = WindowGroup.objects.create(street=street, letter=letter, name=name)
            audit.record(actor, "window_group.create", group, after=_group_fields(group))
    except IntegrityError:  # the same letter taken a moment ago
        raise taken from None
    return group


def rename_group(actor, group: WindowGroup, name: str) -> WindowGroup:
    """A new name for a group; its letter stays (the numbers already drawn carry it).
    The name it already has changes nothing and writes no audit row."""
    name = _group_name(name)
    with transaction.atomic():
        group = _locked(actor, WindowGroup, group.pk)
        if group.name == name:
            return group
        before = _group_fields(group)
        group.name = name
        group.save(update_fields=["name"])
        audit.record(actor, "window_group.rename", group, before=before, after=_group_fields(group))
    return group


def delete_group(actor, group: WindowGroup) -> None:
    """Delete a group nothing names yet (set up by mistake). A group that service items
    or tickets name stays: the catalogue and the hall's figures need it."""
    with transaction.atomic():
        group = _locked(actor, WindowGroup, group.pk)
        if group.items.exists():
            raise ActionError(
                _("%(group)s 分组下还有服务事项，不能删除。请先把这些事项改到其他分组。")
                % {"group": group}
            )
        if group.tickets.exists():
            raise ActionError(
                _("%(group)s 分组已有取号记录，为保留历史不能删除。") % {"group": group}
            )
        before = _group_fields(group)
        audit.record(actor, "window_group.delete", group, before=before)
        group.delete()


# -- windows --------------------------------------------------------------------------------


def _window_groups(street_id: int, groups, is_pickup: bool) -> list[WindowGroup]:
    """The groups a window calls: the street's own, at least one unless it is the
    pick-up window (which calls no numbers of its own)."""
    groups = list(groups or [])
    if any(group.street_id != street_id for group in groups):
        raise ActionError(_("请选择本服务中心的窗口分组。"), field="groups")
    if not groups and not is_pickup:
        raise ActionError(_("请至少选择一个服务分组（统一出件窗口可不选）。"), field="groups")
    return groups


def create_window(actor, street: Area, number: int, groups, is_pickup: bool = False) -> Window:
    """A new window of the street's hall, closed until a clerk opens it at its console."""
    _check_street(actor, street)
    if not 1 <= (number or 0) <= MAX_WINDOW_NUMBER:
        raise ActionError(_("窗口号应在 1 到 999 之间。"), field="number")
    groups = _window_groups(street.pk, groups, is_pickup)
    taken = ActionError(_("本服务中心已有 %(n)d 号窗口。") % {"n": number}, "number")
    try:
        with transaction.atomic():
            if Window.objects.filter(street=street, number=number).exists():
                raise taken
            window = Window.objects.create(street=street, number=number, is_pickup=is_pickup)
            window.groups.set(groups)
            audit.record(actor, "window.create", window, after=_window_fields(window, groups))
    except IntegrityError:  # the same number taken a moment ago
        raise taken from None
    return window


def change_window(actor, window: Window, groups, is_pickup: bool) -> Window:
    """Change the groups a window calls and whether it is the pick-up window; its
    number stays. No change writes no audit row."""
    with transaction.atomic():
        window = _locked(actor, Window, window.pk)
        groups = _window_groups(window.street_id, groups, is_pickup)
        before = _window_fields(window, window.groups.all())
        window.is_pickup = is_pickup
        after = _window_fields(window, groups)
        if before == after:
            return window
        window.save(update_fields=["is_pickup"])
        window.groups.set(groups)
        audit.record(actor, "window.change", window, before=before, after=after)
    return window


def delete_window(actor, window: Window) -> None:
    """Delete a window that has never called a number nor been rated (added by
    mistake); one with history stays, and is closed at its console when unused."""
    with transaction.atomic():
        window = _locked(actor, Window, window.pk)
        if window.tickets.exists() or Rating.objects.filter(window=window).exists():
            raise ActionError(
                _(
                    "%(window)s已有叫号或评价记录，为保留历史不能删除；不再使用时请在叫号台设为未开放。"
                )
                % {"window": window}
            )
        before = _window_fields(window, window.groups.all())
        audit.record(actor, "window.delete", window, before=before)
        window.delete()
