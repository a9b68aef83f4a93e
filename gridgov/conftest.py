"""Shared fixtures: a small area tree and the personas of the RBAC matrix.

Tree: 海珠区 440105 → 南华西街道 440105008 → 鳌洲 …101 (grids …101001, …101002) and
福安 …102 (grid …102001); a second street 440105009 with one community.
Personas: street leader, community staff of 101, grid worker of 101001, department
staff, a stranger with no role, a system administrator and an auditor.
"""

import shutil

import pytest
from django.db import connections

from gridgov.accounts.models import Department, DepartmentKind, RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.places.models import Area, Level

PASSWORD = "Grid-gov-2026!"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that log in a hundred times don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rolled-back tests reuse primary keys; a cached Access must not outlive its test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def purgeable_audit(transactional_db):
    """For tests that commit (live server): at teardown, lift the append-only triggers
    just long enough to empty the audit tables, so the next test starts clean."""
    from django.db import connection

    from gridgov.core import append_only

    yield
    append_only.remove(connection)
    with connection.cursor() as cursor:
        for table in append_only.TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
    append_only.install(connection)


def _square(x0, y0, size):
    return {
        "type": "Polygon",
        "coordinates": [
            [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
        ],
    }


def make_area(code, name, parent=None, boundary=None):
    level = {6: Level.DISTRICT, 9: Level.STREET, 12: Level.COMMUNITY, 15: Level.GRID}[len(code)]
    return Area.objects.create(
        level=level,
        code=code,
        name=name,
        parent=parent,
        path=f"{parent.path if parent else ''}{code}/",
        boundary=boundary,
    )


@pytest.fixture
def tree(db):
    district = make_area("440105", "海珠区", boundary=_square(113.20, 23.05, 0.10))
    street = make_area("440105008", "南华西街道", district, _square(113.24, 23.09, 0.02))
    other_street = make_area("440105009", "龙凤街道", district, _square(113.27, 23.09, 0.02))
    c101 = make_area("440105008101", "鳌洲社区", street, _square(113.24, 23.10, 0.01))
    c102 = make_area("440105008102", "福安社区", street, _square(113.25, 23.10, 0.01))
    c201 = make_area("440105009101", "凤阳社区", other_street, _square(113.27, 23.10, 0.01))
    g1 = make_area("440105008101001", "鳌洲第一网格", c101, _square(113.24, 23.10, 0.005))
    g2 = make_area("440105008101002", "鳌洲第二网格", c101, _square(113.245, 23.10, 0.005))
    g3 = make_area("440105008102001", "福安第一网格", c102, _square(113.25, 23.10, 0.005))
    return {
        "district": district,
        "street": street,
        "other_street": other_street,
        "c101": c101,
        "c102": c102,
        "c201": c201,
        "g1": g1,
        "g2": g2,
        "g3": g3,
    }


def make_user(username, role=None, area=None, department=None, **extra):
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, **extra
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, area=area, department=department)
    return user


@pytest.fixture
def department(tree):
    return Department.objects.create(
        name="南华西环卫站", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"]
    )


@pytest.fixture
def personas(tree, department):
    return {
        "street_leader": make_user("leader", Role.STREET_LEADER, tree["street"]),
        "community_staff": make_user("community101", Role.COMMUNITY_STAFF, tree["c101"]),
        "grid_worker": make_user("grid101001", Role.GRID_WORKER, tree["g1"]),
        "department_staff": make_user("sanitation", Role.DEPARTMENT_STAFF, department=department),
        "stranger": make_user("stranger"),
        "system_admin": make_user("sysadmin", Role.SYSTEM_ADMIN, tree["district"]),
        "auditor": make_user("auditor", Role.AUDITOR, tree["district"]),
    }


def login(client, user):
    """Log in as a persona, second factor already satisfied."""
    import time

    client.force_login(user)
    session = client.session
    session.update({"gridgov_2fa": "done", "gridgov_login_at": int(time.time())})
    session["gridgov_seen_at"] = session["gridgov_login_at"]
    session.save()
    return client


# -- the browser tests: headless Debian chromium through Playwright --------------------

CHROMIUM = "/usr/bin/chromium"
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser(monkeypatch):
    """Headless chromium; `browser.errors` collects the console errors and uncaught
    exceptions of every page opened with `open_page`."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server runs the
    # Django code in its own thread, so the async-safety check protects nothing here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        browser.errors = []
        yield browser
        # The test's database work under Playwright's event loop may have opened a
        # connection that the test database's teardown does not see ("being accessed
        # by other users"): close it while still under that loop.
        connections.close_all()
        browser.close()


def open_page(browser, width: int = 1366, height: int = 900):
    """A page in a fresh context (its own cookies) of the given size, in Chinese."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and browser.errors.append(m.text))
    page.on("pageerror", lambda e: browser.errors.append(str(e)))
    return page


def log_in_page(page, server: str, username: str) -> None:
    """Log in through the real login page and wait for the home page."""
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
