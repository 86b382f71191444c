"""The validation engine: types, constraints, French checks, reading of CSV files, report shape."""

import json
from pathlib import Path

import pytest

from auzolan.core.errors import ValidationError
from auzolan.datastore.validation import validate, validate_rows
from auzolan.datastore.validation.french import gps_valid, phone_valid, postal_valid, siren_valid, siret_valid

DATA = Path(__file__).parent / "data"


def kinds(report):
    return {(e["type"], e["rowNumber"], e["fieldName"]) for e in report.as_dict()["errors"]}


def schema(*fields, **extra):
    return {"fields": list(fields), **extra}


def test_valid_scdl_example_is_valid():
    descriptor = json.loads((DATA / "subventions.json").read_text())
    report = validate(DATA / "exemple_valide.csv", descriptor).as_dict()
    assert report["valid"] is True
    assert report["stats"]["rows"] == 29
    assert report["errors"] == []
    assert report["schema"]["name"] == "subventions"


def test_report_shape_and_french_messages():
    descriptor = json.loads((DATA / "subventions.json").read_text())
    report = validate(DATA / "exemple_invalide_erreurs_cellules.csv", descriptor).as_dict()
    assert report["valid"] is False
    assert set(report) >= {"valid", "stats", "schema", "errors", "truncated", "warnings"}
    assert report["stats"]["types"]["type-error"] == 5
    assert report["stats"]["types"]["constraint-error"] == 10
    error = next(e for e in report["errors"] if e["type"] == "constraint-error" and e.get("constraint") == "maximum")
    assert error["rowNumber"] >= 2
    assert "maximum" in error["message"]
    assert set(error) >= {"type", "rowNumber", "fieldName", "fieldNumber", "cell", "message"}
    json.dumps(report)


def test_errors_are_capped_but_counted():
    rows = [["n"], *[["x"] for _ in range(50)]]
    report = validate_rows(rows, schema({"name": "n", "type": "integer"}), max_errors=10).as_dict()
    assert report["stats"]["errors"] == 50
    assert len(report["errors"]) == 10
    assert report["truncated"] is True


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ({"type": "integer"}, [" 12 ", "-3"], ["1.5", "douze"]),
        ({"type": "number"}, ["1.5", "1e3", "-0.2"], ["1,5", "1 000"]),
        ({"type": "number", "decimalChar": ",", "groupChar": " "}, ["1 234,56"], ["1.5"]),
        ({"type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]}, ["oui", "non"], ["true", "Oui"]),
        ({"type": "date"}, ["2026-11-25", "2024-02-29"], ["25/11/2026", "2026-02-30"]),
        ({"type": "date", "format": "%d/%m/%Y"}, ["25/11/2026"], ["2026-11-25"]),
        ({"type": "datetime"}, ["2026-11-25T14:30:00Z"], ["2026-11-25"]),
        ({"type": "time"}, ["14:30:00"], ["25:00:00"]),
        ({"type": "year"}, ["2026"], ["26", "an"]),
        ({"type": "yearmonth"}, ["2026-11"], ["2026-13"]),
        ({"type": "duration"}, ["P1Y2M", "PT3H"], ["1 an", "P"]),
        ({"type": "geopoint"}, ["-1.47, 43.48"], ["200, 43"]),
        ({"type": "array"}, ["[1, 2]"], ["{}"]),
        ({"type": "object"}, ['{"a": 1}'], ["[]"]),
        ({"type": "string", "format": "email"}, ["a@b.fr"], ["a-b.fr"]),
        ({"type": "string", "format": "uri"}, ["https://x.fr"], ["x.fr"]),
        ({"type": "string", "format": "uuid"}, ["12345678-1234-5678-1234-567812345678"], ["1234"]),
    ],
)
def test_types(field, good, bad):
    descriptor = schema({"name": "v", **field})
    report = validate_rows([["v"], *[[value] for value in good + bad]], descriptor)
    rows = sorted(e["rowNumber"] for e in report.as_dict()["errors"])
    assert rows == list(range(2 + len(good), 2 + len(good) + len(bad)))
    assert {e["type"] for e in report.as_dict()["errors"]} == {"type-error"}


