"""The case loop's JSON API: categories, reporting, the filtered list, one case with its
timeline, every move of the transition table, the residents' rating link, the inbox.

Same rules as the pages: "cases.view" or 403; only cases in the caller's scope (or sent
to their department), 404 for one outside it; writes only through `cases.actions`, whose
refusals come back as JSON (400 with the field, 403, 409 for a stale `version`). Phones
leave only masked. Datetimes are ISO 8601 in Beijing time with the offset.
"""

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from gridgov.cases import actions, queries
from gridgov.cases.choices import Coordinates, Priority, Rating, Source
from gridgov.cases.models import Case, CaseEvent, Category, Notice
from gridgov.cases.notify import rating_link
from gridgov.cases.workflow import ACTION_LABELS, TRANSITIONS, allowed_actions
from gridgov.core.api import ERRORS, Id, Paging
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import get_visible_or_404
from gridgov.people.models import Resident
from gridgov.places.coords import to_wgs84

router = Router(tags=["cases"])
PAGE_SIZE = 50
STEPS = ("accept", "dispatch", "handle", "follow_up")


def _local(value):
    return timezone.localtime(value) if value is not None else None


# An aware datetime shown in the local time zone (2026-03-02T09:30:00+08:00).
LocalTime = Annotated[dt.datetime, AfterValidator(_local)]

# The moves of the transition table, named in the path (`rate` is refused: residents
# rate through their link).
CaseAction = enum.StrEnum("CaseAction", {a: a for (_s, a) in TRANSITIONS})


# --- schemas ------------------------------------------------------------------------


class LimitOut(Schema):
    amount: float
    unit: str
    unit_label: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_code: str
    kind: str
    standard: str
    limits: dict[str, LimitOut] = Field(
        ..., description="各环节时限：accept、dispatch、handle、follow_up"
    )
    default_department_id: int | None
    default_department_name: str | None = Field(None, alias="default_department.name")

    @staticmethod
    def resolve_limits(obj) -> dict:
        units = dict(obj._meta.get_field("accept_unit").choices)
        limits = {}
        for step in STEPS:
            amount, unit = obj.limit(step)
            limits[step] = {"amount": amount, "unit": unit, "unit_label": str(units.get(unit, ""))}
        return limits


class CaseRowOut(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    level: str
    priority: str
    source: str
    category_code: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    grid_id: int
    grid_name: str = Field(..., alias="grid.name")
    department_id: int | None
    department_name: str | None = Field(None, alias="department.name")
    reported_at: LocalTime
    due_at: LocalTime | None
    overdue: bool
    rework_count: int
    rating: str
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


class EventOut(Schema):
    action: str
    label: str
    actor_name: str
    from_status: str
    to_status: str
    note: str
    data: dict
    created_at: LocalTime

    @staticmethod
    def resolve_label(obj) -> str:
        return str(ACTION_LABELS.get(obj.action, obj.action))


class ContactOut(Schema):
    name: str
    phone_masked: str
    resident_id: int | None


class PhotoOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    created_at: LocalTime


class CaseOut(CaseRowOut):
    description: str
    source_ref: str
    lon: float | None
    lat: float | None
    address: str
    community_id: int
    street_id: int
    reporter_name: str
    assignee_id: int | None
    verifier_id: int | None
    verify_due_at: LocalTime | None
    merged_into: str | None = Field(None, alias="merged_into.number")
    result: str
    accepted_at: LocalTime | None
    dispatched_at: LocalTime | None
    handled_at: LocalTime | None
    followed_up_at: LocalTime | None
    closed_at: LocalTime | None
    handle_due_at: LocalTime | None
    suspended_at: LocalTime | None
    extension_count: int
    extension_amount: Decimal | None
    extension_reason: str
    rating_comment: str
    rated_at: LocalTime | None
    self_score: int | None
    events: list[EventOut]
    contacts: list[ContactOut]
    photos: list[PhotoOut]
    allowed_actions: list[str] = Field(..., description="调用者现在可以执行的操作")
    rating_link: str | None = Field(
        None, description="回访后生成的群众评价链接；只在回访这一次返回"
    )

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())

    @staticmethod
    def resolve_allowed_actions(obj) -> list:
        return obj.allowed

    @staticmethod
    def resolve_rating_link(obj) -> str | None:
        token = getattr(obj, "rating_token", None)
        return rating_link(token) if token else None


class DuplicateOut(Schema):
    id: int
    number: str
    title: str
    status: str
    distance_m: float
    reported_at: LocalTime


