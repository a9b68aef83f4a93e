"""Benchmarks of the base-data pages staff use most: search, the household file, and
searching inside names and case titles district-wide.

All run over real sockets against the `serve` gunicorn, on whatever population the
database holds (`gridgov demo --scale N` makes a large one; 20 is the issue's 1.2
million residents); the resident count is printed with the figures. The search and the
household file run as the street leader of the first street, `search_contains` as a
leader of the whole district, each kind of text with its own percentiles.
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


def _district_leader() -> str:
    """A leader of the whole district (the scope the issue measures "contains" in),
    made once through the accounts actions, by the demo's system administrator, so the
    audit log says who made it; its password is random and never shown. The demo's
    own leader holds one street."""
    import secrets

    from django.contrib.auth import get_user_model

    from gridgov.accounts import actions
    from gridgov.accounts.roles import Role
    from gridgov.places.management.commands.import_areas import default_actor
    from gridgov.places.models import Area, Level

    username = "bench_district"
    if not get_user_model().objects.filter(username=username).exists():
        admin = default_actor()
        district = Area.objects.filter(level=Level.DISTRICT).order_by("pk").first()
        user = actions.create_user(
            admin,
            username=username,
            full_name="区级基准测试",
            password=f"Aa1!{secrets.token_urlsafe(24)}",
        )
        actions.assign_role(admin, user, Role.STREET_LEADER, area=district)
    return username


def _contained_texts() -> dict[str, list[str]]:
    """Parts of real names and titles: given names (two characters, which no trigram
    index can answer and the plain filter scans for), the last three characters of
    longer names, four characters from inside case titles."""
    from gridgov.cases.models import Case
    from gridgov.people.models import Resident

    names = list(Resident.objects.order_by("?").values_list("name", flat=True)[:SAMPLES])
    titles = list(Case.objects.order_by("?").values_list("title", flat=True)[:SAMPLES])
    return {
        "name_2": [n[-2:] for n in names if len(n) >= 3],
        "name_3": [n[-3:] for n in names if len(n) >= 3],
        "title": [t[1:5] for t in titles if len(t) >= 5],
    }


@benchmark(
    "search_contains",
    floor="http_floor",
    description="district-wide search inside names (resident list) and case titles",
)
def search_contains(ctx: BenchContext):
    from gridgov.cases.models import Case
    from gridgov.people.models import Resident

    _ensure_demo()
    cookie = with_returned_cookies(
        ctx.server.port, "/people/residents/", _session_cookie(_district_leader())
    )
    texts = _contained_texts()
    # Each kind of text on its page, and on the API, whose JSON has no filter form to
    # render (a district's grid filter alone offers some 1,600 grids).
    searches = [
        (f"{where}{kind}", path, texts[kind])
        for kind, page, api in (
            ("name_2", "/people/residents/", "/api/v1/people/residents"),
            ("name_3", "/people/residents/", "/api/v1/people/residents"),
            ("title", "/cases/", "/api/v1/cases"),
        )
        for where, path in (("", page), ("api_", api))
        if texts[kind]
    ]

    def make_request(n: int) -> Request:
        kind, path, found = searches[n % len(searches)]
        text = found[(n // len(searches)) % len(found)]
        return Request("GET", f"{path}?{urlencode({'q': text})}", {"Cookie": cookie}, kind=kind)

    result = load("search_contains", ctx.server.port, make_request=make_request)
    result.notes["residents"] = Resident.objects.count()
    result.notes["cases"] = Case.objects.count()
    return result
