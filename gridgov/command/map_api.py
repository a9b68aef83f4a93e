"""The map's data API at /api/v1/map/: the layers (GeoJSON), the heat of cases, the
live feed, the search box, a worker's trail and the nearest workers to a case.

Only for roles with "command.map" (403 otherwise); every answer is limited to the
caller's scope, and a record outside it is a 404. The layers answer gzipped JSON with
an ETag, straight from the cache when nothing in scope changed (see `layers`).

    GET /layers/{layer}?bbox=w,s,e,n   areas | buildings | cameras | cases | workers
    GET /heat?days=30                  {"days", "points": [[lat, lon, weight], …]}
    GET /feed?after=<event id>         {"cursor", "items": [...]}, polled every few seconds
    GET /search?q=…                    {"results": [...]} at most 10
    GET /trail/{user_id}?hours=4       a GeoJSON LineString Feature
    GET /cases/{case_id}/nearest-workers   {"workers": [...]} the 5 nearest on duty
"""

import enum
import re
from typing import Annotated

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from gridgov.cases.models import Case
from gridgov.command import layers, queries
from gridgov.core.api import ERRORS, Id
from gridgov.core.errors import check_capability
from gridgov.core.scope import get_visible_or_404

router = Router(tags=["map"])

LayerName = enum.StrEnum("LayerName", {name: name for name in layers.LAYERS})
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
HEAT_CACHE_SECONDS = 60


def _allowed(request) -> None:
    check_capability(request.user, "command.map")


# -- layers ---------------------------------------------------------------------------


class FeatureCollectionOut(Schema):
    type: str = Field("FeatureCollection")
    cursor: int | None = Field(
        None, description="仅案件图层：图层已包含的最新动态编号，此后的变化由案件动态补上"
    )
    features: list[dict]


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(tag.removeprefix("W/") == etag for tag in parse_etags(header))


def layer_response(request, payload: layers.Payload) -> HttpResponse:
    """The payload as HTTP: 304 for a client that has it, gzip for one that takes it."""
    etag = f'W/"{payload.etag}"'
    headers = {"ETag": etag, "Vary": "Accept-Encoding", "Cache-Control": "private, no-cache"}
    if _etag_matches(request.headers.get("If-None-Match", ""), f'"{payload.etag}"'):
        response = HttpResponseNotModified()
    elif _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(payload.gzip, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(payload.json, content_type="application/json")
    for name, value in headers.items():
        response[name] = value
    return response


@router.get(
    "/layers/{layer}",
    response={200: FeatureCollectionOut, 304: None, **ERRORS},
    summary="地图图层（GeoJSON）",
)
def layer(request, layer: LayerName, bbox: str | None = None):
    """A layer's features in the caller's scope, within `bbox` (west,south,east,north in
    WGS84) if given. Gzipped when the client accepts it; `If-None-Match` with the last
    ETag answers 304 when nothing changed. The cases layer may be up to a second old:
    its `cursor` says which feed events it holds."""
    _allowed(request)
    box = layers.parse_bbox(bbox)
    return layer_response(request, layers.layer_payload(request.user, layer.value, box))


# -- heat, feed, search ---------------------------------------------------------------


# [lat, lon, count]: a list of three, not a tuple, whose schema (`prefixItems`) some
# OpenAPI 3.1 tools reject.
HeatPoint = Annotated[list[float], Field(min_length=3, max_length=3)]


class HeatOut(Schema):
    days: int
    points: list[HeatPoint] = Field(..., description="[纬度, 经度, 案件数]，按 4 位小数合并")


@router.get("/heat", response={200: HeatOut, **ERRORS}, summary="案件热力")
def heat(request, days: int = Query(30, ge=1, le=366)):
    """Cases reported in the last `days` in the caller's scope. A period's overview:
    kept for a minute (a year of a street's cases takes a moment to add up)."""
    _allowed(request)
    user = request.user
    key = f"gridgov:map:heat:{layers.scope_key(user)}:u{user.pk}:{days}"
    points = cache.get(key)
    if points is None:
        points = queries.heat(user, days)
        cache.set(key, points, HEAT_CACHE_SECONDS)
    return {"days": days, "points": points}


class FeedItemOut(Schema):
    event_id: int
    case_id: int
    number: str
    title: str
    status: str
    status_label: str
    priority: str
    action: str
    action_label: str
    lon: float | None
    lat: float | None
    at: str
    overdue: bool
    source: str


class FeedOut(Schema):
    cursor: int = Field(..., description="下次轮询时作为 after 传回")
    items: list[FeedItemOut]


@router.get("/feed", response={200: FeedOut, **ERRORS}, summary="案件动态")
def feed(request, after: int | None = Query(None, ge=0, le=2**63 - 1)):
    """Timeline events of the cases in scope after the cursor, oldest first (at most 50);
    without `after`, the latest 20. Cheap enough to poll every few seconds."""
    _allowed(request)
    return queries.feed(request.user, after)


class SearchResultOut(Schema):
    kind: str = Field(..., description="case、grid、community、building、camera 或 address")
    id: int
    label: str
    sub: str
    lon: float | None
    lat: float | None
    bounds: list[float] | None = Field(None, description="[西, 南, 东, 北]，区域才有")


class MapSearchOut(Schema):
    results: list[SearchResultOut]


@router.get("/search", response={200: MapSearchOut, **ERRORS}, summary="地图搜索")
def search(request, q: str = Query(..., min_length=1, max_length=50)):
    _allowed(request)
    if not q.strip():
        raise HttpError(422, _("请输入要搜索的内容。"))
    return {"results": queries.search(request.user, q)}


# -- workers --------------------------------------------------------------------------


@router.get(
    "/trail/{user_id}",
    response={200: dict, **ERRORS},
    summary="网格员轨迹",
)
def trail(request, user_id: Id, hours: int = Query(4, ge=1, le=24)):
    """The worker's positions of the last hours as a LineString, with the time of each
    point in `properties.times`."""
    _allowed(request)
    found = queries.trail(request.user, user_id, hours)
    if found is None:
        raise Http404
    return found


class NearWorkerOut(Schema):
    id: int
    name: str
    grid: str
    distance_m: int
    recorded_at: str
    stale: bool


class NearWorkersOut(Schema):
    workers: list[NearWorkerOut]


@router.get(
    "/cases/{case_id}/nearest-workers",
    response={200: NearWorkersOut, **ERRORS},
    summary="就近在岗网格员",
)
def nearest_workers(request, case_id: Id):
    _allowed(request)
    case = get_visible_or_404(Case.objects.all(), request.user, pk=case_id)
    return {"workers": queries.nearest_workers(case, request.user)}
