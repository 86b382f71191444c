"""Our engine and frictionless 5 report the same (type, row number, field name) on the same files.

frictionless is the reference of the error codes (a development dependency only). The French checks of
Validata (custom_checks) are left out of the comparison: frictionless does not run them.
"""

import json
from pathlib import Path

import pytest
from frictionless import Resource, Schema

from auzolan.datastore.validation import validate
from auzolan.datastore.validation.french import FRENCH_CODES

DATA = Path(__file__).parent / "data"

CASES = [
    ("exemple_valide.csv", "subventions.json", None),
    ("exemple_invalide_erreurs_cellules.csv", "subventions.json", None),
    ("exemple_invalide_erreurs_colonnes.csv", "subventions.json", None),
    ("exemple-duplicate-column.csv", "subventions.json", "latin-1"),
    ("exemple_marche_public.csv", "marches-publics-fixed.json", None),
    ("exemple_marche_public_avec_erreurs.csv", "marches-publics-fixed.json", None),
    ("prenoms-nouveaux-nes_exemple-valide.csv", "prenoms.json", None),
    ("prenoms-nouveaux-nes_exemple-invalide.csv", "prenoms.json", None),
    ("handmade-broken.csv", "handmade-schema.json", None),
    ("handmade-header.csv", "handmade-schema.json", None),
    ("handmade-short-header.csv", "handmade-schema.json", None),
    ("handmade-semicolon.csv", "handmade-schema.json", None),
]


def frictionless_errors(path: Path, descriptor: dict, encoding: str | None) -> set[tuple]:
    options = {"encoding": encoding} if encoding else {}
    descriptor = {key: value for key, value in descriptor.items() if key != "custom_checks"}
    resource = Resource(path.name, basepath=str(path.parent), schema=Schema.from_descriptor(descriptor), **options)
    report = resource.validate()
    assert not [
        error for task in report.tasks for error in task.errors if error.type in ("source-error", "scheme-error")
    ]
    return {(kind, row, name or None) for kind, row, name in report.flatten(["type", "rowNumber", "fieldName"])}


def our_errors(path: Path, descriptor: dict, encoding: str | None) -> set[tuple]:
    report = validate(path, descriptor, encoding=encoding, max_errors=100_000).as_dict()
    return {
        (error["type"], error["rowNumber"], error["fieldName"])
        for error in report["errors"]
        if error["type"] not in FRENCH_CODES
    }


@pytest.mark.parametrize(("csv_name", "schema_name", "encoding"), CASES)
def test_same_errors_as_frictionless(csv_name, schema_name, encoding):
    descriptor = json.loads((DATA / schema_name).read_text(encoding="utf-8"))
    expected = frictionless_errors(DATA / csv_name, descriptor, encoding)
    ours = our_errors(DATA / csv_name, descriptor, encoding)
    assert ours - expected == set(), "reported by us only"
    assert expected - ours == set(), "reported by frictionless only"


def test_the_hand_made_files_cover_every_row_error():
    descriptor = json.loads((DATA / "handmade-schema.json").read_text(encoding="utf-8"))
    kinds = {kind for kind, _row, _name in our_errors(DATA / "handmade-broken.csv", descriptor, None)}
    assert {
        "blank-row",
        "extra-cell",
        "missing-cell",
        "type-error",
        "constraint-error",
        "unique-error",
        "primary-key",
    } <= kinds
    kinds = {kind for kind, _row, _name in our_errors(DATA / "handmade-header.csv", descriptor, None)}
    assert {"duplicate-label", "incorrect-label", "blank-label", "extra-label", "missing-cell"} <= kinds
