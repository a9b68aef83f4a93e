"""The RBAC matrix: every persona against every area, on the page and the API.

The table must be complete: a new persona or target without a row fails the test,
so nobody adds a role without deciding what it may see.
"""

import pytest

from gridgov.accounts.roles import ROLE_RULES, Role
from gridgov.testing import login, make_user

TARGETS = ["district", "street", "c101", "c102", "g1", "g2", "other_street"]
OK, HIDDEN, FORBIDDEN = 200, 404, 403

# fmt: off
MATRIX = {
    "street_leader": {"district": HIDDEN, "street": OK, "c101": OK, "c102": OK, "g1": OK, "g2": OK, "other_street": HIDDEN},
    "community_staff": {"district": HIDDEN, "street": HIDDEN, "c101": OK, "c102": HIDDEN, "g1": OK, "g2": OK, "other_street": HIDDEN},
    "grid_worker": {"district": HIDDEN, "street": HIDDEN, "c101": HIDDEN, "c102": HIDDEN, "g1": OK, "g2": HIDDEN, "other_street": HIDDEN},
    "department_staff": {"district": HIDDEN, "street": OK, "c101": OK, "c102": OK, "g1": OK, "g2": OK, "other_street": HIDDEN},
    "stranger": dict.fromkeys(TARGETS, FORBIDDEN),
    "system_admin": dict.fromkeys(TARGETS, OK),
    "auditor": dict.fromkeys(TARGETS, FORBIDDEN),
}
# fmt: on


def test_the_matrix_covers_every_persona_and_target(personas, tree):
    assert set(MATRIX) == set(personas)
    for persona, row in MATRIX.items():
        assert set(row) == set(TARGETS), persona
    assert set(TARGETS) <= set(tree)


CASES = [(persona, target) for persona in MATRIX for target in TARGETS]


@pytest.mark.parametrize(("persona", "target"), CASES)
def test_area_page(client, personas, tree, persona, target):
    login(client, personas[persona])
    response = client.get(f"/areas/{tree[target].code}/")
    assert response.status_code == MATRIX[persona][target]


@pytest.mark.parametrize(("persona", "target"), CASES)
def test_area_api(client, personas, tree, persona, target):
    login(client, personas[persona])
    response = client.get(f"/api/v1/areas/{tree[target].code}")
    assert response.status_code == MATRIX[persona][target]
    assert response["Content-Type"].startswith("application/json")


def test_missing_and_hidden_areas_look_the_same(client, personas, tree):
    login(client, personas["grid_worker"])
    hidden = client.get(f"/api/v1/areas/{tree['g2'].code}")
    missing = client.get("/api/v1/areas/440105008199001")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# The hall's window setup page (窗口设置), for every role held in the street (or its
# district, community, grid or department, where the role is tied there): only street
# staff set up the hall's windows.
# fmt: off
WINDOW_SETUP = {
    Role.SYSTEM_ADMIN: FORBIDDEN, Role.STREET_LEADER: FORBIDDEN, Role.STREET_STAFF: OK,
    Role.DISPATCHER: FORBIDDEN, Role.COMMUNITY_STAFF: FORBIDDEN, Role.GRID_WORKER: FORBIDDEN,
    Role.DEPARTMENT_STAFF: FORBIDDEN, Role.HALL_CLERK: FORBIDDEN, Role.HALL_APPROVER: FORBIDDEN,
    Role.PARTY_STAFF: FORBIDDEN, Role.INFORMANT_MANAGER: FORBIDDEN, Role.AUDITOR: FORBIDDEN,
    None: FORBIDDEN,  # a user with no role at all
}
# fmt: on
AREA_OF_LEVEL = {"district": "district", "street": "street", "community": "c101", "grid": "g1"}


def test_the_window_setup_table_covers_every_role():
    assert set(WINDOW_SETUP) == {*Role, None}


@pytest.mark.parametrize("role", WINDOW_SETUP, ids=lambda role: role or "no_role")
def test_window_setup_page(client, tree, department, role):
    rule = ROLE_RULES.get(role)
    if rule is None:
        user = make_user("no_role")
    elif rule.by_department:
        user = make_user(role, role, department=department)
    else:
        user = make_user(role, role, tree[AREA_OF_LEVEL[rule.levels[-1]]])
    login(client, user)
    assert client.get("/hall/settings/windows/").status_code == WINDOW_SETUP[role]
