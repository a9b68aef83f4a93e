"""Benchmarks of the base-data pages staff use most: search and the household file.

Both run over real sockets against the `serve` gunicorn, as the street leader of the
first street, on whatever population the database holds (`gridgov demo --scale N`
makes a large one); the resident count is printed with the figures.
"""

import random
from urllib.parse import urlencode

from gridgov.bench import benchmark
from gridgov.bench.benchmarks import _ensure_demo, _session_cookie
from gridgov.bench.http import BenchContext, Request, load, with_returned_cookies

SAMPLES = 200


def _browser(ctx: BenchContext) -> tuple[str, str]:
    """A logged-in browser: its Cookie header and CSRF token."""
    from http.cookies import SimpleCookie

    from django.conf import settings

    cookie = with_returned_cookies(ctx.server.port, "/people/search/", _session_cookie("leader"))
    token = SimpleCookie(cookie)[settings.CSRF_COOKIE_NAME].value
    return cookie, token


def _queries() -> dict[str, list[str]]:
    """Real search texts drawn from the leader's street: names, initials, ID and phone."""
    from gridgov.accounts.models import User
    from gridgov.core.protect import reveal
    from gridgov.people.models import Resident

    leader = User.objects.get(username="leader")
    rng = random.Random(7)
    rows = list(
        Resident.objects.visible_to(leader)
        .exclude(id_cipher="")
        .exclude(phone_cipher="")
        .order_by("?")
        .values_list("name", "name_initials", "id_cipher", "phone_cipher")[:SAMPLES]
    )
    rng.shuffle(rows)
    return {
        "name": [r[0] for r in rows],
        "initials": [r[1][:3] for r in rows if len(r[1]) >= 2],
        "id": [reveal(r[2]) for r in rows],
        "phone": [reveal(r[3]) for r in rows],
    }


@benchmark("search_resident", floor="http_floor", description="search by name, initials, ID, phone")
def search_resident(ctx: BenchContext):
    from gridgov.people.models import Resident

    _ensure_demo()
    cookie, token = _browser(ctx)
    texts = _queries()
    kinds = [k for k in texts if texts[k]]
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": token,
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
    }

    def make_request(n: int) -> Request:
        kind = kinds[n % len(kinds)]
        text = texts[kind][(n // len(kinds)) % len(texts[kind])]
        body = urlencode({"q": text}).encode()
        return Request("POST", "/people/search/", headers, body, kind)

    result = load("search_resident", ctx.server.port, make_request=make_request)
    result.notes["residents"] = Resident.objects.count()
    return result


@benchmark("household_page", floor="http_floor", description="the household file (一户一档)")
def household_page(ctx: BenchContext):
    from gridgov.accounts.models import User
    from gridgov.people.models import Household

    _ensure_demo()
    cookie, _token = _browser(ctx)
    leader = User.objects.get(username="leader")
    ids = list(
        Household.objects.visible_to(leader).order_by("?").values_list("pk", flat=True)[:SAMPLES]
    )
    headers = {"Cookie": cookie}

    def make_request(n: int) -> Request:
        return Request("GET", f"/people/households/{ids[n % len(ids)]}/", headers)

    return load("household_page", ctx.server.port, make_request=make_request)