class ReportOut(CaseRowOut):
    """The new case as reported (its timeline and actions: GET /{id})."""

    lon: float | None
    lat: float | None
    address: str
    rating_link: str | None = Field(None, description="当场解决时生成的群众评价链接")
    duplicates: list[DuplicateOut] = Field(
        ..., description=f"同类别 {queries.DUPLICATE_RADIUS_M} 米内未结案件（可能重复）"
    )

    @staticmethod
    def resolve_rating_link(obj) -> str | None:
        token = getattr(obj, "rating_token", None)
        return rating_link(token) if token else None


class ContactIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")
    resident_id: Id | None = None


class ReportIn(Schema):
    category: str = Field(..., max_length=20, description="案件小类编码")
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    coords: Coordinates = Coordinates.WGS84
    grid: Id | None = Field(None, description="网格编号；给出经纬度时可省略")
    address: str = Field("", max_length=200)
    source: Source = Source.GRID_WORKER
    source_ref: str = Field("", max_length=64)
    priority: Priority = Priority.NORMAL
    reporter_name: str = Field("", max_length=50)
    contacts: list[ContactIn] = Field([], max_length=20)
    on_spot_result: str = Field("", max_length=2000, description="当场处置结果（自行处置）")
    follow_up_note: str = Field("", max_length=2000)
    rating: Rating | None = Field(None, description="当场处置时记录的群众评价")


class ActionIn(Schema):
    version: Id = Field(..., description="调用者看到的案件版本；已被他人改动则返回 409")
    reason: str = Field("", max_length=2000)
    result: str = Field("", max_length=2000)
    note: str = Field("", max_length=2000)
    department: Id | None = Field(None, description="处置部门编号（派遣）")
    due_at: dt.datetime | None = Field(None, description="处置时限（派遣，可省略）")
    worker: Id | None = Field(None, description="派去现场核实的网格员用户编号（派核实）")
    target: str = Field("", max_length=24, description="要合并到的案件编号")
    amount: Decimal | None = Field(
        None, gt=0, le=999, decimal_places=2, description="申请延期的时长，单位同类别处置时限"
    )
    rating: Rating | None = Field(None, description="回访时记录的群众评价")
    comment: str = Field("", max_length=300)


class RateIn(Schema):
    rating: str = Field(..., description="satisfied、basic 或 not_satisfied")
    comment: str = Field("", max_length=300)


class RatedOut(Schema):
    number: str
    status: str
    rating: str


class CaseFilter(Schema):
    """The list page's filters (read by `queries.parse_filters`; nonsense is ignored)."""

    status: str | None = None
    category: str | None = Field(None, description="类别编码；大类包括其小类")
    grid: Id | None = None
    community: Id | None = None
    department: Id | None = None
    source: str | None = None
    level: str | None = None
    overdue: bool | None = None
    open: bool | None = Field(None, description="只看未结案件")
    reported_from: dt.date | None = Field(
        None, alias="from", ge=queries.FIRST_DAY, le=queries.LAST_DAY
    )
    reported_to: dt.date | None = Field(None, alias="to", ge=queries.FIRST_DAY, le=queries.LAST_DAY)
    q: str | None = Field(None, max_length=50, description="案件编号或标题中的词")


class ReadOut(Schema):
    count: int = Field(..., description="标为已读的消息数")


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    message: str
    case_id: int | None
    case_number: str | None = Field(None, alias="case.number")
    created_at: LocalTime
    read_at: LocalTime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


# --- helpers ------------------------------------------------------------------------


def _user(request):
    check_capability(request.auth, "cases.view")
    return request.auth


def _detail_rows():
    return Case.objects.select_related(
        "category", "grid", "department", "merged_into"
    ).prefetch_related(
        Prefetch("events", CaseEvent.objects.order_by("id")),
        "contacts",
        "photos",
    )


def _detail(user, pk: int, *, scoped: bool = True, token: str | None = None) -> Case:
    """One case with what the detail shows. After a move the case may have left the
    caller's scope (a department returning it), so the answer to the move is unscoped."""
    rows = _detail_rows()
    case = get_visible_or_404(rows, user, pk=pk) if scoped else rows.get(pk=pk)
    case.allowed = allowed_actions(user, case)
    if token:
        case.rating_token = token
    return case


def _category(code: str) -> Category:
    found = Category.objects.current().filter(code=code.strip()).first()
    if found is None:
        raise ActionError(_("类别不存在或已停用。"), field="category")
    return found


def _contacts(user, contacts: list[ContactIn]) -> list[tuple]:
    """(name, phone, resident id); a linked resident must be one the caller sees."""
    ids = {c.resident_id for c in contacts if c.resident_id is not None}
    if ids and Resident.objects.visible_to(user).filter(pk__in=ids).count() != len(ids):
        raise ActionError(_("关联的居民不存在或不在您的管辖范围内。"), field="contacts")
    return [(c.name, c.phone, c.resident_id) for c in contacts]


