"""The messy files that French local authorities really produce (issue 9, D): each loads, the load report says what
was done, nothing is lost. Through `load_file` (the pipeline), both ingestion paths where they differ, and through
the editor's load report page and the public preview where the user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xlsxwriter
from django.urls import reverse

from auzolan.core.errors import ValidationError
from auzolan.datastore import charts, reading, selectors
from auzolan.datastore.ingestion import casts
from auzolan.datastore.models import ColumnDescription
from tests.catalog.factories import DatasetFactory
from tests.datastore.files import ods, xlsx
from tests.datastore.tabledata import load as upload_and_load
from tests.datastore.test_ingestion import _both_paths
from tests.datastore.test_reading import load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks


def codes(result) -> list[str]:
    return [w["code"] for w in result.report["warnings"]]


@pytest.fixture
def editor(transactional_db):
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="published")


def report_page(client, editor, dataset, resource) -> str:
    client.force_login(editor)
    response = client.get(reverse("datastore:table_status", args=[dataset.slug, resource.identifier]))
    assert response.status_code == 200
    return response.content.decode()


# --- Line endings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"commune;montant\r\nBayonne;12\r\nAnglet;13\nBiarritz;14\r\n",  # a Unix line in a Windows file
        b"commune;montant\nBayonne;12\nAnglet;13\r\nBiarritz;14\n",  # a Windows line in a Unix file
        "commune;montant\r\nSaint-Pée;12\r\nAnglet;13\nBiarritz;14\r\n".encode("cp1252"),  # and transcoded
    ],
)
def test_mixed_line_endings_load_and_are_reported(tmp_path, content):
    result, rows, types = load(tmp_path, "joined.csv", content)
    assert [r[1] for r in rows] == [12, 13, 14] and types["montant"] == "integer"
    assert "line-endings" in codes(result)
    assert result.report["rejected_rows"] == 0


def test_old_mac_line_endings(tmp_path):
    _result, rows, _types = load(tmp_path, "mac.csv", b"a;b\r1;2\r3;4\r")
    assert rows == [(1, 2), (3, 4)]


# --- Short and long rows ------------------------------------------------------------------------------------


def test_short_rows_are_reported_with_their_line_numbers_and_long_rows_once(tmp_path):
    text = "a;b;c\n1;2;3\n4;5\n6;7;\n;;\n8\n9;10;11;12;13\n14;15;16\n"
    result, rows, _types = load(tmp_path, "s.csv", text.encode())
    assert rows == [(1, 2, 3), (4, 5, None), (6, 7, None), (8, None, None), (14, 15, 16)]
    report = result.report
    assert report["short_rows"] == 2 and report["short_lines"] == [3, 6]  # "6;7;" has its three cells
    assert report["broken_lines"] == 1 and [r["row"] for r in report["rejected"]] == [7]  # once, not per extra cell
    assert "short-rows" in codes(result)
    message = next(w["message"] for w in report["warnings"] if w["code"] == "short-rows")
    assert "2 lignes" in message and "3, 6" in message


def test_short_rows_are_the_same_on_both_paths_and_the_list_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 50)
    lines = [f"{i};{i}" if i % 2 else f"{i};{i};x" for i in range(300)]
    direct, staged = _both_paths(tmp_path, "s.csv", "a;b;c\n" + "\n".join(lines) + "\n")
    assert direct is not None
    assert direct.report == staged.report and direct.columns == staged.columns
    assert direct.report["short_rows"] == 150
    assert direct.report["short_lines"] == [i + 2 for i in range(1, 200, 2)]  # the first 100


# --- Empty tables and very long lines ------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"commune;montant;date\n", b"commune;montant;date", b"commune;montant;date\n;;\n"])
def test_a_file_with_only_a_header_is_an_empty_table(tmp_path, content):
    result, rows, types = load(tmp_path, "vide.csv", content)
    assert rows == [] and result.row_count == 0
    assert types == {"commune": "text", "montant": "text", "date": "text"}
    assert "empty-table" in codes(result)


def test_an_empty_file_still_fails(tmp_path):
    with pytest.raises(reading.ReadError, match="aucune donnée"):
        load(tmp_path, "rien.csv", b"\n\n")


def test_a_very_long_header_line_loads(tmp_path):
    """A header longer than the sniffed head (256 KB): 500 columns with very long names (the cost of the test is in the
    number of columns, the case in the header's length)."""
    header = ";".join(f"indicateur {i} " + "z" * 600 for i in range(500))
    assert len(header) > 256 * 1024
    content = (header + "\n" + ";".join(str(i) for i in range(500)) + "\n").encode()
    result, rows, _types = load(tmp_path, "large.csv", content)
    assert len(result.columns) == 500 and rows[0][499] == 499


def test_a_line_longer_than_the_limit_is_named_not_no_data(tmp_path):
    content = b"id;texte\n1;" + b"x" * 11_000_000 + b"\n"
    with pytest.raises(reading.ReadError) as caught:
        load(tmp_path, "long.csv", content)
    assert "ligne 2" in caught.value.message and "10 Mo" in caught.value.message
    assert "aucune ligne de données" not in caught.value.message


def test_lines_that_are_all_too_long_say_so(tmp_path):
    with pytest.raises(reading.ReadError, match="séparateur"):
        load(tmp_path, "b.csv", b"a;b;c\n1;2;3;4\n5;6;7;8;9\n")


def test_empty_table_through_the_upload_the_report_and_the_preview(client, editor, dataset):
    resource, table = upload_and_load(editor, dataset, "commune;montant\n", name="vide.csv")
    assert table.row_count == 0 and [c["type"] for c in table.columns] == ["text", "text"]
    assert "ne contient aucune ligne de données" in report_page(client, editor, dataset, resource)
    preview = client.get(reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier}))
    assert preview.status_code == 200


