"""The benchmarks of the foundation: the HTTP floor and the home page."""

import functools

from django.conf import settings

from gridgov.bench import benchmark
from gridgov.bench.http import BenchContext, load, with_returned_cookies


@benchmark("http_floor", description="a trivial view under the same gunicorn as `serve`")
def http_floor(ctx: BenchContext):
    return load("http_floor", ctx.server.port, "/healthz")


def _session_cookie(username: str) -> str:
    """A logged-in session for a demo user, made the way the login view makes one."""
    import time

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from gridgov.accounts.sessions import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    now = int(time.time())
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "gridgov.accounts.backends.AccountBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            "gridgov_2fa": "done",
            "gridgov_login_at": now,
            "gridgov_seen_at": now,
        }
    )
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@functools.cache
def _migrated() -> None:
    """A fresh data directory is migrated first (once a run), so a first `gridgov
    bench` on a new machine works."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _ensure_demo():
    """The demo, loaded once."""
    from gridgov.accounts.models import User

    _migrated()
    if not User.objects.filter(username="leader").exists():
        from gridgov.demo.load import load_demo

        load_demo("Nanhua-2026!")


@benchmark(
    "page_home", floor="http_floor", description="the street leader's home page, demo loaded"
)
def page_home(ctx: BenchContext):
    _ensure_demo()
    cookie = with_returned_cookies(ctx.server.port, "/", _session_cookie("leader"))
    return load("page_home", ctx.server.port, "/", headers={"Cookie": cookie})
