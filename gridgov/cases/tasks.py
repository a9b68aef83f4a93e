"""The case loop's clockwork: `sweep`, run by the task worker every minute
(`manage.py case_sweep --loop 60`). It reminds the holders of a case before its due
time, raises overdue cases one level (分级上报) or tells their holders, and lets the
system self-evaluation close followed-up cases nobody rated.

Deadlines are columns and "overdue" is a query (`Case.objects.overdue`), so the sweep
only has to act on what the query finds; it keeps no state of its own beyond
`Case.reminded_at`: when the case's holders were last told about the due time of the
current step, with DUE_SOON before it or OVERDUE after it. A step starts with the
case's latest move (its newest CaseEvent), so a case is reminded once per step and
told it is overdue once per step. The flag is set by a compare-and-set update on the
value and version read, in the same transaction as the notices: two sweeps running
at once, or a sweep racing a user's move, never tell anyone twice.

Each case is handled in its own transaction; a case that fails is logged and the
sweep goes on with the next.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.tasks import task
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.cases import actions
from gridgov.cases.choices import Level, Status
from gridgov.cases.models import Case, CaseEvent, NoticeKind
from gridgov.cases.notify import current_holders, level_holders, notify
from gridgov.cases.workflow import verdict

log = logging.getLogger("gridgov.cases.sweep")

# Remind this long before a due time, or at the last quarter of a shorter step (a
# 15-minute acceptance is reminded 4 minutes before, not the moment it starts).
REMIND_BEFORE = dt.timedelta(hours=2)
# Cases handled per kind and sweep, oldest due first; the rest wait a minute.
BATCH = 500
# Overdue at these levels and statuses, a case rises one level instead of waiting.
_RISING_LEVELS = (Level.GRID, Level.COMMUNITY)
_RISING_STATUSES = (Status.REPORTED, Status.ACCEPTED)
_RISES = Q(level__in=_RISING_LEVELS, status__in=_RISING_STATUSES)


def _step_start():
    """When the current step began: the case's latest move."""
    latest = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-id").values("created_at")
    return Coalesce(Subquery(latest[:1]), F("reported_at"))


@task
def sweep(now: str | None = None) -> dict:
    """One pass of the clockwork; `now` (ISO time) lets tests and catch-ups pick it."""
    if isinstance(now, str):
        now = parse_datetime(now)
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "evaluated": 0, "overdue": 0, "failed": 0}
    for handle, cases in ((_remind, _due_soon(now)), (_act_on_overdue, _overdue(now))):
        for case in cases:
            try:
                done = handle(case, now)
            except Exception:
                counts["failed"] += 1
                log.exception("case sweep failed on case %s", case.pk)
                continue
            if done:
                counts[done] += 1
    return counts


def _due_soon(now):
    """Open cases due within REMIND_BEFORE whose holders were not reminded this step.
    Followed-up cases are left out: their due time is the system's, not a person's."""
    cases = (
        Case.objects.open()
        .filter(suspended_at__isnull=True, due_at__gt=now, due_at__lte=now + REMIND_BEFORE)
        .exclude(status=Status.FOLLOWED_UP)
        .annotate(step_start=_step_start())
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("step_start")))
        .order_by("due_at")[:BATCH]
    )
    return [
        case
        for case in cases
        if case.due_at - now <= min(REMIND_BEFORE, (case.due_at - case.step_start) / 4)
    ]


def _overdue(now):
    """Overdue cases that rise a level, or whose holders were not told since the due
    time passed or the step began."""
    untold = Q(reminded_at__isnull=True) | Q(reminded_at__lt=Greatest("due_at", "step_start"))
    return list(
        Case.objects.overdue(now)
        .annotate(step_start=_step_start())
        .filter(_RISES | untold)
        .select_related("category")
        .order_by("due_at")[:BATCH]
    )


def _remind(case, now) -> str | None:
    message = _("案件 %(number)s 将于 %(due)s 到期：%(title)s") % _fields(case)
    told = _tell(case, now, NoticeKind.DUE_SOON, current_holders(case), message)
    return "reminded" if told else None


def _act_on_overdue(case, now) -> str | None:
    """Raise it, close it by the self-evaluation, or tell whoever must act."""
    if case.level in _RISING_LEVELS and case.status in _RISING_STATUSES:
        actions.system_move(case, "escalate", now=now)  # the effect tells the level above
        return "escalated"
    if case.status == Status.FOLLOWED_UP:
        decided = verdict(case)
        if decided is not None:
            actions.system_move(case, decided, now=now)
            return "evaluated"
        # The self-evaluation failed and nobody rated: the dispatcher decides.
        message = _("案件 %(number)s 评价期已过，无群众评价且系统自评未通过，请判定结案或返工。")
        recipients = level_holders(case, Level.STREET)
    else:
        message = _("案件 %(number)s 已超期（时限 %(due)s）：%(title)s")
        recipients = current_holders(case)
    told = _tell(case, now, NoticeKind.OVERDUE, recipients, message % _fields(case))
    return "overdue" if told else None


def _tell(case, now, kind, recipients, message) -> bool:
    """Notify and mark the case told, unless someone changed or told it meanwhile."""
    with transaction.atomic():
        claimed = Case.objects.filter(
            pk=case.pk, version=case.version, reminded_at=case.reminded_at
        ).update(reminded_at=now)
        if claimed:
            notify(case, kind, recipients, message)
    return bool(claimed)


def _fields(case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
    }
