"""The transition table of an application (办件), the one place that says which move
is allowed from which state and by whom. `application_actions.move` applies it.

    received   ──approve──▶ ready ──collect──▶ collected
        │  ▲   ──reject───▶ rejected
        │  └─resubmit─ supplement   (补正: the clock stops until the materials come)
        ├──supplement──▶ supplement
        └──forward────▶ forwarded ──approve / reject──▶ ready / rejected

Front-desk and pick-up work is the clerks' (`hall.desk`), decisions the approvers'
(`hall.approve`).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridgov.hall.models import ApplicationStatus as S


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    capability: str
    needs_reason: bool = False


MOVES = {
    m.action: m
    for m in (
        Move("approve", _("批准"), (S.RECEIVED, S.FORWARDED), S.READY, "hall.approve"),
        Move("reject", _("不予批准"), (S.RECEIVED, S.FORWARDED), S.REJECTED, "hall.approve", True),
        Move("supplement", _("要求补正"), (S.RECEIVED,), S.SUPPLEMENT, "hall.approve", True),
        Move("resubmit", _("补正材料已收"), (S.SUPPLEMENT,), S.RECEIVED, "hall.desk"),
        Move("forward", _("转外部门办理"), (S.RECEIVED,), S.FORWARDED, "hall.approve", True),
        Move("collect", _("取件"), (S.READY,), S.COLLECTED, "hall.desk"),
    )
}

# What the applicant is told by SMS when an application reaches these states.
NOTICES = {
    S.READY: _(
        "您在%(hall)s办理的“%(item)s”（%(number)s）已办结，请携带身份证到统一出件窗口取件。"
    ),
    S.REJECTED: _("您在%(hall)s办理的“%(item)s”（%(number)s）未获批准：%(reason)s。"),
    S.SUPPLEMENT: _("您在%(hall)s办理的“%(item)s”（%(number)s）需要补正材料：%(reason)s。"),
}

OPEN = (S.RECEIVED, S.SUPPLEMENT, S.FORWARDED)  # still to be decided


def allowed(user, status: str) -> list[Move]:
    """The moves the user may make on an application in `status`."""
    return [m for m in MOVES.values() if status in m.sources and user.has_capability(m.capability)]
