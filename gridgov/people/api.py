"""Read endpoints of base data: residents, households, buildings, organizations, search.

Same rules as the pages: "people.view" or 403; only records in the caller's scope, and
404 for one outside it, exactly like a record that does not exist. ID and phone numbers
leave only masked; the search takes its text in a POST body, never in the URL.
"""

import datetime

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from gridgov.core.api import ERRORS, Id, Paging
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.protect import normalise
from gridgov.core.scope import get_visible_or_404
from gridgov.people import queries
from gridgov.people.choices import (
    HouseholdKind,
    OrganizationKind,
    Registration,
    ResidentStatus,
)
from gridgov.people.models import Household, Resident
from gridgov.places.models import Building, BuildingUse, Dwelling

router = Router(tags=["people"])
PAGE_SIZE = 50


# --- schemas ------------------------------------------------------------------------


class FocusTagOut(Schema):
    code: str = Field(..., alias="group.code")
    name: str = Field(..., alias="group.name")
    since: datetime.date | None


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    id_masked: str
    phone_masked: str
    registration: str
    status: str
    household_id: int
    household_number: str = Field(..., alias="household.number")
    dwelling: str
    grid_id: int

    @staticmethod
    def resolve_dwelling(obj) -> str:
        return str(obj.household.dwelling)


class ResidentDetailOut(ResidentOut):
    id_type: str
    ethnicity: str
    relation: str
    origin: str
    arrival_date: datetime.date | None
    education: str
    occupation: str
    work_unit: str
    status_date: datetime.date | None
    address: str = Field(..., alias="household.dwelling.building.address")
    focus: list[FocusTagOut]

    @staticmethod
    def resolve_focus(obj) -> list:
        return obj.tags


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    relation: str
    id_masked: str
    phone_masked: str
    registration: str
    status: str


class HouseholdOut(Schema):
    id: int
    number: str
    kind: str
    head_name: str | None = Field(None, alias="head.name")
    phone_masked: str
    member_count: int
    dwelling_id: int
    dwelling: str
    building_id: int = Field(..., alias="dwelling.building_id")
    address: str = Field(..., alias="dwelling.building.address")
    grid_id: int

    @staticmethod
    def resolve_dwelling(obj) -> str:
        return str(obj.dwelling)


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return obj.member_rows


class BuildingOut(Schema):
    id: int
    code: str
    name: str
    address: str
    use: str
    floors: int
    lon: float
    lat: float
    household_count: int
    head_name: str
    head_phone_masked: str
    property_company: str
    grid_id: int


class DwellingOut(Schema):
    id: int
    unit: str
    room: str
    use: str
    is_rental: bool
    households: int = Field(..., alias="n_households")


class BuildingDetailOut(BuildingOut):
    dwellings: list[DwellingOut]

    @staticmethod
    def resolve_dwellings(obj) -> list:
        return obj.dwelling_rows


class OrganizationOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    address: str
    building_id: int
    dwelling_id: int | None
    legal_representative: str
    contact_name: str
    contact_phone_masked: str
    employees: int
    is_key_unit: bool
    fire_safety_level: str
    grid_id: int


class SearchIn(Schema):
    text: str = Field(
        ..., max_length=200, description="姓名、拼音或首字母、证件号码、电话、地址、户号"
    )


class ResidentGroupOut(Schema):
    count: int
    more: bool
    items: list[ResidentOut] = Field(..., alias="rows")


class HouseholdGroupOut(Schema):
    count: int
    more: bool
    items: list[HouseholdOut] = Field(..., alias="rows")


class BuildingGroupOut(Schema):
    count: int
    more: bool
    items: list[BuildingOut] = Field(..., alias="rows")


class OrganizationGroupOut(Schema):
    count: int
    more: bool
    items: list[OrganizationOut] = Field(..., alias="rows")


class PeopleSearchOut(Schema):
    text: str = Field(..., description="查询内容；证件号码和电话以掩码返回")
    kind: str = Field(..., description="id、phone、chinese、pinyin 或 other")
    message: str = Field(..., description="不能查询时的原因，否则为空")
    residents: ResidentGroupOut
    households: HouseholdGroupOut
    buildings: BuildingGroupOut
    organizations: OrganizationGroupOut


# --- filters ------------------------------------------------------------------------


class ResidentFilter(Schema):
    grid: str | None = Field(None, description="网格代码")
    focus: str | None = Field(None, description="重点人群代码（只接受您可见的人群）")
    registration: Registration | None = None
    status: ResidentStatus | None = None
    q: str | None = Field(None, max_length=queries.MAX_TEXT, description="姓名、拼音或首字母")


class HouseholdFilter(Schema):
    grid: str | None = Field(None, description="网格代码")
    kind: HouseholdKind | None = None
    building: Id | None = Field(None, description="楼宇编号")
    q: str | None = Field(None, max_length=queries.MAX_TEXT, description="户号前缀")


class BuildingFilter(Schema):
    grid: str | None = Field(None, description="网格代码")
    use: BuildingUse | None = None
    q: str | None = Field(None, max_length=queries.MAX_TEXT, description="名称、地址或编码")


