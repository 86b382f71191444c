"""The row file of a table (auzolan.datastore.rowstore): written after the load, read by pages instead of the Parquet
file, giving exactly the same rows; unreadable or absent, the Parquet file answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import io
import logging

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.core.management import call_command

from auzolan.datastore import query, rowstore
from auzolan.datastore.duck import connect
from auzolan.datastore.ingestion.job import build_row_file
from auzolan.datastore.models import Table
from tests.datastore.tabledata import load_published

# A CSV with every type the loader infers: text, integer, number, date, datetime, boolean, and empty cells. 40 rows:
# more than two blocks of the row file.
HEADER = "nom,quantite,montant,date_vote,horodatage,actif,note\n"
LINES = "".join(
    f"Association {n:02d},{n * 7 % 13},{n * 1234.5 / 7:.2f},2024-{n % 12 + 1:02d}-{n % 27 + 1:02d},"
    f"2024-03-{n % 27 + 1:02d}T{n % 24:02d}:15:00,{'true' if n % 3 else 'false'},"
    f"{'' if n % 5 == 0 else 'ok ' + str(n)}\n"
    for n in range(40)
)
CSV = HEADER + LINES


@pytest.fixture
def typed(transactional_db):
    _dataset, _resource, table = load_published(CSV, "types.csv")
    return table


QUESTIONS = [
    {},
    {"sort": "-montant", "limit": "7"},
    {"sort": "date_vote,-quantite", "limit": "25", "offset": "3"},
    {"actif": "true", "sort": "-horodatage", "limit": "10"},
    {"note__isnull": "true"},
    {"q": "Association 3", "fields": "nom,montant"},
    {"montant__gte": "2000", "sort": "nom", "fields": "date_vote", "limit": "5"},
]


def _decoded(page):
    cursor = page.next_cursor and signing.loads(page.next_cursor, salt=query.CURSOR_SALT)
    return dataclasses.replace(page, next_cursor=cursor)


def test_the_load_writes_the_row_file(typed):
    assert typed.rows_file.endswith(".rows") and default_storage.exists(typed.rows_file)
    assert typed.rows_file.rsplit(".", 1)[0] == typed.parquet.rsplit(".", 1)[0]


@pytest.mark.parametrize("params", QUESTIONS, ids=[str(q) for q in QUESTIONS])
def test_a_page_from_the_row_file_is_the_page_from_parquet(typed, params, monkeypatch):
    from_rows = query.search(typed, query.parse_params(params))
    fetched = []
    monkeypatch.setattr(query, "_page_rows", lambda *args: fetched.append(1) and None)
    from_parquet = query.search(typed, query.parse_params(params))
    assert fetched or not from_parquet.rows
    # the cursor is signed with the time: compare what it says
    assert _decoded(from_rows) == _decoded(from_parquet)
    assert from_rows.rows, "a question that returns nothing proves nothing"


def test_types_are_kept(typed):
    row = query.search(typed, query.parse_params({"sort": "nom", "limit": "1", "offset": "1"})).rows[0]
    assert row["nom"] == "Association 01" and row["quantite"] == 7 and row["actif"] is True
    assert isinstance(row["date_vote"], dt.date) and isinstance(row["horodatage"], dt.datetime)
    assert row["montant"] == pytest.approx(176.36)


def test_an_unreadable_row_file_falls_back_to_parquet(typed, caplog):
    expected = query.search(typed, query.parse_params({"sort": "-montant", "limit": "5"}))
    path = default_storage.path(typed.rows_file)
    with open(path, "r+b") as file:
        file.truncate(100)  # cut: no end marker
    with caplog.at_level(logging.WARNING, logger="auzolan.datastore.query"):
        again = query.search(typed, query.parse_params({"sort": "-montant", "limit": "5"}))
    assert _decoded(again) == _decoded(expected) and "unreadable" in caplog.text


def test_a_table_without_row_file_gets_one_and_a_second_build_does_nothing(typed):
    Table.objects.filter(pk=typed.pk).update(rows_file="")
    typed.refresh_from_db()
    assert build_row_file(typed) is True and Table.objects.get(pk=typed.pk).rows_file
    assert build_row_file(typed) is False


def test_a_failed_build_changes_nothing(typed, monkeypatch, caplog):
    Table.objects.filter(pk=typed.pk).update(rows_file="")
    typed.refresh_from_db()

    def broken(*args, **kwargs):
        raise rowstore.RowFileError("rows out of file order at 3")

    monkeypatch.setattr(rowstore, "write_from_parquet", broken)
    assert build_row_file(typed) is False
    assert Table.objects.get(pk=typed.pk).rows_file == "" and "not written" in caplog.text


# --- The file format alone -------------------------------------------------------------------------------------


VALUES = [
    ("texte é ✓", 1, 2.5, True, None),
    (
        dt.date(2024, 2, 29),
        dt.datetime(2024, 2, 29, 23, 59, 1, 5),
        dt.time(9, 12),
        decimal.Decimal("12.30"),
        b"\x00\xff",
    ),
    (float("nan"), float("inf"), -0.0, [1, "a"], {"k": [1]}),
    (dt.timedelta(days=2, seconds=5), "", 0, False, "NaN"),
]


def test_values_round_trip(tmp_path):
    path = str(tmp_path / "t.rows")
    rows = [VALUES[i % len(VALUES)] for i in range(37)]
    assert rowstore.write(rows, ["a", "b", "c", "d", "e"], path) == 37
    got = rowstore.read(path, [36, 0, 17, 1, 2, 3], ["a", "b", "c", "d", "e"])
    for number in (0, 1, 3, 17, 36):
        assert got[number] == rows[number]
    nan_row = got[2]
    assert nan_row[0] != nan_row[0] and nan_row[1] == float("inf") and nan_row[3:] == ([1, "a"], {"k": [1]})
    assert rowstore.read(path, [5], ["e", "a"])[5] == (rows[5][4], rows[5][0])


def test_bad_files_and_questions_are_refused(tmp_path):
    path = str(tmp_path / "t.rows")
    rowstore.write([("a", 1), ("b", 2)], ["x", "y"], path)
    with pytest.raises(rowstore.RowFileError):
        rowstore.read(path, [2], ["x"])
    with pytest.raises(rowstore.RowFileError):
        rowstore.read(path, [-1], ["x"])
    with pytest.raises(rowstore.RowFileError):
        rowstore.read(path, [0], ["z"])
    other = tmp_path / "other.rows"
    other.write_bytes(b"not a row file at all, long enough to have a footer")
    with pytest.raises(rowstore.RowFileError):
        rowstore.read(str(other), [0], ["x"])
    assert not list(tmp_path.glob("*.part"))


def test_the_rows_are_written_in_file_order(tmp_path):
    parquet = str(tmp_path / "t.parquet")
    con = connect()
    con.execute(f"COPY (SELECT range AS n, 'r' || range AS s FROM range(5000)) TO '{parquet}' (FORMAT PARQUET)")  # noqa: S608
    path = str(tmp_path / "t.rows")
    assert rowstore.write_from_parquet(con, parquet, path, batch=333) == 5000
    got = rowstore.read(path, [0, 4999, 2048, 17], ["s", "n"])
    assert got == {0: ("r0", 0), 4999: ("r4999", 4999), 2048: ("r2048", 2048), 17: ("r17", 17)}


def test_the_command_writes_the_missing_row_files(typed):
    Table.objects.filter(pk=typed.pk).update(rows_file="")
    out = io.StringIO()
    call_command("build_row_files", stdout=out)
    assert "1 fichier(s) des lignes écrit(s), 0 échec(s)" in out.getvalue()
    assert Table.objects.get(pk=typed.pk).rows_file
    out = io.StringIO()
    call_command("build_row_files", "--all", stdout=out)
    assert "0 fichier(s) des lignes écrit(s)" in out.getvalue()