def _duplicates(user, category, payload: ReportIn) -> list[dict]:
    """Open cases of the category near the point, computed before the new case exists."""
    if payload.lon is None or payload.lat is None:
        return []
    try:
        lon, lat = to_wgs84(payload.lon, payload.lat, payload.coords)
    except ValueError:
        return []
    return [
        {
            "id": c.id,
            "number": c.number,
            "title": c.title,
            "status": c.status,
            "distance_m": round(queries.distance_m(lon, lat, c.lon, c.lat), 1),
            "reported_at": c.reported_at,
        }
        for c in queries.nearby_open(user, category, lon, lat)
    ]


# --- endpoints ----------------------------------------------------------------------


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="案件类别")
def list_categories(request):
    """The categories in force today, big classes and their sub-classes, by code."""
    _user(request)
    return Category.objects.current().select_related("default_department").order_by("code")


@router.post("", response={201: ReportOut, **ERRORS}, summary="上报案件")
def report(request, payload: ReportIn):
    """Report a case (photos off here). The answer lists open cases of the same category
    nearby so the caller can see a likely duplicate."""
    user = _user(request)
    check_capability(user, "cases.report")
    category = _category(payload.category)
    duplicates = _duplicates(user, category, payload)
    case = actions.report_case(
        user,
        category=category,
        title=payload.title,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        coords=payload.coords,
        grid=payload.grid,
        address=payload.address,
        source=payload.source,
        source_ref=payload.source_ref,
        priority=payload.priority,
        reporter_name=payload.reporter_name,
        contacts=_contacts(user, payload.contacts),
        on_spot_result=payload.on_spot_result,
        follow_up_note=payload.follow_up_note,
        rating=payload.rating or "",
    )
    case.duplicates = duplicates
    return Status(201, case)


@router.get("", response={200: list[CaseRowOut], **ERRORS}, summary="案件列表")
@paginate(Paging, page_size=PAGE_SIZE)
def list_cases(request, filters: Query[CaseFilter]):
    """The same filters as the list page, newest first."""
    user = _user(request)
    params = {
        key: ("1" if value is True else "" if value is False else str(value))
        for key, value in filters.dict(by_alias=True, exclude_none=True).items()
    }
    return queries.filtered_cases(user, queries.parse_filters(params))


@router.get("/notices", response={200: list[NoticeOut], **ERRORS}, summary="我的消息")
@paginate(Paging, page_size=PAGE_SIZE)
def list_notices(request, unread: bool = False):
    """The caller's inbox: unread first, then newest first."""
    rows = Notice.objects.filter(recipient=request.auth)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return rows.select_related("case").order_by(unread_first.desc(), "-id")


@router.post("/notices/read", response={200: ReadOut, **ERRORS}, summary="全部标为已读")
def read_notices(request):
    """Every signed-in user has an inbox, so the inbox needs no case capability."""
    return {"count": actions.mark_notices_read(request.auth)}


@router.get("/{int:case_id}", response={200: CaseOut, **ERRORS}, summary="案件详情")
def get_case(request, case_id: Id):
    """One case with its timeline, the residents concerned (masked phones) and the
    actions the caller may take now."""
    return _detail(_user(request), case_id)


@router.post(
    "/{int:case_id}/actions/{action}",
    response={200: CaseOut, **ERRORS},
    summary="办理案件（受理、派遣、处置、回访、结案……）",
)
def act_on_case(request, case_id: Id, action: CaseAction, payload: ActionIn):
    """One move of the transition table. `version` is the one the caller saw: if someone
    else moved the case meanwhile the answer is 409 and nothing changes."""
    user = _user(request)
    case = get_visible_or_404(Case.objects, user, pk=case_id)
    due_at = payload.due_at
    if due_at is not None and timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    moved = actions.act(
        user,
        case,
        action.value,
        version=payload.version,
        reason=payload.reason.strip(),
        result=payload.result.strip(),
        note=payload.note.strip(),
        department=payload.department,
        worker=payload.worker,
        due_at=due_at,
        target=payload.target.strip(),
        amount=payload.amount,
        rating=payload.rating or "",
        comment=payload.comment.strip(),
    )
    return _detail(user, moved.pk, scoped=False, token=getattr(moved, "rating_token", None))


@router.post(
    "/rate/{token}",
    auth=None,
    response={200: RatedOut, **ERRORS},
    summary="群众评价（凭评价链接，无需登录）",
)
def rate(request, token: str, payload: RateIn):
    """A resident rates the result with the token of the link sent after the follow-up."""
    case = actions.rate_by_token(token, payload.rating, payload.comment)
    return {"number": case.number, "status": case.status, "rating": case.rating}
