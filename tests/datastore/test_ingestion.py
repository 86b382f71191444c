"""Ingestion services, the background job started on upload, the table page, the table API and query_table."""

from __future__ import annotations

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from auzolan.catalog import services as catalog_services
from auzolan.core.errors import ApplicationError, ValidationError
from auzolan.core.models import Job
from auzolan.datastore import query, reading, selectors, services
from auzolan.datastore.ingestion import casts
from auzolan.datastore.ingestion.direct import load_direct
from auzolan.datastore.ingestion.pipeline import load_file
from auzolan.datastore.ingestion.staged import load_staged
from auzolan.datastore.models import ColumnDescription, Table
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

CSV = "commune;montant;échéance\nBayonne;1 234,56;25/11/2026\nAnglet;12,5;01/02/2025\nBiarritz;7;03/03/2024\n"


@pytest.fixture
def editor(db):
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="published")


def upload(editor, dataset, content: str | bytes = CSV, name: str = "subventions.csv"):
    data = content.encode("cp1252") if isinstance(content, str) else content
    return catalog_services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Subventions", file=SimpleUploadedFile(name, data)
    )


@pytest.mark.django_db(transaction=True)
def test_upload_starts_a_job_that_loads_the_table(editor, dataset):
    resource = upload(editor, dataset)
    table = Table.objects.get(resource=resource)
    assert table.job.owner == editor and table.state == Table.State.PENDING
    run_queued_tasks()
    table.refresh_from_db()
    assert table.state == Table.State.READY and table.is_current
    assert table.row_count == 3
    assert [(c["name"], c["type"]) for c in table.columns] == [
        ("commune", "text"),
        ("montant", "number"),
        ("échéance", "date"),
    ]
    assert table.report["encoding"] == "windows-1252" and table.report["delimiter"] == ";"
    assert Job.objects.get(pk=table.job_id).state == Job.State.SUCCEEDED
    rows, total = query.query_table(table, sort=["-montant"], limit=2)
    assert total == 3 and [r["commune"] for r in rows] == ["Bayonne", "Anglet"]


@pytest.mark.django_db(transaction=True)
def test_failed_reload_keeps_the_previous_table(editor, dataset):
    resource = upload(editor, dataset)
    run_queued_tasks()
    first = Table.objects.get(resource=resource)
    reload = services.table_reload(actor=editor, version=resource.current_version, column_types={"commune": "date"})
    run_queued_tasks()
    reload.refresh_from_db()
    assert reload.state == Table.State.FAILED and "Choisissez un autre type" in reload.error
    assert selectors.current_table(resource) == first
    assert Job.objects.get(pk=reload.job_id).state == Job.State.FAILED


@pytest.mark.django_db(transaction=True)
def test_reload_with_corrected_type_reports_rejected_rows(editor, dataset):
    resource = upload(editor, dataset, "code;n\n12;1\nAB;2\n7;3\n")
    run_queued_tasks()
    services.table_reload(actor=editor, version=resource.current_version, column_types={"code": "integer"})
    run_queued_tasks()
    table = selectors.current_table(resource)
    assert table.row_count == 2 and table.report["rejected"][0]["row"] == 3
    assert ColumnDescription.objects.get(resource=resource, name="code").type == "integer"


@pytest.mark.django_db(transaction=True)
def test_page_api_and_dictionary(client, editor, dataset):
    resource = upload(editor, dataset)
    run_queued_tasks()
    url = reverse("datastore:table_status", args=[dataset.slug, resource.identifier])
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "windows-1252" in response.content.decode() and "Bayonne" in response.content.decode()
    response = client.post(
        url,
        {
            "sheet": "",
            "type_0": "text",
            "type_1": "number",
            "type_2": "date",
            "label_1": "Montant (€)",
            "description_1": "Montant voté",
        },
    )
    assert response.status_code == 302
    api = client.get(f"/api/v1/resources/{resource.identifier}/table").json()
    assert api["row_count"] == 3
    assert api["columns"][1] | {} == {
        "name": "montant",
        "original_label": "montant",
        "type": "number",
        "inferred_type": "number",
        "label": "Montant (€)",
        "description": "Montant voté",
        "unit": "",
        "identifier": False,
    }


