"""The helpers every app's tests share: accounts and areas on the shared tree, records
placed in a grid, jobs released at the same moment, pages in a real browser.

Fixtures stay in the conftests (gridgov/conftest.py holds the shared tree and
personas); they and the tests import these plain functions from here, never from a
conftest or from another app's tests."""

import datetime
import shutil
import threading
import time

import pytest
from django.db import connection
from stdnum.cn import ric

from gridgov.accounts.models import RoleAssignment, User
from gridgov.core.protect import protect
from gridgov.people.models import Household, Resident
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Area, Level

PASSWORD = "Grid-gov-2026!"  # noqa: S105 (the test personas' password)


# -- accounts and areas ------------------------------------------------------------------


def make_user(username, role=None, area=None, department=None, **extra):
    """A user with PASSWORD and, given a role, one role assignment."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, **extra
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, area=area, department=department)
    return user


def login(client, user):
    """Log in as a persona, second factor already satisfied."""
    client.force_login(user)
    session = client.session
    session.update({"gridgov_2fa": "done", "gridgov_login_at": int(time.time())})
    session["gridgov_seen_at"] = session["gridgov_login_at"]
    session.save()
    return client


def square(x0, y0, size):
    """A GeoJSON square with its south-west corner at (x0, y0), `size` degrees wide."""
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_area(code, name, parent=None, boundary=None):
    """An area under `parent`, its level read from the length of its code."""
    level = {6: Level.DISTRICT, 9: Level.STREET, 12: Level.COMMUNITY, 15: Level.GRID}[len(code)]
    return Area.objects.create(
        level=level,
        code=code,
        name=name,
        parent=parent,
        path=f"{parent.path if parent else ''}{code}/",
        boundary=boundary,
    )


# -- records in a grid -------------------------------------------------------------------


def resident_id(birth: datetime.date, seq: int, region: str = "440105") -> str:
    """A valid GB 11643 number; an odd `seq` is a man, an even one a woman."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # it skips the last character


def place(record, grid):
    """Save a record of an InGrid model in `grid`, straight to its table."""
    record.place_in(grid)
    record.save()
    return record


def resident(household, name, *, id_number="", phone="", relation="head", **extra):
    """A resident of `household` written straight to the table, numbers protected as
    the actions store them; the household's member count follows."""
    full, initials = pinyin_keys(name)
    id_, phone_ = protect(id_number, "id"), protect(phone, "phone")
    record = Resident(
        household=household,
        name=name,
        name_pinyin=full,
        name_initials=initials,
        id_type="resident_id" if id_number else "none",
        id_cipher=id_.cipher,
        id_index=id_.index,
        id_masked=id_.masked,
        phone_cipher=phone_.cipher,
        phone_index=phone_.index,
        phone_masked=phone_.masked,
        sex="male",
        birth_date=ric.get_birth_date(id_number) if id_number else datetime.date(1980, 1, 1),
        relation=relation,
        registration=extra.pop("registration", "registered"),
        **extra,
    )
    place(record, household.grid)
    Household.objects.filter(pk=household.pk).update(member_count=household.members.count())
    return record


# -- the values the apps' shared fixtures are built from ----------------------------------

# people_base (people/tests/conftest.py): the numbers of 张三, 王小明, the shop, HH-101.
ZHANG_ID = resident_id(datetime.date(1958, 3, 4), 123)
WANG_ID = resident_id(datetime.date(1990, 5, 6), 147)
ZHANG_PHONE = "13800001111"
WANG_PHONE = "13900002222"
SHOP_PHONE = "13700003333"
HOUSEHOLD_PHONE = "13600004444"

# map_world (command/tests/conftest.py): the centres of grids g1–g3 and of g9, the
# other street's grid.
CENTRES = {
    "g1": (113.2425, 23.1025),
    "g2": (113.2475, 23.1025),
    "g3": (113.2525, 23.1025),
    "g9": (113.2725, 23.1025),
}


# -- at the same moment ------------------------------------------------------------------


def at_once(*jobs, timeout: float = 120):
    """Run each job in its own thread (and database connection), released together;
    their results or the exceptions they raised, in order."""
    start = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(i, job):
        try:
            start.wait()
            outcomes[i] = job()
        except Exception as error:  # noqa: BLE001 (reported by the test)
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


# -- the browser tests: headless Debian chromium through Playwright ----------------------

CHROMIUM = "/usr/bin/chromium"
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


def open_page(browser, width: int = 1366, height: int = 900):
    """A page in a fresh context (its own cookies) of the given size, in Chinese."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and browser.errors.append(m.text))
    page.on("pageerror", lambda e: browser.errors.append(str(e)))
    return page


def log_in_page(page, server: str, username: str, landing: str | None = None) -> None:
    """Log in through the real login page and wait for the page the user lands on:
    `landing` if given, else wherever the login sends them (the home page, or a role's
    own: a grid worker's "today", /field/)."""
    login = f"{server}/accounts/login/"
    page.goto(login)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}{landing}" if landing else lambda url: not url.startswith(login))
