"""The effects of the case loop's moves: what each move of the transition table
(`workflow.TRANSITIONS`) changes on the case beyond its status: due times, the
department, the verifier, the rating, and the notices for whoever acts next.

`actions._apply` checks the move, runs its effect on a `Step` inside the transaction
holding the case's row, then saves, records the timeline and audits; an effect refuses
bad inputs with an ActionError, which rolls the move back.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Department, User
from gridgov.cases import deadlines
from gridgov.cases import photos as case_photos
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import LEVEL_ORDER, Level, Rating, Status
from gridgov.cases.models import Case, NoticeKind
from gridgov.cases.notify import (
    department_staff,
    grid_worker_of,
    level_holders,
    notify,
    rating_link,
    token_digest,
)
from gridgov.cases.queries import street_grid_workers
from gridgov.cases.sms import send_sms
from gridgov.cases.workflow import self_score, verdict
from gridgov.core.errors import ActionError
from gridgov.core.protect import reveal

VERIFY_MINUTES = 30  # on-site verification within 30 minutes (clock time)


@dataclass
class Step:
    """What one move is working on: effects read inputs and record event data."""

    actor: object
    case: Case
    action: str
    inputs: dict
    now: object
    to: str | None
    data: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)
    then: str | None = None  # a move the system makes right after (evaluation)


def clean_text(value, limit, field_name, label):
    """Typed text stripped, refused on its field when longer than its column allows
    (a report's fields and a rating's comment)."""
    value = (value or "").strip()
    if len(value) > limit:
        raise ActionError(
            _("%(label)s最多 %(n)d 个字。") % {"label": label, "n": limit}, field=field_name
        )
    return value


def _set_due(case, due_and_unit) -> None:
    case.due_at, case.due_unit = due_and_unit


def _accept(step: Step) -> None:
    case = step.case
    case.accepted_at = step.now
    _set_due(case, deadlines.step_due(load_calendar(), case.category, "dispatch", step.now))


def _dispatch(step: Step) -> None:
    case, department = step.case, step.inputs["department"]
    if not isinstance(department, Department):
        department = Department.objects.filter(pk=department).first()
    if department is None or not department.is_active:
        raise ActionError(_("处置部门不存在或已停用。"), field="department")
    due_at = step.inputs.get("due_at")
    if due_at and due_at <= step.now:
        raise ActionError(_("处置时限必须晚于现在。"), field="due_at")
    case.department = department
    case.accepted_at = case.accepted_at or step.now
    case.dispatched_at = step.now
    due, unit = deadlines.step_due(load_calendar(), case.category, "handle", step.now)
    case.handle_due_at = due_at or due
    _set_due(case, (case.handle_due_at, unit))
    step.data = {"department": department.name, "due_at": case.handle_due_at.isoformat()}
    notify(
        case,
        NoticeKind.NEW_TASK,
        department_staff(case),
        _("新派遣案件 %(number)s：%(title)s，请于 %(due)s 前办结。")
        % {"number": case.number, "title": case.title, "due": _local(case.handle_due_at)},
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _reject(step: Step) -> None:
    step.case.due_at = None
    step.case.closed_at = step.now


def _merge(step: Step) -> None:
    case, target = step.case, step.inputs["target"]
    if not isinstance(target, Case):
        target = Case.objects.filter(number=str(target).strip(), street_id=case.street_id).first()
    if target is None or target.pk == case.pk:
        raise ActionError(_("要合并到的案件不存在。"), field="target")
    if not target.is_open:
        raise ActionError(_("只能合并到未结案的案件。"), field="target")
    case.merged_into = target
    case.due_at = None
    case.closed_at = step.now
    step.data = {"target": target.number}


def _escalate(step: Step) -> None:
    case = step.case
    case.level = LEVEL_ORDER[LEVEL_ORDER.index(case.level) + 1]
    _set_due(case, deadlines.step_due(load_calendar(), case.category, "accept", step.now))
    step.data = {"level": case.level}
    notify(
        case,
        NoticeKind.ESCALATED,
        level_holders(case),
        _("案件 %(number)s 已上报至%(level)s：%(title)s")
        % {"number": case.number, "level": case.get_level_display(), "title": case.title},
    )


def _finish_handling(step: Step) -> None:
    """Shared by handle (department) and resolve (grid worker or community)."""
    case = step.case
    step.photos = case_photos.check_photos(step.inputs.get("photos"))
    case.result = step.inputs["result"][:2000]
    case.handled_at = step.now
    case.handle_due_at = case.handle_due_at or case.due_at
    case.suspended_at = None
    _set_due(case, deadlines.step_due(load_calendar(), case.category, "follow_up", step.now))
    case.assignee_id = case.assignee_id or grid_worker_of(case.grid_id)
    notify(
        case,
        NoticeKind.NEW_TASK,
        {case.assignee_id} if case.assignee_id else level_holders(case, Level.GRID),
        _("案件 %(number)s 已处置，请回访居民。") % {"number": case.number},
        exclude=step.actor,
    )


def _start(step: Step) -> None:
    pass


def _return(step: Step) -> None:
    case = step.case
    step.data = {"department": case.department.name}
    case.department = None
    case.handle_due_at = None
    case.suspended_at = None
    _set_due(case, deadlines.step_due(load_calendar(), case.category, "dispatch", step.now))
    notify(
        case,
        NoticeKind.RETURNED,
        level_holders(case),
        _("案件 %(number)s 被%(department)s退回：%(reason)s")
        % {
            "number": case.number,
            "department": step.data["department"],
            "reason": step.inputs["reason"],
        },
    )


def _request_extension(step: Step) -> None:
    case = step.case
    try:
        amount = Decimal(str(step.inputs["amount"]))
    except InvalidOperation:
        amount = Decimal(0)
    if not (0 < amount <= 999):
        raise ActionError(_("延期时长必须大于 0。"), field="amount")
    case.extension_amount = amount
    case.extension_reason = step.inputs["reason"][:200]
    step.data = {"amount": str(amount), "unit": case.category.handle_unit}
    notify(
        case,
        NoticeKind.EXTENSION,
        level_holders(case),
        _("案件 %(number)s 申请延期：%(reason)s")
        % {"number": case.number, "reason": case.extension_reason},
    )


def _approve_extension(step: Step) -> None:
    case = step.case
    unit = case.category.handle_unit
    case.handle_due_at = load_calendar().add(case.handle_due_at, case.extension_amount, unit)
    case.due_at = case.handle_due_at
    case.extension_count += 1
    step.data = {"amount": str(case.extension_amount), "due_at": case.handle_due_at.isoformat()}
    case.extension_amount, case.extension_reason = None, ""
    notify(
        case,
        NoticeKind.EXTENSION,
        department_staff(case),
        _("案件 %(number)s 延期已批准，新时限 %(due)s。")
        % {"number": case.number, "due": _local(case.handle_due_at)},
    )


def _deny_extension(step: Step) -> None:
    case = step.case
    case.extension_amount, case.extension_reason = None, ""
    notify(
        case,
        NoticeKind.EXTENSION,
        department_staff(case),
        _("案件 %(number)s 延期申请未获批准：%(reason)s")
        % {"number": case.number, "reason": step.inputs["reason"]},
    )


def _suspend(step: Step) -> None:
    step.case.suspended_at = step.now


def _resume(step: Step) -> None:
    case, calendar = step.case, load_calendar()
    unit = case.due_unit or case.category.handle_unit
    if case.due_at:
        case.due_at = calendar.shift(case.due_at, case.suspended_at, step.now, unit)
    if case.handle_due_at:
        case.handle_due_at = calendar.shift(case.handle_due_at, case.suspended_at, step.now, unit)
    step.data = {"paused_minutes": int((step.now - case.suspended_at).total_seconds() // 60)}
    case.suspended_at = None


def _follow_up(step: Step) -> None:
    """The grid worker tells the residents the result; their opinion, if recorded here,
    is the rating. A new rating link goes to each contact by SMS."""
    case = step.case
    case.followed_up_at = step.now
    _set_due(case, deadlines.evaluate_due(load_calendar(), step.now))
    token = secrets.token_urlsafe(24)
    case.rating_token_digest = token_digest(token)
    step.inputs["token"] = token  # handed back by _apply
    rating = step.inputs.get("rating") or ""
    if rating:
        _record_rating(step, rating)
    link = rating_link(token)
    for contact in case.contacts.all():
        send_sms(
            reveal(contact.phone_cipher),
            _("【南华西街道】您反映的问题（%(number)s）已处理：%(result)s 请评价：%(link)s")
            % {"number": case.number, "result": case.result[:60], "link": link},
        )


def _record_rating(step: Step, rating: str) -> None:
    if rating not in Rating.values:
        raise ActionError(_("评价无效。"), field="rating")
    case = step.case
    case.rating = rating
    case.rating_comment = clean_text(step.inputs.get("comment"), 300, "comment", _("评价意见"))
    case.rated_at = step.now
    step.data |= {"rating": rating, "comment": case.rating_comment}
    step.then = verdict(case)


def _rate(step: Step) -> None:
    _record_rating(step, step.inputs["rating"])
    step.case.rating_token_digest = ""


def _decide(step: Step) -> None:
    """Close or reopen: by the rule (`workflow.verdict`), or by the dispatcher with a
    reason when the rule leaves it open."""
    case = step.case
    decided = verdict(case)
    if decided is None and step.actor is None:
        raise ActionError(_("需要调度员人工判定。"), status=409)
    if decided is None and not step.inputs.get("reason"):
        raise ActionError(_("无群众评价且系统自评未通过，请填写判定理由。"), field="reason")
    case.self_score = self_score(case)
    step.data = {"self_score": case.self_score, "rating": case.rating}
    case.rating_token_digest = ""


def _close(step: Step) -> None:
    _decide(step)
    step.case.closed_at = step.now
    step.case.due_at = None


def _reopen(step: Step) -> None:
    _decide(step)
    case, calendar = step.case, load_calendar()
    case.rework_count += 1
    case.rating, case.rating_comment, case.rated_at = "", "", None
    case.handled_at = case.followed_up_at = None
    if case.department_id is None:
        step.to = Status.ACCEPTED
        _set_due(case, deadlines.step_due(calendar, case.category, "dispatch", step.now))
        recipients = level_holders(case)
    else:
        case.dispatched_at = step.now
        due = deadlines.step_due(calendar, case.category, "handle", step.now)
        case.handle_due_at = due[0]
        _set_due(case, due)
        recipients = department_staff(case)
    notify(
        case,
        NoticeKind.REOPENED,
        recipients,
        _("案件 %(number)s 群众不满意，需返工（第 %(n)d 次）。")
        % {"number": case.number, "n": case.rework_count},
    )


def _assign_verify(step: Step) -> None:
    case, worker = step.case, step.inputs["worker"]
    worker_id = worker.pk if isinstance(worker, User) else worker
    worker = street_grid_workers(case.street_id).filter(pk=worker_id).first()
    if worker is None:
        raise ActionError(_("核实人员必须是本街道在岗的网格员。"), field="worker")
    due_at = step.inputs.get("due_at") or step.now + dt.timedelta(minutes=VERIFY_MINUTES)
    if due_at <= step.now:
        raise ActionError(_("核实时限必须晚于现在。"), field="due_at")
    case.verifier, case.verify_due_at = worker, due_at
    step.data = {"worker": str(worker), "verify_due_at": due_at.isoformat()}
    notify(
        case,
        NoticeKind.NEW_TASK,
        {worker.pk},
        _("请到现场核实 %(number)s：%(title)s（%(due)s 前）")
        % {"number": case.number, "title": case.title, "due": _local(due_at)},
    )


def _verify(step: Step) -> None:
    step.case.verify_due_at = None


EFFECTS = {
    "accept": _accept,
    "dispatch": _dispatch,
    "reject": _reject,
    "merge": _merge,
    "escalate": _escalate,
    "resolve": _finish_handling,
    "handle": _finish_handling,
    "start": _start,
    "return": _return,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "deny_extension": _deny_extension,
    "suspend": _suspend,
    "resume": _resume,
    "follow_up": _follow_up,
    "rate": _rate,
    "close": _close,
    "reopen": _reopen,
    "assign_verify": _assign_verify,
    "verify": _verify,
}
