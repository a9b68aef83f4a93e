"""Who sees which case: every persona against cases in each place, on the case page and
the API. Outside one's scope a case is 404, exactly as if it did not exist; without the
right to see cases at all, 403. The table must be complete."""

import pytest

from gridgov.cases import actions
from gridgov.testing import login, make_area, square

OK, HIDDEN, FORBIDDEN = 200, 404, 403
TARGETS = ["g1", "g2", "g3", "sent_to_department", "other_street"]

# fmt: off
MATRIX = {
    "street_leader": {"g1": OK, "g2": OK, "g3": OK, "sent_to_department": OK, "other_street": HIDDEN},
    "dispatcher": {"g1": OK, "g2": OK, "g3": OK, "sent_to_department": OK, "other_street": HIDDEN},
    "community_staff": {"g1": OK, "g2": OK, "g3": HIDDEN, "sent_to_department": HIDDEN, "other_street": HIDDEN},
    "grid_worker": {"g1": OK, "g2": HIDDEN, "g3": HIDDEN, "sent_to_department": HIDDEN, "other_street": HIDDEN},
    "department_staff": {"g1": HIDDEN, "g2": HIDDEN, "g3": HIDDEN, "sent_to_department": OK, "other_street": HIDDEN},
    "stranger": dict.fromkeys(TARGETS, FORBIDDEN),
    "system_admin": dict.fromkeys(TARGETS, FORBIDDEN),
    "auditor": dict.fromkeys(TARGETS, FORBIDDEN),
}
# fmt: on


@pytest.fixture
def everyone(personas, dispatcher):
    return personas | {"dispatcher": dispatcher}


@pytest.fixture
def cases(tree, category, department, dispatcher):
    other_grid = make_area(
        "440105009101001", "凤阳第一网格", tree["c201"], square(113.27, 23.10, 0.005)
    )

    def system_report(grid):
        return actions.report_case(None, category=category, title="积存垃圾", grid=grid)

    sent = system_report(tree["g3"])
    actions.act(dispatcher, sent, "dispatch", department=department)
    return {
        "g1": system_report(tree["g1"]),
        "g2": system_report(tree["g2"]),
        "g3": system_report(tree["g3"]),
        "sent_to_department": sent,
        "other_street": system_report(other_grid),
    }


def test_the_matrix_covers_every_persona_and_target(everyone, cases):
    assert set(MATRIX) == set(everyone)
    for row in MATRIX.values():
        assert set(row) == set(TARGETS) == set(cases)


PAIRS = [(persona, target) for persona in MATRIX for target in TARGETS]


@pytest.mark.parametrize(("persona", "target"), PAIRS)
def test_case_page(client, everyone, cases, persona, target):
    login(client, everyone[persona])
    response = client.get(f"/cases/{cases[target].pk}/")
    assert response.status_code == MATRIX[persona][target]


@pytest.mark.parametrize(("persona", "target"), PAIRS)
def test_case_api(client, everyone, cases, persona, target):
    login(client, everyone[persona])
    response = client.get(f"/api/v1/cases/{cases[target].pk}")
    assert response.status_code == MATRIX[persona][target]
    assert response["Content-Type"].startswith("application/json")


def test_a_hidden_case_looks_like_a_missing_one(client, everyone, cases):
    login(client, everyone["grid_worker"])
    hidden = client.get(f"/api/v1/cases/{cases['g2'].pk}")
    missing = client.get("/api/v1/cases/987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
