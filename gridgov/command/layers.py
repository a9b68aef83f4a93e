"""The map's layers as GeoJSON: areas, buildings, cameras, open cases and the grid
workers' last positions, each limited to the user's scope and, if given, a bbox.

Built for speed, since a wall screen and every dispatcher's laptop ask for them: rows
come as tuples (`values_list`, no model instances), go into plain dicts, are dumped
once as compact JSON and gzipped once. The gzip bytes are cached per layer, language,
the user's scope and bbox, together with a *signature* of the rows in scope: a cheap
aggregate (count, last change, and what moves with the clock: how many cases are
overdue, how many workers stale) read on every request. A request whose signature
matches the cached one is served from the cache; anything that changes the answer
changes the signature, so nothing needs to be told to forget the cache.

Writes that use `QuerySet.update()` do not touch `updated_at`; the signatures read
the columns such writes do change (a camera's heartbeat, a building's household
count), and a cached answer lives at most `CACHE_SECONDS` for the rest (a renamed
grid worker).

The cases layer changes with every case reported or moved, and during an incident
that is many times a second, just when every screen watches it: rebuilt on each
change it would be rebuilt on every request. So it is checked at most once per
`FRESH_FOR` per scope (and per process: the cache is each worker's own): within that
time the last answer is served as it is. It carries the feed's `cursor` it is current
to, and the page applies the live feed's later events over it, so a new or moved case
shows as soon as the feed brings it, whether or not the layer has caught up.
"""

import datetime as dt
import gzip
import hashlib
import json
import math
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import OPEN_STATUSES
from gridgov.cases.models import Case, overdue_q
from gridgov.command.models import Camera, WorkerLocation
from gridgov.command.queries import STALE_AFTER, feed_cursor, iso, person_name, status_labels
from gridgov.core.errors import ActionError
from gridgov.core.scope import scope_of
from gridgov.places.models import Area, Building, Level

LAYERS = ("areas", "buildings", "cameras", "cases", "workers")
AREA_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)
CACHE_SECONDS = 600
FRESH_FOR = dt.timedelta(seconds=1)
GZIP_LEVEL = 6
DECIMALS = 6

Bbox = tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class Payload:
    """One layer's answer: its gzipped JSON and the ETag naming its content."""

    etag: str
    gzip: bytes

    @property
    def json(self) -> bytes:
        return gzip.decompress(self.gzip)


def parse_bbox(text: str | None) -> Bbox | None:
    """ "w,s,e,n" in WGS84 degrees → a tuple; None when not given. Anything else is
    refused (422) with a message saying what is expected."""
    if text is None or not text.strip():
        return None
    parts = text.split(",")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise ActionError(
            _("视野范围 bbox 应为“西,南,东,北”四个经纬度数字，用英文逗号分隔。"),
            field="bbox",
            status=422,
        ) from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ActionError(_("视野范围 bbox 含有无效数字。"), field="bbox", status=422)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ActionError(
            _(
                "视野范围 bbox 不正确：经度在 -180 到 180 之间、纬度在 -90 到 90 之间，且西小于东、南小于北。"
            ),
            field="bbox",
            status=422,
        )
    return (round(w, DECIMALS), round(s, DECIMALS), round(e, DECIMALS), round(n, DECIMALS))


def scope_key(user) -> str:
    """A short name for what the user may see: users with the same assignments share
    cached layers."""
    scope = scope_of(user)
    raw = repr(
        (
            sorted(scope.street_ids),
            sorted(scope.community_ids),
            sorted(scope.grid_ids),
            scope.area_paths,
            sorted(scope.department_ids),
        )
    )
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def _in_bbox(qs, bbox: Bbox | None):
    if bbox is None:
        return qs
    w, s, e, n = bbox
    return qs.filter(lon__gte=w, lon__lte=e, lat__gte=s, lat__lte=n)


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


# -- the layers -----------------------------------------------------------------------
#
# Each layer is a queryset of its rows in scope (`_rows`), the signature of those rows
# and the features built from them. `now` is fixed once per request, so the signature
# and the features agree on what is overdue or stale.


def _area_rows(user, bbox):
    return Area.objects.visible_to(user).current().filter(level__in=AREA_LEVELS)


def _area_workers(areas):
    return RoleAssignment.objects.filter(
        role=Role.GRID_WORKER,
        area_id__in=areas.filter(level=Level.GRID).values("id"),
        user__is_active=True,
    )


def _areas_signature(rows, now):
    mine = rows.aggregate(n=Count("id"), changed=Max("updated_at"))
    workers = _area_workers(rows).aggregate(
        n=Count("id"), last=Max("id"), roles=Sum("user__access_version")
    )
    return (*mine.values(), *workers.values())


def _rounded_ring(ring) -> list:
    return [[round(p[0], DECIMALS), round(p[1], DECIMALS)] for p in ring]