class OrganizationFilter(Schema):
    grid: str | None = Field(None, description="网格代码")
    kind: OrganizationKind | None = None
    key_unit: bool | None = Field(None, description="只看（或排除）重点单位")
    building: Id | None = Field(None, description="楼宇编号")
    q: str | None = Field(None, max_length=queries.MAX_TEXT, description="名称或信用代码")


# --- helpers ------------------------------------------------------------------------


def _user(request):
    check_capability(request.auth, queries.VIEW)
    return request.auth


def _grid(user, code: str | None):
    """The grid named by its code, if the caller sees it; else a 400 on `grid`."""
    if not code:
        return None
    for grid in queries.visible_grids(user):
        if grid.code == code:
            return grid
    raise ActionError(_("网格不存在或不在您的管辖范围内。"), "grid")


def _focus(user, code: str | None):
    if not code:
        return None
    for group in queries.visible_focus_groups(user):
        if group.code == code:
            return group
    raise ActionError(_("没有这个重点人群，或您的角色不能查看它。"), "focus")


def _building(user, pk: int | None):
    if pk is None:
        return None
    found = Building.objects.visible_to(user).filter(pk=pk).only("id").first()
    if found is None:
        raise ActionError(_("楼宇不存在或不在您的管辖范围内。"), "building")
    return found


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- endpoints ----------------------------------------------------------------------


@router.get("/residents", response={200: list[ResidentOut], **ERRORS}, summary="居民列表")
@paginate(Paging, page_size=PAGE_SIZE)
def list_residents(request, filters: Query[ResidentFilter]):
    user = _user(request)
    return queries.resident_list(
        user,
        grid=_grid(user, filters.grid),
        focus=_focus(user, filters.focus),
        registration=filters.registration or "",
        status=filters.status or "",
        q=_text(filters.q),
    )


@router.get(
    "/residents/{resident_id}", response={200: ResidentDetailOut, **ERRORS}, summary="居民详情"
)
def get_resident(request, resident_id: Id):
    user = _user(request)
    groups = queries.visible_focus_groups(user)
    rows = Resident.objects.select_related("household__dwelling__building").defer(
        "id_cipher", "phone_cipher", "household__dwelling__building__footprint"
    )
    resident = get_visible_or_404(rows, user, pk=resident_id)
    resident.tags = list(
        resident.focus.filter(group__in=groups, ended_on__isnull=True).select_related("group")
    )
    return resident


@router.get("/households", response={200: list[HouseholdOut], **ERRORS}, summary="住户列表")
@paginate(Paging, page_size=PAGE_SIZE)
def list_households(request, filters: Query[HouseholdFilter]):
    user = _user(request)
    return queries.household_list(
        user,
        grid=_grid(user, filters.grid),
        kind=filters.kind or "",
        building=_building(user, filters.building),
        q=_text(filters.q),
    )


@router.get(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="住户详情（含成员）",
)
def get_household(request, household_id: Id):
    user = _user(request)
    household = get_visible_or_404(queries.household_rows(Household.objects), user, pk=household_id)
    household.member_rows = list(
        household.members.defer("id_cipher", "phone_cipher").order_by("id")
    )
    return household


@router.get("/buildings", response={200: list[BuildingOut], **ERRORS}, summary="楼宇列表")
@paginate(Paging, page_size=PAGE_SIZE)
def list_buildings(request, filters: Query[BuildingFilter]):
    user = _user(request)
    return queries.building_list(
        user, grid=_grid(user, filters.grid), use=filters.use or "", q=_text(filters.q)
    )


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingDetailOut, **ERRORS},
    summary="楼宇详情（含房屋）",
)
def get_building(request, building_id: Id):
    user = _user(request)
    building = get_visible_or_404(queries.building_rows(Building.objects), user, pk=building_id)
    building.dwelling_rows = list(
        Dwelling.objects.visible_to(user)
        .filter(building=building)
        .annotate(n_households=Count("households"))
        .order_by("unit", "room")
    )
    return building


@router.get("/organizations", response={200: list[OrganizationOut], **ERRORS}, summary="单位列表")
@paginate(Paging, page_size=PAGE_SIZE)
def list_organizations(request, filters: Query[OrganizationFilter]):
    user = _user(request)
    return queries.organization_list(
        user,
        grid=_grid(user, filters.grid),
        kind=filters.kind or "",
        key_unit=filters.key_unit,
        building=_building(user, filters.building),
        q=_text(filters.q),
    )


@router.post("/search", response={200: PeopleSearchOut, **ERRORS}, summary="人口查询")
def search(request, payload: SearchIn):
    """One search over residents, households, buildings and organizations in scope, by
    name, pinyin or initials, ID number, phone, address or household number."""
    results = queries.search(_user(request), payload.text)
    masker = {"id": mask_id_number, "phone": mask_phone}.get(results.kind)
    if masker:
        results.text = masker(normalise(results.text))
    return results
