"""The DuckDB path of `validate` (large UTF-8 files) reports exactly what the row engine reports, and falls back
to the row engine whenever the two readers could differ."""

import json
import random
from pathlib import Path

import duckdb
import pytest

from auzolan.datastore.validation import columnar, french, validate
from auzolan.datastore.validation.columnar import _Column
from auzolan.datastore.validation.engine import CELL, FieldPlan
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
        ('AB,1,2026-01-01,1.5,"a" \n', True),  # blank after a closing quote, at the end of the line
        ('"AB" \t,1,2026-01-01,1.5,a\n', True),  # blanks after a closing quote, before a delimiter
        ('AB,1,2026-01-01,1.5,a\n  \t"AB",1,2026-01-01,1.5,a\n', True),  # blanks at the start of a line
        ('AB,1,2026-01-01,"x ""y"" z",a\nAB,1,2026-01-01,1.5,"a ""b"""\n', False),  # quotes beside blanks inside
        ("AB,1,2026-01-01,1.5,a\rAB,1,2026-01-01,1.5,a\n", True),  # lone carriage return
        ("AB,1,2026-01-01,1.5,a,b,c\n", True),  # two extra cells: DuckDB's strict mode refuses the row
        ('AB,1,2026-01-01,1.5,"a"b\n', True),  # text after a closing quote
    ],
)
@pytest.mark.parametrize("one_by_one", [20_000, 0], ids=["few-quotes", "many-quotes"])
def test_fallback_and_equivalence_on_edge_files(tmp_path, monkeypatch, body, declines, one_by_one):
    monkeypatch.setattr(columnar, "QUOTES_ONE_BY_ONE", one_by_one)  # both ways of finding blanks beside quotes
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


# --- Many distinct bad values (issue 9): the DuckDB path stays linear and reports exactly what the row engine does.


