"""The rules of official area codes (GB/T 2260 + GB/T 10114, grids + 3 digits)."""

from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.places.models import CODE_LENGTH, PARENT_LEVEL, Area, Level


def level_for_code(code: str) -> Level | None:
    return next((level for level, length in CODE_LENGTH.items() if length == len(code)), None)


def check_code(code: str, level: Level, parent: Area | None) -> None:
    """A code has its level's length, is all digits, and extends its parent's code."""
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        raise ActionError(
            _("%(level)s代码必须是 %(n)d 位数字。")
            % {"level": level.label, "n": CODE_LENGTH[level]},
            "code",
        )
    expected_parent = PARENT_LEVEL[level]
    if expected_parent is None:
        if parent is not None:
            raise ActionError(_("区是最高一级，不能有上级。"), "parent")
        return
    if parent is None or parent.level != expected_parent:
        raise ActionError(
            _("%(level)s的上级必须是%(parent)s。")
            % {"level": level.label, "parent": expected_parent.label},
            "parent",
        )
    if not code.startswith(parent.code):
        raise ActionError(
            _("代码 %(code)s 必须以上级代码 %(parent)s 开头。")
            % {"code": code, "parent": parent.code},
            "code",
        )