def test_mixed_line_endings_and_short_rows_on_the_report_page(client, editor, dataset):
    resource, table = upload_and_load(editor, dataset, "a;b;c\r\n1;2;3\r\n4;5\n6;7;8\r\n", name="joint.csv")
    assert table.row_count == 3
    page = report_page(client, editor, dataset, resource)
    assert "fins de ligne" in page and "Lignes incomplètes" in page and "(les 100 premières) : 3." in page


def test_a_short_row_after_the_head_is_found_by_the_guarded_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 5)
    lines = [f"{i};{i};{i}" for i in range(40)]
    lines[30] = "30;30"
    lines[10] = ";;"  # a blank row before it: line numbers count it
    direct, staged = _both_paths(tmp_path, "g.csv", "a;b;c\n" + "\n".join(lines) + "\n")
    assert direct is not None and direct.report == staged.report
    assert direct.report["short_rows"] == 1 and direct.report["short_lines"] == [32]
    assert direct.report["blank_rows"] == 1 and direct.row_count == 39


# --- Placeholders and units ----------------------------------------------------------------------------------

UNITS = (
    "commune;montant;taux;budget;effectif\n"
    "Bayonne;1 234,5 €;12 %;3 k€;12\n"
    "Anglet;N/A;-;nd;n.d.\n"
    "Biarritz;12\u202f000,00\u00a0€;7,5 %;1,5 k€;s.o.\n"
    "Hendaye;s.o.;n.d.;NC;-\n"
    "Ustaritz;;12%;;8\n"
)


