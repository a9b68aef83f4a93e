"""Fixtures of the grid layout tests (see layout_world)."""

import pytest

from gridgov.accounts.roles import Role
from gridgov.places.tests.layout_world import lattice
from gridgov.testing import make_user


@pytest.fixture
def buildings(tree):
    return lattice(tree)


@pytest.fixture
def street_staff(tree):
    return make_user("street008", Role.STREET_STAFF, tree["street"])


@pytest.fixture
def other_street_staff(tree):
    return make_user("street009", Role.STREET_STAFF, tree["other_street"])
