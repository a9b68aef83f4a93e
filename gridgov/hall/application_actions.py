"""Every write of applications and ratings: the front desk receives, the back office
decides, the pick-up window hands over, the applicant rates, the supervisor follows
up. Each is atomic and audited; moves go through the one transition table
(`workflow.MOVES`) with a row lock and a version check.
"""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError

from gridgov.cases.calendar import load_calendar
from gridgov.cases.notify import token_digest
from gridgov.cases.sms import send_sms
from gridgov.cases.worktime import Unit
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import blind_index, protect, reveal
from gridgov.core.scope import street_of
from gridgov.hall import workflow
from gridgov.hall.approver_queries import applications_for
from gridgov.hall.models import (
    Application,
    ApplicationEvent,
    FollowUp,
    HallSettings,
    ItemStatus,
    Rating,
    Score,
    ServiceItem,
    Ticket,
    TicketStatus,
)
from gridgov.people.models import Resident
from gridgov.people.rules import valid_ric

FIELDS = ("number", "item", "status", "due_at", "decided_at", "collected_at")


def _hall_street(actor) -> int:
    """The street whose hall the actor works in; refused when they hold none."""
    street_id = street_of(actor)
    if street_id is None:
        raise ActionError(_("您没有服务中心的办理范围。"), status=403)
    return street_id


def _next_number(street_id: int, now: dt.datetime) -> str:
    """Street code, date and a sequence of the day; the hall's settings row is locked
    so two front desks never take the same number."""
    settings = (
        HallSettings.objects.select_for_update().select_related("street").get(street_id=street_id)
    )
    prefix = f"{settings.street.code}{timezone.localtime(now):%Y%m%d}"
    last = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    return f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"


def _check_id(id_number: str) -> str:
    """A resident ID (18 characters) is checked as the resident base checks it; other
    documents (passports, permits) are 6–20 letters and digits."""
    value = (id_number or "").strip().upper()
    if not value:
        return ""
    if len(value) == 18 and value[:17].isdigit():
        try:
            return valid_ric(value)
        except ValidationError:
            raise ActionError(_("身份证号码校验不通过，请核对。"), "id_number") from None
    if not (6 <= len(value) <= 20 and value.isalnum()):
        raise ActionError(_("证件号码格式不正确。"), "id_number")
    return value


def _resident(street_id: int, id_number: str) -> Resident | None:
    """The resident of the hall's street with this (checked) ID number: an exact match
    on the blind index, never a search."""
    if not id_number:
        return None
    residents = Resident.objects.filter(id_index=blind_index(id_number), street_id=street_id)
    return residents.select_related("household__dwelling__building").first()


def look_up_applicant(actor, id_number: str) -> Resident | None:
    """The front desk's one look into the resident base: the applicant whose ID number
    was typed, in the hall's street. Clerks hold no right to browse residents, so each
    person shown is logged like a revealed number (AccessLog)."""
    check_capability(actor, "hall.desk")
    street_id = _hall_street(actor)
    id_number = _check_id(id_number)
    if not id_number:
        raise ActionError(_("请填写证件号码。"), "id_number")
    resident = _resident(street_id, id_number)
    if resident is not None:
        with transaction.atomic():
            audit.log_access(actor, resident, "applicant", _("前台受理核对申请人"))
    return resident


def receive(
    actor,
    *,
    item: ServiceItem,
    applicant_name: str,
    id_number: str = "",
    phone: str = "",
    materials: list[str] = (),
    ticket: Ticket | None = None,
) -> tuple[Application, str]:
    """Take an application at the front desk (from the ticket being served, if any).
    The applicant is looked up in the resident base by ID number; the deadline is the
    item's promised working days on the working-time calendar. Returns the
    application and the token of the applicant's progress link (shown once)."""
    check_capability(actor, "hall.desk")
    street_id = _hall_street(actor)
    if item.street_id != street_id or item.status != ItemStatus.PUBLISHED:
        raise ActionError(_("事项不存在或未发布。"), "item", status=404)
    id_number = _check_id(id_number)
    resident = _resident(street_id, id_number)
    name = (applicant_name or "").strip() or (resident.name if resident else "")
    if not name:
        raise ActionError(_("请填写申请人姓名。"), "applicant_name")
    known = {m.name for m in item.materials.all()}
    unknown = [m for m in materials if m not in known]
    if unknown:
        raise ActionError(_("不是本事项的材料：%(names)s") % {"names": "、".join(unknown)})
    now = timezone.now()
    token = secrets.token_urlsafe(16)
    with transaction.atomic():
        if ticket is not None:
            ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
            if ticket.street_id != street_id or ticket.status != TicketStatus.SERVING:
                raise ActionError(_("该号码不在办理中，不能受理。"), "ticket", status=409)
        id_value, phone_value = protect(id_number, "id"), protect(phone, "phone")
        application = Application.objects.create(
            street_id=street_id,
            number=_next_number(street_id, now),
            item=item,
            ticket=ticket,
            resident=resident,
            applicant_name=name[:50],
            id_cipher=id_value.cipher,
            id_index=id_value.index,
            id_masked=id_value.masked,
            phone_cipher=phone_value.cipher,
            phone_masked=phone_value.masked,
            materials=list(materials),
            received_at=now,
            received_by=actor,
            due_at=load_calendar().add(now, item.promised_days, Unit.WORK_DAYS),
            token_digest=token_digest(token),
        )
        _event(application, "receive", "", application.status, actor, now)
        audit.record(actor, "hall.receive", application, after=audit.snapshot(application, FIELDS))
    return application, token


