"""Bad input is a clear French error, never a 500: the findings of the audit (issue 9, part C), through HTTP, and the
helpers that fix their class (core.inputs, core.guards, the API's error handlers, datastore.errors)."""

from __future__ import annotations

import json
from unittest import mock

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.core.inputs import BIGINT_MAX, JSON_NUL, MAX_JSON_DEPTH, JSONTooDeep, int_param, load_json
from auzolan.datastore.errors import explain
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import ProcessFactory

BIG = str(2**63)
DEEP = "[" * 100_000


def api_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error


# --- Big integers ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/communes"])
@pytest.mark.parametrize("offset", [BIG, "9" * 40])
def test_an_offset_beyond_the_database_is_a_french_422(client, path, offset):
    error = api_error(client.get(path, {"offset": offset}), 422)
    assert error["field"] == "offset"
    assert "inférieure ou égale" in error["message"]


@pytest.mark.django_db
def test_a_category_beyond_the_database_is_a_french_422(client):
    process = ProcessFactory()
    url = f"/api/v1/participation/processes/{process.slug}/proposals"
    error = api_error(client.get(url, {"category": BIG}), 422)
    assert error["field"] == "category"


@pytest.mark.django_db
def test_an_id_beyond_the_database_in_the_address_is_a_404(client, user):
    client.force_login(user)
    for path in (f"/moi/notifications/{BIG}/lue/", f"/publier/reutilisations/{10**30}/"):
        assert client.post(path).status_code == 404, path


def test_int_param_bounds_what_views_read():
    assert int_param("12", default=1) == 12
    assert int_param(" 7 ", default=1) == 7
    assert int_param(BIG, default=1) == 1
    assert int_param(str(BIGINT_MAX), default=1) == BIGINT_MAX
    assert int_param("9" * 5000, default=1) == 1  # not even parsed (Python refuses > 4300 digits)
    assert int_param("abc", default=None) is None
    assert int_param("-3", default=0) == 0
    assert int_param("5", default=1, maximum=4) == 1
    assert int_param(None, default=3) == 3


# --- Deep nesting -----------------------------------------------------------------------------------------------


def test_load_json_refuses_deep_nesting_in_french():
    assert load_json('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert load_json(b"\xef\xbb\xbf[1]") == [1]
    assert load_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    for text in ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), DEEP, '{"a":' * 5000 + "1" + "}" * 5000):
        with pytest.raises(JSONTooDeep) as caught:
            load_json(text)
        assert "niveaux" in caught.value.message
        assert isinstance(caught.value, ValueError)  # callers that catch a syntax error catch this too
    with pytest.raises(json.JSONDecodeError):
        load_json("{nope")


@pytest.mark.django_db
def test_a_deeply_nested_schema_file_on_the_public_validator_is_a_french_error(client):
    """Without login: POST /valider/ with `[`×100 000 as the schema file was a RecursionError (500)."""
    response = client.post(
        "/valider/",
        {"file": SimpleUploadedFile("a.csv", b"a\n1\n"), "schema_file": SimpleUploadedFile("s.json", DEEP.encode())},
    )
    assert response.status_code == 400
    assert "niveaux" in response.content.decode()


@pytest.fixture
def editor(db):
    return MembershipFactory(role="editor").user