def test_placeholders_become_missing_values_and_units_are_stripped_and_recorded(tmp_path):
    result, rows, types = load(tmp_path, "u.csv", UNITS.encode())
    assert types == {
        "commune": "text",
        "montant": "number",
        "taux": "number",
        "budget": "number",
        "effectif": "integer",
    }
    assert {c["name"]: c["unit"] for c in result.columns} == {
        "commune": "",
        "montant": "€",
        "taux": "%",
        "budget": "k€",  # kept as written, with its unit: not scaled
        "effectif": "",
    }
    assert [r[1] for r in rows] == [1234.5, None, 12000.0, None, None]
    assert [r[2] for r in rows] == [12.0, None, 7.5, None, 12.0]
    assert [r[3] for r in rows] == [3.0, None, 1.5, None, None]
    assert [r[4] for r in rows] == [12, None, None, None, 8]
    assert result.report["missing_values"] == {
        "montant": {"N/A": 1, "s.o.": 1},
        "taux": {"-": 1, "n.d.": 1},
        "budget": {"NC": 1, "nd": 1},
        "effectif": {"-": 1, "n.d.": 1, "s.o.": 1},
    }
    assert {"missing-values", "unit"} <= set(codes(result))


def test_multiples_of_the_euro_in_one_column_are_converted_to_euros(tmp_path):
    result, rows, types = load(tmp_path, "m.csv", "poste;montant\nA;1 200 €\nB;3 k€\nC;1,5 M€\nD;40\n".encode())
    assert types["montant"] == "number" and result.columns[1]["unit"] == "€"
    assert [r[1] for r in rows] == [1200.0, 3000.0, 1500000.0, 40.0]
    assert "unit-converted" in codes(result)


def test_units_that_do_not_mix_leave_the_column_as_text(tmp_path):
    result, rows, types = load(tmp_path, "x.csv", "a;b\n1;12 €\n2;5 %\n".encode())
    assert types["b"] == "text" and rows[0][1] == "12 €"
    assert "units-mixed" in codes(result)


def test_a_number_type_chosen_by_the_editor_takes_units_and_placeholders(tmp_path):
    text = "poste;montant\nA;1 234,5 €\nB;n.d.\nC;à voir\nD;7 €\n"
    result, rows, types = load(tmp_path, "c.csv", text.encode(), column_types={"montant": "number"})
    assert types["montant"] == "number" and result.columns[1]["unit"] == "€"
    assert [r[1] for r in rows] == [1234.5, None, 7.0]  # only "à voir" is rejected
    assert [(r["row"], r["value"]) for r in result.report["rejected"]] == [(4, "à voir")]


def test_a_placeholder_after_the_head_widens_nothing_away(tmp_path, monkeypatch):
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 3)
    monkeypatch.setattr(casts, "SAMPLE_SPREAD", 2)
    lines = [f"{i};{i * 10} €" for i in range(12)]
    lines[9] = "9;n.d."
    direct, staged = _both_paths(tmp_path, "p.csv", "id;montant\n" + "\n".join(lines) + "\n")
    assert direct is not None and direct.columns == staged.columns and direct.report == staged.report
    assert {c["name"]: c["type"] for c in direct.columns}["montant"] == "integer"
    assert direct.report["missing_values"] == {"montant": {"n.d.": 1}}


# --- Identifiers ---------------------------------------------------------------------------------------------


def luhn(digits: str) -> str:
    """`digits` completed with the check digit that makes it pass the Luhn check (SIREN, SIRET)."""
    for last in "0123456789":
        number = digits + last
        total = sum(
            int(d) if i % 2 == 0 else (2 * int(d) - 9 if int(d) > 4 else 2 * int(d))
            for i, d in enumerate(reversed(number))
        )
        if total % 10 == 0:
            return number
    raise AssertionError


