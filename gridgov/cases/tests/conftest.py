"""Fixtures of the case loop: a dispatcher beside the shared personas, the seeded
categories, and a helper that reports a case in grid 1."""

import pytest

from gridgov.accounts.roles import Role
from gridgov.cases import actions, calendar
from gridgov.cases.models import Category
from gridgov.cases.seed import seed_categories
from gridgov.cases.tests.fixed_time import clock, national_day  # noqa: F401 (fixtures)
from gridgov.testing import make_user


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process; each test reads its own tables."""
    calendar.forget()


@pytest.fixture
def dispatcher(tree):
    return make_user("dispatcher", Role.DISPATCHER, tree["street"])


@pytest.fixture
def category(db):
    """A leaf category handled in 4 working hours (暴露垃圾)."""
    seed_categories(Category)  # gone if a transactional test flushed the database
    return Category.objects.current().get(code="E0102")


@pytest.fixture
def report(personas, category):
    """Report a case as the grid worker of grid 1 (at the centre of that grid)."""

    def _report(actor=None, **fields):
        values = {
            "category": category,
            "title": "垃圾堆放",
            "lon": 113.2425,
            "lat": 23.1025,
        } | fields
        return actions.report_case(actor or personas["grid_worker"], **values)

    return _report
