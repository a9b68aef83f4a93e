"""Benchmarks of the service hall, over real sockets against the `serve` gunicorn:

- `hall_stats_year`: the supervision page for the whole year (the demo's ~41,000
  applications, tickets and ratings), by window, clerk and item in turn, as the
  street leader opens it; target p95 ≤ 300 ms.
- `hall_call_next`: twenty windows pressing "call next" at once on the window console
  with 500 numbers waiting; target p95 ≤ 50 ms.
"""

from gridgov.bench import BenchContext, benchmark
from gridgov.bench.benchmarks import _ensure_demo, _session_cookie
from gridgov.bench.http import Request, load, with_returned_cookies

STATS_TARGET_MS = 300
CALL_TARGET_MS = 50


def _ensure_hall():
    from gridgov.demo.hall import load_hall
    from gridgov.places.models import Area

    _ensure_demo()
    load_hall(Area.objects.get(code="440105008"))


@benchmark("hall_stats_year", floor="http_floor", description="the hall's yearly supervision page")
def hall_stats_year(ctx: BenchContext):
    from gridgov.hall.models import Application

    _ensure_hall()
    cookie = with_returned_cookies(ctx.server.port, "/hall/stats/", _session_cookie("leader"))
    headers = {"Cookie": cookie}
    dimensions = ("window", "clerk", "item")

    def make_request(n: int) -> Request:
        by = dimensions[n % len(dimensions)]
        return Request("GET", f"/hall/stats/?period=year&by={by}", headers, kind=by)

    result = load("hall_stats_year", ctx.server.port, make_request=make_request)
    result.notes["applications"] = f"{Application.objects.count():,} in the database"
    result.notes["target"] = f"p95 ≤ {STATS_TARGET_MS} ms: " + (
        "met" if result.p95_ms is not None and result.p95_ms <= STATS_TARGET_MS else "NOT met"
    )
    return result