def test_identifiers_stay_text_by_name_and_by_pattern(tmp_path):
    sirets = [luhn("2164010260001"), luhn("2640000000001")]
    sirens = [luhn("21640102"), luhn("26400000")]
    header = "idAttribuant;code_insee;Code postal;Téléphone;siren;beneficiaire;nombre;id;effectif_cp;num_habitants"
    rows = [
        f"{sirets[0]};64102;64100;+33559000000;{sirens[0]};{sirets[1]};{sirens[1]};1;24;1200",
        f"{sirets[1]};64122;64600;+33559000001;{sirens[1]};{sirets[0]};{sirens[0]};2;18;900",
    ]
    result, loaded, types = load(tmp_path, "ids.csv", ("\n".join([header, *rows]) + "\n").encode())
    assert types == {
        "idAttribuant": "text",
        "code_insee": "text",
        "Code postal": "text",
        "Téléphone": "text",
        "siren": "text",
        "beneficiaire": "text",  # 14 digits: a SIRET whatever the name
        "nombre": "text",  # 9 digits passing the Luhn check: SIRENs
        "id": "integer",  # a row number: sortable, never summed
        "effectif_cp": "integer",
        "num_habitants": "integer",
    }
    assert "identifier" in codes(result)
    identifiers = {c["name"] for c in result.columns if c["identifier"]}
    assert identifiers == {
        "idAttribuant",
        "code_insee",
        "Code postal",
        "Téléphone",
        "siren",
        "beneficiaire",
        "nombre",
        "id",
    }
    assert loaded[0][0] == sirets[0]


def test_spreadsheet_cells_written_as_text_stay_text(tmp_path):
    path = tmp_path / "src.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Dossiers")
    sheet.write_row(0, 0, ["Dossier", "Effectif", "Montant"])
    for r, (dossier, effectif, montant) in enumerate([("12345", 12, 1500), ("12346", 8, 2500.5)], start=1):
        sheet.write_string(r, 0, dossier)
        sheet.write_number(r, 1, effectif)
        sheet.write_number(r, 2, montant)
    workbook.close()
    result, rows, types = load(tmp_path, "d.xlsx", path.read_bytes())
    assert types == {"Dossier": "text", "Effectif": "integer", "Montant": "number"}
    assert rows[0][0] == "12345"
    assert next(c for c in result.columns if c["name"] == "Dossier")["identifier"] is True


def test_the_chart_builder_never_sums_an_identifier():
    columns = [
        {"name": "idAttribuant", "type": "integer", "label": ""},  # a table loaded before identifiers were kept text
        {"name": "code", "type": "integer", "label": "", "identifier": True},
        {"name": "montant", "type": "number", "label": ""},
    ]
    measures = [value for value, _label in charts.form_choices(columns)["measures"]]
    assert "sum:montant" in measures and "avg:montant" in measures
    assert not [m for m in measures if m.startswith(("sum:", "avg:")) and m.split(":")[1] in ("idAttribuant", "code")]
    with pytest.raises(ValidationError, match="identifiant"):
        charts.parse({"chart_by": "montant", "chart_agg": "sum:idAttribuant"}, columns)


SCDL = (
    "nomAttribuant;idAttribuant;montant;taux\n"
    "Commune de Bayonne;21640102600018;1 500 €;12 %\n"
    "Commune d'Anglet;21640024600010;n.d.;s.o.\n"
    "Commune de Biarritz;21640122400011;2 000 €;5 %\n"
)


def test_identifiers_units_and_placeholders_through_the_pages_and_the_api(client, editor, dataset):
    resource, table = upload_and_load(editor, dataset, SCDL, name="subventions.csv")
    types = {c["name"]: c["type"] for c in table.columns}
    assert types == {"nomAttribuant": "text", "idAttribuant": "text", "montant": "integer", "taux": "integer"}
    page = report_page(client, editor, dataset, resource)
    assert "Valeurs manquantes" in page and "n.d." in page and "€" in page
    preview_url = reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    preview = client.get(preview_url).content.decode()
    assert "Somme de montant" in preview and "Somme de idAttribuant" not in preview
    api = client.get(f"/api/v1/resources/{resource.identifier}/table").json()
    assert {c["name"]: (c["unit"], c["identifier"]) for c in api["columns"]} == {
        "nomAttribuant": ("", False),
        "idAttribuant": ("", True),
        "montant": ("€", False),
        "taux": ("%", False),
    }
    rows = client.get(f"/api/v1/resources/{resource.identifier}/data?sort=montant").json()["rows"]
    assert [r["montant"] for r in rows] == [1500, 2000, None]