def luhn_complete(body: str) -> str:
    """`body` followed by the key that makes the Luhn sum a multiple of 10."""
    for key in "0123456789":
        digits = body + key
        total = sum(
            (value * 2 - 9 if value * 2 > 9 else value * 2) if index % 2 else value
            for index, value in enumerate(int(char) for char in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError(body)


EVERYTHING = {
    "fields": [
        {"name": "montant", "type": "number", "constraints": {"required": True, "minimum": 0}},
        {"name": "siret", "type": "string"},
        {"name": "siren", "type": "string"},
        {"name": "insee", "type": "string"},
        {"name": "cp", "type": "string"},
        {"name": "tel", "type": "string"},
        {"name": "gps", "type": "string"},
        {"name": "matiere", "type": "string"},
        {"name": "periode", "type": "string"},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}-\\d{3}", "maxLength": 6}},
        {"name": "cle", "type": "string", "constraints": {"pattern": "(?!ZZ)[A-Z]{2}"}},
        {"name": "nb", "type": "integer", "constraints": {"minimum": 1, "maximum": 1000}},
        {"name": "ok", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "d", "type": "date", "constraints": {"required": True}},
        {"name": "rna", "type": "string", "constraints": {"pattern": "^W\\d{9}$"}},
        {"name": "choix", "type": "string", "constraints": {"enum": ["a", "b", 3]}, "missingValues": []},
        {"name": "taux", "type": "number", "constraints": {"minimum": 0.01, "maximum": 1}},
        {"name": "ref", "type": "string", "constraints": {"pattern": "R[^\\d]\\d"}},  # RE2's [^\d] takes '٣'
        {"name": "lettres", "type": "string", "constraints": {"pattern": "(?i:[a-z]{1,3})"}},
    ],
    "custom_checks": [
        {"name": "french-siret-value", "params": {"column": "siret"}},
        {"name": "siren", "params": {"column": "siren"}},
        {"name": "french-insee-code-value", "params": {"column": "insee"}},
        {"name": "code-postal", "params": {"column": "cp"}},
        {"name": "phone-number-value", "params": {"column": "tel"}},
        {"name": "french-gps-coordinates", "params": {"column": "gps"}},
        {"name": "nomenclature-actes-value", "params": {"column": "matiere"}},
        {"name": "year-interval-value", "params": {"column": "periode", "allow-year-only": "yes"}},
        {"name": "one-of-required", "params": {"column1": "siret", "column2": "rna"}},
        {"name": "opening-hours-value", "params": {"column": "tel"}},
    ],
    "missingValues": ["", "NA"],
}


def messy_row(i: int) -> list[str]:
    """A row where most columns hold a value seen nowhere else, a third of them wrong in a different way."""
    pick = i % 4
    siret = [luhn_complete(f"{10**12 + i * 7919}"), f"{10**13 + i * 7919}", "", f"{i:013d}²"][pick]
    if i % 50 == 0:
        siret = "35600000000048" if i % 100 else "35600000000049"  # La Poste: digit sum divisible by 5 or not
    return [
        [f"{i} 234,5", f"{i}.25", f"-{i}.5", " 12 "][i % 4],
        siret,
        [luhn_complete(f"{10**7 + i * 31}"), f"{10**8 + i}", f"{i}", "１２３４５６７８９"][pick],
        [f"{i % 100000:05d}", f"2{'AB'[i % 2]}{i % 1000:03d}", f"{i % 1000:03d}", "6410２"][pick],
        [f"{i * 37 % 100000:05d}", f"{i % 10000:04d}", "99100", ""][pick],
        [
            f"05 59 {i % 100:02d} {i // 100 % 100:02d} 00",
            f"+44 20 7946 {i % 10000:04d}",
            f"+33 5 59 {i % 100:02d}",
            "05\u00a059 00 00 00",
        ][pick],
        [f"-1.{i}, 43.{i}", f"43.{i}, -1.{i}", "[-1.4, 43.4]", f"lat {i}"][pick],
        ["Urbanisme", f"Matière {i}", "Libertés publiques et pouvoirs de police", " finances locales "][pick],
        [f"{2000 + i % 30}", f"{2000 + i % 30}/{2001 + i % 30}", f"{2010 + i % 9}/{2005}", f"20{i % 10}x"][pick],
        [f"{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}-{i % 1000:03d}", f"ab-{i % 1000:03d}", "ÀB-123", "AB-1234"][pick],
        ["AB", "ZZ", f"{chr(65 + i % 26)}{chr(66 + i % 24)}", "A"][pick],
        [str(i % 1500), "0", "1.5", f" {i % 900 + 1}"][pick],
        ["oui", "non", "OUI", ""][pick],
        [f"2024-{1 + i % 12:02d}-{1 + i % 31:02d}", f"{1 + i % 28:02d}/01/2024", "", "2024-02-29"][pick],
        [f"W{i:09d}", "", f"X{i}", f"W{i:09d}\u00a0"][pick],
        ["a", "b", "3", f"c{i}"][pick],
        [f"0.{i % 100:02d}", "1", f"1.{i}", "0.001"][pick],
        ["Rx1", "R\u06631", "R11", f"R-{i % 10}"][pick],
        ["abc", "K", "\u212a", f"x{i}é"][pick],  # U+212A, the Kelvin sign, folds to k
    ]


def write_messy(path, rows: int):
    width = len(EVERYTHING["fields"])
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(field["name"] for field in EVERYTHING["fields"]) + "\n")
        for i in range(rows):
            cells = messy_row(i)
            if i % 13 == 0:  # a missing value of the schema (required montant, French checks skip it), "" for choix
                cells[i % 3 * 7 % width] = "NA"
                cells[width - 4] = ""
            if i % 101 == 5:
                cells = [
                    "",
                    "NA",
                    "",
                ]  # a blank row (short: "choix" has no missing value, so a full row is never blank)
            elif i % 97 == 3:
                cells = cells[: 1 + i % 7]  # short row
            elif i % 89 == 7:
                cells = [*cells, f"extra {i}"]
            out.write(",".join(f'"{cell}"' if "," in cell else cell for cell in cells) + "\n")


def test_many_distinct_bad_values_same_report_as_the_row_engine(tmp_path, monkeypatch):
    path = tmp_path / "messy.csv"
    write_messy(path, 4000)
    rows, fast = both(path, EVERYTHING, monkeypatch)
    assert fast is not None, "the DuckDB path must take this file"
    assert rows["stats"]["errors"] > 4000
    assert errors(fast) == errors(rows)
    assert [e["message"] for e in fast["errors"]] == [e["message"] for e in rows["errors"]]
    assert [e["fieldNumber"] for e in fast["errors"]] == [e["fieldNumber"] for e in rows["errors"]]
    assert fast["stats"]["types"] == rows["stats"]["types"]
    assert fast["stats"]["fields"] == rows["stats"]["fields"]
    assert fast["stats"]["rows"] == rows["stats"]["rows"] == 4000
    assert fast["warnings"] == rows["warnings"]
    # every French check found errors, so the comparison covers them all
    french_codes = {"french-siret-value", "french-siren-value", "french-insee-code-value", "code-postal"}
    french_codes |= {"phone-number-value", "french-gps-coordinates", "nomenclature-actes-value", "year-interval-value"}
    assert french_codes | {"one-of-required", "type-error", "constraint-error"} <= set(rows["stats"]["types"])
    assert {"blank-row", "missing-cell", "extra-cell"} <= set(rows["stats"]["types"])


