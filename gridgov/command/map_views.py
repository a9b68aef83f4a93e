"""The command center's map page (指挥地图): one full-screen Leaflet map of the user's
area with its layers, a live feed of cases and the card of whatever was clicked.

The page itself is a shell: the layers, the feed, search and the cards come from the
map API (`/api/v1/map/…`) and the card views (`/command/cards/…`), each scoped by the
user. The view passes the configuration (base map, where to look, the API addresses,
the labels the script shows) as JSON, and the header counters, each one aggregate query.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.choices import OPEN_STATUSES, Source, Status
from gridgov.cases.models import Case, overdue_q
from gridgov.command.models import Camera, CameraStatus, WorkerLocation
from gridgov.command.queries import STALE_AFTER
from gridgov.core.permissions import requires
from gridgov.core.scope import scope_of
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area

HEAT_DAYS = (7, 30, 90, 365)
# The demo street (南华西街道), for a scope whose areas have no boundary yet.
FALLBACK_CENTER = (113.2522, 23.1043)
TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


def _base_map() -> dict:
    """The configured base layer; one that cannot work (no URL, no key) falls back to
    the plain background rather than a map of broken tiles."""
    base = settings.MAP_BASE
    if base == "xyz" and settings.MAP_TILE_URL:
        return {"kind": "xyz", "tiles": [settings.MAP_TILE_URL], "subdomains": "abc"}
    if base == "tianditu" and settings.TIANDITU_KEY:
        key = settings.TIANDITU_KEY
        return {
            "kind": "tianditu",
            # Leaflet fills {s}, {z}, {x}, {y}; the layer name and key are fixed here.
            "tiles": [
                TIANDITU_URL.replace("{layer}", layer).replace("{key}", key)
                for layer in ("vec", "cva")
            ],
            "subdomains": "01234567",
            "attribution": _("天地图"),
        }
    return {"kind": "none", "tiles": []}


def _home_areas(user) -> list[Area]:
    """The top areas of the user's scope (a street, or a community): where the map
    looks first and whose name the header shows."""
    return list(
        Area.objects.filter(path__in=scope_of(user).area_paths).only(
            "name", "code", "level", "boundary", "center_lon", "center_lat"
        )
    )


def _bounds(areas: list[Area]) -> list[float] | None:
    """[west, south, east, north] around the areas' boundaries (or their centres)."""
    west = south = float("inf")
    east = north = float("-inf")
    for area in areas:
        if area.boundary:
            w, s, e, n = parse_boundary(area.boundary).bounds
        elif area.center_lon is not None and area.center_lat is not None:
            w, s, e, n = area.center_lon, area.center_lat, area.center_lon, area.center_lat
        else:
            continue
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    if west == float("inf"):
        return None
    return [west, south, east, north]


def _counters(user, now) -> dict:
    cases = (
        Case.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue_q(now)),
        )
    )
    cameras = Camera.objects.visible_to(user).aggregate(
        total=Count("pk"), online=Count("pk", filter=Q(status=CameraStatus.ONLINE))
    )
    on_duty = (
        WorkerLocation.objects.visible_to(user).filter(recorded_at__gte=now - STALE_AFTER).count()
    )
    return {
        "open": cases["open"],
        "overdue": cases["overdue"],
        "cameras_online": cameras["online"],
        "cameras_total": cameras["total"],
        "workers_on_duty": on_duty,
    }


def _labels() -> dict:
    """The few words the script writes itself (the rest is in the page or the cards)."""
    return {
        "camera_status": {s.value: str(s.label) for s in CameraStatus},
        "source": {s.value: str(s.label) for s in Source},
        "overdue": _("超期"),
        "urgent": _("紧急"),
        "stale": _("位置已过时"),
        "households": _("户"),
        "no_results": _("没有找到匹配的地点。"),
        "load_error": _("加载失败，请稍后重试。"),
        "offline": _("与服务器的连接中断，正在重试…"),
        "trail": _("轨迹"),
        "fit": _("回到全域"),
        "fullscreen": _("全屏"),
        "trail_empty": _("该时段内没有定位记录。"),
        "trail_start": _("起点"),
        "trail_end": _("终点"),
    }


@requires("command.map")
def command_map(request):
    user = request.user
    now = timezone.now()
    areas = _home_areas(user)
    bounds = _bounds(areas)
    api = f"{get_script_prefix()}api/v1/map/"
    config = {
        "base": _base_map(),
        "bounds": bounds,
        "center": FALLBACK_CENTER if bounds is None else None,
        "urls": {
            "layers": f"{api}layers/",
            "heat": f"{api}heat",
            "feed": f"{api}feed",
            "search": f"{api}search",
            "trail": f"{api}trail/",
            # /command/cards/<kind>/<id>/: the script appends kind and id.
            "cards": reverse("command:card", args=["kind", 1]).removesuffix("kind/1/"),
            "counters": reverse("command:map_counters"),
        },
        "heat_days": HEAT_DAYS[1],
        "feed_every_ms": 3000,
        "time_zone": settings.TIME_ZONE,
        "labels": _labels(),
    }
    title = " · ".join(area.name for area in sorted(areas, key=lambda a: a.code))
    return render(
        request,
        "command/map.html",
        {
            "config": config,
            "title": title or _("指挥地图"),
            "counters": _counters(user, now),
            "heat_days": HEAT_DAYS,
            "default_heat_days": config["heat_days"],
            "statuses": [(s.value, s.label) for s in Status if s.value in OPEN_STATUSES],
            "camera_statuses": list(CameraStatus.choices),
        },
    )


@requires("command.map")
def counters(request):
    """The header's counters again, for the page to refresh without reloading."""
    return JsonResponse(_counters(request.user, timezone.now()))