# --- Titles and notes above the header; merged cells ---------------------------------------------------------

TITLED = (
    "Subventions versées aux associations en 2024\n"
    "Source : direction des finances;extraction du 03/01/2025\n"
    "\n"
    "Bénéficiaire;Commune;Montant;Date\n"
    "Club de pelote;Bayonne;1 500;15/03/2024\n"
    "Chorale;Anglet;800\n"
    "Ikastola;Biarritz;2 000;01/04/2024;en trop\n"
    "Comité des fêtes;Hendaye;650;02/05/2024\n"
)


def test_a_title_and_notes_above_the_header_of_a_csv(tmp_path):
    result, rows, types = load(tmp_path, "titre.csv", TITLED.encode())
    assert [c["name"] for c in result.columns] == ["Bénéficiaire", "Commune", "Montant", "Date"]
    assert types["Montant"] == "integer" and types["Date"] == "date"
    assert [r[0] for r in rows] == ["Club de pelote", "Chorale", "Comité des fêtes"]
    report = result.report
    assert report["header_row"] == 4 and report["delimiter"] == ";"
    assert report["short_lines"] == [6] and [r["row"] for r in report["rejected"]] == [7]  # lines of the file
    warning = next(w for w in report["warnings"] if w["code"] == "header-row")
    assert "ligne 4" in warning["message"] and "Subventions versées" in warning["message"]
    assert [h["line"] for h in report["head"]][:4] == [1, 2, 3, 4]


# A line of generic names above the real ones: the detection takes the first, the editor chooses the second.
LEGEND = "Colonne A;Colonne B;Colonne C\n\ncommune;montant;année\nBayonne;12;2024\nAnglet;13;2025\n"


def test_the_editor_chooses_the_header_row(tmp_path):
    result, _rows, _types = load(tmp_path, "l.csv", LEGEND.encode())
    assert result.report["header_row"] == 1
    result, rows, _types = load(tmp_path, "l.csv", LEGEND.encode(), header_row=3)
    assert [c["name"] for c in result.columns] == ["commune", "montant", "année"]
    assert rows == [("Bayonne", 12, 2024), ("Anglet", 13, 2025)] and result.report["header_row"] == 3
    assert "comme demandé" in next(w["message"] for w in result.report["warnings"] if w["code"] == "header-row")
    with pytest.raises(reading.ReadError, match="ligne 2"):
        load(tmp_path, "l.csv", LEGEND.encode(), header_row=2)  # a blank line


def test_a_file_without_title_keeps_its_first_line_as_header(tmp_path):
    result, _rows, _types = load(tmp_path, "n.csv", b"a;b;c\n1;2;3\n4;5;6\n")
    assert [c["name"] for c in result.columns] == ["a", "b", "c"] and result.report["header_row"] == 1
    assert "header-row" not in codes(result)


def _titled_workbook(path):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Subventions")
    sheet.merge_range("A1:D1", "Subventions aux associations — exercice 2024")
    sheet.write("A2", "Montants en euros. Source : direction des finances.")
    sheet.write_row("A4", ["Commune", "Association", "SIRET", "Montant"])
    sheet.merge_range("A5:A7", "Bayonne")
    sheet.merge_range("A8:A9", "Anglet")
    for r, (name, siret, amount) in enumerate(
        [
            ("Club de pelote", "78467169500087", 1500),
            ("Chorale", "44306184100047", 800.5),
            ("Ikastola", "35600000000048", 2000),
            ("Comité des fêtes", "55208131766522", 650),
            ("Bibliothèque", "21640024600010", 120),
        ],
        start=4,
    ):
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, siret)
        sheet.write_number(r, 3, amount)
    workbook.close()
    return path.read_bytes()


