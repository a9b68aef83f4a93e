"""The OpenAPI document keeps its word: it is valid OpenAPI 3.1, each response schema
is its own endpoint's, and every number a caller sends is bounded (a 422, never a 500).

A fuzz run over the whole API (test_api_fuzz.py) found each of these; the tests here
say each finding plainly.
"""

import json
from collections import Counter

import pytest
import schemathesis
from ninja import Schema

from gridgov.accounts.actions import create_token
from gridgov.accounts.roles import Role
from gridgov.testing import make_user

# Below every bound, and past 64 bits (a page of 10**12 is tested on its own).
OUT_OF_RANGE = (-1, 10**20)


@pytest.fixture
def document(client, db):
    return json.loads(client.get("/api/openapi.json").content)


@pytest.fixture
def staff_auth(tree):
    """The broadest everyday scope: street staff of 南华西街道."""
    _token, clear = create_token(make_user("staff", Role.STREET_STAFF, tree["street"]), "测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def _walk(node):
    """Every dict inside a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _response_schema(document, path, method):
    ref = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    name = ref["schema"]["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][name]


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()


def test_no_schema_is_a_tuple(document):
    """A pydantic tuple becomes `prefixItems`, which OpenAPI tools read as a list of
    `items` and reject; the heat's points are lists of three numbers instead."""
    for node in _walk(document):
        assert "prefixItems" not in node and not isinstance(node.get("items"), list), node
    point = _response_schema(document, "/api/v1/map/heat", "get")["properties"]["points"]
    assert point["items"] == {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 3,
        "maxItems": 3,
    }


def test_each_search_documents_its_own_answer(document):
    """The people search and the map search both had a schema named SearchOut: the
    document kept one for both, so the people search answered fields it did not list."""
    people = _response_schema(document, "/api/v1/people/search", "post")
    assert {"text", "kind", "residents", "households", "buildings"} <= set(people["required"])
    assert _response_schema(document, "/api/v1/map/search", "get")["required"] == ["results"]


def _schemas(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_api_schemas_share_a_name(document):
    """The document names a schema by its class alone, so one name stands for one class."""
    ours = [s for s in _schemas(Schema) if s.__module__.startswith("gridgov.")]
    names = Counter(s.__name__ for s in ours if ".tests." not in s.__module__)
    assert [name for name, count in names.items() if count > 1] == []


def _integer_parameters(document):
    """(path, parameter, where) of every integer a GET operation reads from its path or
    query: the page number, page size, ids, the feed's cursor, days and hours."""
    for path, operations in document["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            types = [parameter["schema"].get("type")]
            types += [option.get("type") for option in parameter["schema"].get("anyOf", [])]
            if "integer" in types:
                yield path, parameter["name"], parameter["in"]


def test_every_integer_parameter_is_bounded(client, document, staff_auth):
    found = list(_integer_parameters(document))
    assert ("/api/v1/people/residents", "page", "query") in found
    assert ("/api/v1/people/residents/{resident_id}", "resident_id", "path") in found
    for path, name, where in found:
        for value in OUT_OF_RANGE:
            url = path.replace(f"{{{name}}}", str(value)) if where == "path" else path
            query = {name: value} if where == "query" else {}
            response = client.get(url, query, **staff_auth)
            # A path's int converter may refuse "-1" before the API sees it: a 404.
            expected = (404, 422) if where == "path" else (422,)
            assert response.status_code in expected, (path, name, value)
            assert response.json()["detail"], (path, name, value)


@pytest.mark.parametrize("query", [{"page": 0}, {"page": 10**12}, {"page_size": -1}])
def test_a_page_out_of_range_is_a_422(client, staff_auth, query):
    for path in ("areas", "people/residents", "people/organizations", "cases", "cases/notices"):
        response = client.get(f"/api/v1/{path}", query, **staff_auth)
        assert response.status_code == 422, (path, query)
        assert response.json()["detail"] == "请求数据不正确。"


@pytest.mark.parametrize(
    "path", ["areas?q=a%00", "cases?q=a%00", "people/residents?q=a%00", "map/search?q=a%00"]
)
def test_a_nul_character_in_the_query_is_a_422(client, staff_auth, path):
    """PostgreSQL takes no NUL in text: it was a 500 there, and harmless on SQLite."""
    response = client.get(f"/api/v1/{path}", **staff_auth)
    assert response.status_code == 422 and response.json()["detail"] == "请求数据不正确。"


def test_a_nul_character_in_the_body_is_a_400(client, staff_auth):
    body = {"text": "张三\x00", "nested": [{"\x00": 1}]}
    response = client.post(
        "/api/v1/people/search", body, content_type="application/json", **staff_auth
    )
    assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize("path", ["areas/44%00", "hall/items/a%00"])
def test_a_nul_character_in_the_path_is_a_4xx(client, staff_auth, path):
    assert client.get(f"/api/v1/{path}", **staff_auth).status_code in (404, 422)
