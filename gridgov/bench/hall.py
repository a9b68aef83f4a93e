"""Benchmarks of the service hall, over real sockets against the `serve` gunicorn:

- `hall_stats_year`: the supervision page for the whole year (the demo's ~41,000
  applications, tickets and ratings), by window, clerk and item in turn, as the
  street leader opens it; target p95 ≤ 300 ms.
- `hall_call_next`: twenty windows working at once on the window console, with 500
  numbers waiting (a kiosk keeps issuing): each calls the next number, starts it,
  serves it for a second or so and calls again; the latency of each call; target
  p95 ≤ 50 ms. Twenty calls a second is about forty times the busiest hour of a
  district hall with a hundred windows (one call per window every few minutes).
  Beside it, the worst case: all twenty pressing in the same millisecond, round
  after round (`burst` in the notes); on two cores that is bounded by twenty calls'
  work shared by the cores, so it is reported, not held to the target.
"""

from gridgov.bench import benchmark
from gridgov.bench.benchmarks import _ensure_demo, _session_cookie
from gridgov.bench.http import BenchContext, Request, load, with_returned_cookies

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
CALLS = 25  # calls per window in the working phase, the first WARMUP_CALLS unmeasured
WARMUP_CALLS = 3
SERVICE_SECONDS = (0.5, 1.5)  # how long a window serves a number before calling again
BURST_ROUNDS = 10  # then all twenty press at once, this many times


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


def _kiosk(database: str, clerk_id: int, group_ids: list[int], target: int, stop, counts):
    """Keep `target` numbers waiting while the windows call them (a kiosk issuing),
    reporting how many wait on `counts`. It runs in a process of its own: in the
    measuring one, its work would hold the interpreter while the windows' answers
    wait to be timed. `database` is the measuring process's database name (a test
    database is not the one the settings name)."""
    import random
    import time

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from gridgov.accounts.models import User
    from gridgov.hall.models import Ticket, TicketStatus, WindowGroup
    from gridgov.hall.queue_actions import issue_ticket

    connection.settings_dict["NAME"] = database
    clerk = User.objects.get(pk=clerk_id)
    groups = list(WindowGroup.objects.filter(pk__in=group_ids))
    rng = random.Random(7)
    try:
        while not stop.is_set():
            waiting = Ticket.objects.filter(
                street_id=groups[0].street_id, day=timezone.localdate(), status=TicketStatus.WAITING
            ).count()
            counts.put(waiting)
            for _ in range(max(0, target - waiting)):
                issue_ticket(clerk, rng.choice(groups), rng.choice(("", "", "", "", "elderly")))
            time.sleep(0.2)
    finally:
        connection.close()


class _Kiosk:
    """The kiosk's process (`_kiosk`) and what it reported: `counts`, the numbers
    waiting each time it looked, the first `filled` of them before the queue was
    full."""

    def __init__(self, clerk, groups):
        import multiprocessing

        from django.db import connection

        context = multiprocessing.get_context("spawn")
        self.stop_event, self.reports = context.Event(), context.Queue()
        args = (connection.settings_dict["NAME"], clerk.pk, [g.pk for g in groups], WAITING)
        self.process = context.Process(
            target=_kiosk, args=(*args, self.stop_event, self.reports), daemon=True
        )
        self.counts, self.filled = [], 0

    def start(self) -> None:
        """Start, and return once WAITING numbers wait."""
        self.process.start()
        while not self.counts or self.counts[-1] < WAITING:
            self.counts.append(self.reports.get(timeout=300))
        self.filled = len(self.counts)

    def stop(self) -> None:
        import queue

        self.stop_event.set()
        self.process.join(timeout=60)
        while True:
            try:
                self.counts.append(self.reports.get_nowait())
            except queue.Empty:
                return

    def waiting_during_run(self) -> str:
        during = self.counts[self.filled :] or self.counts[-1:]
        return f"{min(during)}–{max(during)} numbers waiting during the run"


class _Console:
    """One window's clerk pressing the console's buttons over real sockets."""

    def __init__(self, port: int, headers: dict, number: int):
        self.port, self.headers, self.number = port, headers, number

    def call(self) -> tuple[float, bool]:
        """Call the next number and start it: the call's latency (ms), and whether it
        was answered as the console expects (a redirect back to the console)."""
        import time

        from gridgov.bench.http import fetch

        t0 = time.monotonic()
        status, _ = fetch(
            self.port, f"/hall/windows/{self.number}/call/", self.headers, "POST", b""
        )
        elapsed = (time.monotonic() - t0) * 1000
        fetch(self.port, f"/hall/windows/{self.number}/start/", self.headers, "POST", b"")
        return elapsed, status == 302


def _in_threads(consoles, work) -> tuple[list[float], int]:
    """`work(console, index)` in one thread per window; every measured latency, and
    how many calls were not answered as expected."""
    import threading

    samples, errors, lock = [], [0], threading.Lock()

    def run(index, console):
        local, bad = work(console, index)
        with lock:
            samples.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(consoles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors[0]


def _working(console, index):
    """Call, start, serve a while, call again: the hall at work."""
    import random
    import time

    rng = random.Random(index)
    time.sleep(rng.uniform(0, SERVICE_SECONDS[1]))  # the windows did not open together
    local, bad = [], 0
    for n in range(CALLS):
        elapsed, ok = console.call()
        if n >= WARMUP_CALLS:
            local.append(elapsed)
            bad += not ok
        time.sleep(rng.uniform(*SERVICE_SECONDS))
    return local, bad


def _bursting(barrier):
    def work(console, _index):
        local, bad = [], 0
        for _ in range(BURST_ROUNDS):
            barrier.wait()
            elapsed, ok = console.call()
            local.append(elapsed)
            bad += not ok
        return local, bad

    return work


@benchmark(
    "hall_call_next",
    floor="http_floor",
    description="twenty windows calling the next number, 500 waiting",
)
def hall_call_next(ctx: BenchContext):
    import threading
    import time

    from gridgov.bench import Result
    from gridgov.bench.http import _summary
    from gridgov.core.maintenance import refresh_statistics
    from gridgov.hall.models import Window, WindowStatus

    _ensure_hall()
    clerk, groups, windows = _bench_windows()
    # Start from what the daily upkeep leaves, not from the dead rows of earlier runs.
    refresh_statistics()
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
    consoles = [_Console(port, headers, w.number) for w in windows]
    kiosk = _Kiosk(clerk, groups)
    kiosk.start()
    try:
        started = time.monotonic()
        samples, errors = _in_threads(consoles, _working)
        elapsed = time.monotonic() - started
        burst, burst_errors = _in_threads(consoles, _bursting(threading.Barrier(len(consoles))))
    finally:
        kiosk.stop()
        Window.objects.filter(pk__in=[w.pk for w in windows]).update(status=WindowStatus.CLOSED)
    result = Result(
        name="hall_call_next",
        unit="calls/s",
        rate=len(samples) / elapsed,
        count=len(samples),
        errors=errors + burst_errors,
        **_summary(samples),
    )
    result.notes["waiting"] = kiosk.waiting_during_run()
    spread = _summary(burst)
    result.notes["burst"] = (
        f"all {len(consoles)} at once, {BURST_ROUNDS} rounds: "
        f"p50 {spread['p50_ms']} ms, p95 {spread['p95_ms']} ms"
    )
    result.notes["target"] = f"p95 ≤ {CALL_TARGET_MS} ms: " + (
        "met" if result.p95_ms is not None and result.p95_ms <= CALL_TARGET_MS else "NOT met"
    )
    return result
