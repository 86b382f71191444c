"""Reading messy French files: each case loads through the whole pipeline (reading + DuckDB typing + Parquet)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from auzolan.datastore import reading
from auzolan.datastore.duck import connect
from auzolan.datastore.ingestion.pipeline import load_file
from tests.datastore.files import ods, xlsx


def load(tmp_path, name: str, content: bytes, **kwargs):
    source = tmp_path / name
    source.write_bytes(content)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    result = load_file(str(source), name=name, workdir=str(work), **kwargs)
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{result.parquet_path}')").fetchall()  # noqa: S608
    types = {c["name"]: c["type"] for c in result.columns}
    return result, rows, types


FRENCH = "Commune;Montant;Date\nSaint-Pée-sur-Nivelle;1 234,56;25/11/2026\nÉvreux – œuvre €;12,5;01/02/2025\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + FRENCH.encode("utf-8"), "utf-8-sig"),
        (FRENCH.encode("cp1252"), "windows-1252"),
    ],
)
def test_encodings_are_detected_and_transcoded(tmp_path, content, encoding):
    result, rows, types = load(tmp_path, "f.csv", content)
    assert result.report["encoding"] == encoding
    assert rows[0][0] == "Saint-Pée-sur-Nivelle"
    assert rows[1][0] == "Évreux – œuvre €"
    assert types == {"Commune": "text", "Montant": "number", "Date": "date"}
    assert [c["name"] for c in result.columns] == ["Commune", "Montant", "Date"]  # the BOM is not in the name


def test_latin1_with_c1_bytes_is_latin1(tmp_path):
    content = "nom;x\ncafé\x81;1\n".encode("latin-1")
    path = tmp_path / "l.csv"
    path.write_bytes(content)
    assert reading.detect_encoding(str(path)) == "iso-8859-1"
    _result, rows, _types = load(tmp_path, "l.csv", content)
    assert rows[0][0] == "café\x81"


def test_latin1_without_c1_bytes_decodes_the_same(tmp_path):
    content = "nom;x\nété;1\n".encode("latin-1")
    _result, rows, _types = load(tmp_path, "l.csv", content)
    assert rows[0][0] == "été"


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters_are_sniffed_respecting_quotes(tmp_path, delimiter):
    d = delimiter
    text = f'nom{d}note{d}ville\n"Dupont{d} Jean"{d}1{d}Bayonne\n"Martin"{d}2{d}"Anglet{d} centre"\n'
    result, rows, types = load(tmp_path, "d.csv", text.encode())
    assert result.report["delimiter"] == delimiter
    assert rows == [(f"Dupont{d} Jean", 1, "Bayonne"), ("Martin", 2, f"Anglet{d} centre")]
    assert types["note"] == "integer"


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_decimal_commas_and_thousands_separators(tmp_path, space):
    text = f"montant;entier\n1{space}234,56;1{space}000\n-0,5;12\n3;7\n"
    _result, rows, types = load(tmp_path, "n.csv", text.encode())
    assert types == {"montant": "number", "entier": "integer"}
    assert rows == [(1234.56, 1000), (-0.5, 12), (3.0, 7)]


def test_codes_with_leading_zeros_stay_text(tmp_path):
    _result, rows, types = load(tmp_path, "c.csv", b"insee;cp\n01053;01000\n64102;64100\n")
    assert types == {"insee": "text", "cp": "text"}
    assert rows[0] == ("01053", "01000")


def test_french_and_iso_dates_and_datetimes(tmp_path):
    text = "d;dt;iso\n25/11/2026;25/11/2026 14:30;2026-11-25T08:00:00\n01/01/2025;01/01/2025 09:05;2025-01-01 10:00\n"
    _result, rows, types = load(tmp_path, "t.csv", text.encode())
    assert types == {"d": "date", "dt": "datetime", "iso": "datetime"}
    assert rows[0] == (
        datetime.date(2026, 11, 25),
        datetime.datetime(2026, 11, 25, 14, 30),
        datetime.datetime(2026, 11, 25, 8, 0),
    )


def test_booleans_in_french(tmp_path):
    _result, rows, types = load(tmp_path, "b.csv", b"actif;flag\noui;1\nNON;0\nVrai;1\nfaux;0\n")
    assert types == {"actif": "boolean", "flag": "integer"}  # only 0/1: a number unless the editor says boolean
    assert [r[0] for r in rows] == [True, False, True, False]


def test_geo_points_and_lat_lon_columns(tmp_path):
    text = 'nom;position;latitude;longitude\nA;"43.48, -1.55";43.48;-1.55\nB;"43.3,-1.4";43.3;-1.4\n'
    result, rows, types = load(tmp_path, "g.csv", text.encode())
    assert types["position"] == "geopoint"
    assert rows[0][1] == {"lat": 43.48, "lon": -1.55}
    assert result.report["geo"] == {"latitude": "latitude", "longitude": "longitude", "point": "position"}


def test_quoted_line_breaks_blank_lines_and_short_rows(tmp_path):
    text = 'nom;commentaire;n\r\n"A";"ligne 1\r\nligne 2";1\r\n\r\n;;\r\nB;court\r\n'
    result, rows, _types = load(tmp_path, "q.csv", text.encode())
    assert rows == [("A", "ligne 1\r\nligne 2", 1), ("B", "court", None)]
    assert result.report["blank_rows"] == 1


def test_trailing_empty_columns_are_dropped_and_reported(tmp_path):
    result, rows, _types = load(tmp_path, "e.csv", b"a;b;;\n1;2;;\n3;4;;\n")
    assert [c["name"] for c in result.columns] == ["a", "b"]
    assert rows == [(1, 2), (3, 4)]
    assert [w["code"] for w in result.report["warnings"] if w["code"] == "empty-column"] == ["empty-column"] * 2
    assert result.report["renamed_columns"] == []


def test_duplicate_and_empty_header_names_are_renamed_and_reported(tmp_path):
    result, rows, _types = load(tmp_path, "h.csv", b"montant;;Montant;montant;x\n1;v;2;3;4\n")
    assert [c["name"] for c in result.columns] == ["montant", "colonne_2", "Montant_2", "montant_3", "x"]
    assert [c["original_label"] for c in result.columns] == ["montant", "", "Montant", "montant", "x"]
    assert {w["column"] for w in result.report["renamed_columns"]} == {"colonne_2", "Montant_2", "montant_3"}
    assert rows == [(1, "v", 2, 3, 4)]


def test_very_wide_file(tmp_path):
    header = ";".join(f"c{i}" for i in range(500))
    lines = [header] + [";".join(str(i * r) for i in range(500)) for r in range(1, 4)]
    result, rows, types = load(tmp_path, "w.csv", "\n".join(lines).encode())
    assert len(result.columns) == 500 and result.row_count == 3
    assert set(types.values()) == {"integer"}
    assert rows[2][499] == 499 * 3


def test_broken_lines_are_rejected_with_their_row_number(tmp_path):
    text = "a;b\n1;2\n3;4;5\n6;7\n"
    result, rows, _types = load(tmp_path, "r.csv", text.encode())
    assert rows == [(1, 2), (6, 7)]
    assert result.report["rejected_rows"] == 1
    assert result.report["rejected"][0]["row"] == 3


def test_mostly_broken_file_fails_with_advice(tmp_path):
    text = "a;b\n" + "1;2;3;4\n" * 30 + "1;2\n"
    with pytest.raises(reading.ReadError, match="séparateur"):
        load(tmp_path, "bad.csv", text.encode())


def test_empty_file_fails_clearly(tmp_path):
    with pytest.raises(reading.ReadError, match="aucune"):
        load(tmp_path, "vide.csv", b"")  # a header alone is an empty table: see test_messy_files


def test_xlsx_first_non_empty_sheet_merged_header(tmp_path):
    content = xlsx(
        {
            "Vide": [],
            "Données": [["Commune", "Budget", None], [None, "2025", "2026"], ["Bayonne", 1.5, 2], ["Anglet", 3, 4]],
        },
        merges={"Données": ["A1:A2", "B1:C1"]},
    )
    result, rows, types = load(tmp_path, "m.xlsx", content)
    assert result.report["sheet"] == "Données" and result.report["sheets"] == ["Vide", "Données"]
    assert [c["name"] for c in result.columns] == ["Commune", "Budget 2025", "Budget 2026"]
    assert rows == [("Bayonne", 1.5, 2), ("Anglet", 3.0, 4)]
    assert types["Budget 2026"] == "integer"


def test_xlsx_sheet_by_name_or_index(tmp_path):
    content = xlsx({"A": [["x"], ["1"]], "B": [["y"], ["oui"]]})
    result, rows, _types = load(tmp_path, "s.xlsx", content, sheet="B")
    assert rows == [(True,)]
    result, rows, _types = load(tmp_path, "s.xlsx", content, sheet=1)
    assert result.report["sheet"] == "B"
    with pytest.raises(reading.ReadError, match="feuille"):
        load(tmp_path, "s.xlsx", content, sheet="Z")


def test_ods(tmp_path):
    result, rows, _types = load(tmp_path, "o.ods", ods({"F1": [["a", "b"], ["x", 1]], "F2": [["c"], ["y"]]}))
    assert rows == [("x", 1)]
    assert result.report["sheets"] == ["F1", "F2"]


XLS = Path(__file__).with_name("data") / "subventions-excel97.xls"  # Excel 97-2003 (BIFF8), see data/make_xls.py


def test_xls_legacy_excel_first_non_empty_sheet_typed(tmp_path):
    result, rows, types = load(tmp_path, "subventions.xls", XLS.read_bytes())
    assert result.report["format"] == "xls"
    assert result.report["sheet"] == "Subventions" and result.report["sheets"] == ["Vide", "Subventions", "Notice"]
    assert types == {
        "Commune": "text",
        "Montant": "number",
        "Date de convention": "date",
        "Nombre": "integer",
        "Code": "text",  # leading zeros kept
        "Versé": "boolean",
    }
    assert rows == [
        ("Saint-Pée-sur-Nivelle", 1234.56, datetime.date(2026, 11, 25), 10, "00123", True),
        ("Évreux – œuvre €", 12.5, datetime.date(2025, 2, 1), 3, "04500", False),
        ("Bayonne", -0.25, datetime.date(2024, 2, 29), 7, "64102", True),
    ]
    assert any(w["code"] == "sheet" and "3 feuilles" in w["message"] for w in result.report["warnings"])


def test_xls_detected_without_extension_and_sheet_choice(tmp_path):
    result, rows, _types = load(tmp_path, "export", XLS.read_bytes(), sheet="Notice")  # OLE2 magic number
    assert result.report["format"] == "xls" and result.report["sheet"] == "Notice"
    assert rows == [("Montant", "En euros, décimales avec une virgule à l'affichage")]
    result, _rows, _types = load(tmp_path, "s.xls", XLS.read_bytes(), sheet=1)
    assert result.report["sheet"] == "Subventions"
    with pytest.raises(reading.ReadError, match="pas de feuille numéro 9"):
        load(tmp_path, "s.xls", XLS.read_bytes(), sheet=8)
    with pytest.raises(reading.ReadError, match="aucune donnée"):
        load(tmp_path, "s.xls", XLS.read_bytes(), sheet="Vide")


def test_broken_xls_fails_clearly(tmp_path):
    with pytest.raises(reading.ReadError, match="Le classeur ne peut pas être lu"):
        load(tmp_path, "b.xls", XLS.read_bytes()[:3000])


def _xlsxwriter_file(path, build) -> bytes:
    workbook = xlsxwriter.Workbook(str(path))
    build(workbook.add_worksheet("Budget"))
    workbook.close()
    return path.read_bytes()


def test_xlsx_read_row_by_row_keeps_absolute_coordinates(tmp_path):
    def build(sheet):  # the table starts at C3, with a header merged over two rows
        sheet.merge_range("C3:C4", "Commune")
        sheet.merge_range("D3:E3", "Budget")
        sheet.write_row("D4", [2025, 2026])
        sheet.write_row("C5", ["Bayonne", 1.5, 2])
        sheet.write_row("C6", ["Anglet", 3, 4])
        sheet.write_row("C8", ["Biarritz", 5, 6])  # a blank row before it

    content = _xlsxwriter_file(tmp_path / "src.xlsx", build)
    prepared = reading.prepare_spreadsheet(str(tmp_path / "src.xlsx"), fmt="xlsx")  # same CSV as before streaming
    with open(prepared.csv_path, encoding="utf-8") as written:
        assert written.read().splitlines() == [
            "colonne_1,colonne_2,Commune,Budget 2025,Budget 2026",
            ",,Bayonne,1.5,2",
            ",,Anglet,3,4",
            ",,,,",
            ",,Biarritz,5,6",
        ]
    prepared.cleanup()
    result, rows, types = load(tmp_path, "b.xlsx", content)
    assert [c["name"] for c in result.columns] == ["Commune", "Budget 2025", "Budget 2026"]  # empty columns dropped
    assert rows == [("Bayonne", 1.5, 2), ("Anglet", 3.0, 4), ("Biarritz", 5.0, 6)]
    assert types["Budget 2026"] == "integer"


def test_too_large_spreadsheets_are_refused_before_reading(tmp_path, monkeypatch):
    content = _xlsxwriter_file(
        tmp_path / "src.xlsx", lambda sheet: [sheet.write_row(r, 0, [1, 2, 3, 4]) for r in range(3)]
    )
    path = tmp_path / "g.xlsx"
    path.write_bytes(content)
    assert reading._estimated_cells(str(path), "xlsx") == 12  # the declared <dimension ref="A1:D3"/>
    assert reading._estimated_cells(str(XLS), "xls") == XLS.stat().st_size // reading.BINARY_BYTES_PER_CELL
    monkeypatch.setattr(reading, "SPREADSHEET_MAX_CELLS", 11)
    with pytest.raises(reading.ReadError, match=r"trop grand.*12 cellules.*CSV"):
        load(tmp_path, "g.xlsx", content)
    monkeypatch.setattr(reading, "SPREADSHEET_MAX_CELLS", 12)
    _result, rows, _types = load(tmp_path, "g.xlsx", content)
    assert len(rows) == 2


def test_json_array_of_objects(tmp_path):
    data = [{"nom": "A", "n": 1, "tags": ["x"]}, {"nom": "B", "n": 2, "extra": True}]
    _result, rows, types = load(tmp_path, "j.json", json.dumps(data).encode())
    assert types["n"] == "integer" and types["extra"] == "boolean"
    assert rows[0][:2] == ("A", 1)
    assert json.loads(rows[0][2]) == ["x"]


def test_geojson_feature_collection(tmp_path):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nom": "Mairie"},
                "geometry": {"type": "Point", "coordinates": [-1.47, 43.49]},
            },
            {
                "type": "Feature",
                "properties": {"nom": "Parc"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
        ],
    }
    result, rows, _types = load(tmp_path, "g.geojson", json.dumps(data).encode())
    assert [c["name"] for c in result.columns] == ["nom", "geometry", "geometry_wkt", "longitude", "latitude"]
    assert rows[0][2] == "POINT (-1.47 43.49)"
    assert rows[1][2] == "POLYGON ((0 0, 1 0, 1 1, 0 0))"
    assert json.loads(rows[0][1])["type"] == "Point"
    assert rows[0][3:] == (-1.47, 43.49) and rows[1][3:] == (None, None)


def test_parquet(tmp_path):
    path = tmp_path / "p.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS n, 'a' AS t, DATE '2026-01-02' AS d) TO '{path}' (FORMAT PARQUET)")
    _result, rows, types = load(tmp_path, "p.parquet", path.read_bytes())
    assert types == {"n": "integer", "t": "text", "d": "date"}
    assert rows == [(1, "a", datetime.date(2026, 1, 2))]


def test_corrected_type_rejects_cells_with_row_numbers(tmp_path):
    text = "code;n\n12;1\nAB;2\n7;3\n"
    result, rows, _types = load(tmp_path, "x.csv", text.encode(), column_types={"code": "integer"})
    assert rows == [(12, 1), (7, 3)]
    assert result.report["rejected_rows"] == 1
    rejected = result.report["rejected"][0]
    assert (rejected["row"], rejected["column"], rejected["value"]) == (3, "code", "AB")


def test_corrected_type_that_fits_nothing_fails_with_advice(tmp_path):
    with pytest.raises(reading.ReadError, match="Choisissez un autre type"):
        load(tmp_path, "x.csv", b"code\nAB\nCD\n", column_types={"code": "date"})


def test_no_extension_is_installed_or_loaded_from_the_network():
    con = connect()
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('autoinstall_known_extensions', 'autoload_known_extensions')"
        ).fetchall()
    )
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


@pytest.mark.parametrize("kind", ["windows-1252", "iso-8859-1"])
def test_a_byte_of_another_encoding_after_the_first_megabyte(tmp_path, kind):
    """Only the first megabyte is checked before the load; a later Windows-1252 or Latin-1 byte is caught by the
    CSV reader (a line rejected as INVALID ENCODING), and the file is then examined whole and transcoded."""
    head = "".join(f"Commune {i};{i},5;25/11/2026\n" for i in range(60_000))  # ~1.6 MB of ASCII
    late = "Saint-Pée-sur-Nivelle;12,5;01/02/2025\n" + ("café\x81;1;01/02/2025\n" if kind == "iso-8859-1" else "")
    content = ("Commune;Montant;Date\n" + head + late).encode("latin-1" if kind == "iso-8859-1" else "cp1252")
    path = tmp_path / "late.csv"
    path.write_bytes(content)
    assert reading.head_is_utf8(str(path)) == "utf-8"
    assert reading.prepare(str(path), quick_encoding=True).encoding_verified is False
    result, rows, types = load(tmp_path, "late.csv", content)
    assert result.report["encoding"] == kind
    assert result.row_count == 60_001 + (kind == "iso-8859-1") and result.report["rejected_rows"] == 0
    assert rows[60_000][0] == "Saint-Pée-sur-Nivelle"
    assert types == {"Commune": "text", "Montant": "number", "Date": "date"}


def test_the_quick_encoding_check_reads_the_head_only(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"a" + "é".encode() * 600_000)  # a character cut at the end of the first megabyte
    assert reading.head_is_utf8(str(path)) == "utf-8"
    path.write_bytes(b"\xef\xbb\xbfnom\n" + "é".encode("cp1252"))
    assert reading.head_is_utf8(str(path)) is None
    path.write_bytes(b"\xef\xbb\xbfnom\nx\n")
    assert reading.head_is_utf8(str(path)) == "utf-8-sig"
    prepared = reading.prepare(str(path))
    assert prepared.encoding == "utf-8-sig" and prepared.encoding_verified is True
