"""Reads of the case loop that pages, the API and exports share: the filtered list, and
open cases near a point (the duplicate warning at report time)."""

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from gridgov.cases.choices import OPEN_STATUSES, Level, Source, Status
from gridgov.cases.models import Case, Category
from gridgov.core.textsearch import contains_q

DUPLICATE_RADIUS_M = 50
# The days a report-date filter may name: beyond them a day's start in local time
# overflows Python's datetime (0001-01-01 in UTC+8 is before year 1).
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class CaseFilters:
    """The filters of the case list (page, API and export read the same ones)."""

    status: str = ""
    category: str = ""  # a category code; a big class matches its sub-classes
    grid: int | None = None
    community: int | None = None
    department: int | None = None
    source: str = ""
    level: str = ""
    overdue: bool = False
    open_only: bool = False
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    q: str = ""  # case number or words of the title


_MAX_ID = 2**31 - 1  # larger ids exist nowhere, and SQLite overflows on them


def _int(value):
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or 0 < number <= _MAX_ID else None


def _date(value):
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or FIRST_DAY <= day <= LAST_DAY else None


def parse_filters(params) -> CaseFilters:
    """Filters from query parameters; values that make no sense are ignored."""
    status = params.get("status", "")
    source = params.get("source", "")
    level = params.get("level", "")
    return CaseFilters(
        status=status if status in Status.values else "",
        category=(params.get("category") or "").strip()[:20],
        grid=_int(params.get("grid")),
        community=_int(params.get("community")),
        department=_int(params.get("department")),
        source=source if source in Source.values else "",
        level=level if level in Level.values else "",
        overdue=params.get("overdue") in ("1", "true", "on"),
        open_only=params.get("open") in ("1", "true", "on"),
        reported_from=_date(params.get("from")),
        reported_to=_date(params.get("to")),
        q=(params.get("q") or "").strip()[:50],
    )


def filtered_cases(user, filters: CaseFilters, now: dt.datetime | None = None):
    """The cases `user` may see that match the filters, newest first."""
    qs = Case.objects.visible_to(user)
    f = filters
    if f.overdue:
        qs = qs.overdue(now)
    elif f.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        lookup = "code" if len(f.category) > 3 else "code__startswith"
        categories = Category.objects.filter(**{lookup: f.category}).values("id")
        # Measured at 300,000 cases, the two planners want opposite things: PostgreSQL
        # reads the category index well given the ids as a list (a subquery makes it
        # scan: 74 ms against 21), SQLite walks the table newest first given the
        # subquery (a list makes it sort a category's cases: 65 ms against 17).
        if connection.vendor != "sqlite":
            categories = list(categories.values_list("id", flat=True))
        qs = qs.filter(category_id__in=categories)
    for name in ("grid", "community", "department"):
        if getattr(f, name) is not None:
            qs = qs.filter(**{f"{name}_id": getattr(f, name)})
    if f.source:
        qs = qs.filter(source=f.source)
    if f.level:
        qs = qs.filter(level=f.level)
    tz = timezone.get_current_timezone()
    if f.reported_from:
        qs = qs.filter(reported_at__gte=dt.datetime.combine(f.reported_from, dt.time(), tz))
    if f.reported_to:
        end = dt.datetime.combine(f.reported_to + dt.timedelta(days=1), dt.time(), tz)
        qs = qs.filter(reported_at__lt=end)
    if f.q:
        qs = (
            qs.filter(Q(number=f.q) | contains_q(Case, "title", f.q))
            if not f.q.isdigit()
            else qs.filter(number__range=_number_prefix_range(f.q))
        )
    # Newest first. With a date range, by report time: the (street, reported_at) index
    # then gives the rows in order instead of sorting a month of cases by id.
    order = ("-reported_at", "-id") if f.reported_from or f.reported_to else ("-id",)
    return qs.select_related("category", "grid", "department").order_by(*order)


def _number_prefix_range(prefix: str) -> tuple[str, str]:
    """The numbers starting with `prefix`, as a range the unique index on the number
    reads directly (a LIKE 'prefix%' scans the table on SQLite and on PostgreSQL
    without a pattern index). Exact for numbers made of digits, which all are."""
    width = Case._meta.get_field("number").max_length
    return prefix, prefix + "9" * (width - len(prefix))


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres between two nearby points (equirectangular; exact enough within a street)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


def nearby_open(user, category, lon: float, lat: float, radius_m: float = DUPLICATE_RADIUS_M):
    """Open cases of the same category within `radius_m` of a point, nearest first: what
    the reporter is warned about before sending a likely duplicate."""
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    versions = Category.objects.filter(code=category.code).values_list("id", flat=True)
    candidates = (
        Case.objects.visible_to(user)
        .filter(
            status__in=OPEN_STATUSES,
            category_id__in=list(versions),
            lat__range=(lat - dlat, lat + dlat),
            lon__range=(lon - dlon, lon + dlon),
        )
        .only("id", "number", "title", "status", "lon", "lat", "reported_at")
    )
    near = [(distance_m(lon, lat, c.lon, c.lat), c) for c in candidates]
    return [c for d, c in sorted(near, key=lambda pair: pair[0]) if d <= radius_m]


def street_grid_workers(street_id: int):
    """The active grid workers of a street's grids, by name: whom a dispatcher may send
    to verify a case on site (the map suggests the nearest of them)."""
    from gridgov.accounts.models import User
    from gridgov.accounts.roles import Role

    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.GRID_WORKER,
            role_assignments__area__parent__parent_id=street_id,  # grid → community → street
        )
        .distinct()
        .order_by("full_name", "username")
    )
