"""The RBAC matrix: every persona against every area, on the page and the API; and
every role against the reference pages only some roles may keep.

The table must be complete: a new persona or target without a row fails the test,
so nobody adds a role without deciding what it may see. The residents' files have a
matrix of their own: the hall, party and informant roles open none of them, and the
hall's front desk sees one applicant, by ID number, logged.
"""

import pytest

from gridgov.accounts.roles import ROLE_RULES, Role
from gridgov.core.models import AccessLog
from gridgov.people.models import Household
from gridgov.places.models import Building, Dwelling
from gridgov.testing import ZHANG_ID, login, make_user, place, resident

TARGETS = ["district", "street", "c101", "c102", "g1", "g2", "other_street"]
OK, HIDDEN, FORBIDDEN, REDIRECT = 200, 404, 403, 302

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
    # The hall's set-up: only street staff set up windows (窗口设置) and approvers' themes.
    "window_setup": "/hall/settings/windows/",
    "approvers": "/hall/approvers/",
}
_NONE = dict.fromkeys(REFERENCE_PAGES, FORBIDDEN)
# fmt: off
PAGE_MATRIX = {
    Role.SYSTEM_ADMIN: _NONE | {"focus_groups": OK},
    Role.STREET_LEADER: _NONE,
    Role.STREET_STAFF: dict.fromkeys(REFERENCE_PAGES, OK),
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


# -- residents' files: roles whose work needs no list of residents -----------------------

# What a role managing people opens; the hall, party and informant roles get none of it.
PEOPLE_PAGES = [
    "/people/households/{household}/",
    "/people/residents/",
    "/people/households/",
    "/people/search/?q=张三",
    "/people/export/",
    "/people/export/residents.xlsx",
    "/api/v1/people/residents",
    "/api/v1/people/residents/{resident}",
    "/api/v1/people/households",
    "/api/v1/people/households/{household}",
]
NARROWED = [Role.HALL_CLERK, Role.HALL_APPROVER, Role.PARTY_STAFF, Role.INFORMANT_MANAGER]


@pytest.fixture
def applicant(tree):
    """张三 of household HH-101 in grid g1, the person a hall applicant would be."""
    building = place(
        Building(code="B-1", name="幸福里1号楼", address="幸福里1号", lon=113.24, lat=23.10),
        tree["g1"],
    )
    dwelling = place(Dwelling(building=building, unit="1", room="101"), tree["g1"])
    household = place(Household(dwelling=dwelling, number="HH-101"), tree["g1"])
    return resident(household, "张三", id_number=ZHANG_ID)


def _get(client, url: str, applicant):
    return client.get(url.format(household=applicant.household_id, resident=applicant.pk))


@pytest.mark.parametrize("url", PEOPLE_PAGES)
def test_people_managers_open_residents_files(client, personas, applicant, url):
    login(client, personas["street_leader"])
    assert _get(client, url, applicant).status_code == OK


@pytest.mark.parametrize("role", NARROWED)
@pytest.mark.parametrize("url", PEOPLE_PAGES)
def test_narrowed_roles_open_no_residents_file(client, tree, applicant, role, url):
    login(client, make_user(f"narrowed-{role}", role, tree["street"]))
    assert _get(client, url, applicant).status_code in (FORBIDDEN, HIDDEN)


@pytest.mark.parametrize("role", [Role.STREET_LEADER, *NARROWED])
def test_only_people_managers_search_residents_through_the_api(client, tree, applicant, role):
    login(client, make_user(f"user-{role}", role, tree["street"]))
    response = client.post(
        "/api/v1/people/search", {"text": "张三"}, content_type="application/json"
    )
    if role == Role.STREET_LEADER:
        assert response.json()["residents"]["items"][0]["name"] == "张三"
    else:
        assert response.status_code in (FORBIDDEN, HIDDEN)


def test_the_intake_looks_the_applicant_up_by_id_number_and_logs_it(client, tree, applicant):
    clerk = make_user("clerk", Role.HALL_CLERK, tree["street"])
    login(client, clerk)
    response = client.post("/hall/applications/new/", {"lookup": "1", "id_number": ZHANG_ID})
    assert response.status_code == OK
    page = response.content.decode()
    assert "张三" in page
    assert applicant.id_masked in page
    assert ZHANG_ID not in page.replace(f'value="{ZHANG_ID}"', "")
    log = AccessLog.objects.get()
    assert (log.actor, log.object_id) == (clerk, str(applicant.pk))


def test_the_intake_lookup_finds_nobody_outside_the_clerks_street(client, tree, applicant):
    login(client, make_user("clerk9", Role.HALL_CLERK, tree["other_street"]))
    response = client.post("/hall/applications/new/", {"lookup": "1", "id_number": ZHANG_ID})
    assert response.status_code == OK
    assert "张三" not in response.content.decode()
    assert not AccessLog.objects.exists()


# -- the grid worker's day (fieldwork), for every role -----------------------------------

FIELD_PAGES = {
    "today": "/field/",
    "workers": "/field/workers/",
    "patrol": "/field/patrol/",
    "patrols": "/field/patrols/",
    "due": "/field/visits/due/",
    "visits": "/field/visits/",
    "diary": "/field/diary/",
    "diaries": "/field/diaries/",
    "requests": "/field/requests/",
    "request_new": "/field/requests/new/",
    "services": "/field/services/",
    "service_new": "/field/services/new/",
    "corrections": "/field/corrections/",
    "rules": "/field/rules/",
    "sw": "/field/sw.js",
    "outbox": "/field/outbox/",
    "report": "/field/report/",
}
_NO_FIELD = dict.fromkeys(FIELD_PAGES, FORBIDDEN)
# Supervisors opening the grid worker's "today" are sent to their board of workers.
_READ_FIELD = {
    "today": REDIRECT,
    "workers": OK,
    "patrols": OK,
    "visits": OK,
    "diaries": OK,
    "requests": OK,
    "services": OK,
    "sw": OK,
}
_RECORD_FIELD = {
    "patrols": OK,
    "due": OK,
    "visits": OK,
    "requests": OK,
    "request_new": OK,
    "services": OK,
    "service_new": OK,
    "sw": OK,
    "outbox": OK,
    "report": OK,
}
# fmt: off
FIELD_MATRIX = {
    Role.SYSTEM_ADMIN: _NO_FIELD,
    Role.STREET_LEADER: _NO_FIELD | _READ_FIELD | {"report": OK},
    Role.STREET_STAFF: _NO_FIELD | _READ_FIELD | {"rules": OK, "report": OK},
    Role.DISPATCHER: _NO_FIELD | {"report": OK},
    Role.COMMUNITY_STAFF: _NO_FIELD | _RECORD_FIELD | _READ_FIELD | {"corrections": OK},
    Role.GRID_WORKER: _NO_FIELD | _RECORD_FIELD | {"diary": OK, "today": OK, "patrol": OK},
    Role.DEPARTMENT_STAFF: _NO_FIELD,
    Role.HALL_CLERK: _NO_FIELD,
    Role.HALL_APPROVER: _NO_FIELD,
    Role.PARTY_STAFF: _NO_FIELD,
    Role.INFORMANT_MANAGER: _NO_FIELD,
    Role.AUDITOR: _NO_FIELD,
    "stranger": _NO_FIELD,
}
# fmt: on


def test_the_field_matrix_covers_every_role_and_page():
    assert set(FIELD_MATRIX) == {*Role.values, "stranger"}
    for role, row in FIELD_MATRIX.items():
        assert set(row) == set(FIELD_PAGES), role


@pytest.mark.parametrize(
    ("role", "page"), [(role, page) for role in FIELD_MATRIX for page in FIELD_PAGES]
)
def test_field_page(client, tree, department, role, page):
    login(client, _holder(role, tree, department))
    response = client.get(FIELD_PAGES[page])
    assert response.status_code == FIELD_MATRIX[role][page]


# The phone's batch sync: those who record in the field (an empty batch answers 200).
FIELD_SYNC = {role: FORBIDDEN for role in FIELD_MATRIX} | {
    Role.COMMUNITY_STAFF: OK,
    Role.GRID_WORKER: OK,
}


@pytest.mark.parametrize("role", list(FIELD_SYNC))
def test_field_sync_api(client, tree, department, role):
    login(client, _holder(role, tree, department))
    response = client.post("/api/v1/field/sync", {"items": []}, content_type="application/json")
    assert response.status_code == FIELD_SYNC[role]
    assert response["Content-Type"].startswith("application/json")


@pytest.fixture
def field_records(personas, applicant):
    """A visit, a request, a diary entry and a patrol of the grid worker of g1, and
    the worker's "today" as supervisors read it."""
    from gridgov.fieldwork import actions, diary_actions, request_actions, visit_actions

    worker = personas["grid_worker"]
    household = applicant.household
    visit = visit_actions.record_visit(worker, kind="routine", household=household)
    request = request_actions.record_request(
        worker, content="路灯坏了", channel="phone", requester=applicant
    )
    entry = diary_actions.add_item(worker, kind="opinion", text="噪音").entry
    patrol = actions.start_patrol(worker)
    return {
        "visit": f"/field/visits/{visit.pk}/",
        "request": f"/field/requests/{request.pk}/",
        "entry": f"/field/diaries/{entry.pk}/",
        "patrol": f"/field/patrols/{patrol.pk}/",
        "worker_today": f"/field/workers/{worker.pk}/",
    }


FIELD_RECORDS = ("visit", "request", "entry", "patrol", "worker_today")


# Who opens a record of grid g1 (鳌洲 101): its grid, its community, its street.
# fmt: off
FIELD_RECORD_MATRIX = {
    "street_leader": {"visit": OK, "request": OK, "entry": OK, "patrol": OK, "worker_today": OK},
    "community_staff": {"visit": OK, "request": OK, "entry": OK, "patrol": OK, "worker_today": OK},
    "grid_worker": {"visit": OK, "request": OK, "entry": FORBIDDEN, "patrol": OK, "worker_today": FORBIDDEN},
    "department_staff": dict.fromkeys(FIELD_RECORDS, FORBIDDEN),
    "stranger": dict.fromkeys(FIELD_RECORDS, FORBIDDEN),
    "system_admin": dict.fromkeys(FIELD_RECORDS, FORBIDDEN),
    "auditor": dict.fromkeys(FIELD_RECORDS, FORBIDDEN),
}
# fmt: on


@pytest.mark.parametrize(
    ("persona", "record"), [(p, r) for p in FIELD_RECORD_MATRIX for r in FIELD_RECORDS]
)
def test_field_record(client, personas, field_records, persona, record):
    assert set(FIELD_RECORD_MATRIX) == set(personas)
    assert set(FIELD_RECORD_MATRIX[persona]) == set(FIELD_RECORDS)
    login(client, personas[persona])
    response = client.get(field_records[record])
    assert response.status_code == FIELD_RECORD_MATRIX[persona][record]


@pytest.mark.parametrize("record", FIELD_RECORDS)
def test_field_records_of_another_grid_or_community_are_hidden(client, tree, field_records, record):
    for role, area in ((Role.GRID_WORKER, "g2"), (Role.COMMUNITY_STAFF, "c102")):
        login(client, make_user(f"{role}-{area}", role, tree[area]))
        # A grid worker may neither read diaries nor follow other workers' days at all.
        refused = role == Role.GRID_WORKER and record in ("entry", "worker_today")
        expected = FORBIDDEN if refused else HIDDEN
        assert client.get(field_records[record]).status_code == expected