def _area_geometry(boundary) -> tuple[dict, tuple] | None:
    """(rounded geometry, (w, s, e, n)) of a stored boundary, or None without one."""
    if isinstance(boundary, dict) and boundary.get("type") == "Feature":
        boundary = boundary.get("geometry")
    if not isinstance(boundary, dict):
        return None
    kind, coords = boundary.get("type"), boundary.get("coordinates")
    if kind == "Polygon" and coords:
        polygons = [[_rounded_ring(ring) for ring in coords]]
        geometry = {"type": kind, "coordinates": polygons[0]}
    elif kind == "MultiPolygon" and coords:
        polygons = [[_rounded_ring(ring) for ring in polygon] for polygon in coords]
        geometry = {"type": kind, "coordinates": polygons}
    else:
        return None
    xs = [p[0] for polygon in polygons for p in polygon[0]]
    ys = [p[1] for polygon in polygons for p in polygon[0]]
    return geometry, (min(xs), min(ys), max(xs), max(ys))


def _overlaps(bounds, bbox) -> bool:
    w, s, e, n = bbox
    return not (bounds[2] < w or bounds[0] > e or bounds[3] < s or bounds[1] > n)


def _areas_features(rows, bbox, now) -> list[dict]:
    names: dict[int, list[str]] = {}
    for area_id, full_name, username in (
        _area_workers(rows)
        .order_by("area_id", "user__full_name", "user__username")
        .values_list("area_id", "user__full_name", "user__username")
    ):
        names.setdefault(area_id, []).append(person_name(full_name, username))
    features = []
    for area_id, level, code, name, boundary in rows.order_by("path").values_list(
        "id", "level", "code", "name", "boundary"
    ):
        shaped = _area_geometry(boundary)
        if shaped is None or (bbox is not None and not _overlaps(shaped[1], bbox)):
            continue
        worker = "、".join(names[area_id]) if level == Level.GRID and area_id in names else None
        features.append(
            _feature(
                shaped[0],
                {"id": area_id, "level": level, "code": code, "name": name, "worker": worker},
            )
        )
    return features


def _building_rows(user, bbox):
    return _in_bbox(Building.objects.visible_to(user), bbox)


def _buildings_signature(rows, now):
    # household_count is kept by update(), which leaves updated_at alone: the weighted
    # sum changes whenever a household moves from one building to another.
    weighted = Sum(F("id") * F("household_count"), output_field=BigIntegerField())
    found = rows.aggregate(n=Count("id"), changed=Max("updated_at"), households=weighted)
    return tuple(found.values())


def _buildings_features(rows, bbox, now) -> list[dict]:
    return [
        _feature(_point(lon, lat), {"id": i, "name": name, "households": households})
        for i, name, households, lon, lat in rows.order_by("id").values_list(
            "id", "name", "household_count", "lon", "lat"
        )
    ]


def _camera_rows(user, bbox):
    return _in_bbox(Camera.objects.visible_to(user), bbox)


def _cameras_signature(rows, now):
    # Heartbeats change status and last_heartbeat_at by update(), not updated_at.
    found = rows.aggregate(n=Count("id"), changed=Max("updated_at"), beat=Max("last_heartbeat_at"))
    return tuple(found.values())


def _cameras_features(rows, bbox, now) -> list[dict]:
    columns = ("id", "code", "name", "status", "kind", "direction", "fov", "lon", "lat")
    return [
        _feature(
            _point(lon, lat),
            {
                "id": i,
                "code": code,
                "name": name,
                "status": status,
                "kind": kind,
                "direction": direction,
                "fov": fov,
            },
        )
        for i, code, name, status, kind, direction, fov, lon, lat in rows.order_by(
            "id"
        ).values_list(*columns)
    ]


def _case_rows(user, bbox):
    located = Q(status__rare_in=OPEN_STATUSES, lon__isnull=False, lat__isnull=False)
    open_here = Case.objects.visible_to(user, located, rare=True)
    return _in_bbox(open_here, bbox)


def _cases_signature(rows, now):
    # "Overdue" moves with the clock: counting the overdue cases catches the moment
    # one more passes its due time, without throwing the cache away every minute.
    found = rows.aggregate(
        n=Count("id"), changed=Max("updated_at"), overdue=Count("id", filter=overdue_q(now))
    )
    return tuple(found.values())


def _cases_features(rows, bbox, now) -> list[dict]:
    labels = status_labels()
    # "Overdue" is worked out by the database: turning two datetimes a row into Python
    # objects would cost more than the rest of the layer.
    overdue = ExpressionWrapper(overdue_q(now), output_field=BooleanField())
    columns = ("id", "number", "title", "status", "priority", "category__name", "level")
    # Sorted here: asked to sort, SQLite reads the whole table in id order instead of
    # the (street, status) index.
    found = sorted(rows.order_by().values_list(*columns, "lon", "lat", overdue))
    features = []
    for i, number, title, status, priority, category, level, lon, lat, late in found:
        properties = {
            "id": i,
            "number": number,
            "title": title,
            "status": status,
            "status_label": labels.get(status, status),
            "overdue": bool(late),
            "priority": priority,
            "category": category,
            "level": level,
        }
        features.append(_feature(_point(lon, lat), properties))
    return features


