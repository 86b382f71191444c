"""The data API's pages in the anonymous page cache (core.pagecache): served without a DuckDB query the second time,
never after the dataset stops being public, fresh after a new version of the file is loaded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset
from auzolan.datastore import query
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks


@pytest.fixture
def loaded(transactional_db, page_cache):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, _table = load(editor, dataset)
    return editor, dataset, resource


@pytest.fixture
def duckdb_calls(monkeypatch):
    calls = []
    for name in ("search", "aggregate"):
        real = getattr(query, name)
        monkeypatch.setattr(
            query, name, lambda *a, _real=real, _name=name, **k: (calls.append(_name), _real(*a, **k))[1]
        )
    return calls


def test_data_pages_are_served_from_the_cache(loaded, duckdb_calls):
    resource = loaded[2]
    url = f"/api/v1/resources/{resource.identifier}/data?montant__gte=100&sort=-montant&limit=2"
    first = Client().get(url)
    second = Client().get(url)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and [r["commune"] for r in first.json()["rows"]] == ["Bayonne", "Hendaye"]
    aggregate = f"/api/v1/resources/{resource.identifier}/data/aggregate?group_by=commune"
    assert Client().get(aggregate).json() == Client().get(aggregate).json()
    assert duckdb_calls == ["search", "aggregate"]
    other = Client().get(url.replace("limit=2", "limit=3"))  # another question: computed
    assert len(other.json()["rows"]) == 3 and duckdb_calls[-1] == "search"


def test_a_dataset_that_stops_being_public_is_404_at_once(loaded):
    editor, dataset, resource = loaded
    url = f"/api/v1/resources/{resource.identifier}/data"
    assert Client().get(url).status_code == 200
    catalog_services.dataset_unpublish(actor=editor, dataset=Dataset.objects.get(pk=dataset.pk))
    assert Client().get(url).status_code == 404


def test_a_new_version_of_the_file_shows_at_once(loaded):
    editor, _dataset, resource = loaded
    url = f"/api/v1/resources/{resource.identifier}/data"
    assert Client().get(url).json()["total"] == 5
    catalog_services.resource_upload_version(
        actor=editor, resource=resource, file=SimpleUploadedFile("v2.csv", b"commune;montant\nBayonne;1\n")
    )
    run_queued_tasks()
    assert Client().get(url).json()["total"] == 1


def test_an_editor_is_never_served_the_cache(loaded, duckdb_calls):
    editor, _dataset, resource = loaded
    url = f"/api/v1/resources/{resource.identifier}/data"
    Client().get(url)
    client = Client()
    client.force_login(editor)
    client.get(url)
    client.get(url)
    assert duckdb_calls == ["search", "search", "search"]
