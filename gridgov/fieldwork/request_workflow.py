"""The request loop's one transition table (诉求闭环): which move is allowed from which
state, and what it needs. `request_actions.move_request` applies it; any other move is
refused with a clear message.

    recorded ──pass_on──▶ passed_on ──answer──▶ answered ──tell──▶ told

Passing on names where the request went: a case of the case loop (reported then, or
one already open), a department, or a named person. Every move is the recording side's
work (`fieldwork.record`): the grid worker of the request's grid or its community's
staff.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridgov.fieldwork.choices import RequestStatus as S


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    source: str
    target: str
    stamp: str  # the request's timestamp column the move sets


MOVES = {
    m.action: m
    for m in (
        Move("pass_on", _("转办"), S.RECORDED, S.PASSED_ON, "passed_on_at"),
        Move("answer", _("答复"), S.PASSED_ON, S.ANSWERED, "answered_at"),
        Move("tell", _("告知诉求人"), S.ANSWERED, S.TOLD, "told_at"),
    )
}
# Every action's label, for the timeline ("record" creates the request).
ACTION_LABELS = {"record": _("登记")} | {m.action: m.label for m in MOVES.values()}
OPEN = (S.RECORDED, S.PASSED_ON, S.ANSWERED)


def next_move(status: str) -> Move | None:
    """The one move a request in `status` may make (None once the requester is told)."""
    return next((m for m in MOVES.values() if m.source == status), None)