def test_a_spreadsheet_with_a_title_notes_and_merged_cells(tmp_path):
    content = _titled_workbook(tmp_path / "src.xlsx")
    result, rows, types = load(tmp_path, "s.xlsx", content)
    assert [c["name"] for c in result.columns] == ["Commune", "Association", "SIRET", "Montant"]
    assert [r[0] for r in rows] == ["Bayonne"] * 3 + ["Anglet"] * 2  # filled down
    assert types == {"Commune": "text", "Association": "text", "SIRET": "text", "Montant": "number"}
    assert rows[0][2] == "78467169500087"
    assert result.report["header_row"] == 4
    assert {"header-row", "merged-cells"} <= set(codes(result))
    merged = next(w["message"] for w in result.report["warnings"] if w["code"] == "merged-cells")
    assert "3 cellules" in merged and "Commune" in merged


def test_a_legacy_xls_with_a_title_notes_and_merged_cells(tmp_path):
    """Excel 97-2003: calamine gives the merged ranges as for XLSX (fixture written by data/make_xls.py)."""
    content = (Path(__file__).with_name("data") / "titre-fusion-excel97.xls").read_bytes()
    result, rows, types = load(tmp_path, "s.xls", content)
    assert [c["name"] for c in result.columns] == ["Commune", "Association", "SIRET", "Montant"]
    assert [r[0] for r in rows] == ["Bayonne"] * 3 + ["Anglet"] * 2
    assert types["SIRET"] == "text" and rows[0][2] == "78467169500087" and types["Montant"] == "number"
    assert result.report["header_row"] == 4 and "merged-cells" in codes(result)


def test_an_ods_with_a_title_and_merged_cells(tmp_path):
    sheet = [
        ["Effectifs des écoles — rentrée 2024", "", ""],
        ["", "", ""],
        ["Commune", "École", "Élèves"],
        ["Bayonne", "Jules Ferry", 120],
        ["", "Saint-Esprit", 95],
        ["Anglet", "Aritxague", 80],
    ]
    content = ods({"Écoles": sheet}, spans={"Écoles": {(0, 0): (1, 3), (3, 0): (2, 1)}})
    result, rows, _types = load(tmp_path, "e.ods", content)
    assert [c["name"] for c in result.columns] == ["Commune", "École", "Élèves"]
    assert rows == [("Bayonne", "Jules Ferry", 120), ("Bayonne", "Saint-Esprit", 95), ("Anglet", "Aritxague", 80)]
    assert result.report["header_row"] == 3 and "merged-cells" in codes(result)


def test_the_header_row_chosen_on_the_report_page_reloads(client, editor, dataset):
    resource, table = upload_and_load(editor, dataset, TITLED, name="titre.csv")
    assert table.report["header_row"] == 4
    page = report_page(client, editor, dataset, resource)
    assert "Début du fichier" in page and "Ligne des noms de colonnes" in page and "Subventions versées" in page
    resource, table = upload_and_load(editor, dataset, LEGEND, name="legende.csv")
    assert table.report["header_row"] == 1
    url = reverse("datastore:table_status", args=[dataset.slug, resource.identifier])
    data = {"sheet": "", "header_row": "3"}
    for index, column in enumerate(table.columns):
        data[f"type_{index}"] = column["type"]
    assert client.post(url, data).status_code == 302
    run_queued_tasks()
    reloaded = selectors.current_table(resource)
    assert reloaded.header_row == 3 and reloaded.report["header_row"] == 3
    assert [c["name"] for c in reloaded.columns] == ["commune", "montant", "année"]
    response = client.post(url, {**data, "header_row": "0"})
    assert response.status_code == 400 and "numéro de ligne" in response.content.decode()