@pytest.mark.django_db
def test_page_is_a_404_for_others(client, editor, dataset):
    resource = upload(editor, dataset)
    client.force_login(MembershipFactory(role="editor").user)
    url = reverse("datastore:table_status", args=[dataset.slug, resource.identifier])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/resources/{resource.identifier}/table").status_code == 404


@pytest.mark.django_db
def test_reload_is_refused_to_others(editor, dataset):
    resource = upload(editor, dataset)
    with pytest.raises(ApplicationError):
        services.table_reload(actor=MembershipFactory(role="editor").user, version=resource.current_version)


@pytest.mark.parametrize("sheet", ["Feuil\x001", "x" * 256])
def test_reload_refuses_a_sheet_name_no_spreadsheet_holds(editor, dataset, sheet):
    resource = upload(editor, dataset)
    with pytest.raises(ValidationError) as error:
        services.table_reload(actor=editor, version=resource.current_version, sheet=sheet)
    assert error.value.field == "sheet"
    assert not Table.objects.filter(resource=resource).exclude(sheet="").exists()


@pytest.mark.parametrize("key", ["label", "description", "unit"])
def test_the_data_dictionary_refuses_nul(editor, dataset, key):
    resource = upload(editor, dataset)
    with pytest.raises(ValidationError) as error:
        services.dictionary_update(actor=editor, resource=resource, columns={"commune": {key: "Nom\x00"}})
    assert "commune" in error.value.message
    assert not ColumnDescription.objects.filter(resource=resource).exists()


@pytest.mark.django_db(transaction=True)
def test_query_table_filters_are_parameters(editor, dataset):
    resource = upload(editor, dataset)
    run_queued_tasks()
    table = selectors.current_table(resource)
    F = query.Filter
    rows, total = query.query_table(table, filters=[F("montant", "gt", 10)], fields=["commune"])
    assert total == 2 and rows == [{"commune": "Bayonne"}, {"commune": "Anglet"}]
    rows, total = query.query_table(table, filters=[F("commune", "contains", "' OR 1=1 --")])
    assert total == 0
    rows, total = query.query_table(table, filters=[F("commune", "in", ["Anglet", "Biarritz"])])
    assert total == 2
    with pytest.raises(ApplicationError):
        query.query_table(table, sort=['commune" DESC; DROP TABLE x; --'])
    with pytest.raises(ApplicationError):
        query.query_table(table, filters=[F("montant", "gt", "pas un nombre")])


@pytest.mark.django_db(transaction=True)
def test_ingest_command(editor, dataset):
    resource = upload(editor, dataset)
    call_command("ingest", str(resource.current_version.pk))
    assert selectors.current_table(resource).row_count == 3


def test_types_are_inferred_on_a_sample_and_a_missed_value_widens_the_column(tmp_path, monkeypatch):
    """A value the sample misses never rejects its row nor becomes NULL: its (inferred) column is typed again on
    every row, with a warning. A type chosen by the editor still rejects the row."""
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 3)
    monkeypatch.setattr(casts, "SAMPLE_SPREAD", 2)  # head rows 0-2 plus every 5th row (10 rows)
    rows = [f"{i};{i};6410{i % 10};{i};2024-01-0{1 + i % 9};;{i}" for i in range(10)]
    rows[6] = "6;1,5;01000;AB;2024-01-07 10:30;late;6"  # row 8 of the file, outside the sample
    rows[7] = "7;7;64107;7;2024-01-08;;x"
    source = tmp_path / "t.csv"
    # Neutral names: a column named "cp" or "code" would be an identifier, text from the start (test_messy_files).
    source.write_text("id;montant;zone;classe;quand;rare;choisi\n" + "\n".join(rows) + "\n")
    result = load_file(str(source), name="t.csv", workdir=str(tmp_path), column_types={"choisi": "integer"})
    types = {c["name"]: c["type"] for c in result.columns}
    assert types == {
        "id": "integer",
        "montant": "number",
        "zone": "text",
        "classe": "text",
        "quand": "datetime",
        "rare": "text",
        "choisi": "integer",
    }
    widened = {w["column"] for w in result.warnings if w["code"] == "type-widened"}
    assert widened == {"montant", "zone", "classe", "quand"}
    assert result.row_count == 9 and result.report["rejected_rows"] == 1
    assert [(r["row"], r["column"], r["value"]) for r in result.report["rejected"]] == [(9, "choisi", "x")]
    loaded = duckdb.execute("SELECT id, montant, zone FROM read_parquet($p)", {"p": result.parquet_path}).fetchall()
    assert [r[0] for r in loaded] == [0, 1, 2, 3, 4, 5, 6, 8, 9]
    assert loaded[6] == (6, 1.5, "01000")


