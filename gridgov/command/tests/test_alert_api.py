"""The camera alert intake (POST /api/v1/camera-alerts): a signed alert becomes a case in
"reported" (or joins the open one of the same camera and kind), a resent one changes
nothing, and a bad, unsigned or replayed request is refused with a JSON message and
leaves nothing behind."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from gridgov.cases.models import Case, CaseEvent, CasePhoto, Category
from gridgov.cases.seed import seed_categories
from gridgov.command import actions, signing
from gridgov.command.models import (
    AlertKind,
    AlertSource,
    Camera,
    CameraAlert,
    CameraKind,
    CameraStatus,
)
from gridgov.command.seed import seed_alert_kinds
from gridgov.core.models import AuditEntry
from gridgov.testing import at_once

URL = "/api/v1/camera-alerts"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def camera(tree):
    # Seeded by migrations, gone if a transactional test flushed the database.
    seed_categories(Category)
    seed_alert_kinds(AlertKind)
    camera = Camera(
        code="44010500001310000001",
        name="洪德路口东北角",
        address="洪德路1号",
        lon=113.2425,
        lat=23.1025,
        kind=CameraKind.BULLET,
        status=CameraStatus.OFFLINE,
    )
    camera.place_in(tree["g1"])
    camera.save()
    return camera


@pytest.fixture
def source(tree):
    return actions.create_alert_source(None, "AI智能分析盒", tree["street"])


def _alert(**fields):
    return {
        "alert_id": "A-1",
        "camera_code": "44010500001310000001",
        "kind": "garbage",
        "occurred_at": timezone.now().isoformat(),
        "text": "检测到垃圾堆放",
    } | fields


def _post(client, source, payload, *, now=None, secret=None, headers=None):
    found, key = source
    body = json.dumps(payload).encode()
    signed = signing.signed_headers(found.key_id, secret or key, body, now=now)
    return client.post(
        URL, body, content_type="application/json", headers=headers if headers else signed
    )


def _nothing_written():
    return not Case.objects.exists() and not CameraAlert.objects.exists()


def test_an_alert_becomes_a_reported_case_in_the_cameras_grid(client, camera, source, tree):
    response = _post(client, source, _alert(snapshot=base64.b64encode(PNG).decode()))

    assert response.status_code == 201, response.content
    answer = response.json()
    case = Case.objects.get(pk=answer["case_id"])
    assert answer["case_number"] == case.number and answer["joined"] is False
    assert case.status == "reported" and case.source == "command_center"
    assert case.grid == tree["g1"] and case.category.code == "E0102"
    assert "洪德路口东北角" in case.title and case.description == "检测到垃圾堆放"
    assert CasePhoto.objects.filter(case=case, kind="before").count() == 1
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1
    assert AuditEntry.objects.filter(action="camera.alert").count() == 1
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ONLINE and camera.last_heartbeat_at is not None


def test_a_resent_alert_changes_nothing(client, camera, source):
    first = _post(client, source, _alert())
    again = _post(client, source, _alert(text="重发"))

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["case_id"] == first.json()["case_id"]
    assert again.json()["duplicate"] is True
    assert Case.objects.count() == 1 and CameraAlert.objects.count() == 1


def test_the_same_camera_and_kind_within_the_window_joins_the_open_case(client, camera, source):
    first = _post(client, source, _alert(alert_id="A-1"))
    second = _post(client, source, _alert(alert_id="A-2"))
    other_kind = _post(client, source, _alert(alert_id="A-3", kind="illegal_parking"))

    assert second.status_code == 201 and second.json()["joined"] is True
    assert second.json()["case_id"] == first.json()["case_id"]
    assert other_kind.json()["case_id"] != first.json()["case_id"]
    assert Case.objects.count() == 2
    assert AuditEntry.objects.filter(action="camera.alert_joined").count() == 1


def test_an_alert_after_the_window_or_after_closing_starts_a_new_case(client, camera, source):
    found, _key = source
    old = timezone.now() - dt.timedelta(minutes=found.merge_minutes + 5)
    first = _post(client, source, _alert(alert_id="A-1", occurred_at=old.isoformat()))
    later = _post(client, source, _alert(alert_id="A-2"))
    assert later.json()["case_id"] != first.json()["case_id"]

    Case.objects.filter(pk=later.json()["case_id"]).update(status="closed")
    after_close = _post(client, source, _alert(alert_id="A-3"))
    assert after_close.json()["case_id"] not in (first.json()["case_id"], later.json()["case_id"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {
            signing.KEY_HEADER: "src_x",
            signing.TIMESTAMP_HEADER: "1",
            signing.SIGNATURE_HEADER: "ab",
        },
    ],
)
def test_unsigned_requests_are_refused(client, camera, source, headers):
    body = json.dumps(_alert()).encode()
    response = client.post(URL, body, content_type="application/json", headers=headers or None)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert _nothing_written()


def test_a_wrong_signature_or_an_unknown_key_is_refused_alike(client, camera, source):
    wrong = _post(client, source, _alert(), secret="not-the-secret")
    found, key = source
    body = json.dumps(_alert()).encode()
    unknown = client.post(
        URL,
        body,
        content_type="application/json",
        headers=signing.signed_headers("src_unknown", key, body),
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "签名无效。"
    assert _nothing_written()


def test_a_body_changed_after_signing_is_refused(client, camera, source):
    found, key = source
    headers = signing.signed_headers(found.key_id, key, json.dumps(_alert()).encode())
    tampered = json.dumps(_alert(camera_code="44010500001310000999")).encode()
    response = client.post(URL, tampered, content_type="application/json", headers=headers)
    assert response.status_code == 401 and _nothing_written()


@pytest.mark.parametrize("age", [-310, 310])
def test_a_replay_older_than_five_minutes_is_refused(client, camera, source, age):
    import time

    response = _post(client, source, _alert(), now=time.time() - age)
    assert response.status_code == 401
    assert "5 分钟" in response.json()["detail"]
    assert _nothing_written()


def test_a_disabled_source_is_refused(client, camera, source):
    actions.disable_alert_source(None, source[0])
    assert _post(client, source, _alert()).status_code == 401
    assert _nothing_written()


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"camera_code": "44010500001310000999"}, 422, "camera_code"),
        ({"kind": "ufo"}, 422, "kind"),
        ({"alert_id": ""}, 422, None),
        ({"occurred_at": "yesterday"}, 422, None),
        ({"occurred_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()}, 422, None),
        ({"snapshot": "not base64!"}, 422, None),
        ({"snapshot": base64.b64encode(b"<svg></svg>").decode()}, 400, "photos"),
    ],
)
def test_bad_payloads_get_a_clear_json_error(client, camera, source, change, status, field):
    response = _post(client, source, _alert(**change))
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if field:
        assert response.json()["field"] == field
    assert _nothing_written()


def test_a_camera_of_another_street_is_not_this_sources(client, camera, source, tree):
    other = actions.create_alert_source(None, "邻街平台", tree["other_street"])
    response = _post(client, other, _alert())
    assert response.status_code == 422 and response.json()["field"] == "camera_code"
    assert _nothing_written()


def test_invalid_json_is_refused_after_the_signature(client, camera, source):
    found, key = source
    body = b"{not json"
    headers = signing.signed_headers(found.key_id, key, body)
    response = client.post(URL, body, content_type="application/json", headers=headers)
    assert 400 <= response.status_code < 500 and _nothing_written()


def test_heartbeats_update_the_cameras_of_the_sources_street(client, camera, source):
    found, key = source
    body = json.dumps(
        {"cameras": [{"code": camera.code, "status": "fault"}, {"code": "x", "status": "online"}]}
    ).encode()
    response = client.post(
        "/api/v1/camera-heartbeats",
        body,
        content_type="application/json",
        headers=signing.signed_headers(found.key_id, key, body),
    )
    assert response.status_code == 200 and response.json() == {"updated": 1}
    camera.refresh_from_db()
    assert camera.status == "fault" and camera.last_heartbeat_at is not None
    assert AlertSource.objects.get(pk=found.pk).last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_same_alert_sent_twice_at_once_makes_one_case(camera, source, separate_connections):
    """Real threads, committing: the unique (source, alert id) decides; the loser's
    case is rolled back with it and it answers the winner's alert."""
    found, _key = source

    def send():
        return actions.receive_alert(
            found,
            alert_id="A-1",
            camera_code=camera.code,
            kind="garbage",
            occurred_at=timezone.now(),
        )

    outcomes = at_once(send, send)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, [str(e.message) for e in errors]
    assert sorted(created for _alert, created in outcomes) == [False, True]
    assert {alert.case_id for alert, _created in outcomes} == {Case.objects.get().pk}
    assert CameraAlert.objects.count() == 1