def test_a_header_with_unnamed_columns_stays_the_header(tmp_path):
    text = "nom;prénom;;\nDupont;Jean;Bayonne;oui\nEtcheverry;Maite;Anglet;non\n"
    result, rows, _types = load(tmp_path, "h.csv", text.encode())
    assert [c["name"] for c in result.columns] == ["nom", "prénom", "colonne_3", "colonne_4"]
    assert result.report["header_row"] == 1 and len(rows) == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["Budget primitif 2025"], [], ["a", "b", "c"], ["1", "2", "3"]], 2),
        ([["a", "b", "c"], ["1", "2", "3"]], 0),
        ([["1", "2", "3"], ["4", "5", "6"]], 0),  # no header at all: the first row, as before
        ([["Titre du tableau", "", ""], ["Mise à jour le 03/01/2025 par le service des finances"], ["x", "y", "z"]], 2),
        ([["", "", ""], ["Commune", "Budget", "Budget"], ["", "2025", "2026"], ["Bayonne", "1", "2"]], 1),
    ],
)
def test_find_header(rows, expected):
    assert reading.find_header(rows) == expected


def test_the_editor_sets_a_unit_in_the_data_dictionary(client, editor, dataset):
    resource, table = upload_and_load(editor, dataset, SCDL, name="subventions.csv")
    url = reverse("datastore:table_status", args=[dataset.slug, resource.identifier])
    client.force_login(editor)
    data = {"sheet": ""}
    for index, column in enumerate(table.columns):
        data |= {f"type_{index}": column["type"], f"label_{index}": "", f"description_{index}": ""}
        data[f"unit_{index}"] = {"montant": "€", "taux": "% du budget"}.get(column["name"], "")
    assert client.post(url, data).status_code == 302
    api = client.get(f"/api/v1/resources/{resource.identifier}/table").json()
    assert {c["name"]: c["unit"] for c in api["columns"]} == {
        "nomAttribuant": "",
        "idAttribuant": "",
        "montant": "€",  # as found: stored empty, the next load's unit applies
        "taux": "% du budget",
    }
    assert ColumnDescription.objects.get(resource=resource, name="montant").unit == ""


@pytest.mark.parametrize("doubtful", [False, True])
def test_short_rows_of_a_large_file_are_scanned_exactly(tmp_path, monkeypatch, doubtful):
    """Past the head, short rows are found by one more scan of two columns; a padded row whose first cell is empty
    (blank, or not) makes it scan again with the exact test."""
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 5)
    lines = [f"{i};{i};{i}" for i in range(40)]
    lines[2] = "2;2"  # in the head: the file is scanned after the pass
    lines[20] = "20"
    if doubtful:
        lines[25] = ";25"  # short, first cell empty
        lines[30] = ";"  # short and blank: a blank row, not a short one
    direct, staged = _both_paths(tmp_path, "g.csv", "a;b;c\n" + "\n".join(lines) + "\n")
    assert direct is not None and direct.report == staged.report
    expected = [4, 22, 27] if doubtful else [4, 22]
    assert direct.report["short_lines"] == expected and direct.report["short_rows"] == len(expected)
    assert direct.report["blank_rows"] == (1 if doubtful else 0)


def test_json_strings_of_digits_are_identifiers(tmp_path):
    """A JSON string of digits is a code, like a spreadsheet cell typed as text (a neutral name: not by name)."""
    data = [
        {"zone": "64102", "nom": "Bayonne", "habitants": 51411},
        {"zone": "64024", "nom": "Anglet", "habitants": 42288},
    ]
    result, rows, types = load(tmp_path, "c.json", json.dumps(data).encode())
    assert types == {"zone": "text", "nom": "text", "habitants": "integer"}
    assert rows[0][0] == "64102" and next(c for c in result.columns if c["name"] == "zone")["identifier"] is True


def test_a_spreadsheet_with_only_a_header_is_an_empty_table(tmp_path):
    result, rows, types = load(tmp_path, "v.xlsx", xlsx({"Vide": [["commune", "montant"]]}))
    assert rows == [] and types == {"commune": "text", "montant": "text"} and "empty-table" in codes(result)