def test_without_a_missed_value_the_sample_types_hold(tmp_path, monkeypatch):
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 3)
    monkeypatch.setattr(casts, "SAMPLE_SPREAD", 2)
    source = tmp_path / "t.csv"
    source.write_text("id;rare\n" + "".join(f"{i};{'oui' if i == 7 else ''}\n" for i in range(10)))
    result = load_file(str(source), name="t.csv", workdir=str(tmp_path))
    assert {c["name"]: c["type"] for c in result.columns} == {"id": "integer", "rare": "boolean"}
    assert result.row_count == 10 and not result.warnings and result.report["rejected_rows"] == 0


def _both_paths(tmp_path, name: str, text: str, column_types=None):
    """(direct result or None, staged result) of the same file, each in its own work directory."""
    source = tmp_path / name
    source.write_bytes(text.encode())
    out = []
    for kind in ("direct", "staged"):
        work = tmp_path / kind
        work.mkdir()
        prepared = reading.prepare(str(source), name=name)
        try:
            if kind == "direct":
                out.append(load_direct(prepared, workdir=str(work), column_types=column_types or {}, step=print))
            else:
                out.append(
                    load_staged(prepared, name=name, workdir=str(work), column_types=column_types or {}, step=print)
                )
        finally:
            prepared.cleanup()
    return out


def _rows(result):
    return duckdb.execute("SELECT * FROM read_parquet($p)", {"p": result.parquet_path}).fetchall()


def test_direct_path_equals_the_staged_path(tmp_path, monkeypatch):
    """The CSV read straight into Parquet gives the staged path's table and report: blank rows, broken lines
    with their line numbers, short rows, a sparse column, an unnamed column empty or filled late, a missed
    value that widens its column (each misfit costs one more pass)."""
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 4)
    monkeypatch.setattr(casts, "SAMPLE_SPREAD", 2)
    lines = [
        "1;2024-01-02;10;;x;;",
        "2;2024-01-03;11,5;;y;;",
        ";;;;;;",
        "3;02/01/2024;12;;z;;",
        "4;2024-01-05;13;;;;",
        "5;2024-01-06;14;oui;w;;",
        "6;2024-01-07;15;;v;;7",
        "7;2024-01-08;1 016,5;non;u;;",
        "8;2024-01-09;17;;t;;;x;y",
        "9;2024-01-10;018;;s;;",
        "10;2024-01-11;19",
    ]
    text = "id;quand;montant;actif;nom;;\n" + "\n".join(lines) + "\n"
    direct, staged = _both_paths(tmp_path, "d.csv", text)
    assert direct is not None
    assert direct.columns == staged.columns
    assert direct.report == staged.report
    assert _rows(direct) == _rows(staged)
    assert direct.row_count == 9 and direct.report["blank_rows"] == 1
    assert {r["row"] for r in direct.report["rejected"]} == {10} and direct.report["rejected_rows"] == 1
    types = {c["name"]: c["type"] for c in direct.columns}
    assert types == {
        "id": "integer",
        "quand": "date",
        "montant": "text",
        "actif": "boolean",
        "nom": "text",
        "colonne_7": "integer",
    }
    assert [w["code"] for w in direct.warnings] == [
        "empty-label",
        "empty-label",
        "empty-column",
        "type-widened",
        "short-rows",
    ]
    assert direct.report["short_lines"] == [12]  # "10;2024-01-11;19": 3 cells of 7