def test_constraints_and_pattern_is_anchored():
    descriptor = schema(
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}", "required": True}},
        {"name": "n", "type": "integer", "constraints": {"minimum": 1, "maximum": 5, "enum": [1, 2, 3, 9]}},
    )
    report = validate_rows([["code", "n"], ["AB", "2"], ["ABC", "9"], ["", "0"]], descriptor)
    errors = {(e["rowNumber"], e["fieldName"], e["constraint"]) for e in report.as_dict()["errors"]}
    assert errors == {
        (3, "code", "pattern"),
        (3, "n", "maximum"),
        (4, "code", "required"),
        (4, "n", "minimum"),
        (4, "n", "enum"),
    }


def test_french_checks():
    assert siret_valid("73282932000074")
    assert not siret_valid("73282932000075")
    assert siret_valid("35600000000001")  # La Poste: sum of digits divisible by 5
    assert siren_valid("732829320")
    assert postal_valid("64100") and not postal_valid("99100")
    assert phone_valid("05 59 00 00 00") and phone_valid("+33 5 59 00 00 00") and not phone_valid("12")
    assert gps_valid("-1.47, 43.48") and not gps_valid("43.48, -1.47")


@pytest.mark.parametrize("check", [siret_valid, siren_valid])
def test_identifiers_with_digits_that_are_not_ascii_are_refused_not_crashing(check):
    # '²' and '٣' are digits for str.isdigit(); the first is not one for int()
    for value in ("1234567890123²", "12345678²", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "٧٣٢٨٢٩٣٢٠"):
        assert check(value) is False


def test_custom_checks_of_a_schema():
    descriptor = schema(
        {"name": "siret", "type": "string"},
        {"name": "rna", "type": "string"},
        {"name": "total", "type": "integer"},
        {"name": "pour", "type": "integer"},
        {"name": "contre", "type": "integer"},
        {"name": "annee", "type": "string"},
        custom_checks=[
            {"name": "french-siret-value", "params": {"column": "siret"}},
            {"name": "one-of-required", "params": {"column1": "siret", "column2": "rna"}},
            {"name": "sum-columns-value", "params": {"column": "total", "columns": ["pour", "contre"]}},
            {"name": "compare-columns-value", "params": {"column": "total", "op": ">=", "column2": "pour"}},
            {"name": "year-interval-value", "params": {"column": "annee", "allow-year-only": "yes"}},
            {"name": "cohesive-columns-value", "params": {"column": "pour", "othercolumns": ["contre"]}},
            {"name": "opening-hours-value", "params": {"column": "annee"}},
        ],
    )
    rows = [
        ["siret", "rna", "total", "pour", "contre", "annee"],
        ["73282932000074", "", "3", "2", "1", "2026"],
        ["73282932000075", "", "3", "2", "2", "2026/2025"],
        ["", "", "1", "2", "", "2026/2027"],
    ]
    report = validate_rows(rows, descriptor).as_dict()
    assert {(e["type"], e["rowNumber"]) for e in report["errors"]} == {
        ("french-siret-value", 3),
        ("sum-columns-value", 3),
        ("year-interval-value", 3),
        ("one-of-required", 4),
        ("compare-columns-value", 4),
        ("cohesive-columns-value", 4),
    }
    assert any("opening-hours-value" in warning for warning in report["warnings"])


def test_encodings_and_delimiters(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("nom;ville\nÉcole;Bayonne\n".encode("cp1252"))
    report = validate(path, schema({"name": "nom", "type": "string"}, {"name": "ville", "type": "string"}))
    assert report.valid and report.encoding == "cp1252" and report.delimiter == ";"
    path.write_bytes("\ufeffnom,ville\nÉcole,Bayonne\n".encode())
    report = validate(path, schema({"name": "nom", "type": "string"}, {"name": "ville", "type": "string"}))
    assert report.valid and report.encoding == "utf-8-sig"


def test_refusals_are_application_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValidationError):
        validate(empty, schema({"name": "a"}))
    with pytest.raises(ValidationError):
        validate(tmp_path / "absent.csv", schema({"name": "a"}))
    with pytest.raises(ValidationError):
        validate_rows([["a"]], {"fields": []})


def test_unknown_constraint_is_a_warning():
    descriptor = json.loads((DATA / "marches-publics.json").read_text())
    report = validate(DATA / "exemple_marche_public.csv", descriptor).as_dict()
    assert any("pattern:" in warning for warning in report["warnings"])
