"""The messy files that French local authorities really produce (issue 9, D): each loads, the load report says what
was done, nothing is lost. Through `load_file` (the pipeline), both ingestion paths where they differ, and through
the editor's load report page and the public preview where the user meets them."""

from __future__ import annotations

import duckdb
import pytest
from django.urls import reverse

from auzolan.datastore import ingestion, reading
from auzolan.datastore.ingestion import load_file
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load as upload_and_load
from tests.organisations.factories import MembershipFactory


def load(tmp_path, name: str, content: bytes, **kwargs):
    source = tmp_path / name
    source.write_bytes(content)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    result = load_file(str(source), name=name, workdir=str(work), **kwargs)
    names = ", ".join(f'"{c["name"]}"' for c in result.columns)
    rows = duckdb.execute(f"SELECT {names} FROM read_parquet($p)", {"p": result.parquet_path}).fetchall()  # noqa: S608
    types = {c["name"]: c["type"] for c in result.columns}
    return result, rows, types


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
    from tests.datastore.test_ingestion import _both_paths

    monkeypatch.setattr(ingestion, "SAMPLE_HEAD", 50)
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
    """A header longer than the sniffed head (256 KB): 3,000 columns with long names."""
    header = ";".join(f"indicateur {i} " + "z" * 90 for i in range(3000))
    content = (header + "\n" + ";".join(str(i) for i in range(3000)) + "\n").encode()
    result, rows, _types = load(tmp_path, "large.csv", content)
    assert len(result.columns) == 3000 and rows[0][2999] == 2999


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
    assert "fins de ligne" in page and "Lignes incomplètes" in page and "ligne 3" in page


def test_a_short_row_after_the_head_is_found_by_the_guarded_pass(tmp_path, monkeypatch):
    from tests.datastore.test_ingestion import _both_paths

    monkeypatch.setattr(ingestion, "SAMPLE_HEAD", 5)
    lines = [f"{i};{i};{i}" for i in range(40)]
    lines[30] = "30;30"
    lines[10] = ";;"  # a blank row before it: line numbers count it
    direct, staged = _both_paths(tmp_path, "g.csv", "a;b;c\n" + "\n".join(lines) + "\n")
    assert direct is not None and direct.report == staged.report
    assert direct.report["short_rows"] == 1 and direct.report["short_lines"] == [32]
    assert direct.report["blank_rows"] == 1 and direct.row_count == 39
