"""The RBAC matrix: every persona against every area, on the page and the API; and
every role against the reference pages only some roles may keep.

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


# -- reference and set-up pages, for every role ------------------------------------------

REFERENCE_PAGES = {
    "focus_groups": "/people/focus-groups/",
    "alert_kinds": "/command/alert-kinds/",
    "window_setup": "/hall/settings/windows/",  # 窗口设置: only street staff set up windows
}
_NONE = dict.fromkeys(REFERENCE_PAGES, FORBIDDEN)
# fmt: off
PAGE_MATRIX = {
    Role.SYSTEM_ADMIN: _NONE | {"focus_groups": OK},
    Role.STREET_LEADER: _NONE,
    Role.STREET_STAFF: {"focus_groups": OK, "alert_kinds": OK, "window_setup": OK},
    Role.DISPATCHER: _NONE | {"alert_kinds": OK},
    Role.COMMUNITY_STAFF: _NONE,
    Role.GRID_WORKER: _NONE,
    Role.DEPARTMENT_STAFF: _NONE,
    Role.HALL_CLERK: _NONE,
    Role.HALL_APPROVER: _NONE,
    Role.PARTY_STAFF: _NONE,
    Role.INFORMANT_MANAGER: _NONE,
    Role.AUDITOR: _NONE,
    "stranger": _NONE,
}
# fmt: on
AREA_OF_LEVEL = {"district": "district", "street": "street", "community": "c101", "grid": "g1"}


def test_the_page_matrix_covers_every_role_and_page():
    assert set(PAGE_MATRIX) == {*Role.values, "stranger"}
    for role, row in PAGE_MATRIX.items():
        assert set(row) == set(REFERENCE_PAGES), role


def _holder(role, tree, department):
    if role == "stranger":
        return make_user("stranger")
    rule = ROLE_RULES[role]
    if rule.by_department:
        return make_user(role, role, department=department)
    return make_user(role, role, tree[AREA_OF_LEVEL[rule.levels[0]]])


@pytest.mark.parametrize(
    ("role", "page"), [(role, page) for role in PAGE_MATRIX for page in REFERENCE_PAGES]
)
def test_reference_page(client, tree, department, role, page):
    login(client, _holder(role, tree, department))
    response = client.get(REFERENCE_PAGES[page])
    assert response.status_code == PAGE_MATRIX[role][page]