@pytest.mark.parametrize("name", ["profond.json", "profond.geojson"])
def test_a_deeply_nested_json_upload_is_refused_in_french(client, editor, name):
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation)
    client.force_login(editor)
    content = DEEP.encode() if name.endswith(".json") else b'{"type": "FeatureCollection", "features": ' + DEEP.encode()
    response = client.post(
        f"/publier/{dataset.slug}/ressources/nouvelle/",
        {"kind": "file", "title": "Profond", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code in (200, 400)
    assert "niveaux" in response.content.decode()
    assert not dataset.resources.exists()


def test_a_deeply_nested_custom_schema_is_refused_in_french(client, editor):
    organisation = editor.memberships.get().organisation
    client.force_login(editor)
    response = client.post(
        "/publier/schemas/nouveau/",
        {"organisation": organisation.pk, "title": "Profond", "descriptor": '{"fields": ' + DEEP + "}"},
    )
    assert response.status_code in (200, 400)
    assert "niveaux" in response.content.decode()


def test_a_custom_schema_with_a_nul_character_is_refused_in_french(client, editor):
    """On PostgreSQL, saving it was a DataError (jsonb has no NUL): a 500."""
    organisation = editor.memberships.get().organisation
    client.force_login(editor)
    descriptor = '{"fields": [{"name": "a\\u0000", "type": "string"}]}'
    response = client.post(
        "/publier/schemas/nouveau/", {"organisation": organisation.pk, "title": "Nul", "descriptor": descriptor}
    )
    assert response.status_code in (200, 400)
    assert "caractère nul" in response.content.decode()


@pytest.mark.django_db
def test_a_deeply_nested_api_body_is_a_french_400(client):
    error = api_error(client.post("/api/v1/sql", DEEP, content_type="application/json"), 400)
    assert "niveaux" in error["message"]
    error = api_error(client.post("/api/v1/sql", "{nope", content_type="application/json"), 400)
    assert error["code"] == "invalid-json" and "JSON" in error["message"]


# --- NUL characters and huge texts ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nul_in_a_query_string_is_a_french_400(client):
    error = api_error(client.get("/api/v1/organisations", {"q": "a\x00b"}), 400)
    assert "nul" in error["message"]
    response = client.get("/donnees/", {"q": "a\x00b"})
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    # On PostgreSQL, each of these was a 500 (DataError: text fields cannot contain NUL).
    for path in ("/organisations/a%00b/", "/api/v1/organisations/a%00b", "/reutilisations/proposer/?dataset=a%00b"):
        assert client.get(path).status_code == 400, path


@pytest.mark.django_db
def test_nul_in_a_form_json_body_cookie_or_header_is_a_400(client):
    response = client.post("/i18n/setlang/", b"language=fr%00&next=/", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    body = json.dumps({"sql": "SELECT 1", "resources": [], "x": "a\x00"})
    assert client.post("/api/v1/sql", body, content_type="application/json").status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"  # on PostgreSQL, a 500 on every page (the session's lookup)
    assert client.get("/").status_code == 400
    del client.cookies["sessionid"]
    assert client.get("/", headers={"accept-language": "fr\x00"}).status_code == 400


def test_a_json_nul_escape_is_told_from_an_escaped_backslash():
    assert JSON_NUL.search(rb'{"a": "x\u0000"}')
    assert JSON_NUL.search(rb'{"a": "x\\\u0000"}')  # an escaped backslash, then NUL
    assert not JSON_NUL.search(rb'{"a": "x\\u0000"}')  # an escaped backslash, then the text "u0000"


@pytest.mark.django_db
def test_huge_texts_in_api_parameters_are_a_french_422(client):
    error = api_error(client.get("/api/v1/datasets", {"q": "x" * 20_000}), 422)
    assert error["field"] == "q" and "caractères au plus" in error["message"]


# --- The API's error shape, in French ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404(client):
    for path in ("/api/v1/nope", "/api/v1/organisations/x/y/z", "/api/v1/"):
        response = client.get(path)
        if path == "/api/v1/" and response.status_code == 200:
            continue  # ninja's root, if it answers
        error = api_error(response, 404)
        assert error["code"] == "not-found"


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405_that_says_which_are_accepted(client):
    response = client.delete("/api/v1/organisations")
    error = api_error(response, 405)
    assert "GET" in error["message"] and "DELETE" in error["message"]
    assert response["Allow"]


@pytest.mark.django_db
def test_an_unexpected_error_in_the_api_is_a_json_500(client):
    client.raise_request_exception = False
    with mock.patch("auzolan.organisations.selectors.territory_current", side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/territory")
    error = api_error(response, 500)
    assert error["code"] == "server-error" and "boom" not in response.content.decode()


@pytest.mark.django_db
def test_validation_errors_are_french_per_field(client):
    error = api_error(client.get("/api/v1/organisations", {"limit": "abc", "kind": "zz"}), 422)
    assert error["field"] == "limit"
    assert error["details"]["limit"] == ["un nombre entier est attendu."]
    assert "valeurs possibles" in error["details"]["kind"][0]
    assert "Input should" not in json.dumps(error)
    error = api_error(client.get("/api/v1/resources/not-a-uuid"), 422)
    assert error["field"] == "identifier" and "UUID" in error["message"]


# --- DuckDB's errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "params", "expected"),
    [
        ("SELECT CAST('abc' AS INTEGER)", [], "« abc » ne peut pas être lue comme entier"),
        ("SELECT 1 OFFSET ?", [2**63], "ne peut pas être convertie"),
        ("SELECT x FROM range(3)", [], "Colonne inconnue : « x »"),
        ("SELECT * FROM nope", [], "Table inconnue"),
        ("SELECT foo(1)", [], "Fonction inconnue"),
        ("SELECT * FROM read_parquet('/secret/path/x.parquet')", [], "illisibles"),
        ("SELEC 1", [], "erreur de syntaxe près de « SELEC »"),
        ("SELECT (1", [], "erreur de syntaxe"),
        ("SELECT 9223372036854775807::BIGINT * 2", [], "limites"),
        ("SELECT 1 WHERE 5 > ?", [10**40], "invalide"),
    ],
)
def test_duckdb_errors_are_explained_in_french_without_the_engine_text(sql, params, expected):
    con = duckdb.connect()
    with pytest.raises(duckdb.Error) as caught:
        con.execute(sql, params)
    _code, message = explain(caught.value)
    assert expected in message
    for leak in ("Error", "INT", "/secret", "Python", "Binder", "Catalog"):
        assert leak not in message


def test_data_api_values_beyond_the_engine_are_a_french_400(client, transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, _table = load(editor, dataset)
    url = f"/api/v1/resources/{resource.identifier}/data"
    for params in ({"nombre__gt": "1" + "0" * 40}, {"nombre": BIG}, {"offset": BIG}, {"offset": "9" * 30}):
        response = client.get(url, params)
        assert response.status_code in (400, 422), (params, response.content)
        text = json.dumps(response.json(), ensure_ascii=False)
        for leak in ("Error", "INT", "Python", "Conversion"):
            assert leak not in text, (params, text)
    # Anonymous SQL whose syntax tree nests deeply: a RecursionError (500) in the sandbox's check of the tree.
    for terms in (300, 900):
        sql = "SELECT " + "+".join(["1"] * terms)
        response = client.get("/api/v1/sql", {"sql": sql, "resource": str(resource.identifier)})
        assert response.status_code == 400, (terms, response.content)
    response = client.get(
        "/api/v1/sql", {"sql": "SELECT " + "+".join(["1"] * 20), "resource": str(resource.identifier)}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_huge_or_garbled_headers_are_never_a_500(client):
    headers_list = [
        {"accept-language": "fr-FR;q=0.9," * 20_000},
        {"accept-language": "*;q=abc,,;;=,é"},
        {"user-agent": "x" * 100_000},
        {"referer": "https://" + "x" * 50_000},
        {"x-forwarded-for": "1.2.3.4, pas-une-adresse, ::1, " * 1000},
        {"cookie": "django_language=" + "x" * 10_000 + "; csrftoken=" + "y" * 10_000},
    ]
    for headers in headers_list:
        for path in ("/", "/donnees/", "/api/v1/organisations"):
            assert client.get(path, headers=headers).status_code < 500, (path, list(headers))
        response = client.post("/i18n/setlang/", {"language": "eu", "next": "/"}, headers=headers)
        assert response.status_code < 500, list(headers)
