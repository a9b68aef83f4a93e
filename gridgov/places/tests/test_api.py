"""The area API: JSON in and out, the scope rule, audited writes, JSON errors."""

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.places.models import Area
from gridgov.testing import login

GRID = {
    "type": "Polygon",
    "coordinates": [
        [
            [113.2405, 23.1055],
            [113.2445, 23.1055],
            [113.2445, 23.1095],
            [113.2405, 23.1095],
            [113.2405, 23.1055],
        ]
    ],
}


def test_anonymous_callers_get_a_json_401(client, tree):
    response = client.get("/api/v1/areas")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_the_list_is_paginated_and_scoped(client, personas, tree):
    login(client, personas["community_staff"])
    body = client.get("/api/v1/areas").json()
    assert body["count"] == 3
    assert [a["code"] for a in body["items"]] == [
        "440105008101",
        "440105008101001",
        "440105008101002",
    ]
    assert body["items"][1]["parent_code"] == "440105008101"


def test_list_filters_by_parent_and_level(client, personas, tree):
    login(client, personas["street_leader"])
    body = client.get("/api/v1/areas", {"parent": "440105008", "level": "community"}).json()
    assert [a["name"] for a in body["items"]] == ["鳌洲社区", "福安社区"]


def test_geojson_gives_the_children_boundaries(client, personas, tree):
    login(client, personas["street_leader"])
    body = client.get("/api/v1/areas/geojson", {"parent": "440105008"}).json()
    assert body["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in body["features"]} == {"440105008101", "440105008102"}


def test_an_administrator_creates_a_grid_and_it_is_audited(client, personas, tree):
    login(client, personas["system_admin"])
    response = client.post(
        "/api/v1/areas",
        {
            "code": "440105008101003",
            "name": "鳌洲第三网格",
            "parent_code": "440105008101",
            "boundary": GRID,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    area = Area.objects.get(code="440105008101003")
    assert area.path == "440105/440105008/440105008101/440105008101003/"
    assert area.area_m2 > 0
    entry = AuditEntry.objects.get(action="area.create", object_id=str(area.pk))
    assert entry.actor == personas["system_admin"] and entry.after["code"] == area.code


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        (
            {"code": "440105008102003", "name": "错挂网格", "parent_code": "440105008101"},
            400,
            "code",
        ),
        ({"code": "440105008101001", "name": "重复", "parent_code": "440105008101"}, 409, "code"),
        (
            {
                "code": "440105008101003",
                "name": "出界",
                "parent_code": "440105008101",
                "boundary": {
                    "type": "Polygon",
                    "coordinates": [
                        [[113.0, 23.0], [113.01, 23.0], [113.01, 23.01], [113.0, 23.0]]
                    ],
                },
            },
            400,
            "boundary",
        ),
        (
            {
                "code": "440105008101003",
                "name": "坏几何",
                "parent_code": "440105008101",
                "boundary": {"type": "Point", "coordinates": [113.24, 23.1]},
            },
            400,
            "boundary",
        ),
    ],
)
def test_bad_areas_are_refused_with_the_field_and_nothing_changes(
    client, personas, tree, payload, status, field
):
    login(client, personas["system_admin"])
    before = Area.objects.count()
    response = client.post("/api/v1/areas", payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["field"] == field
    assert Area.objects.count() == before
    assert not AuditEntry.objects.filter(action="area.create").exists()


def test_malformed_bodies_get_a_json_422(client, personas, tree):
    login(client, personas["system_admin"])
    response = client.post("/api/v1/areas", {"code": "abc"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]
    broken = client.post("/api/v1/areas", "{not json", content_type="application/json")
    assert broken.status_code in (400, 422)
    assert broken["Content-Type"].startswith("application/json")


def test_roles_without_the_capability_get_403(client, personas, tree):
    login(client, personas["grid_worker"])
    response = client.patch(
        "/api/v1/areas/440105008101001", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Area.objects.get(code="440105008101001").name == "鳌洲第一网格"


def test_rename_is_audited_with_before_and_after(client, personas, tree):
    login(client, personas["system_admin"])
    response = client.patch(
        "/api/v1/areas/440105008101", {"name": "鳌洲新社区"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["name"] == "鳌洲新社区"
    entry = AuditEntry.objects.get(action="area.update")
    assert (entry.before["name"], entry.after["name"]) == ("鳌洲社区", "鳌洲新社区")


def test_session_writes_need_the_csrf_token(personas, tree):
    client = Client(enforce_csrf_checks=True)
    login(client, personas["system_admin"])
    response = client.patch(
        "/api/v1/areas/440105008101", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Area.objects.get(code="440105008101").name == "鳌洲社区"


def test_unknown_api_urls_answer_json(client, tree):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_openapi_documents_the_errors(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/areas"]["post"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
