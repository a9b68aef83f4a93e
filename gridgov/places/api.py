"""Area tree endpoints: list, one area, its boundaries as GeoJSON, create, edit."""

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.core.api import ERRORS, Paging
from gridgov.core.errors import check_capability
from gridgov.places import actions
from gridgov.places.models import Area, Level

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None = Field(None, alias="parent.code")
    center_lon: float | None
    center_lat: float | None
    area_m2: float | None


class AreaDetailOut(AreaOut):
    boundary: dict | None


# An area's code in a path: digits only, so text the database cannot compare (a NUL)
# is a 422 before any query.
CODE = r"^\d{6,15}$"


class AreaFilter(Schema):
    level: Level | None = None
    parent: str | None = Field(None, description="上级代码：只列出它的直接下级")
    q: str | None = Field(None, max_length=50, description="代码前缀或名称片段")


class AreaCreateIn(Schema):
    code: str = Field(..., min_length=6, max_length=15, pattern=r"^\d+$")
    name: str = Field(..., min_length=1, max_length=50)
    parent_code: str | None = Field(None, pattern=r"^\d+$")
    boundary: dict | None = None


class AreaUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    boundary: dict | None = None


def _visible(request):
    check_capability(request.auth, "areas.view")
    return Area.objects.visible_to(request.auth).select_related("parent")


def _get(request, code: str) -> Area:
    try:
        return _visible(request).get(code=code)
    except Area.DoesNotExist:
        raise Http404 from None


@router.get("", response={200: list[AreaOut], **ERRORS}, summary="区域列表")
@paginate(Paging, page_size=100)
def list_areas(request, filters: Query[AreaFilter]):
    qs = _visible(request).current().defer("boundary")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    if filters.q:
        qs = qs.filter(code__startswith=filters.q) | qs.filter(name__contains=filters.q)
    return qs.order_by("code")


@router.get("/geojson", response={200: dict, **ERRORS}, summary="区域边界（GeoJSON）")
def areas_geojson(request, parent: str | None = None, level: Level | None = None):
    """Boundaries as a FeatureCollection for maps: the children of `parent`, or one level."""
    qs = _visible(request).filter(boundary__isnull=False)
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    features = [
        {
            "type": "Feature",
            "geometry": area.boundary,
            "properties": {"code": area.code, "name": area.name, "level": area.level},
        }
        for area in qs.order_by("code")[:2000]
    ]
    return {"type": "FeatureCollection", "features": features}


@router.get("/{code}", response={200: AreaDetailOut, **ERRORS}, summary="区域详情")
def get_area(request, code: str = Path(..., pattern=CODE)):
    return _get(request, code)


@router.post("", response={201: AreaDetailOut, **ERRORS}, summary="新建区域")
def create_area(request, payload: AreaCreateIn):
    parent = _get(request, payload.parent_code) if payload.parent_code else None
    area = actions.create_area(
        request.auth, code=payload.code, name=payload.name, parent=parent, boundary=payload.boundary
    )
    return Status(201, area)


@router.patch("/{code}", response={200: AreaDetailOut, **ERRORS}, summary="修改区域名称或边界")
def update_area(request, payload: AreaUpdateIn, code: str = Path(..., pattern=CODE)):
    area = _get(request, code)
    changes = payload.dict(exclude_unset=True)
    actions.update_area(
        request.auth, area, name=changes.get("name"), boundary=changes.get("boundary", ...)
    )
    return area
