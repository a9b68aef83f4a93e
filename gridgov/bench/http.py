"""A real gunicorn on 127.0.0.1 and a small closed-loop load generator."""

import http.client
import os
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass

from gridgov.bench import Result
from gridgov.server import gunicorn_argv, web_workers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with exactly the arguments `gridgov serve` uses (`workers` overrides
    their number: a one-worker server has one cache, cold until its first requests)."""

    def __init__(self, workers: int | None = None):
        self.port = _free_port()
        self.workers = workers
        self.proc = None

    def start(self):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="gridgov.settings")
        self.proc = subprocess.Popen(gunicorn_argv(self.port, self.workers), env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(self.port, "/healthz")
                if status == 200:
                    self._warm_workers(self.workers or web_workers())
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def _warm_workers(self, count: int, budget: float = 60.0) -> None:
        """Each worker's first request loads the URLconf and the API, seconds on a busy
        machine, longer than a benchmark's warm-up: send rounds of as many requests at
        once as there are workers (a busy sync worker accepts no other) until a round
        comes back quickly, so that no benchmark measures a worker starting."""
        from concurrent.futures import ThreadPoolExecutor

        deadline = time.monotonic() + budget
        with ThreadPoolExecutor(count) as pool:
            while time.monotonic() < deadline:
                started = time.monotonic()
                list(pool.map(lambda _: fetch(self.port, "/healthz"), range(count)))
                if time.monotonic() - started < 0.5:
                    return

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class BenchContext:
    """What benchmarks share in one run: the gunicorn server, started once."""

    def __init__(self):
        self._server = None

    @property
    def server(self):
        if self._server is None:
            self._server = Server()
            self._server.start()
        return self._server

    def close(self):
        if self._server is not None:
            self._server.stop()


def fetch(
    port: int,
    path: str,
    headers: dict | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def with_returned_cookies(port: int, path: str, cookie: str) -> str:
    """The Cookie header a browser would send on its next visit: the given cookies plus
    those the page sets (the CSRF cookie), so each request is not a first visit."""
    from http.cookies import SimpleCookie

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        jar = SimpleCookie(cookie)
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    finally:
        conn.close()
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict
    body: bytes | None = None
    kind: str = ""


def _summary(latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 2),
        "p99_ms": round(_percentile(latencies, 0.99), 2),
    }


def load(
    name: str,
    port: int,
    path: str = "",
    *,
    headers: dict | None = None,
    seconds: float = 8.0,
    concurrency: int = 4,
    warmup: float = 1.5,
    expect: int = 200,
    make_request=None,
) -> Result:
    """Closed loop: `concurrency` clients each send the next request when the last one
    is answered, for `seconds` after a warm-up. Every non-`expect` answer is an error.

    `make_request(n)` (optional) gives the n-th Request, so a benchmark can vary its
    queries; requests with a `kind` also get their own percentiles in `notes`.
    """
    make_request = make_request or (lambda n: Request("GET", path, headers or {}))
    samples: list[tuple[str, float]] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(10**9))
    start_measuring = time.monotonic() + warmup
    stop_at = start_measuring + seconds

    def client():
        local, local_errors = [], 0
        while True:
            with lock:
                request = make_request(next(counter))
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            try:
                status, _ = fetch(port, request.path, request.headers, request.method, request.body)
                ok = status == expect
            except OSError:
                ok = False
            t1 = time.monotonic()
            if t0 >= start_measuring:
                local.append((request.kind, (t1 - t0) * 1000))
                local_errors += 0 if ok else 1
        with lock:
            samples.extend(local)
            errors[0] += local_errors

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kinds = sorted({kind for kind, _ in samples if kind})
    return Result(
        name=name,
        unit="req/s",
        rate=len(samples) / seconds,
        count=len(samples),
        errors=errors[0],
        notes={k: _summary([ms for kind, ms in samples if kind == k]) for k in kinds},
        **_summary([ms for _, ms in samples]),
    )
