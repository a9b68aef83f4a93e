"""Benchmarks of the case loop: reporting through the API, the filtered case list and
the dispatch board, over real sockets against the `serve` gunicorn.

`case_list` is meant for a large database: `gridgov demo --cases 300000` gives the
first street 300,000 cases (the figure the issue sets); the case count is printed
with the figures.
"""

import json
from urllib.parse import urlencode

from gridgov.bench import benchmark
from gridgov.bench.benchmarks import _ensure_demo, _session_cookie
from gridgov.bench.http import BenchContext, Request, load, with_returned_cookies


def _dispatcher_cookie(ctx: BenchContext) -> str:
    return with_returned_cookies(ctx.server.port, "/cases/", _session_cookie("dispatcher"))


def report_requests():
    """The n-th report a grid worker sends through `POST /api/v1/cases` (a token of the
    demo's grid worker, points in the worker's own grid, the categories in turn): what
    `case_report` measures and what other benchmarks write beside their reads."""
    from gridgov.accounts.actions import create_token
    from gridgov.accounts.models import User
    from gridgov.cases.models import Category
    from gridgov.places.locate import grid_at
    from gridgov.places.models import Building

    worker = User.objects.get(username="gridworker")
    _token, secret = create_token(worker, "benchmark")
    grid_id = next(iter(worker.scope.grid_ids))
    # Points in the worker's own grid (a report elsewhere is refused).
    points = [
        (lon, lat)
        for lon, lat in Building.objects.filter(grid_id=grid_id).values_list("lon", "lat")[:80]
        if (grid := grid_at(lon, lat)) is not None and grid.pk == grid_id
    ]
    codes = list(Category.objects.current().exclude(parent_code="").values_list("code", flat=True))
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

    def make_request(n: int) -> Request:
        lon, lat = points[n % len(points)]
        body = {
            "category": codes[n % len(codes)],
            "title": f"巡查发现问题 {n}",
            "lon": lon,
            "lat": lat,
        }
        return Request("POST", "/api/v1/cases", headers, json.dumps(body).encode())

    return make_request


@benchmark("case_report", floor="http_floor", description="grid workers report cases (API)")
def case_report(ctx: BenchContext):
    _ensure_demo()
    return load("case_report", ctx.server.port, make_request=report_requests(), expect=201)


def _list_requests(headers: dict, areas, numbers: list[str]):
    """The case list's first pages under each kind of filter a dispatcher uses, in turn,
    over the communities and grids of `areas` (a queryset of areas in scope)."""
    from gridgov.places.models import Level

    grids = list(areas.filter(level=Level.GRID).values_list("pk", flat=True)[:79])
    communities = list(areas.filter(level=Level.COMMUNITY).values_list("pk", flat=True)[:79])
    filters = [
        ("all", lambda n: {}),
        ("open", lambda n: {"open": "1"}),
        ("overdue", lambda n: {"overdue": "1"}),
        ("status", lambda n: {"status": ("dispatched", "closed", "handled")[n % 3]}),
        ("category", lambda n: {"category": ("E01", "C0101", "G05")[n % 3]}),
        ("grid", lambda n: {"grid": grids[n % len(grids)]}),
        ("community_open", lambda n: {"community": communities[n % len(communities)], "open": "1"}),
        ("month", lambda n: {"from": "2026-06-01", "to": "2026-06-30"}),
        ("number", lambda n: {"q": numbers[n % len(numbers)]}),
        ("page_5", lambda n: {"page": 5}),
    ]

    def make_request(n: int) -> Request:
        kind, params = filters[n % len(filters)]
        return Request("GET", f"/cases/?{urlencode(params(n // len(filters)))}", headers, kind=kind)

    return make_request


@benchmark("case_list", floor="http_floor", description="the filtered case list (dispatcher)")
def case_list(ctx: BenchContext):
    from gridgov.accounts.models import User
    from gridgov.cases.models import Case
    from gridgov.places.models import Area

    _ensure_demo()
    dispatcher = User.objects.get(username="dispatcher")
    numbers = list(
        Case.objects.visible_to(dispatcher).order_by("?").values_list("number", flat=True)[:50]
    )
    make_request = _list_requests(
        {"Cookie": _dispatcher_cookie(ctx)}, Area.objects.visible_to(dispatcher), numbers
    )
    result = load("case_list", ctx.server.port, make_request=make_request)
    result.notes["cases"] = Case.objects.count()
    return result


@benchmark(
    "case_list_district",
    floor="http_floor",
    description="the case list's first pages for a leader of the whole district",
)
def case_list_district(ctx: BenchContext):
    """The same filters as `case_list`, for a district-wide scope: what the capped count
    and the filter bar cost at `gridgov demo --scale 20` (1,580 grids, every street's
    cases)."""
    from gridgov.bench.pages import _district_leader
    from gridgov.cases.models import Case
    from gridgov.places.models import Area

    _ensure_demo()
    cookie = with_returned_cookies(ctx.server.port, "/cases/", _session_cookie(_district_leader()))
    numbers = list(Case.objects.order_by("?").values_list("number", flat=True)[:50])
    make_request = _list_requests({"Cookie": cookie}, Area.objects.all(), numbers)
    result = load("case_list_district", ctx.server.port, make_request=make_request)
    result.notes["cases"] = Case.objects.count()
    return result


@benchmark("dispatch_board", floor="http_floor", description="the command center's board")
def dispatch_board(ctx: BenchContext):
    from gridgov.cases.models import Case

    _ensure_demo()
    headers = {"Cookie": _dispatcher_cookie(ctx)}
    result = load("dispatch_board", ctx.server.port, "/cases/board/", headers=headers)
    result.notes["open_cases"] = Case.objects.open().count()
    return result