def test_counts_stay_exact_when_the_listed_errors_are_capped(tmp_path, monkeypatch):
    path = tmp_path / "messy.csv"
    write_messy(path, 600)
    rows, _fast = both(path, EVERYTHING, monkeypatch)
    table = open_csv(path)
    table.close()
    capped = columnar.try_validate(
        path, EVERYTHING, encoding="utf-8", dialect=table.rows.dialect, max_errors=25, force=True
    ).as_dict()
    assert errors(capped) == errors(rows)[:25]
    assert capped["truncated"] is True
    assert capped["stats"]["errors"] == rows["stats"]["errors"]
    assert capped["stats"]["types"] == rows["stats"]["types"]
    assert capped["stats"]["fields"] == rows["stats"]["fields"]


def test_french_checks_run_in_duckdb_not_per_value_in_python(tmp_path, monkeypatch):
    """Only the values SQL cannot judge exactly (here, not plain ASCII) reach the Python SIRET check."""
    path = tmp_path / "sirets.csv"
    sirets = [f"{10**13 + i * 7919}" for i in range(3000)] + ["1234567890123²"]
    path.write_text("siret\n" + "\n".join(sirets) + "\n", encoding="utf-8")
    descriptor = {
        "fields": [{"name": "siret", "type": "string"}],
        "custom_checks": [{"name": "french-siret-value", "params": {"column": "siret"}}],
    }
    rows, _fast = both(path, descriptor, monkeypatch)
    seen = []
    original = french.siret_valid

    def spy(value):
        seen.append(value)
        return original(value)

    monkeypatch.setitem(french.VALUE_CHECKS, "french-siret-value", spy)
    table = open_csv(path)
    table.close()
    fast = columnar.try_validate(
        path, descriptor, encoding="utf-8", dialect=table.rows.dialect, max_errors=100_000, force=True
    ).as_dict()
    assert errors(fast) == errors(rows)
    assert fast["stats"]["types"] == {"french-siret-value": 3001 - sum(original(s) for s in sirets)}
    assert seen == ["1234567890123²"]


def test_a_missing_cell_is_not_checked_as_a_siret(tmp_path, monkeypatch):
    """A short row gets missing-cell errors, not a French check of the absent cell as if it held ''."""
    path = tmp_path / "short.csv"
    path.write_text("nom,siret\nA,73282932000074\nB\nC,\n", encoding="utf-8")
    descriptor = {
        "fields": [{"name": "nom", "type": "string"}, {"name": "siret", "type": "string"}],
        "custom_checks": [{"name": "french-siret-value", "params": {"column": "siret"}}],
    }
    rows, fast = both(path, descriptor, monkeypatch)
    assert [(kind, row) for kind, row, *_rest in errors(rows)] == [("missing-cell", 3)]
    assert fast is not None and errors(fast) == errors(rows)


def test_a_tab_separated_file_with_quoted_cells_takes_the_duckdb_path(tmp_path, monkeypatch):
    path = tmp_path / "tabs.tsv"
    path.write_text(
        'code\tn\td\tx\te\n"AB"\t"1"\t2026-01-01\t1.5\t"a"\n"A B"\t0\t2026-02-30\t"1 000"\tc\n', encoding="utf-8"
    )
    rows, fast = both(path, SCHEMA, monkeypatch)
    assert fast is not None
    assert errors(fast) == errors(rows) and len(errors(rows)) == 5


def sample_values() -> list[str]:
    """Crafted values for every French check, then random printable ASCII text made of the characters they use."""
    crafted = [
        "73282932000074", "73282932000075", "35600000000048", "35600000000049", "3560000000004", "732829320",
        "732829321", "64102", "2A004", "2B033", "20000", "2C004", "99100", "98000", "00100", "01000", "05 59 00 00 00",
        "0559000000", " 05.59.00.00.00 ", "+33 5 59 00 00 00", "0033559000000", "+3312345678", "+44 20 7946 0000",
        "00441234567", "0001234567", "-1.47, 43.48", "43.48, -1.47", "-1.47,43.48", "1e1, 43", "-5.5, 41.2",
        "10.0, 51.2", "10.01, 51.2", "55.5, -21", "2026", "2026/2027", "2027/2026", "2026/2026", "20262", "Urbanisme",
        " urbanisme ", "FINANCES LOCALES", "Commande publique", "commande  publique", "", " ", "0", "-",
    ]  # fmt: skip
    rng = random.Random(9)
    alphabet = "0123456789" * 4 + " +-./,ABWabuU"
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20))) for _ in range(3000)]
    randoms += ["".join(rng.choice("0123456789") for _ in range(length)) for length in (5, 9, 14) for _ in range(300)]
    for _ in range(2000):  # "lon, lat" in and around France's boxes, with 0 to 15 decimals
        lon, lat = rng.uniform(-70, 70), rng.uniform(-30, 60)
        randoms.append(f"{lon:.{rng.randrange(0, 16)}f},{rng.choice(['', ' '])}{lat:.{rng.randrange(0, 16)}f}")
    return crafted + randoms


