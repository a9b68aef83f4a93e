"""Every operation of /api/openapi.json, fuzzed in-process with schemathesis.

Staff of one street (a grid worker for the phone's positions, a signing video
platform for the camera endpoints) call each operation with input the schema allows
and input it refuses, part of it aimed at the street's own records (a building, a
household, a resident, a case, a grid worker, a published service item) so that
answers past the 404 are fuzzed too. Each answer must be no 5xx, a status the
document lists, and a body its schema allows.

Each call runs in a savepoint rolled back afterwards: every example meets the same
records, and a failed statement on PostgreSQL cannot poison the next one. The run is
derandomized, never shrinks, and stops at EXAMPLES per operation, so it costs the same
every time (15 s on two idle cores, 40 s on busy ones).
"""

import io

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from gridgov.accounts.actions import create_token
from gridgov.accounts.roles import Role
from gridgov.cases.actions import report_case
from gridgov.cases.models import Category
from gridgov.cases.seed import seed_categories
from gridgov.command import signing
from gridgov.command.actions import create_alert_source
from gridgov.hall.models import (
    HallSettings,
    ItemStatus,
    Material,
    MaterialForm,
    ServiceItem,
    Theme,
    WindowGroup,
)
from gridgov.people.models import Household
from gridgov.places.models import Building, Dwelling
from gridgov.testing import make_user, place, resident
from gridgov.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = 30
# What video platforms call: signed with an alert source's secret, not a token.
SIGNED_PATHS = {"/api/v1/camera-alerts", "/api/v1/camera-heartbeats"}
# What only a grid worker's phone calls.
WORKER_PATHS = {"/api/v1/positions", "/api/v1/field/sync"}


@pytest.fixture
def street_world(tree, personas):
    """One record of each kind the API reads, in grid 1 of 南华西街道; the ids the
    operations' path parameters take for them; the headers of staff and worker."""
    building = place(
        Building(
            code="B-FUZZ", name="幸福里1号楼", address="南华西路1号", lon=113.2425, lat=23.1025
        ),
        tree["g1"],
    )
    dwelling = place(Dwelling(building=building, unit="1", room="101"), tree["g1"])
    household = place(Household(dwelling=dwelling, number="HH-FUZZ"), tree["g1"])
    seed_categories(Category)
    case = report_case(
        personas["grid_worker"],
        category=Category.objects.current().get(code="E0102"),
        title="垃圾堆放",
        lon=113.2425,
        lat=23.1025,
    )
    staff = make_user("fuzzstaff", Role.STREET_STAFF, tree["street"])
    return {
        "ids": {
            "code": tree["g1"].code,
            "item_code": _published_item(tree["street"]).code,
            "building_id": building.pk,
            "household_id": household.pk,
            "resident_id": resident(household, "张三").pk,
            "case_id": case.pk,
            "user_id": personas["grid_worker"].pk,
        },
        "staff": _headers(staff),
        "worker": _headers(personas["grid_worker"]),
    }


def _published_item(street):
    """The street's hall with one published item, for the public catalogue."""
    HallSettings.objects.create(street=street, name="南华西街道政务服务中心")
    item = ServiceItem.objects.create(
        street=street,
        code="MZ-001",
        name="最低生活保障申请",
        theme=Theme.CIVIL_AFFAIRS,
        department="南华西街道社区事务受理中心",
        statutory_days=20,
        promised_days=10,
        group=WindowGroup.objects.create(street=street, letter="B", name="民政"),
        status=ItemStatus.PUBLISHED,
    )
    Material.objects.create(item=item, sort=0, name="居民身份证", form=MaterialForm.ORIGINAL)
    return item


def _headers(user):
    _token, clear = create_token(user, "接口模糊测试")
    # The WSGI test client hands bodies back as sent: ask for them unzipped.
    return {"Authorization": f"Bearer {clear}", "Accept-Encoding": "identity"}


@pytest.fixture
def app(tree):
    """The project's WSGI app behind a video platform that signs what it sends to the
    machine endpoints. Calls keep the test's connection, as Django's test client does:
    the request signals would otherwise close it mid-transaction."""
    source, secret = create_alert_source(None, "模糊测试接入方", tree["street"])

    def signed(environ, start_response):
        if environ["PATH_INFO"] in SIGNED_PATHS:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            for name, value in signing.signed_headers(source.key_id, secret, body).items():
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        return application(environ, start_response)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield signed
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(operation, headers, ids):
    """Call one operation with EXAMPLES generated cases; raise what they found."""
    names = [parameter.name for parameter in operation.path_parameters]
    if operation.path.startswith("/api/v1/hall/"):
        ids = ids | {"code": ids["item_code"]}  # an item's code, not an area's
    ours = {name: ids[name] for name in names if name in ids}
    targets = [{}, ours] if ours else [{}]
    cases = st.one_of(
        operation.as_strategy(mode, path_parameters=target)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for target in targets
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case):
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    run()


def test_every_operation_keeps_to_its_schema(street_world, app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        who = "worker" if operation.path in WORKER_PATHS else "staff"
        try:
            fuzz(operation, street_world[who], street_world["ids"])
        except (Exception, FailureGroup) as exc:  # every operation's findings at once
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
