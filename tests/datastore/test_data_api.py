"""The data API over HTTP: rows, aggregations, SQL, visibility (404), loading tables (409), the error shape."""

from __future__ import annotations

import pytest

from auzolan.datastore.models import Table
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import CSV, load
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def loaded(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset)
    return editor, dataset, resource, table


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_rows_with_filters_sort_fields_and_cursor(client, loaded):
    resource = loaded[2]
    url = f"/api/v1/resources/{resource.identifier}/data"
    body = client.get(url, {"montant__gte": "300", "sort": "-montant,commune", "fields": "commune,montant"}).json()
    assert body["fields"] == [
        {"name": "commune", "type": "text", "label": "commune"},
        {"name": "montant", "type": "number", "label": "montant"},
    ]
    assert body["rows"] == [
        {"commune": "Bayonne", "montant": 1234.5},
        {"commune": "Hendaye", "montant": 300.0},
        {"commune": "Ustaritz", "montant": 300.0},
    ]
    assert body["total"] == 3 and body["total_estimated"] is False and body["next_cursor"] is None
    assert body["limit"] == 50 and body["offset"] == 0
    body = client.get(url, {"q": "ECOLE"}).json()
    assert [r["commune"] for r in body["rows"]] == ["Anglet"] and body["rows"][0]["date"] == "2025-02-01"
    first = client.get(url, {"sort": "date", "limit": 3}).json()
    second = client.get(url, {"sort": "date", "limit": 3, "cursor": first["next_cursor"]}).json()
    assert [r["commune"] for r in first["rows"] + second["rows"]] == [
        "Biarritz",
        "Bayonne",
        "Hendaye",
        "Anglet",
        "Ustaritz",
    ]
    assert second["next_cursor"] is None


def test_bad_parameters_get_the_error_shape(client, loaded):
    url = f"/api/v1/resources/{loaded[2].identifier}/data"
    error = assert_error(client.get(url, {"secret": "1"}), 400, "unknown-column")
    assert "commune" in error["message"] and error["details"]["columns"][0] == "commune"
    error = assert_error(client.get(url, {"montant__gt": "abc"}), 400, "invalid-value")
    assert error["field"] == "montant"
    assert assert_error(client.get(url, {"limit": "5000"}), 422)["field"] == "limit"
    assert_error(client.get(url, {"limit": "abc"}), 422)
    assert_error(client.get(url, {"cursor": "nope"}), 400)
    assert_error(client.get(url + "/aggregate", {"group_by": "commune", "agg": "sum:commune"}), 400)
    assert_error(client.get(url + "/export", {"format": "ods"}), 400)
    assert_error(client.get("/api/v1/resources/not-a-uuid/data"), 422)


def test_aggregate_endpoint(client, loaded):
    url = f"/api/v1/resources/{loaded[2].identifier}/data/aggregate"
    body = client.get(url, {"group_by": "montant", "agg": "count,sum:nombre", "montant__isnull": "false"}).json()
    assert body["group_by"] == ["montant"] and body["aggregates"] == ["count", "sum_nombre"]
    assert body["rows"][0] == {"montant": 300.0, "count": 2, "sum_nombre": 2}
    body = client.get(url, {"agg": "avg:montant,max:date"}).json()
    assert body["rows"] == [{"avg_montant": 461.75, "max_date": "2025-02-01"}]


def test_visibility_and_readiness(client, loaded):
    editor, _dataset, _resource, _table = loaded
    draft = DatasetFactory(organisation=editor.memberships.get().organisation, state="draft")
    hidden, _hidden_table = load(editor, draft)
    for url in (
        f"/api/v1/resources/{hidden.identifier}/data",
        f"/api/v1/resources/{hidden.identifier}/data/aggregate",
        f"/api/v1/resources/{hidden.identifier}/data/export",
        f"/api/v1/sql?resource={hidden.identifier}&sql=SELECT+1",
    ):
        assert_error(client.get(url), 404, "not-found")
    client.force_login(editor)
    assert client.get(f"/api/v1/resources/{hidden.identifier}/data").status_code == 200
    # a table still loading: 409 with a clear message
    Table.objects.filter(resource=hidden).update(is_current=False, state=Table.State.RUNNING)
    error = assert_error(client.get(f"/api/v1/resources/{hidden.identifier}/data"), 409, "not-ready")
    assert "chargement" in error["message"]


def test_sql_endpoint(client, loaded):
    resource = loaded[2]
    body = client.get(
        "/api/v1/sql", {"resource": str(resource.identifier), "sql": "SELECT commune FROM data ORDER BY 1 LIMIT 2"}
    ).json()
    assert body == {
        "columns": [{"name": "commune", "type": "VARCHAR"}],
        "rows": [["Anglet"], ["Bayonne"]],
        "truncated": False,
        "limit": 1000,
    }
    body = client.post(
        "/api/v1/sql",
        {"sql": "SELECT count(*) AS n FROM data", "resources": [str(resource.identifier)], "limit": 10},
        content_type="application/json",
    ).json()
    assert body["rows"] == [[5]]
    error = assert_error(
        client.get(
            "/api/v1/sql", {"resource": str(resource.identifier), "sql": "SELECT * FROM read_csv('/etc/passwd')"}
        ),
        400,
    )
    assert "root:" not in error["message"]
    assert_error(client.get("/api/v1/sql", {"resource": str(resource.identifier), "sql": "DROP VIEW data"}), 400)
    assert_error(client.get("/api/v1/sql", {"resource": str(resource.identifier), "sql": "SELECT 1", "limit": 0}), 400)
    assert_error(client.get("/api/v1/sql", {"sql": "SELECT 1"}), 422)


def test_openapi_documents_the_data_api(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/resources/{identifier}/data",
        "/api/v1/resources/{identifier}/data/aggregate",
        "/api/v1/resources/{identifier}/data/export",
        "/api/v1/sql",
    ):
        assert path in paths
    assert paths["/api/v1/resources/{identifier}/data"]["get"]["summary"].startswith("Lignes")


assert CSV  # the shared table