@pytest.mark.parametrize(
    "params",
    [
        {"name": "french-siret-value"},
        {"name": "french-siren-value"},
        {"name": "french-insee-code-value"},
        {"name": "french-postal-code-value"},
        {"name": "phone-number-value"},
        {"name": "french-gps-coordinates"},
        {"name": "nomenclature-actes-value"},
        {"name": "year-interval-value", "allow-year-only": "yes"},
        {"name": "year-interval-value"},
    ],
    ids=lambda params: "-".join(params.values()),
)
def test_french_checks_in_sql_say_what_python_says(params):
    name = params["name"]
    (check,) = french.parse_checks([{"name": name, "params": {"column": "v", **params}}])
    values = sample_values()
    connection = duckdb.connect()
    verdicts = connection.execute(
        f"SELECT v, {check.sql_domain('v')}, coalesce({check.sql('v')}, false) FROM unnest(?::VARCHAR[]) AS t(v)",  # noqa: S608
        [values],
    ).fetchall()
    in_domain = [(value, valid) for value, domain, valid in verdicts if domain]
    assert len(in_domain) > (100 if name == "french-gps-coordinates" else len(values) - 1)
    assert dict(in_domain) == {value: check.is_valid(value) for value, _ in in_domain}
    assert any(valid for _value, valid in in_domain) and not all(valid for _value, valid in in_domain)


def test_a_windows_1252_file_is_transcoded_and_takes_the_duckdb_path(tmp_path, monkeypatch):
    """French files from spreadsheets are often Windows-1252: same report as the row engine, through DuckDB."""
    path = tmp_path / "cp1252.csv"
    text = "code,n,d,x,e\r\n" + "".join(
        f"{'ÉA'[i % 2]}B,{i},2026-01-0{1 + i % 9},{i}€,{'aéb'[i % 3]}\r\n" for i in range(50)
    )
    path.write_bytes(text.encode("cp1252") + b"AB,1,2026-01-01,\x81,a\r\n")  # 0x81: no character in cp1252
    table = open_csv(path)
    table.close()
    assert table.encoding == "cp1252"
    rows, fast = both(path, SCHEMA, monkeypatch)
    assert fast is not None
    assert errors(fast) == errors(rows)
    assert {"\ufffd", "1€"} <= {cell for _kind, _row, _field, cell, _constraint in errors(rows)}


@pytest.mark.parametrize("field", [{"type": "number"}, {"type": "integer"}, {"type": "date"}], ids=lambda f: f["type"])
def test_values_sql_calls_unreadable_are_unreadable_for_python(field):
    """What SQL sends straight to the verdicts as a type-error is exactly a value Python's reader refuses."""
    rng = random.Random(11)
    alphabet = "0123456789" * 3 + " +-._eEiInNfFtTyYaAsS/,:x"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14))) for _ in range(20_000)]
    values += ["1.", ".5", "-1e+5", "1_000", " 12 ", "Infinity", "-inf", "sNaN12", "nan", "2026-1-5", "2026-01- 5"]
    values += ["_-1_", "1_.5", "1e_5", "_inf"]  # Decimal takes underscores anywhere
    values += ["1 234,56", "12,5", "08/11/2026", "2026/11/08", "1e", ".", "+", "1__0", "2026-02-30", "٣"]
    connection = duckdb.connect()
    column = _Column(FieldPlan({"name": "v", **field}, 1, [""], []), 0, connection)
    verdicts = connection.execute(
        f"SELECT v, {column.surely_invalid('v')} FROM unnest(?::VARCHAR[]) AS t(v)",  # noqa: S608
        [values],
    ).fetchall()
    unreadable = {value for value, invalid in verdicts if invalid}
    assert len(unreadable) > 1000
    assert {value: column.plan.evaluate(value)[1] for value in unreadable} == dict.fromkeys(
        unreadable, ((CELL, "type-error", None),)
    )
    readable = {value for value, invalid in verdicts if not invalid}
    assert any(column.plan.evaluate(value)[1] == () for value in readable)
