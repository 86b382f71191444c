"""Never a 500 in the platform API, and every error in its JSON shape (`{"error": {"code", "message"}}`): every
operation of the OpenAPI document (walked, so that a new operation is fuzzed without editing this file), as an
anonymous visitor and an editor (the public API reads the same for a citizen), with real, unknown and out-of-range
objects in the address, garbage in every parameter at once and in each parameter in turn, garbage bodies (JSON and
files), and unsupported methods."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from config.api import api
from tests.never500.fuzz import BIG, DEEP, GARBAGE, garbage_files, upload

#: The public API reads the same for every visitor; an editor also sees drafts and their own jobs.
ROLES = ["anonymous", "editor"]
PREFIX = "/api/v1"
#: Also tried in each parameter: SQL whose syntax tree nests deeply (the SQL sandbox walks it).
NESTED_SQL = "SELECT " + "+".join(["1"] * 400)
#: Column filters of the data API (free-form parameters the document cannot list), on the world's table.
DATA_FILTERS = ["commune", "montant__gt", "nombre__in", "date__lte", "nope"]


def _document() -> dict:
    return api.get_openapi_schema(path_prefix=PREFIX)


DOCUMENT = _document()
OPERATIONS = [
    (path, method) for path, methods in DOCUMENT["paths"].items() for method in methods if method != "parameters"
]


def _real(path: str, name: str, world) -> str:
    values = {
        "identifier": world.resource.identifier,
        "slug_or_identifier": world.dataset.slug,
        "job_id": world.job.pk,
        "export_id": world.export.pk,
        "insee_code": world.commune.insee_code,
        "number": world.version.number,
        "reuse_id": world.reuse_link.reuse_id,
    }
    if name == "slug":
        return world.participation.process.slug if "/participation/" in path else world.organisation.slug
    assert name in values, f"{path}: teach test_api what {{{name}}} designates"
    return str(values[name])


def _fakes(value: str) -> list[str]:
    if value.isdigit():
        return [BIG, "9" * 40, "-1", "abc"]
    if re.fullmatch(r"[0-9a-f-]{36}", value):
        return [str(uuid.uuid4()), "not-a-uuid"]
    return ["nexiste-pas", "x" * 3000, "a%00b", "%ff%fe"]


def assert_api_answer(response, what: str) -> None:
    """Not a 500, and an error is the API's JSON error shape with a message."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), f"{what}: {response['Content-Type']}"
        error = json.loads(response.content)["error"]
        assert error["code"] and error["message"], f"{what}: {error}"
        assert "Input should" not in error["message"] and "Field required" not in error["message"], what


def _body_fields(operation: dict, components: dict) -> tuple[str | None, dict]:
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        schema = content["schema"]
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        return media, schema.get("properties", {})
    return None, {}


def _sample(prop: dict) -> object:
    kind = prop.get("type")
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if prop.get("format") == "binary":
        return None
    return "a"


@pytest.mark.exhaustive
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m}-{p}" for p, m in OPERATIONS])
def test_never_a_500(client, db, world, path, method, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    operation = DOCUMENT["paths"][path][method]
    components = DOCUMENT.get("components", {}).get("schemas", {})
    names = re.findall(r"{(\w+)}", path)
    real = {name: _real(path, name, world) for name in names}
    url = path.format(**real)
    send = getattr(client, method)
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    if "/data" in path:
        query += DATA_FILTERS
    media, body = _body_fields(operation, components)

    assert_api_answer(send(url), f"{method} {url}")
    for name in names:
        for fake in _fakes(real[name]):
            fake_url = path.format(**{**real, name: fake})
            assert_api_answer(send(fake_url), f"{method} {fake_url[:80]}")
    if method == "get":
        for value in GARBAGE:
            assert_api_answer(client.get(url, dict.fromkeys(query, value)), f"GET {url} all={value[:30]!r}")
        for name in query if role == "anonymous" else ():  # the public API: the same parsing for everyone
            for value in [*GARBAGE, DEEP, NESTED_SQL]:
                assert_api_answer(client.get(url, {name: value}), f"GET {url} {name}={value[:30]!r}")
        assert_api_answer(client.get(url, {name: ["1", "abc"] for name in query}), f"GET {url} lists")
        assert_api_answer(client.get(url + "?q=%ff%fe&limit=%c3%28&sort=%80"), f"GET {url} invalid UTF-8")
    if media == "application/json":
        valid = {name: _sample(prop) for name, prop in body.items()}
        for raw in (DEEP, "{nope", "null", "[]", '"x"', json.dumps({"sql": "\u0000"}), "9" * 5000):
            response = client.post(url, raw, content_type="application/json")
            assert_api_answer(response, f"POST {url} body {raw[:20]!r}")
        for name in body:
            for value in [*GARBAGE, 2**63, 10**30, -1, None, [], {}, [DEEP]]:
                response = client.post(url, json.dumps({**valid, name: value}), content_type="application/json")
                assert_api_answer(response, f"POST {url} {name}={str(value)[:30]!r}")
    elif media == "multipart/form-data":
        files = [name for name, prop in body.items() if prop.get("format") == "binary"]
        texts = {name: "a" for name, prop in body.items() if prop.get("format") != "binary"}
        for name in files:
            for filename, content in garbage_files():
                data = {
                    **texts,
                    **{f: upload("petit.csv", b"a;b\n1;2\n") for f in files},
                    name: upload(filename, content),
                }
                assert_api_answer(client.post(url, data), f"POST {url} {name}={filename}")
        for name in texts:
            for value in GARBAGE:
                data = {**texts, **{f: upload("petit.csv", b"a;b\n1;2\n") for f in files}, name: value}
                assert_api_answer(client.post(url, data), f"POST {url} {name}={value[:30]!r}")
    for other in ("put", "patch", "delete"):
        assert_api_answer(getattr(client, other)(url), f"{other.upper()} {url}")


def test_unknown_addresses_under_the_api_are_json(client, db):
    for path in ("/api/v1/nope", "/api/v1/organisations/a/b/c/d", "/api/v1/" + "x" * 3000, "/api/v1/%ff"):
        assert_api_answer(client.get(path), f"GET {path[:40]}")
        assert_api_answer(client.post(path, {"a": "b"}), f"POST {path[:40]}")
