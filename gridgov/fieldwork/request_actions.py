"""Residents' requests (群众诉求): recording one (from a visit, a phone call, a walk-in or
a diary item) and each move of its loop (`request_workflow`), every one with a
timeline row and its audit row. See `fieldwork.checks` for the shared rules.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Department
from gridgov.cases.choices import Priority, Source
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork.checks import (
    RECORD,
    check_in_scope,
    choice,
    clean_text,
    moment,
    not_found,
    once,
    report_from,
    visible,
    visible_case,
    worker_grid,
)
from gridgov.fieldwork.choices import RequestChannel
from gridgov.fieldwork.models import DiaryItem, Request, RequestEvent, Visit
from gridgov.fieldwork.request_workflow import ACTION_LABELS, MOVES
from gridgov.people.models import Household, Resident
from gridgov.places.models import Area

REQUEST_FIELDS = (
    "requester",
    "requester_name",
    "household",
    "channel",
    "status",
    "case",
    "department",
    "passed_to",
    "visit",
    "diary_item",
)


def _event(request, actor, action, from_status, note, at) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        action=action,
        from_status=from_status,
        to_status=request.status,
        actor=actor,
        note=note,
        at=at,
    )


def record_request(
    actor,
    *,
    content,
    channel,
    requester=None,
    requester_name: str = "",
    household=None,
    grid=None,
    visit=None,
    diary_item=None,
    recorded_at=None,
    client_id=None,
) -> Request:
    """Record a resident's request. The requester is a resident of the base in the
    actor's scope, or a name as given; the request is placed where the requester's
    household is, else where its visit or diary item was made, else in the actor's grid.
    """
    check_capability(actor, RECORD)

    def create(client_id):
        person = visible(Resident, actor, requester, "requester")
        home = visible(Household, actor, household, "household")
        if person is not None:
            home = home or person.household
        name = (
            person.name if person else clean_text(requester_name, 50, "requester_name", _("诉求人"))
        )
        if not name:
            raise ActionError(_("请选择诉求人或填写姓名。"), "requester_name")
        source = _source(actor, visit, diary_item)
        request = Request(
            requester=person,
            requester_name=name,
            household=home,
            content=clean_text(content, 2000, "content", _("诉求内容"), required=True),
            channel=choice(channel, RequestChannel, "channel", _("渠道")),
            recorded_by=actor,
            recorded_at=moment(recorded_at, "recorded_at"),
            client_id=client_id,
            **source,
        )
        origin = source.get("visit") or getattr(source.get("diary_item"), "entry", None)
        if home is not None:
            request.place_like(home)
        elif origin is not None:
            request.place_like(origin)
        else:
            request.place_in(worker_grid(actor, grid))
        check_in_scope(actor, request)
        with transaction.atomic():
            request.save()
            _event(request, actor, "record", "", request.content[:200], request.recorded_at)
            audit.record(
                actor, "request.record", request, after=audit.snapshot(request, REQUEST_FIELDS)
            )
        return request

    return once(Request, client_id, actor, "recorded_by", create)


def _source(actor, visit, diary_item) -> dict:
    """The visit or diary item the request came from, checked in the actor's scope."""
    if visit is not None:
        visit = visit if isinstance(visit, Visit) else visible(Visit, actor, visit, "visit")
        return {"visit": visit}
    if diary_item is not None:
        if not isinstance(diary_item, DiaryItem):
            diary_item = visible(DiaryItem, actor, diary_item, "diary_item")
        diary_item = DiaryItem.objects.select_related("entry").get(pk=diary_item.pk)
        if Request.objects.filter(diary_item=diary_item).exists():
            raise ActionError(_("该日志条目已转为诉求。"), status=409)
        return {"diary_item": diary_item}
    return {}


def move_request(
    actor,
    request: Request,
    action: str,
    *,
    case=None,
    raise_case: dict | None = None,
    department=None,
    passed_to: str = "",
    answer: str = "",
    note: str = "",
) -> Request:
    """Make one move of the request loop (`request_workflow.MOVES`) as `actor`."""
    check_in_scope(actor, request)
    now = timezone.now()
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        move = MOVES.get(action)
        if move is None or move.source != request.status:
            raise ActionError(
                _("诉求当前状态为“%(status)s”，不能“%(action)s”。")
                % {
                    "status": request.get_status_display(),
                    "action": ACTION_LABELS.get(action, action),
                },
                status=409,
            )
        before = audit.snapshot(request, REQUEST_FIELDS)
        if action == "pass_on":
            note = _pass_on(actor, request, case, raise_case, department, passed_to)
        elif action == "answer":
            request.answer = clean_text(answer, 2000, "answer", _("答复内容"), required=True)
            note = request.answer
        else:
            note = clean_text(note, 200, "note", _("告知情况"), required=True)
        from_status = request.status
        request.status = move.target
        setattr(request, move.stamp, now)
        request.save()
        _event(request, actor, action, from_status, note[:500], now)
        after = audit.snapshot(request, REQUEST_FIELDS)
        audit.record(actor, f"request.{action}", request, before=before, after=after)
    return request


def _pass_on(actor, request, case, raise_case, department, passed_to) -> str:
    """Set where the request goes; the timeline's note naming it."""
    given = [x for x in (case, raise_case, department, passed_to) if x not in (None, "", {})]
    if len(given) != 1:
        raise ActionError(_("请选择转为案件、转给部门或转给具体人员中的一种。"), "passed_to")
    if case not in (None, ""):
        request.case = visible_case(actor, case)
        return _("转为案件 %(number)s") % {"number": request.case.number}
    if raise_case:
        request.save()  # the case's source_ref names the request, which exists by now
        inputs = {"description": request.content, "priority": Priority.NORMAL} | raise_case
        request.case = report_from(
            actor,
            grid=Area.objects.get(pk=request.grid_id),
            source=Source.RESIDENT,
            source_ref=f"request:{request.pk}",
            address="",
            **inputs,
        )
        return _("转为案件 %(number)s") % {"number": request.case.number}
    if department not in (None, ""):
        request.department = _department(request, department)
        return _("转给 %(name)s") % {"name": request.department.name}
    request.passed_to = clean_text(passed_to, 100, "passed_to", _("转办对象"), required=True)
    return _("转给 %(name)s") % {"name": request.passed_to}


def _department(request, department) -> Department:
    """An active department serving the request's street (inside it, or above it)."""
    pk = department.pk if hasattr(department, "pk") else department
    found = Department.objects.select_related("area").filter(pk=pk, is_active=True).first()
    street = Area.objects.only("path").get(pk=request.street_id)
    if found is None or not (
        street.path.startswith(found.area.path) or found.area.path.startswith(street.path)
    ):
        raise not_found("department")
    return found
