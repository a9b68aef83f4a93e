"""Shared fixtures: a small area tree and the personas of the RBAC matrix.

Tree: 海珠区 440105 → 南华西街道 440105008 → 鳌洲 …101 (grids …101001, …101002) and
福安 …102 (grid …102001); a second street 440105009 with one community.
Personas: street leader, community staff of 101, grid worker of 101001, department
staff, a stranger with no role, a system administrator and an auditor.
The plain helpers these fixtures use, and tests import, are in gridgov/testing.py.
"""

import pytest
from django.db import connection, connections

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.testing import CHROMIUM, make_area, make_user, square


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
    from gridgov.core import append_only

    yield
    append_only.remove(connection)
    with connection.cursor() as cursor:
        for table in append_only.TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
    append_only.install(connection)


@pytest.fixture
def separate_connections(purgeable_audit):
    """For tests whose threads each open a connection and wait on a lock (see
    `testing.at_once`): an in-memory SQLite test database shares one cache, where a
    waiting writer fails at once ("table is locked") instead of waiting its turn as it
    does on the real file (the settings' TEST NAME)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite test database in memory: threads cannot wait on its lock")


@pytest.fixture
def tree(db):
    district = make_area("440105", "海珠区", boundary=square(113.20, 23.05, 0.10))
    street = make_area("440105008", "南华西街道", district, square(113.24, 23.09, 0.02))
    other_street = make_area("440105009", "龙凤街道", district, square(113.27, 23.09, 0.02))
    c101 = make_area("440105008101", "鳌洲社区", street, square(113.24, 23.10, 0.01))
    c102 = make_area("440105008102", "福安社区", street, square(113.25, 23.10, 0.01))
    c201 = make_area("440105009101", "凤阳社区", other_street, square(113.27, 23.10, 0.01))
    g1 = make_area("440105008101001", "鳌洲第一网格", c101, square(113.24, 23.10, 0.005))
    g2 = make_area("440105008101002", "鳌洲第二网格", c101, square(113.245, 23.10, 0.005))
    g3 = make_area("440105008102001", "福安第一网格", c102, square(113.25, 23.10, 0.005))
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


# -- the browser tests: headless Debian chromium through Playwright --------------------


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
