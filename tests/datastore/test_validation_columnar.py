"""The DuckDB path of `validate` (large UTF-8 files) reports exactly what the row engine reports, and falls back
to the row engine whenever the two readers could differ."""

import json
from pathlib import Path

import pytest

from auzolan.datastore.validation import columnar, validate
from auzolan.datastore.validation.sources import open_csv

DATA = Path(__file__).parent / "data"
CASES = [
    ("exemple_valide.csv", "subventions.json"),
    ("exemple_invalide_erreurs_cellules.csv", "subventions.json"),
    ("exemple_invalide_erreurs_colonnes.csv", "subventions.json"),
    ("exemple_marche_public.csv", "marches-publics-fixed.json"),
    ("exemple_marche_public_avec_erreurs.csv", "marches-publics-fixed.json"),
    ("prenoms-nouveaux-nes_exemple-valide.csv", "prenoms.json"),
    ("prenoms-nouveaux-nes_exemple-invalide.csv", "prenoms.json"),
    ("handmade-broken.csv", "handmade-schema.json"),
    ("handmade-header.csv", "handmade-schema.json"),
    ("handmade-short-header.csv", "handmade-schema.json"),
    ("handmade-semicolon.csv", "handmade-schema.json"),
]


def errors(report):
    return [(e["type"], e["rowNumber"], e["fieldName"], e["cell"], e.get("constraint")) for e in report["errors"]]


def both(path, descriptor, monkeypatch):
    """(report of the row engine, report of the DuckDB path or None when it declines)."""
    monkeypatch.setattr(columnar, "MIN_BYTES", 10**15)
    rows = validate(path, descriptor, max_errors=100_000).as_dict()
    table = open_csv(path)
    table.close()
    fast = columnar.try_validate(
        path, descriptor, encoding=table.encoding, dialect=table.rows.dialect, max_errors=100_000, force=True
    )
    return rows, None if fast is None else fast.as_dict()


@pytest.mark.parametrize(("csv_name", "schema_name"), CASES)
def test_same_report_as_the_row_engine(csv_name, schema_name, monkeypatch):
    descriptor = json.loads((DATA / schema_name).read_text(encoding="utf-8"))
    rows, fast = both(DATA / csv_name, descriptor, monkeypatch)
    if fast is None:
        pytest.skip("the DuckDB path declines this file")
    assert errors(fast) == errors(rows)
    assert fast["stats"]["rows"] == rows["stats"]["rows"]
    assert fast["stats"]["types"] == rows["stats"]["types"]
    assert fast["warnings"] == rows["warnings"]


def test_the_duckdb_path_is_taken_on_the_reference_files(monkeypatch):
    descriptor = json.loads((DATA / "subventions.json").read_text(encoding="utf-8"))
    _rows, fast = both(DATA / "exemple_invalide_erreurs_cellules.csv", descriptor, monkeypatch)
    assert fast is not None and not fast["valid"]


SCHEMA = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{2}"}},
        {"name": "n", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "d", "type": "date"},
        {"name": "x", "type": "number"},
        {"name": "e", "type": "string", "constraints": {"enum": ["a", "b"], "maxLength": 1}},
    ],
    "custom_checks": [{"name": "one-of-required", "params": {"column1": "n", "column2": "x"}}],
}


@pytest.mark.parametrize(
    ("body", "declines"),
    [
        ("AB,1,2026-01-01,1.5,a\nA,0,2026-02-30,1 000,c\n,,,,\nAB,1\nAB,1,2026-01-01,1,a,extra\nAB,,x,,b\n", False),
        ('AB,1,2026-01-01,"1,5",a\n"AB",2,2026-01-01,2,"b"\n', False),
        ("AB,1,2026-01-01,1.5,a\n\nAB,1,2026-01-01,1.5,a\n", True),  # blank line: DuckDB skips it
        ('AB,1,2026-01-01,1.5,"a\nb"\n', True),  # quoted line break
        ('AB,1,2026-01-01,1.5, "a"\n', True),  # blank before a quote
        ("AB,1,2026-01-01,1.5,a\rAB,1,2026-01-01,1.5,a\n", True),  # lone carriage return
        ("AB,1,2026-01-01,1.5,a,b,c\n", True),  # two extra cells: DuckDB's strict mode refuses the row
        ('AB,1,2026-01-01,1.5,"a"b\n', True),  # text after a closing quote
    ],
)
def test_fallback_and_equivalence_on_edge_files(tmp_path, monkeypatch, body, declines):
    path = tmp_path / "edge.csv"
    path.write_text("code,n,d,x,e\n" + body, encoding="utf-8")
    rows, fast = both(path, SCHEMA, monkeypatch)
    assert (fast is None) is declines
    if fast is not None:
        assert errors(fast) == errors(rows)
        assert fast["stats"]["rows"] == rows["stats"]["rows"]
    monkeypatch.setattr(columnar, "MIN_BYTES", 0)
    assert errors(validate(path, SCHEMA, max_errors=100_000).as_dict()) == errors(rows)


def test_schemas_with_unique_keys_use_the_row_engine(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("id\n1\n1\n", encoding="utf-8")
    table = open_csv(path)
    table.close()
    descriptor = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}}]}
    assert (
        columnar.try_validate(path, descriptor, encoding="utf-8", dialect=table.rows.dialect, max_errors=10, force=True)
        is None
    )
    assert [e["type"] for e in validate(path, descriptor).as_dict()["errors"]] == ["unique-error"]
