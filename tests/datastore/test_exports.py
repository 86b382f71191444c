"""Exports of a filtered result: CSV, JSON, Parquet, streamed from a temporary file; a 200 000-row table."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def editor_dataset(transactional_db):
    editor = MembershipFactory(role="editor").user
    return editor, DatasetFactory(organisation=editor.memberships.get().organisation, state="published")


def body(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def test_formats_follow_the_filters(client, editor_dataset, tmp_path):
    resource, _table = load(*editor_dataset)
    url = f"/api/v1/resources/{resource.identifier}/data/export"
    params = {"montant__gte": "300", "sort": "-montant,commune", "fields": "commune,montant"}
    response = client.get(url, {**params, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows == [["commune", "montant"], ["Bayonne", "1234.5"], ["Hendaye", "300.0"], ["Ustaritz", "300.0"]]
    data = json.loads(body(client.get(url, {**params, "format": "json"})))
    assert data == [
        {"commune": "Bayonne", "montant": 1234.5},
        {"commune": "Hendaye", "montant": 300.0},
        {"commune": "Ustaritz", "montant": 300.0},
    ]
    target = tmp_path / "x.parquet"
    target.write_bytes(body(client.get(url, {**params, "format": "parquet"})))
    assert duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchall() == [(3,)]


def test_a_200k_row_export_streams(client, editor_dataset):
    lines = ["id;commune;montant"] + [f"{i};Commune {i % 158};{i * 1.5}" for i in range(200_000)]
    resource, table = load(*editor_dataset, "\n".join(lines) + "\n", "grand.csv")
    assert table.row_count == 200_000
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "csv"})
    count, first = 0, None
    for chunk in response.streaming_content:  # read chunk by chunk, as a client would
        count += chunk.count(b"\n")
        first = first or chunk[:40]
    assert count == 200_001 and first.startswith(b"id,commune,montant\n0,Commune 0,0.0")
    page = client.get(f"/api/v1/resources/{resource.identifier}/data", {"montant__gt": "1000", "limit": 1}).json()
    # above 100 000 matching rows the total is an estimate, flagged so
    assert page["total_estimated"] is True and abs(page["total"] - 199_333) < 199_333 * 0.1
    page = client.get(f"/api/v1/resources/{resource.identifier}/data", {"montant__gt": "200000", "limit": 1}).json()
    assert page["total"] == 200_000 - 133_334 and page["total_estimated"] is False
