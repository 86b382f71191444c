"""Every input of the platform API is bounded, as its OpenAPI document declares it: integers have a minimum and a
maximum that the database can store, texts a maximum length (or a closed set of values). A new operation with an
unbounded parameter fails here, before a huge value reaches the database or DuckDB."""

from __future__ import annotations

import pytest

from auzolan.core.inputs import BIGINT_MAX
from config.api import api

#: Strings bounded otherwise: a closed list, an identifier format, a file.
BOUNDED_FORMATS = {"uuid", "date", "date-time", "binary", "email", "uri"}
#: Inputs that the operation bounds itself before anything runs, with its own 400 (not declared in the document).
BOUNDED_BY_THE_OPERATION = {
    # The SQL sandbox (datastore/sql.py, `_sql_run`): MAX_SQL_LENGTH characters, 1..MAX_ROWS rows, 5 resources.
    ("GET /api/v1/sql", "query sql"),
    ("GET /api/v1/sql", "query limit"),
    ("POST /api/v1/sql", "body.sql"),
    ("POST /api/v1/sql", "body.resources"),
    ("POST /api/v1/sql", "body.limit"),
}


def _document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1")


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _problems(schema: dict, where: str, components: dict, seen: frozenset = frozenset()) -> list[str]:
    ref = schema.get("$ref")
    if ref in seen:
        return []
    schema = _resolve(schema, components)
    seen = seen | {ref} if ref else seen
    problems = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            problems += _problems(option, where, components, seen)
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None or high is None or low < -BIGINT_MAX or high > BIGINT_MAX:
            problems.append(f"{where}: integer without bounds within the database's range ({low}..{high})")
    elif kind == "string" and "enum" not in schema and "pattern" not in schema:
        if schema.get("format") not in BOUNDED_FORMATS and "maxLength" not in schema:
            problems.append(f"{where}: text without maxLength")
    elif kind == "array":
        problems += _problems(schema.get("items", {}), f"{where}[]", components, seen)
        if "maxItems" not in schema and where.startswith("body"):
            problems.append(f"{where}: list without maxItems")
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            problems += _problems(prop, f"{where}.{name}", components, seen)
    return problems


def _operations():
    document = _document()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation, document.get("components", {}).get("schemas", {})


@pytest.mark.parametrize("operation", [name for name, _op, _c in _operations()])
def test_every_api_parameter_is_bounded(operation):
    name, spec, components = next(item for item in _operations() if item[0] == operation)
    problems = []
    for parameter in spec.get("parameters", []):
        if parameter["in"] == "path" and parameter["schema"].get("type") == "string":
            continue  # an address segment: bounded by the server's request line, matched exactly
        problems += _problems(parameter["schema"], f"{parameter['in']} {parameter['name']}", components)
    for media in spec.get("requestBody", {}).get("content", {}).values():
        problems += _problems(media["schema"], "body", components)
    problems = [p for p in problems if (name, p.split(":")[0].removesuffix("[]")) not in BOUNDED_BY_THE_OPERATION]
    assert not problems, f"{name}:\n" + "\n".join(problems)
