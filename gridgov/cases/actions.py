"""Every write of the case loop: reporting a case, and every move of the transition table
(`act`), each in one transaction with a CaseEvent for the timeline, an AuditEntry and
the notices for whoever acts next (each move's effect is in `moves`); marking the
inbox read and auditing an export of the case list.

Concurrent edits: every move names the `version` the user saw; the case row is locked
and a stale version is refused (409) with a message asking to reload, so of two
dispatchers acting at once one succeeds and the other is told, and nothing is lost.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.cases import deadlines
from gridgov.cases import photos as case_photos
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import Level, PhotoKind, Priority, Source, Status
from gridgov.cases.models import (
    Case,
    CaseContact,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Notice,
    NoticeKind,
)
from gridgov.cases.moves import EFFECTS, Step, clean_text
from gridgov.cases.notify import grid_workers, level_holders, notify, token_digest
from gridgov.cases.workflow import (
    ACTION_LABELS,
    RESIDENT,
    TRANSITIONS,
    acting_parts,
    guard,
    parts_of,
)
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import protect
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
    title = clean_text(title, 100, "title", _("标题"))
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
    contacts = [(clean_text(n, 50, "contacts", _("姓名")), p, r) for n, p, r in contacts]
    now = now or timezone.now()
    case = Case(
        source=source,
        source_ref=source_ref[:64],
        category=category,
        title=title,
        description=clean_text(description, 2000, "description", _("问题描述")),
        lon=lon,
        lat=lat,
        address=clean_text(address, 200, "address", _("地址")),
        reporter=actor,
        reporter_name=clean_text(reporter_name, 50, "reporter_name", _("反映人")),
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
    return CaseEvent.objects.append(
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
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
        )
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
        step = Step(actor, case, action, inputs, now, move.to)
        EFFECTS[action](step)
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


# -- the inbox ------------------------------------------------------------------------


def mark_notices_read(user) -> int:
    """Mark every unread notice of `user` read; returns how many there were."""
    with transaction.atomic():
        count = Notice.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        audit.record(
            user,
            "notices.read",
            object_type="cases.notice",
            object_id=str(user.pk),
            object_repr=str(user),
            after={"count": count},
        )
    return count
