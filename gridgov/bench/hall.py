"""Benchmarks of the service hall, over real sockets against the `serve` gunicorn:

- `hall_stats_year`: the supervision page for the whole year (the demo's ~41,000
  applications, tickets and ratings), by window, clerk and item in turn, as the
  street leader opens it; target p95 ≤ 300 ms.
- `hall_call_next`: twenty windows pressing "call next" on the window console at the
  same moment, round after round, with 500 numbers waiting (a kiosk keeps issuing);
  the latency of each call; target p95 ≤ 50 ms.
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


BENCH_WINDOWS = range(101, 121)  # twenty windows of the benchmark's own
WAITING = 500
ROUNDS = 25  # twenty windows press "call next" together, this many times
WARMUP_ROUNDS = 3


def _bench_windows():
    """Twenty open windows taking every group, worked by the demo clerk."""
    from gridgov.accounts.models import User
    from gridgov.hall.models import HallSettings, Window, WindowGroup, WindowStatus

    hall = HallSettings.objects.get(street__code="440105008")
    clerk = User.objects.get(username="clerk")
    groups = list(WindowGroup.objects.filter(street_id=hall.street_id))
    windows = []
    for number in BENCH_WINDOWS:
        window, _new = Window.objects.get_or_create(
            street_id=hall.street_id, number=number, defaults={"clerk": clerk}
        )
        Window.objects.filter(pk=window.pk).update(status=WindowStatus.OPEN, clerk=clerk)
        window.groups.set(groups)
        windows.append(window)
    return clerk, groups, windows


def _top_up(clerk, groups, stop, counts):
    """Keep WAITING numbers waiting while the windows call them (a kiosk issuing)."""
    import random
    import time

    from django.db import close_old_connections
    from django.utils import timezone

    from gridgov.hall.models import Ticket, TicketStatus
    from gridgov.hall.queue_actions import issue_ticket

    rng = random.Random(7)
    try:
        while not stop.is_set():
            waiting = Ticket.objects.filter(
                street_id=groups[0].street_id, day=timezone.localdate(), status=TicketStatus.WAITING
            ).count()
            counts.append(waiting)
            for _ in range(max(0, WAITING - waiting)):
                issue_ticket(clerk, rng.choice(groups), rng.choice(("", "", "", "", "elderly")))
            time.sleep(0.2)
    finally:
        close_old_connections()


@benchmark(
    "hall_call_next",
    floor="http_floor",
    description="twenty windows calling the next number at once, 500 waiting",
)
def hall_call_next(ctx: BenchContext):
    import threading
    import time

    from gridgov.bench import Result
    from gridgov.bench.http import _summary, fetch
    from gridgov.hall.models import Window, WindowStatus

    _ensure_hall()
    clerk, groups, windows = _bench_windows()
    port = ctx.server.port
    cookie = with_returned_cookies(
        port, f"/hall/windows/{windows[0].number}/", _session_cookie("clerk")
    )
    csrf = next(p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("csrftoken="))
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    stop, counts = threading.Event(), []
    refill = threading.Thread(target=_top_up, args=(clerk, groups, stop, counts))
    refill.start()
    while not counts or counts[-1] < WAITING:
        time.sleep(0.1)
    samples, errors, lock = [], [0], threading.Lock()
    rounds = ROUNDS
    barrier = threading.Barrier(len(windows))

    def window_loop(number: int):
        """Each round all twenty windows press "call next" at the same moment (the
        barrier); then each starts the number it called, unmeasured."""
        local, bad = [], 0
        for round_number in range(rounds):
            barrier.wait()
            t0 = time.monotonic()
            status, _ = fetch(port, f"/hall/windows/{number}/call/", headers, "POST", b"")
            t1 = time.monotonic()
            fetch(port, f"/hall/windows/{number}/start/", headers, "POST", b"")
            if round_number >= WARMUP_ROUNDS:
                local.append((t1 - t0) * 1000)
                bad += status != 302
        with lock:
            samples.extend(local)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=window_loop, args=(w.number,)) for w in windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    refill.join()
    Window.objects.filter(pk__in=[w.pk for w in windows]).update(status=WindowStatus.CLOSED)
    elapsed = time.monotonic() - started
    result = Result(
        name="hall_call_next",
        unit="calls/s",
        rate=len(samples) / elapsed,
        count=len(samples),
        errors=errors[0],
        **_summary(samples),
    )
    result.notes["waiting"] = f"{min(counts)}–{max(counts)} numbers waiting during the run"
    result.notes["target"] = f"p95 ≤ {CALL_TARGET_MS} ms: " + (
        "met" if result.p95_ms is not None and result.p95_ms <= CALL_TARGET_MS else "NOT met"
    )
    return result
