"""The case loop's one transition table (design.md rule 4): status × action → status,
who may make the move, and what it needs. `cases.actions.act` applies it; any move
not in the table is refused with a clear message.

Who may act is a *part* the user plays on this case, worked out from their roles and
the case (`parts_of`): the grid worker of its grid, the community's staff, the street's
dispatchers (command center), the department it was sent to, the resident holding the
rating link, or the system (the task worker). Moves marked `holder` belong to whoever
holds the case at its level (分级上报): at the grid level the grid worker, community
staff and dispatchers; at the community level the last two; at the street level only
the dispatchers.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.cases.choices import LEVEL_ORDER, Rating, Status

GRID_WORKER, COMMUNITY, DISPATCHER = "grid_worker", "community", "dispatcher"
DEPARTMENT, RESIDENT, SYSTEM = "department", "resident", "system"
VERIFIER = "verifier"  # the grid worker sent to check the place, whatever their grid
# The highest case level each holding part may act at.
_PART_LEVEL = {GRID_WORKER: 0, COMMUNITY: 1, DISPATCHER: 2, SYSTEM: 2}


@dataclass(frozen=True)
class Move:
    to: str | None  # None: the status stays (escalate, extension, suspension, rating)
    parts: frozenset[str]
    label: str
    needs: tuple[str, ...] = ()
    holder: bool = False


def _move(to, parts, label, needs=(), holder=False):
    return Move(to, frozenset(parts), label, tuple(needs), holder)


S = Status
_HOLDERS = (GRID_WORKER, COMMUNITY, DISPATCHER)
_DECIDERS = (COMMUNITY, DISPATCHER)
_OPEN_BEFORE_DISPATCH = (S.REPORTED, S.ACCEPTED)
_AT_DEPARTMENT = (S.DISPATCHED, S.IN_PROGRESS)

TRANSITIONS: dict[tuple[str, str], Move] = {}
for _status in _OPEN_BEFORE_DISPATCH:
    TRANSITIONS |= {
        (_status, "escalate"): _move(
            None, (GRID_WORKER, COMMUNITY, SYSTEM), _("上报上级"), holder=True
        ),
        (_status, "reject"): _move(S.REJECTED, _DECIDERS, _("不予受理"), ["reason"], holder=True),
        (_status, "merge"): _move(S.MERGED, _DECIDERS, _("合并"), ["target"], holder=True),
        (_status, "dispatch"): _move(
            S.DISPATCHED, _DECIDERS, _("派遣"), ["department"], holder=True
        ),
        (_status, "resolve"): _move(
            S.HANDLED, (GRID_WORKER, COMMUNITY), _("自行处置"), ["result"], holder=True
        ),
        # Send a grid worker (often from the map: the nearest on duty) to check the place.
        (_status, "assign_verify"): _move(None, _DECIDERS, _("派核实"), ["worker"], holder=True),
        (_status, "verify"): _move(None, (VERIFIER,), _("核实"), ["note"]),
    }
TRANSITIONS[(S.REPORTED, "accept")] = _move(S.ACCEPTED, _DECIDERS, _("受理"), holder=True)
for _status in _AT_DEPARTMENT:
    TRANSITIONS |= {
        (_status, "return"): _move(S.ACCEPTED, (DEPARTMENT,), _("退回"), ["reason"]),
        (_status, "handle"): _move(S.HANDLED, (DEPARTMENT,), _("办结"), ["result"]),
        (_status, "request_extension"): _move(
            None, (DEPARTMENT,), _("申请延期"), ["amount", "reason"]
        ),
        (_status, "approve_extension"): _move(None, _DECIDERS, _("批准延期"), holder=True),
        (_status, "deny_extension"): _move(None, _DECIDERS, _("驳回延期"), ["reason"], holder=True),
        (_status, "suspend"): _move(None, _DECIDERS, _("挂起"), ["reason"], holder=True),
        (_status, "resume"): _move(None, _DECIDERS, _("恢复"), holder=True),
    }
TRANSITIONS |= {
    (S.DISPATCHED, "start"): _move(S.IN_PROGRESS, (DEPARTMENT,), _("签收")),
    (S.HANDLED, "follow_up"): _move(S.FOLLOWED_UP, (GRID_WORKER, COMMUNITY), _("回访"), ["note"]),
    (S.FOLLOWED_UP, "rate"): _move(None, (RESIDENT,), _("群众评价"), ["rating"]),
    (S.FOLLOWED_UP, "close"): _move(S.CLOSED, (*_DECIDERS, SYSTEM), _("结案"), holder=True),
    (S.FOLLOWED_UP, "reopen"): _move(S.DISPATCHED, (*_DECIDERS, SYSTEM), _("返工"), holder=True),
}

# Every action's label, for the timeline ("report" creates the case, outside the table).
ACTION_LABELS = {"report": _("上报")} | {action: m.label for (_s, action), m in TRANSITIONS.items()}


def parts_of(user, case) -> frozenset[str]:
    """The parts `user` plays on `case` (None is the system)."""
    if user is None:
        return frozenset({SYSTEM})
    scope = user.scope
    parts = set()
    if case.department_id in scope.department_ids and user.has_role(Role.DEPARTMENT_STAFF):
        parts.add(DEPARTMENT)
    if case.street_id in scope.street_ids and user.has_role(Role.DISPATCHER, Role.STREET_STAFF):
        parts.add(DISPATCHER)
    if case.community_id in scope.community_ids and user.has_role(Role.COMMUNITY_STAFF):
        parts.add(COMMUNITY)
    if case.grid_id in scope.grid_ids and user.has_role(Role.GRID_WORKER):
        parts.add(GRID_WORKER)
    if case.verifier_id == user.pk and user.has_role(Role.GRID_WORKER):
        parts.add(VERIFIER)
    return frozenset(parts)


def acting_parts(move: Move, parts: frozenset[str], level: str) -> frozenset[str]:
    """The parts that may make `move` on a case held at `level`."""
    allowed = move.parts & parts
    if move.holder:
        rank = LEVEL_ORDER.index(level)
        allowed = frozenset(p for p in allowed if _PART_LEVEL.get(p, -1) >= rank)
    return allowed


def allowed_actions(user, case) -> list[str]:
    """The actions `user` may take on `case` now, in table order (for the buttons)."""
    parts = parts_of(user, case)
    actions = []
    for (status, action), move in TRANSITIONS.items():
        if status != case.status or action in actions or not acting_parts(move, parts, case.level):
            continue
        if guard(case, action) is None:
            actions.append(action)
    return actions


# -- the evaluation rule (评价结案) ------------------------------------------------------
#
# 1. The residents' rating decides when there is one: "not satisfied" reopens the case
#    (back to the department, rework + 1); "satisfied" or "basically satisfied" closes it.
# 2. Without a rating the system self-evaluation decides: a case scores 100, minus 40 if
#    it was handled after its deadline, 20 per rework and 10 per extension; 60 or more
#    passes and closes the case.
# 3. Otherwise (no rating, self-evaluation failed) the dispatcher decides, and must give
#    a reason either way.

PASS_SCORE = 60


def self_score(case) -> int:
    score = 100
    if case.handled_on_time is False:
        score -= 40
    score -= 20 * case.rework_count + 10 * case.extension_count
    return max(score, 0)


def verdict(case) -> str | None:
    """ "close", "reopen", or None when a person has to decide."""
    if case.rating == Rating.NOT_SATISFIED:
        return "reopen"
    if case.rating in (Rating.SATISFIED, Rating.BASIC):
        return "close"
    return "close" if self_score(case) >= PASS_SCORE else None


def guard(case, action: str):
    """Why a move in the table is not possible on this case now (None: it is)."""
    from gridgov.cases.choices import Level

    if action == "escalate" and case.level == Level.STREET:
        return _("案件已在街道层级，无法再上报。")
    if action == "request_extension":
        if case.extension_count >= 2:
            return _("延期最多两次，已用完。")
        if case.extension_amount is not None:
            return _("已有待审批的延期申请。")
    if action in ("approve_extension", "deny_extension") and case.extension_amount is None:
        return _("没有待审批的延期申请。")
    if action == "suspend" and case.suspended_at is not None:
        return _("案件已挂起。")
    if action == "resume" and case.suspended_at is None:
        return _("案件未挂起。")
    if action in ("handle", "start", "request_extension") and case.suspended_at is not None:
        return _("案件挂起中，请先恢复。")
    if action == "verify" and case.verify_due_at is None:
        return _("没有待核实的任务。")
    if action == "close" and verdict(case) == "reopen":
        return _("群众评价不满意，应返工。")
    if action == "reopen" and verdict(case) == "close":
        return _("评价已满足结案条件，不能返工。")
    return None