def _event(application, action, before, after, actor, at, note=""):
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=before,
        to_status=after,
        actor=actor,
        at=at,
        note=note,
    )


def move(actor, application: Application, action: str, *, reason: str = "", version=None):
    """Apply one move of the transition table; refuse anything else clearly."""
    rule = workflow.MOVES.get(action)
    if rule is None:
        raise ActionError(_("未知的操作。"))
    check_capability(actor, rule.capability)
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise ActionError(_("请填写原因或说明。"), "reason")
    now = timezone.now()
    with transaction.atomic():
        app = (
            applications_for(actor)
            .select_for_update()
            .select_related("item")
            .filter(pk=application.pk)
            .first()
        )
        if app is None:
            raise ActionError(_("办件不存在。"), status=404)
        if version is not None and int(version) != app.version:
            raise ActionError(_("办件已被他人处理，请刷新后再试。"), status=409)
        if app.status not in rule.sources:
            raise ActionError(
                _("办件当前为“%(status)s”，不能%(action)s。")
                % {"status": app.get_status_display(), "action": rule.label},
                status=409,
            )
        before = audit.snapshot(app, FIELDS)
        previous = app.status
        _apply(app, rule, reason, actor, now)
        app.status = rule.target
        app.version += 1
        app.save()
        _event(app, action, previous, app.status, actor, now, reason)
        audit.record(actor, f"hall.{action}", app, before=before, after=audit.snapshot(app, FIELDS))
        transaction.on_commit(lambda: _tell_applicant(app, reason))
    return app


def _apply(app: Application, rule, reason: str, actor, now) -> None:
    if rule.action == "supplement":
        app.paused_at = now
    elif rule.action == "resubmit" and app.paused_at:
        app.due_at += now - app.paused_at  # the clock stood still while waiting
        app.paused_at = None
    elif rule.action == "forward":
        app.forwarded_to = reason[:100]
    if rule.target in (workflow.S.READY, workflow.S.REJECTED):
        app.decided_at, app.decided_by = now, actor
        app.reason = reason
    if rule.action == "collect":
        app.collected_at = now


def _tell_applicant(app: Application, reason: str) -> None:
    text = workflow.NOTICES.get(app.status)
    if text and app.phone_cipher:
        hall = HallSettings.objects.filter(street_id=app.street_id).values_list("name", flat=True)
        send_sms(
            reveal(app.phone_cipher),
            str(text)
            % {
                "hall": hall.first() or "",
                "item": app.item.name,
                "number": app.number,
                "reason": reason,
            },
        )


def rate(ticket: Ticket, score: int, reason: str = "", comment: str = "") -> Rating:
    """The applicant rates the service of a finished ticket (no login: the ticket's
    token is the key). Once per ticket; not-satisfied ratings open a follow-up."""
    if score not in Score.values:
        raise ActionError(_("请选择评价。"), "score")
    if score <= Score.NOT_SATISFIED and not (reason or "").strip():
        raise ActionError(_("请告诉我们不满意的原因。"), "reason")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.status != TicketStatus.DONE:
            raise ActionError(_("办理结束后才能评价。"), status=409)
        if Rating.objects.filter(ticket=ticket).exists():
            raise ActionError(_("您已经评价过了，谢谢！"), status=409)
        rating = Rating.objects.create(
            street_id=ticket.street_id,
            ticket=ticket,
            application=ticket.applications.order_by("-received_at").first(),
            window_id=ticket.window_id,
            clerk_id=ticket.clerk_id,
            item_id=ticket.item_id,
            score=score,
            reason=(reason or "").strip()[:50],
            comment=(comment or "").strip()[:2000],
            at=timezone.now(),
            follow_up=FollowUp.OPEN if score <= Score.NOT_SATISFIED else FollowUp.NONE,
        )
        audit.record(None, "hall.rate", rating, after={"score": score, "ticket": ticket.number})
    return rating


def follow_up(actor, rating: Rating, note: str) -> Rating:
    """The supervisor records how a not-satisfied rating was followed up."""
    check_capability(actor, "hall.manage")
    note = (note or "").strip()
    if not note:
        raise ActionError(_("请填写跟进情况。"), "note")
    with transaction.atomic():
        rating = Rating.objects.visible_to(actor).select_for_update().filter(pk=rating.pk).first()
        if rating is None:
            raise ActionError(_("评价不存在。"), status=404)
        if rating.follow_up != FollowUp.OPEN:
            raise ActionError(_("该评价无需跟进或已跟进。"), status=409)
        rating.follow_up, rating.follow_up_note = FollowUp.DONE, note
        rating.save(update_fields=["follow_up", "follow_up_note"])
        audit.record(actor, "hall.follow_up", rating, after={"note": note[:200]})
    return rating