def _worker_rows(user, bbox):
    return _in_bbox(WorkerLocation.objects.visible_to(user), bbox)


def _workers_signature(rows, now):
    found = rows.aggregate(
        n=Count("user_id"),
        last=Max("recorded_at"),
        stale=Count("user_id", filter=Q(recorded_at__lt=now - STALE_AFTER)),
    )
    return tuple(found.values())


def _workers_features(rows, bbox, now) -> list[dict]:
    columns = (
        "user_id",
        "user__full_name",
        "user__username",
        "grid__name",
        "recorded_at",
        "accuracy",
        "lon",
        "lat",
    )
    return [
        _feature(
            _point(lon, lat),
            {
                "id": user_id,
                "name": person_name(full_name, username),
                "grid": grid,
                "recorded_at": iso(recorded_at),
                "stale": recorded_at < now - STALE_AFTER,
                "accuracy": None if accuracy is None else round(accuracy, 1),
            },
        )
        for user_id, full_name, username, grid, recorded_at, accuracy, lon, lat in rows.order_by(
            "user_id"
        ).values_list(*columns)
    ]


@dataclass(frozen=True)
class _Layer:
    rows: object
    signature: object
    features: object
    # The cases a user sees also depend on who they are (the ones they were sent to
    # verify), not only on their assignments.
    per_user: bool = False
    # How long an answer is served without reading the signature again.
    fresh_for: dt.timedelta = dt.timedelta(0)
    # Whether the answer says up to which feed event it is current (`cursor`).
    follows_feed: bool = False


_LAYERS = {
    "areas": _Layer(_area_rows, _areas_signature, _areas_features),
    "buildings": _Layer(_building_rows, _buildings_signature, _buildings_features),
    "cameras": _Layer(_camera_rows, _cameras_signature, _cameras_features),
    "cases": _Layer(
        _case_rows,
        _cases_signature,
        _cases_features,
        per_user=True,
        fresh_for=FRESH_FOR,
        follows_feed=True,
    ),
    "workers": _Layer(_worker_rows, _workers_signature, _workers_features),
}


def dumps(data) -> bytes:
    """Compact JSON (no spaces, Chinese as is): the form every layer is sent in."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _collection(spec: _Layer, rows, bbox: Bbox | None, now: dt.datetime) -> bytes:
    head = {"type": "FeatureCollection"}
    if spec.follows_feed:
        # Read before the rows: every event up to the cursor is in the features.
        head["cursor"] = feed_cursor()
    return dumps({**head, "features": spec.features(rows, bbox, now)})


def layer_json(user, layer: str, bbox: Bbox | None = None, now: dt.datetime | None = None):
    """The layer's FeatureCollection as JSON bytes, built afresh (no cache)."""
    spec = _LAYERS[layer]
    return _collection(spec, spec.rows(user, bbox), bbox, now or timezone.now())


def _cache_key(user, layer: str, bbox: Bbox | None) -> str:
    who = scope_key(user) + (f":u{user.pk}" if _LAYERS[layer].per_user else "")
    where = ",".join(repr(v) for v in bbox) if bbox else "all"
    return f"gridgov:map:{layer}:{translation.get_language()}:{who}:{where}"


@dataclass(frozen=True)
class _Cached:
    """A cached answer, the signature it was built for and when that signature was
    last found unchanged."""

    signature: tuple
    payload: Payload
    checked_at: dt.datetime

    def fresh(self, spec: _Layer, now: dt.datetime) -> bool:
        return dt.timedelta(0) <= now - self.checked_at < spec.fresh_for


def layer_payload(
    user, layer: str, bbox: Bbox | None = None, now: dt.datetime | None = None
) -> Payload:
    """The layer for this user: from the cache while it is fresh (no query) or the rows
    in scope are unchanged (one aggregate query), else built, gzipped and cached."""
    spec = _LAYERS[layer]
    now = now or timezone.now()
    key = _cache_key(user, layer, bbox)
    cached = cache.get(key)
    if cached is not None and cached.fresh(spec, now):
        return cached.payload
    rows = spec.rows(user, bbox)
    signature = spec.signature(rows, now)
    if cached is not None and cached.signature == signature:
        if spec.fresh_for:
            cache.set(key, replace(cached, checked_at=now), CACHE_SECONDS)
        return cached.payload
    data = _collection(spec, rows, bbox, now)
    payload = Payload(
        etag=hashlib.blake2b(data, digest_size=12).hexdigest(),
        gzip=gzip.compress(data, GZIP_LEVEL, mtime=0),
    )
    cache.set(key, _Cached(signature, payload, now), CACHE_SECONDS)
    return payload
