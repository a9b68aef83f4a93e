"""The one gunicorn command line, shared by `gridgov serve`, `gridgov demo` and the
HTTP benchmarks, so that a benchmark measures the server users run."""

import os
import sys

from gridgov.env import env_int


def web_workers() -> int:
    """Gunicorn workers: two per core plus one, capped (GRIDGOV_WEB_WORKERS overrides)."""
    return env_int("GRIDGOV_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9), minimum=1)


def gunicorn_argv(port: int, workers: int | None = None) -> list[str]:
    """`workers` overrides `web_workers()` (a benchmark may want one worker)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "gridgov.wsgi:application",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers or web_workers()),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--max-requests",
        "5000",
        "--max-requests-jitter",
        "500",
        "--access-logfile",
        "-" if os.environ.get("GRIDGOV_ACCESS_LOG") else "/dev/null",
        "--log-level",
        "warning",
    ]
