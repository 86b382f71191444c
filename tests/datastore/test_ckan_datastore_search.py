"""datastore_search of the CKAN Action API over a table loaded through the real ingestion path."""

from __future__ import annotations

import json

import pytest

from auzolan.datastore.models import Table
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def loaded(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset)
    return editor, dataset, resource, table


def search(client, **params):
    return client.post("/api/3/action/datastore_search", json.dumps(params), content_type="application/json")


def result(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_datastore_search(client, loaded):
    _editor, dataset, resource, _table = loaded
    rid = str(resource.identifier)
    answer = result(search(client, resource_id=rid))
    assert [f["id"] for f in answer["fields"]] == ["_id", "commune", "montant", "date", "nombre", "libelle"]
    types = {f["id"]: f["type"] for f in answer["fields"]}
    assert types["_id"] == "int" and types["montant"] == "numeric" and types["date"] == "date"
    assert types["nombre"] == "int" and types["commune"] == "text"
    assert answer["total"] == 5 and answer["total_was_estimated"] is False and answer["limit"] == 100
    assert [r["_id"] for r in answer["records"]] == [1, 2, 3, 4, 5]
    assert answer["records"][0] == {
        "_id": 1,
        "commune": "Bayonne",
        "montant": 1234.5,
        "date": "2024-01-15",
        "nombre": 10,
        "libelle": "Équipement sportif",
    }
    assert answer["_links"]["start"].startswith("/api/3/action/datastore_search?resource_id=")

    answer = result(search(client, resource_id=rid, filters={"commune": ["Anglet", "Hendaye"]}, sort="montant desc"))
    assert [r["commune"] for r in answer["records"]] == ["Hendaye", "Anglet"] and answer["total"] == 2
    assert answer["filters"] == {"commune": ["Anglet", "Hendaye"]}
    answer = result(search(client, resource_id=rid, filters={"montant": 300}, fields="commune,montant"))
    assert answer["records"] == [
        {"_id": 4, "commune": "Hendaye", "montant": 300.0},
        {"_id": 5, "commune": "Ustaritz", "montant": 300.0},
    ]
    answer = result(search(client, resource_id=rid, q="ecole", records_format="lists", fields=["commune"]))
    assert answer["records"] == [[2, "Anglet"]] and answer["q"] == "ecole"
    answer = result(search(client, resource_id=rid, q={"libelle": "culture"}))
    assert [r["commune"] for r in answer["records"]] == ["Biarritz"]
    answer = result(search(client, resource_id=rid, limit=2, offset=2, include_total=False))
    assert [r["_id"] for r in answer["records"]] == [3, 4] and "total" not in answer
    assert "offset=4" in answer["_links"]["next"] and "prev" in answer["_links"]
    answer = result(search(client, resource_id=rid, limit=0))
    assert answer["records"] == [] and answer["total"] == 5 and len(answer["fields"]) == 6
    answer = result(search(client, resource_id=rid, filters={"montant": None}))
    assert [r["commune"] for r in answer["records"]] == ["Biarritz"]
    # GET with JSON strings, as a browser or ckanapi's get_only sends them
    response = client.get(
        "/api/3/action/datastore_search", {"resource_id": rid, "filters": '{"commune": "Bayonne"}', "sort": "_id"}
    )
    assert [r["commune"] for r in result(response)["records"]] == ["Bayonne"]

    # the package dictionary says the table is there
    package = client.get("/api/3/action/package_show", {"id": dataset.slug}).json()["result"]
    assert package["resources"][0]["datastore_active"] is True


#: (parameters, status, CKAN error type): each one sent on the same loaded table (loading it is the expensive part).
SEARCH_ERRORS = [
    ({}, 409, "Validation Error"),
    ({"resource_id": "nope"}, 404, "Not Found Error"),
    ({"resource_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}, 404, "Not Found Error"),
    ({"filters": {"nowhere": 1}}, 409, "Validation Error"),
    ({"filters": {"montant": "lots"}}, 409, "Validation Error"),
    ({"filters": {"montant": {"gt": 1}}}, 409, "Validation Error"),
    ({"filters": "[1]"}, 409, "Validation Error"),
    ({"q": {"nowhere": "x"}}, 409, "Validation Error"),
    ({"sort": "nowhere desc"}, 409, "Validation Error"),
    ({"sort": "montant sideways"}, 409, "Validation Error"),
    ({"sort": "_id desc"}, 409, "Validation Error"),
    ({"fields": "nowhere"}, 409, "Validation Error"),
    ({"limit": 1001}, 409, "Validation Error"),
    ({"limit": -1}, 409, "Validation Error"),
    ({"offset": "x"}, 409, "Validation Error"),
    ({"records_format": "csv"}, 409, "Validation Error"),
]


def test_datastore_search_errors(client, loaded):
    rid = str(loaded[2].identifier)
    for params, status, ckan_type in SEARCH_ERRORS:
        response = search(client, **({"resource_id": rid} | params if params else {}))
        assert response.status_code == status, (params, response.content)
        assert response.json()["error"]["__type"] == ckan_type, params


def test_datastore_search_visibility_and_readiness(client, loaded):
    editor, dataset, resource, table = loaded
    dataset.state = "draft"
    dataset.save()
    assert search(client, resource_id=str(resource.identifier)).status_code == 404
    client.force_login(editor)
    assert search(client, resource_id=str(resource.identifier)).status_code == 200
    Table.objects.filter(pk=table.pk).update(state=Table.State.PENDING)
    assert search(client, resource_id=str(resource.identifier)).status_code == 404


def test_datastore_search_rate_limit(client, loaded, settings):
    settings.CKAN_API_RATE_IP = "2/m"
    rid = str(loaded[2].identifier)
    assert search(client, resource_id=rid).status_code == 200
    assert search(client, resource_id=rid).status_code == 200
    response = search(client, resource_id=rid)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["success"] is False