def test_direct_path_hands_an_editor_type_misfit_to_the_staged_path(tmp_path):
    direct, staged = _both_paths(tmp_path, "c.csv", "code;n\n12;1\nAB;2\n7;3\n", column_types={"code": "integer"})
    assert direct is None
    assert staged.report["rejected"][0]["row"] == 3 and staged.row_count == 2


@pytest.mark.parametrize("quoted", [False, True])
def test_direct_path_on_a_file_that_fits_the_head(tmp_path, quoted):
    text = 'nom;commentaire;n\r\n"A";"ligne 1\r\nligne 2";1\r\n\r\n;;\r\nB;court\r\n' if quoted else CSV
    direct, staged = _both_paths(tmp_path, "q.csv", text)
    assert direct.report == staged.report and _rows(direct) == _rows(staged) and direct.columns == staged.columns


def test_direct_path_reads_lines_of_several_megabytes(tmp_path):
    """Lines up to `max_line_size` (10 MB) load, with the explicit 32 MB buffers of CSV_SOURCE; a longer line is a
    broken line, reported with its number, as before."""
    long_cell = "x" * 3_000_000
    too_long = "y" * 11_000_000
    text = f"id;texte;montant\n1;court;10\n2;{long_cell};11\n3;{too_long};12\n4;fin;13\n"
    direct, staged = _both_paths(tmp_path, "long.csv", text)
    assert direct is not None
    assert direct.columns == staged.columns and direct.report == staged.report
    rows = _rows(direct)
    assert [(r[0], len(r[1]), r[2]) for r in rows] == [(1, 5, 10), (2, 3_000_000, 11), (4, 3, 13)]
    assert direct.report["broken_lines"] == 1 and [r["row"] for r in direct.report["rejected"]] == [4]


def test_direct_path_widens_four_columns_missed_by_the_head(tmp_path, monkeypatch):
    """Four inferred columns misfit after the head: each costs one aborted pass (DIRECT_ATTEMPTS = 5), the file
    still loads directly, and gives the staged path's table and report."""
    monkeypatch.setattr(casts, "SAMPLE_HEAD", 2)
    monkeypatch.setattr(casts, "SAMPLE_SPREAD", 2)
    lines = [f"{i};{i}5,5;2024-01-0{1 + i};oui;{i}" for i in range(8)]
    # Outside the staged path's sample too (rows 0-1 and every 4th row), so both give the same warnings.
    lines[3] = "3;à définir;2024-01-04;oui;3"  # not a placeholder (n/a would be a missing value)
    lines[5] = "5;55,5;bientôt;oui;5"
    lines[6] = "6;65,5;2024-01-07;peut-être;6"
    lines[7] = "7;75,5;2024-01-08;non;sept"
    direct, staged = _both_paths(tmp_path, "w.csv", "id;montant;quand;actif;n\n" + "\n".join(lines) + "\n")
    assert direct is not None
    assert direct.columns == staged.columns and direct.report == staged.report
    assert _rows(direct) == _rows(staged)
    widened = {w["column"] for w in direct.warnings if w["code"] == "type-widened"}
    assert widened == {"montant", "quand", "actif", "n"}
    assert {c["name"]: c["type"] for c in direct.columns}["id"] == "integer"


def test_direct_path_boolean_words_in_any_form(tmp_path):
    """Lower-case words take the guard's fast path, other forms (case, spaces, 1/0, o/n) the full rules: both
    paths give the same booleans."""
    values = ["oui", " Oui ", "NON", "vrai", "faux", "1", "0", "o", "n", "true", "False", "", "yes", "no"]
    text = "id;actif\n" + "".join(f"{i};{v}\n" for i, v in enumerate(values))
    direct, staged = _both_paths(tmp_path, "b.csv", text)
    assert direct is not None and direct.columns == staged.columns and direct.report == staged.report
    assert {c["name"]: c["type"] for c in direct.columns}["actif"] == "boolean"
    expected = [True, True, False, True, False, True, False, True, False, True, False, None, True, False]
    assert [r[1] for r in _rows(direct)] == expected == [r[1] for r in _rows(staged)]
