"""Exports of a filtered result: CSV, JSON, Parquet, streamed from a temporary file; a 200 000-row table."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import duckdb
import pytest
from django.core.cache import cache
from python_calamine import CalamineWorkbook

from auzolan.datastore import exports
from auzolan.datastore.exports import XLSX_MAX_CELL, _fit_text
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
    url = f"/api/v1/resources/{resource.identifier}/data"
    page = client.get(url, {"montant__gt": "1000", "limit": 1}).json()
    # a first page counts its total with its rows: exact, even above 100 000 matching rows
    assert page["total_estimated"] is False and page["total"] == 199_333
    # a next page whose total is not in the cache counts it alone: above 100 000 rows, an estimate, flagged so
    cache.clear()
    page = client.get(url, {"montant__gt": "1000", "limit": 1, "cursor": page["next_cursor"]}).json()
    assert page["total_estimated"] is True and abs(page["total"] - 199_333) < 199_333 * 0.1
    page = client.get(f"/api/v1/resources/{resource.identifier}/data", {"montant__gt": "200000", "limit": 1}).json()
    assert page["total"] == 200_000 - 133_334 and page["total_estimated"] is False


# --- XLSX ------------------------------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPED = (
    "commune;montant;date;horodatage;population;actif;libelle\n"
    "Bayonne;1234.5;2024-01-15;2024-01-15 10:30:00;12345678901234;oui;Équipement sportif\n"
    "Anglet;12.5;1899-06-01;2025-02-01 08:00:00;22345678901234;non;=1+1\n"
    "Biarritz;;2023-03-03;;323456;oui;+33 5 59 00 00 00\n"
    "Hendaye;300;;2024-06-30 23:59:59;;;-2 à 3\n"
    'Ustaritz;-7;2024-02-29;2024-02-29 00:00:00;42345678901234;non;"@SUM(A1:A9)"\n'
    'Cambo;1;2024-01-01;2024-01-01 00:00:00;52345678901234;oui;"=HYPERLINK(""http://x.test"",""y"")"\n'
    "Sare;2;2024-01-02;2024-01-02 00:00:00;62345678901234;oui;<r><t>balise</t></r>\n"
)


def read_xlsx(content: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def sheet_xml(content: bytes, n: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def test_xlsx_cells_are_typed_with_a_bold_frozen_header(client, editor_dataset):
    resource, table = load(*editor_dataset, TYPED, "types.csv")
    types = {c["name"]: c["type"] for c in table.columns}
    assert types == {
        "commune": "text",
        "montant": "number",
        "date": "date",
        "horodatage": "datetime",
        "population": "integer",  # a column named siret, or of 14-digit values only, would be text (issue 9)
        "actif": "boolean",
        "libelle": "text",
    }
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "xlsx"})
    assert response["Content-Type"] == XLSX_TYPE
    assert ".xlsx" in response["Content-Disposition"]
    content = body(response)
    sheets = read_xlsx(content)
    assert list(sheets) == ["Données"]  # no "Notes" sheet: nothing was truncated
    rows = sheets["Données"]
    assert rows[0] == ["commune", "montant", "date", "horodatage", "population", "actif", "libelle"]
    bayonne = rows[1]
    assert bayonne[:2] == ["Bayonne", 1234.5]
    assert bayonne[2] == datetime.date(2024, 1, 15)
    assert bayonne[3] == datetime.datetime(2024, 1, 15, 10, 30)
    assert bayonne[4] == 12345678901234 and bayonne[5] is True and bayonne[6] == "Équipement sportif"
    anglet = rows[2]
    assert anglet[2] == "1899-06-01"  # before Excel's calendar: kept as text
    assert anglet[5] is False
    assert rows[3][1] == "" and rows[3][3] == ""  # empty cells stay empty
    assert rows[5][2] == datetime.date(2024, 2, 29) and rows[5][1] == -7
    xml = sheet_xml(content)
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in xml
    assert '<autoFilter ref="A1:G8"/>' in xml
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        styles = z.read("xl/styles.xml").decode()
    # bold header; date formats; "0" is Excel's built-in number format 1 (a 14-digit identifier in full)
    assert "<b/>" in styles and 'formatCode="dd/mm/yyyy"' in styles and 'numFmtId="1"' in styles


def test_xlsx_never_writes_formulas(client, editor_dataset):
    resource, _table = load(*editor_dataset, TYPED, "types.csv")
    response = client.get(
        f"/api/v1/resources/{resource.identifier}/data/export", {"format": "xlsx", "fields": "libelle"}
    )
    content = body(response)
    values = [row[0] for row in read_xlsx(content)["Données"][1:]]
    assert values == [
        "Équipement sportif",
        "=1+1",
        "+33 5 59 00 00 00",
        "-2 à 3",
        "@SUM(A1:A9)",
        '=HYPERLINK("http://x.test","y")',
        "<r><t>balise</t></r>",  # shown as typed, not taken as rich-text markup
    ]
    xml = sheet_xml(content)
    assert "<f>" not in xml and "<t>balise</t>" not in xml


def test_xlsx_follows_filters_sort_and_fields(client, editor_dataset):
    resource, _table = load(*editor_dataset)
    params = {"montant__gte": "300", "sort": "-montant,commune", "fields": "commune,montant", "format": "xlsx"}
    content = body(client.get(f"/api/v1/resources/{resource.identifier}/data/export", params))
    assert read_xlsx(content)["Données"] == [
        ["commune", "montant"],
        ["Bayonne", 1234.5],
        ["Hendaye", 300.0],
        ["Ustaritz", 300.0],
    ]


def test_xlsx_truncates_long_text_with_a_note(client, editor_dataset):
    long = "é" * 40_000
    resource, _table = load(*editor_dataset, f"nom;texte\ncourt;abc\nlong;{long}\n", "long.csv")
    content = body(client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "xlsx"}))
    sheets = read_xlsx(content)
    assert list(sheets) == ["Données", "Notes"]
    cell = sheets["Données"][2][1]
    assert len(cell) <= 32_767 and cell.endswith("[…tronqué]") and cell.startswith("éé")
    assert "1 cellules" in sheets["Notes"][0][0] and "32 767" in sheets["Notes"][0][0]


def test_fit_text_counts_utf16_units():
    text, cut = _fit_text("😀" * 20_000, "[x]")  # 40,000 UTF-16 units
    assert cut == 1 and len(text.encode("utf-16-le")) // 2 <= XLSX_MAX_CELL and text.endswith("😀[x]")
    assert _fit_text("a" * XLSX_MAX_CELL, "[x]") == ("a" * XLSX_MAX_CELL, 0)
    assert _fit_text("\ufffe", "") == ("\ufffd", 0)


def test_xlsx_over_the_row_limit_is_refused_before_writing(client, editor_dataset, monkeypatch, tmp_path):
    resource, _table = load(*editor_dataset)
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 4)  # header + 3 rows
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    url = f"/api/v1/resources/{resource.identifier}/data/export"
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too-large" and error["field"] == "format"
    assert "5 lignes" in error["message"] and "CSV" in error["message"] and "Parquet" in error["message"]
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left behind
    assert len(read_xlsx(body(client.get(url, {"format": "xlsx", "montant__gte": "300"})))["Données"]) == 4


def test_xlsx_export_times_out_cleanly(client, editor_dataset, settings, tmp_path, monkeypatch):
    resource, _table = load(*editor_dataset)
    settings.DATASTORE_QUERY_TIMEOUT = 0.00001
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "xlsx"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "timeout"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_unknown_format_lists_xlsx(client, editor_dataset):
    resource, _table = load(*editor_dataset)
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "ods"})
    assert response.status_code == 400
    assert "csv, json, parquet, xlsx" in response.json()["error"]["message"]


def test_openapi_documents_xlsx(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/resources/{identifier}/data/export"]
    assert "xlsx" in operation["get"]["description"]


def test_xlsx_over_the_cell_budget_is_refused_at_once_with_the_alternatives(client, editor_dataset, monkeypatch):
    resource, _table = load(*editor_dataset)
    url = f"/api/v1/resources/{resource.identifier}/data/export"
    monkeypatch.setattr(exports, "XLSX_MAX_CELLS", 10)
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too-large" and "cellules" in error["message"] and "CSV" in error["message"]
    # fewer columns fit
    fields = client.get(url, {"format": "xlsx", "fields": "montant", "montant__gte": "300"})
    assert fields.status_code == 200
