"""Every write of the case loop: reporting a case, and every move of the transition table
(`act`), each in one transaction with a CaseEvent for the timeline, an AuditEntry and
the notices for whoever acts next.

Concurrent edits: every move names the `version` the user saw; the case row is locked
and a stale version is refused (409) with a message asking to reload, so of two
dispatchers acting at once one succeeds and the other is told, and nothing is lost.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Department, User
from gridgov.accounts.roles import Role
from gridgov.cases import deadlines
from gridgov.cases import photos as case_photos
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import LEVEL_ORDER, Level, PhotoKind, Priority, Rating, Source, Status
from gridgov.cases.models import (
    Case,
    CaseContact,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    NoticeKind,
)
from gridgov.cases.notify import (
    department_staff,
    grid_worker_of,
    grid_workers,
    level_holders,
    notify,
    rating_link,
    token_digest,
)
from gridgov.cases.queries import street_grid_workers
from gridgov.cases.sms import send_sms
from gridgov.cases.workflow import (
    ACTION_LABELS,
    RESIDENT,
    TRANSITIONS,
    acting_parts,
    guard,
    parts_of,
    self_score,
    verdict,
)
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import protect, reveal
from gridgov.core.scope import scope_of
from gridgov.places.coords import to_wgs84
from gridgov.places.locate import grid_at
from gridgov.places.models import Area
from gridgov.places.models import Level as AreaLevel

AUDIT_FIELDS = (
    "status",
    "level",
    "department",
    "due_at",
    "handle_due_at",
    "suspended_at",
    "extension_count",
    "rework_count",
    "rating",
    "verifier",
    "verify_due_at",
)
_NEEDS = {
    "reason": lambda: _("请填写理由。"),
    "department": lambda: _("请选择处置部门。"),
    "result": lambda: _("请填写处置结果。"),
    "note": lambda: _("请填写回访情况。"),
    "target": lambda: _("请填写要合并到的案件编号。"),
    "amount": lambda: _("请填写延期时长。"),
    "rating": lambda: _("请选择评价。"),
    "worker": lambda: _("请选择核实的网格员。"),
}
VERIFY_MINUTES = 30  # on-site verification within 30 minutes (clock time)


def _conflict():
    return ActionError(_("该案件已被他人处理，页面上的信息已过时。请刷新后重试。"), status=409)


# -- reporting ---------------------------------------------------------------------------


def _reporter_level(actor) -> str:
    """A case starts where its reporter works: a grid worker's at the grid, community
    staff's at the community, the command center's (and the system's) at the street."""
    if actor is None or actor.has_role(Role.DISPATCHER, Role.STREET_STAFF, Role.STREET_LEADER):
        return Level.STREET
    if actor.has_role(Role.COMMUNITY_STAFF):
        return Level.COMMUNITY
    return Level.GRID


def _place(actor, lon, lat, coords, grid):
    """(grid, lon, lat) in WGS84 from the location, or from the grid picked."""
    if lon is not None and lat is not None:
        try:
            lon, lat = to_wgs84(float(lon), float(lat), coords or "wgs84")
        except ValueError:
            raise ActionError(_("坐标系无效。"), field="location") from None
        located = grid_at(lon, lat)
        if located is None:
            raise ActionError(_("该位置不在任何网格内，请在地图上重新选点。"), field="location")
        grid = located
    if grid is None:
        raise ActionError(_("请在地图上选点或选择网格。"), field="location")
    if isinstance(grid, int | str):
        grid = Area.objects.filter(pk=grid, level=AreaLevel.GRID).first()
        if grid is None:
            raise ActionError(_("网格不存在。"), field="grid")
    return grid, lon, lat


def _check_in_scope(actor, case) -> None:
    if not scope_of(actor).contains(case):
        raise ActionError(_("只能上报本人负责区域内的案件。"), field="location")


def _next_number(street_code: str, now) -> str:
    """Street code + date + a per-day sequence: 440105008202611250001."""
    day = timezone.localtime(now).date()
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        # One statement, so two reports at once can never get the same number.
        cursor.execute(
            f"INSERT INTO {table} (street_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (street_code, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [street_code, connection.ops.adapt_datefield_value(day)],
        )
        last = cursor.fetchone()[0]
    return f"{street_code}{day:%Y%m%d}{last:04d}"


def _clean_text(value, limit, field_name, label):
    value = (value or "").strip()
    if len(value) > limit:
        raise ActionError(
            _("%(label)s最多 %(n)d 个字。") % {"label": label, "n": limit}, field=field_name
        )
    return value


def report_case(
    actor,
    *,
    category: Category,
    title: str,
    description: str = "",
    lon=None,
    lat=None,
    coords: str = "wgs84",
    grid=None,
    address: str = "",
    source: str = Source.GRID_WORKER,
    source_ref: str = "",
    priority: str = Priority.NORMAL,
    reporter_name: str = "",
    contacts=(),
    photos=(),
    on_spot_result: str = "",
    follow_up_note: str = "",
    rating: str = "",
    now=None,
) -> Case:
    """Report a case (发现告知). With `on_spot_result` a grid worker solves a small
    matter on the spot: report, handled and followed up in one go, still evaluated.

    `actor` None is the system (camera alerts, hotline import)."""
    if actor is not None:
        check_capability(actor, "cases.report")
    title = _clean_text(title, 100, "title", _("标题"))
    if not title:
        raise ActionError(_("请填写标题。"), field="title")
    if category is None or not category.parent_code:
        raise ActionError(_("请选择案件小类。"), field="category")
    if source not in Source.values:
        raise ActionError(_("来源无效。"), field="source")
    if priority not in Priority.values:
        raise ActionError(_("紧急程度无效。"), field="priority")
    grid, lon, lat = _place(actor, lon, lat, coords, grid)
    checked = case_photos.check_photos(photos)
    contacts = [(_clean_text(n, 50, "contacts", _("姓名")), p, r) for n, p, r in contacts]
    now = now or timezone.now()
    case = Case(
        source=source,
        source_ref=source_ref[:64],
        category=category,
        title=title,
        description=_clean_text(description, 2000, "description", _("问题描述")),
        lon=lon,
        lat=lat,
        address=_clean_text(address, 200, "address", _("地址")),
        reporter=actor,
        reporter_name=_clean_text(reporter_name, 50, "reporter_name", _("反映人")),
        status=Status.REPORTED,
        level=_reporter_level(actor),
        priority=priority,
        reported_at=now,
    )
    case.place_in(grid)
    if actor is not None:
        _check_in_scope(actor, case)
    case.due_at, case.due_unit = deadlines.step_due(load_calendar(), category, "accept", now)
    # Reads before the transaction, so the write lock is held only for the writes.
    workers = grid_workers(grid.id)
    case.assignee_id = workers[0] if workers else None
    holders = set(workers) if case.level == Level.GRID else level_holders(case)
    with transaction.atomic():
        case.number = _next_number(grid.code[:9], now)
        case.save()
        CaseContact.objects.bulk_create(
            CaseContact(
                case=case,
                name=name,
                resident_id=resident_id,
                **_phone_fields(phone),
            )
            for name, phone, resident_id in contacts
            if name or phone
        )
        event = _event(case, actor, "report", "", Status.REPORTED, case.description, {}, now)
        _save_photos(case, event, PhotoKind.BEFORE, checked)
        audit.record(actor, "case.report", case, after=audit.snapshot(case, AUDIT_FIELDS))
        notify(
            case,
            NoticeKind.NEW_TASK,
            holders,
            _("新案件 %(number)s：%(title)s") % {"number": case.number, "title": title},
            exclude=actor,
        )
        if on_spot_result:
            case = _apply(actor, case, "resolve", {"result": on_spot_result}, now=now)
            inputs = {"note": follow_up_note or on_spot_result, "rating": rating}
            case = _apply(actor, case, "follow_up", inputs, now=now)
    return case


def _phone_fields(phone) -> dict:
    protected = protect(phone, "phone")
    return {
        "phone_cipher": protected.cipher,
        "phone_index": protected.index,
        "phone_masked": protected.masked,
    }


def _save_photos(case, event, kind, checked) -> None:
    for upload, ext, content_type in checked:
        CasePhoto.objects.create(
            case=case,
            event=event,
            kind=kind,
            file=case_photos.store(upload, ext),
            content_type=content_type,
            size=upload.size,
        )


def _event(case, actor, action, from_status, to_status, note, data, now) -> CaseEvent:
    if actor is None:
        name = _("系统")
    elif actor == RESIDENT:
        name = _("居民")
    else:
        name = str(actor)
    return CaseEvent.objects.create(
        case=case,
        actor=actor if actor not in (None, RESIDENT) else None,
        actor_name=name[:50],
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        data=data,
        created_at=now,
    )


# -- the moves ---------------------------------------------------------------------------


@dataclass
class _Move:
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


def act(actor, case: Case, action: str, *, version=None, **inputs) -> Case:
    """Make one move of the transition table on a case, as `actor`."""
    if action == "rate":
        raise ActionError(_("群众评价请通过评价链接进行。"), status=403)
    return _apply(actor, case, action, inputs, version=version)


def rate_by_token(token: str, rating: str, comment: str = "") -> Case:
    """A resident rates the result through the link sent after the follow-up."""
    digest = token_digest(token or "")
    case = Case.objects.filter(rating_token_digest=digest).first() if token else None
    if case is None:
        raise ActionError(_("评价链接无效或已失效。"), status=404)
    return _apply(RESIDENT, case, "rate", {"rating": rating, "comment": comment})


def system_move(case: Case, action: str, *, now=None, **inputs) -> Case:
    """A move the task worker makes (escalating overdue cases, evaluating), at the
    sweep's `now` so its timeline and due times agree with what the sweep saw."""
    return _apply(None, case, action, inputs, now=now)


def bulk_dispatch(actor, cases, department, due_at=None) -> tuple[list[Case], list[tuple]]:
    """Dispatch several cases to one department; each is its own move, so one that
    someone else changed meanwhile is reported back and the rest still go."""
    done, failed = [], []
    for case in cases:
        try:
            done.append(
                _apply(actor, case, "dispatch", {"department": department, "due_at": due_at})
            )
        except ActionError as error:
            failed.append((case, str(error.message)))
    return done, failed


def _apply(actor, case: Case, action: str, inputs: dict, *, version=None, now=None) -> Case:
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        if version not in (None, "") and str(version) != str(case.version):
            raise _conflict()
        move = TRANSITIONS.get((case.status, action))
        label = ACTION_LABELS.get(action, action)
        if move is None:
            raise ActionError(
                _("案件当前状态为“%(status)s”，不能“%(action)s”。")
                % {"status": case.get_status_display(), "action": label},
                status=409,
            )
        parts = frozenset({RESIDENT}) if actor == RESIDENT else parts_of(actor, case)
        if not acting_parts(move, parts, case.level):
            raise ActionError(_("您无权对该案件执行“%(action)s”。") % {"action": label}, status=403)
        refusal = guard(case, action)
        if refusal:
            raise ActionError(refusal, status=409)
        for need in move.needs:
            if inputs.get(need) in (None, "", []):
                raise ActionError(_NEEDS[need](), field=need)
        before = audit.snapshot(case, AUDIT_FIELDS)
        from_status = case.status
        step = _Move(actor, case, action, inputs, now, move.to)
        _EFFECTS[action](step)
        if step.to:
            case.status = step.to
        case.version += 1
        case.save()
        event = _event(
            case,
            actor,
            action,
            from_status,
            case.status,
            inputs.get("reason") or inputs.get("result") or inputs.get("note") or "",
            step.data,
            now,
        )
        _save_photos(case, event, PhotoKind.AFTER, step.photos)
        audit.record(
            None if actor == RESIDENT else actor,
            f"case.{action}",
            case,
            before=before,
            after=audit.snapshot(case, AUDIT_FIELDS),
        )
        if step.then:
            case = _apply(None, case, step.then, {}, now=now)
    if "token" in inputs:
        # Shown once to whoever recorded the follow-up; only its digest is stored.
        case.rating_token = inputs["token"]
    return case


def _set_due(case, due_and_unit) -> None:
    case.due_at, case.due_unit = due_and_unit


def _accept(step: _Move) -> None:
    case = step.case
    case.accepted_at = step.now
    _set_due(case, deadlines.step_due(load_calendar(), case.category, "dispatch", step.now))


def _dispatch(step: _Move) -> None:
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


def _reject(step: _Move) -> None:
    step.case.due_at = None
    step.case.closed_at = step.now


def _merge(step: _Move) -> None:
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


def _escalate(step: _Move) -> None:
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


def _finish_handling(step: _Move) -> None:
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


def _start(step: _Move) -> None:
    pass


def _return(step: _Move) -> None:
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


def _request_extension(step: _Move) -> None:
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


def _approve_extension(step: _Move) -> None:
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


def _deny_extension(step: _Move) -> None:
    case = step.case
    case.extension_amount, case.extension_reason = None, ""
    notify(
        case,
        NoticeKind.EXTENSION,
        department_staff(case),
        _("案件 %(number)s 延期申请未获批准：%(reason)s")
        % {"number": case.number, "reason": step.inputs["reason"]},
    )


def _suspend(step: _Move) -> None:
    step.case.suspended_at = step.now


def _resume(step: _Move) -> None:
    case, calendar = step.case, load_calendar()
    unit = case.due_unit or case.category.handle_unit
    if case.due_at:
        case.due_at = calendar.shift(case.due_at, case.suspended_at, step.now, unit)
    if case.handle_due_at:
        case.handle_due_at = calendar.shift(case.handle_due_at, case.suspended_at, step.now, unit)
    step.data = {"paused_minutes": int((step.now - case.suspended_at).total_seconds() // 60)}
    case.suspended_at = None


def _follow_up(step: _Move) -> None:
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


def _record_rating(step: _Move, rating: str) -> None:
    if rating not in Rating.values:
        raise ActionError(_("评价无效。"), field="rating")
    case = step.case
    case.rating = rating
    case.rating_comment = _clean_text(step.inputs.get("comment"), 300, "comment", _("评价意见"))
    case.rated_at = step.now
    step.data |= {"rating": rating, "comment": case.rating_comment}
    step.then = verdict(case)


def _rate(step: _Move) -> None:
    _record_rating(step, step.inputs["rating"])
    step.case.rating_token_digest = ""


def _decide(step: _Move) -> None:
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


def _close(step: _Move) -> None:
    _decide(step)
    step.case.closed_at = step.now
    step.case.due_at = None


def _reopen(step: _Move) -> None:
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


def _assign_verify(step: _Move) -> None:
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


def _verify(step: _Move) -> None:
    step.case.verify_due_at = None


def _resolve_or_handle(step: _Move) -> None:
    _finish_handling(step)


_EFFECTS = {
    "accept": _accept,
    "dispatch": _dispatch,
    "reject": _reject,
    "merge": _merge,
    "escalate": _escalate,
    "resolve": _resolve_or_handle,
    "handle": _resolve_or_handle,
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
