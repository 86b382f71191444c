"""The text index (auzolan.datastore.textindex): a full-text `q` answered from the index gives the rows the scan gives,
and the rows the documented semantics say (every word of q begins a word of a text cell of the row), through the
engine, the data API and CKAN's datastore_search. One module-scoped world: three small tables loaded through the
real ingestion path, their index written in row groups of 3 pairs so that tokens straddle row groups."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import os
import re
import unicodedata
from contextlib import contextmanager

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import ResourceVersion
from auzolan.catalog.signals import resource_version_added
from auzolan.core.errors import ApplicationError
from auzolan.datastore import loaded, query, selectors, textindex
from auzolan.datastore.ingestion.job import build_row_file, build_text_index, run_table_load
from auzolan.datastore.models import Table
from tests.catalog.factories import DatasetFactory
from tests.never500.world import world_fixture
from tests.organisations.factories import MembershipFactory

LONG = "anticonstitutionnellementissimesque"  # 35 characters: longer than the stored tokens (32)
VARIED = (
    "commune;libelle;code;montant;note\n"
    "Bayonne;Équipement sportif de Bayonne;DEL-2015-0001;1234.5;Commune\n"
    "Anglet;école de musique (l'été!);DEL-2015-0002;12.5;commune\n"
    "Biarritz;;DEL-2016-0003;;COMMUNE\n"
    "Hendaye;Voirie, trottoirs & éclairage;;300;commune\n"
    f"Ustaritz;Fête-du-village;DEL-2016-0004;300;commune {LONG}\n"
    f"Bayonne;Œuvre d'art — 3e édition;DEL-2017-0005;45;commune {LONG[:32]}zz\n"
    "Saint-Jean-de-Luz;Sport, culture: 100 % associations;DEL-2017-0006;7;commune\n"
    "Ciboure;...;DEL-2018-0007;8;commune bayonne\n"
    "Bidart;Association sportive;DEL-2018-0008;9;commune\n"
    "Guéthary;ÉCOLE — Bayonne / Anglet;DEL-2019-0009;10;commune\n"
)
ONE_ROW = "nom;valeur\nMédiathèque de Bayonne;1\n"
NUMBERS = "annee;valeur\n2015;1\n2016;2\n"
QUERIES = [
    "bayonne",
    "BAYONNE",
    "bayon",
    "ecole",
    "École",
    "fete village",
    "village fête",
    "l'été",
    "l ete",
    "2015",
    "del 2016",
    "0001",
    "commune",
    "c",
    "sport",
    "sportive association",
    "oeuvre",
    "œuvre 3e",
    "100",
    "zzz",
    "ssoc",
    "!!!",
    "  ",
    LONG,
    LONG[:32] + "zz",
    LONG[:32],
    "commune bayonne anglet",
    "bay\x00onne",
]


def expected_rows(csv: str, q: str) -> list[int]:
    """The documented semantics, written again in Python (Unicode decomposition for the accents)."""

    def words(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if not unicodedata.combining(c))
        return re.findall(r"[^\W_]+", text)

    lines = csv.splitlines()[1:]
    if not q.strip():
        return list(range(len(lines)))  # no q at all
    wanted = words(q)
    if not wanted:
        return []
    found = []
    for number, line in enumerate(lines):
        cells = [c for i, c in enumerate(line.split(";")) if i != 3]  # montant is a number column
        have = [w for cell in cells for w in words(cell)]
        if all(any(h.startswith(w) for h in have) for w in wanted):
            found.append(number)
    return found


def _load(editor, dataset, content: str, name: str) -> Table:
    resource = catalog_services.resource_add(
        actor=editor, dataset=dataset, kind="file", title=name, file=SimpleUploadedFile(name, content.encode())
    )
    resource_version_added.send(sender=ResourceVersion, version=resource.current_version, actor=editor)
    table = run_table_load(table=Table.objects.filter(resource=resource).latest("created_at"))
    assert build_row_file(table)
    figures = build_text_index(table)
    assert figures is not None and figures["bytes"] > 0
    return selectors.current_table(resource)


def build():
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    before = textindex.ROW_GROUP_ROWS
    textindex.ROW_GROUP_ROWS = 3  # tokens straddle the index's row groups
    try:
        return {
            "varied": _load(editor, dataset, VARIED, "varied.csv"),
            "one": _load(editor, dataset, ONE_ROW, "one.csv"),
            "numbers": _load(editor, dataset, NUMBERS, "numbers.csv"),
        }
    finally:
        textindex.ROW_GROUP_ROWS = before


@pytest.fixture(scope="module")
def tables(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_setup, django_db_blocker, build=build)


@pytest.fixture(autouse=True)
def _media_and_cache(tables, db):
    """Replaces the suite's own (a media folder per test): the tables' files live as long as the module."""
    cache.clear()


@pytest.fixture
def varied(tables):
    return tables["varied"]


def scanned(table: Table) -> Table:
    """The same table as if it had no index yet (not saved)."""
    twin = copy.copy(table)
    twin.text_index = ""
    return twin


def page(table: Table, **params) -> query.Page:
    cache.clear()
    return query.search(table, query.parse_params({k: str(v) for k, v in params.items()}))


def test_the_index_is_written_with_the_table(tables, db):
    varied = tables["varied"]
    assert varied.text_index.endswith(".words.parquet") and default_storage.exists(varied.text_index)
    assert varied.text_index.rsplit(".", 2)[0] == varied.parquet.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "-montant"}, {"sort": "commune,-montant", "limit": 2, "offset": 1}, {"montant__gte": 10}],
    ids=["file-order", "sorted", "paged", "filtered"],
)
def test_indexed_answers_equal_the_scan_and_the_semantics(varied, params):
    for q in QUERIES:
        indexed = page(varied, q=q, **params)
        scan = page(scanned(varied), q=q, **params)
        assert (indexed.row_numbers, indexed.total, indexed.rows) == (scan.row_numbers, scan.total, scan.rows), q
        if not params:
            assert indexed.row_numbers == expected_rows(VARIED, q), q
            assert indexed.total == len(expected_rows(VARIED, q)), q


def test_pages_and_cursor_walk_the_same_rows(varied):
    for sort in ("", "-montant"):
        walked, cursor = [], ""
        while True:
            result = page(varied, q="commune", sort=sort, limit=3, **({"cursor": cursor} if cursor else {}))
            walked += result.row_numbers
            assert result.total == 10
            if not result.next_cursor:
                break
            cursor = result.next_cursor
        everything = page(scanned(varied), q="commune", sort=sort, limit=100)
        assert walked == everything.row_numbers and len(walked) == 10
    deep = page(varied, q="commune", offset=8, limit=5)
    assert deep.row_numbers == [8, 9] and deep.total == 10
    assert page(varied, q="commune", offset=50).rows == []


def test_count_and_aggregate_use_the_same_rows(varied):
    for q in ("bayonne", "del 2016", "zzz", LONG):
        cache.clear()
        indexed = query.count(varied, query.Query(q=q))
        cache.clear()
        assert indexed == query.count(scanned(varied), query.Query(q=q)) == (len(expected_rows(VARIED, q)), False)
    grouped = query.aggregate(varied, query.Query(q="bayonne"), group_by=["commune"], aggregates=["count"])
    assert {r["commune"]: r["count"] for r in grouped["rows"]} == {"Bayonne": 2, "Ciboure": 1, "Guéthary": 1}


def test_a_table_of_one_row_and_a_table_without_text(tables, db):
    one = tables["one"]
    assert page(one, q="mediatheque bay").row_numbers == [0]
    assert page(one, q="theque").total == 0
    assert page(one, q="mediatheque", sort="-valeur").rows == [{"nom": "Médiathèque de Bayonne", "valeur": 1}]
    numbers = tables["numbers"]
    assert page(numbers, q="2015").total == 0 and page(scanned(numbers), q="2015").total == 0


def test_hostile_q_is_refused_or_empty(varied):
    too_long = "a " * 600
    with pytest.raises(ApplicationError) as error:
        page(varied, q=too_long)
    assert error.value.status == 400
    with pytest.raises(ApplicationError) as error:
        page(varied, q=" ".join(f"w{i}x" for i in range(textindex.MAX_WORDS + 1)))
    assert error.value.status == 400
    # the same word many times is one word; punctuation alone matches nothing
    assert page(varied, q=" ".join(["bayonne"] * 100)).total == 4
    assert page(varied, q="%_'\";--").total == 0
    assert page(varied, q="\x00\x00").total == 0


def test_a_missing_index_file_falls_back_to_the_scan(varied, caplog):
    twin = copy.copy(varied)
    twin.text_index = "datastore/nowhere.words.parquet"
    assert page(twin, q="bayonne").row_numbers == expected_rows(VARIED, "bayonne")
    assert "Text index" in caplog.text


def test_the_command_writes_missing_indexes(tables, db):
    varied = tables["varied"]
    Table.objects.filter(pk=varied.pk).update(text_index="")
    out = io.StringIO()
    call_command("build_text_indexes", stdout=out)
    assert "1 index des mots écrit(s), 0 échec(s)" in out.getvalue()
    rebuilt = Table.objects.get(pk=varied.pk)
    assert rebuilt.text_index and page(rebuilt, q="ecole").row_numbers == expected_rows(VARIED, "ecole")
    out = io.StringIO()
    call_command("build_text_indexes", "--all", stdout=out)
    assert "0 index des mots écrit(s)" in out.getvalue()


def test_through_the_data_api_and_datastore_search(client, varied):
    url = f"/api/v1/resources/{varied.resource.identifier}/data"
    body = client.get(url, {"q": "Bayonne", "limit": 2, "offset": 1, "sort": "-montant"}).json()
    scan = page(scanned(varied), q="bayonne", limit=2, offset=1, sort="-montant")
    assert body["total"] == 4 and body["rows"] == scan.rows
    assert client.get(url, {"q": "!!!"}).json()["total"] == 0
    assert client.get(url, {"q": "x" * 5000}).status_code in (400, 422)
    assert client.get(url, {"q": " ".join(f"w{i}x" for i in range(40))}).status_code == 400

    def search(**params):
        return client.post("/api/3/action/datastore_search", json.dumps(params), content_type="application/json")

    rid = str(varied.resource.identifier)
    answer = search(resource_id=rid, q="del 2017", limit=1, offset=1).json()["result"]
    assert answer["total"] == 2 and [r["_id"] for r in answer["records"]] == [7]
    answer = search(resource_id=rid, q="ecole bayonne", fields=["commune"]).json()["result"]
    assert answer["records"] == [{"_id": 10, "commune": "Guéthary"}]
    # per-column q (CKAN's dictionary form) stays a substring match in that column
    answer = search(resource_id=rid, q={"libelle": "cole"}).json()["result"]
    assert [r["_id"] for r in answer["records"]] == [2, 10]
    answer = search(resource_id=rid, q="ssoc").json()["result"]
    assert answer["total"] == 0 and answer["records"] == []
    assert search(resource_id=rid, q="a " * 2000).status_code == 409
    # a NUL byte is refused before the action (the engine, above, reads it as a separator)
    assert search(resource_id=rid, q="bay\x00onne").status_code == 400
    assert client.get(url, {"q": "bay\x00onne"}).status_code == 400


@contextmanager
def aside(*names: str):
    """The table's files with these storage names moved away for the block (and the process's loaded copies
    forgotten), as when an index was written before them or they cannot be read."""
    paths = [default_storage.path(name) for name in names]
    loaded.clear()
    for path in paths:
        os.replace(path, path + ".aside")
    try:
        yield
    finally:
        for path in paths:
            os.replace(path + ".aside", path)
        loaded.clear()


def same(one: query.Page, other: query.Page) -> bool:
    """Two pages are the same: every field, and their cursors' contents (a cursor is signed with the time: the same
    cursor made a second later is another string)."""

    def content(page: query.Page) -> tuple:
        cursor = signing.loads(page.next_cursor, salt=query.CURSOR_SALT) if page.next_cursor else None
        return (dataclasses.replace(page, next_cursor=None), cursor)

    return content(one) == content(other)


def recording(monkeypatch) -> list[str]:
    statements = []
    real_run = query.run
    monkeypatch.setattr(
        query, "run", lambda con, sql, *a, **k: statements.append(sql or "") or real_run(con, sql, *a, **k)
    )
    return statements


def test_the_lexicon_skips_the_index_and_its_absence_changes_no_row(varied, monkeypatch):
    statements = recording(monkeypatch)
    assert page(varied, q="bayonne zzz").total == 0
    # the lexicon in memory: a word that begins no token answers without any statement (ASCII words are cut in
    # Python)
    assert statements == []
    assert page(varied, q="écolezzz").total == 0 and len(statements) == 1  # cut by DuckDB: beyond ASCII
    with aside(textindex.postings_name(varied.text_index)):
        statements.clear()
        assert page(varied, q="bayonne zzz").total == 0
        assert any("AS pairs" in sql for sql in statements)  # the lexicon was read by a statement
        assert not any("_hits" in sql for sql in statements)
    with aside(textindex.lexicon_name(varied.text_index)):  # no lexicon: no postings either (they need it)
        for q in QUERIES:
            sorted_page = page(varied, q=q, sort="-montant")
            assert sorted_page.row_numbers == page(scanned(varied), q=q, sort="-montant").row_numbers, q
            assert page(varied, q=q).row_numbers == expected_rows(VARIED, q), q


def test_pages_of_q_alone_come_from_the_postings(varied, monkeypatch):
    statements = recording(monkeypatch)
    for params in ({}, {"sort": "-montant"}, {"sort": "note,commune", "offset": 2, "limit": 3}):
        page(varied, q="commune", **params)  # the sort order computed once per process
        statements.clear()
        indexed = page(varied, q="commune", **params)
        # the words of q cut by DuckDB; no statement reads the index, the table or counts
        assert not any("_hits" in sql or "read_parquet" in sql for sql in statements), params
        with aside(textindex.postings_name(varied.text_index)):
            assert same(page(varied, q="commune", **params), indexed), params
    page(varied, q="commune", montant__gte=10, sort="-montant")  # the sort order computed once per process
    statements.clear()
    filtered = page(varied, q="commune", montant__gte=10, sort="-montant")
    # another filter: one statement gives its rows (the filter's column only), met with the postings' rows
    assert [sql for sql in statements if "read_parquet" in sql] == [
        'SELECT file_row_number FROM read_parquet(?, file_row_number=true) WHERE "montant" >= ?'
    ]
    with aside(textindex.postings_name(varied.text_index)):
        statements.clear()
        assert same(page(varied, q="commune", montant__gte=10, sort="-montant"), filtered)
        assert any("_hits" in sql for sql in statements)  # without postings: the Parquet index joined to the table


@pytest.mark.parametrize("sort", ["", "montant", "-montant", "note,-commune", "-note,montant"])
@pytest.mark.parametrize("filters", [{}, {"montant__lt": 300}, {"note__in": "commune,COMMUNE"}], ids=["q", "lt", "in"])
def test_every_page_and_cursor_of_the_postings_equals_the_statements(varied, sort, filters):
    """Postings and sort orders against the Parquet index's statements: every offset, limit and cursor, with ties
    (note, commune), NULLs (montant) and other filters."""
    with aside(textindex.postings_name(varied.text_index)):
        reference = {
            q: page(varied, q=q, sort=sort, limit=100, **filters) for q in ("commune", "bayonne", "del", "c", "sport")
        }
    for q, whole in reference.items():
        assert same(page(varied, q=q, sort=sort, limit=100, **filters), whole), q
        for offset in range(0, whole.total + 1):
            for limit in (1, 2, 5):
                got = page(varied, q=q, sort=sort, offset=offset, limit=limit, **filters)
                assert got.row_numbers == whole.row_numbers[offset : offset + limit], (q, offset, limit)
                assert got.total == whole.total and not got.total_estimated
        walked, cursor = [], ""
        while True:
            got = page(varied, q=q, sort=sort, limit=2, **filters, **({"cursor": cursor} if cursor else {}))
            walked += got.row_numbers
            if not got.next_cursor:
                break
            cursor = got.next_cursor
        assert walked == whole.row_numbers, q


def test_counts_and_aggregates_of_q_read_the_postings(varied, monkeypatch):
    statements = recording(monkeypatch)
    for q, filters in (("commune", []), ("bayonne", [query.Filter("montant", "gte", "40")]), ("zzz", [])):
        counted = query.count(varied, query.Query(q=q, filters=filters))
        grouped = query.aggregate(
            varied, query.Query(q=q, filters=filters), group_by=["note"], aggregates=["count", "sum:montant"]
        )
        assert not any("_hits" in sql for sql in statements), q  # the Parquet index is not read
        with aside(textindex.postings_name(varied.text_index)):
            cache.clear()
            assert counted == query.count(varied, query.Query(q=q, filters=filters)), q
            assert grouped == query.aggregate(
                varied, query.Query(q=q, filters=filters), group_by=["note"], aggregates=["count", "sum:montant"]
            ), q
        statements.clear()
    assert query.count(varied, query.Query(q="commune")) == (10, False)


def test_a_table_too_large_for_the_memory_budget_is_sorted_by_statements(varied, monkeypatch):
    monkeypatch.setattr(loaded, "budget", lambda: 8 * varied.row_count)  # the order would take all of it
    statements = recording(monkeypatch)
    sorted_page = page(varied, q="commune", sort="-montant", limit=4)
    assert any("_hits" in sql for sql in statements)
    assert same(sorted_page, page(scanned(varied), q="commune", sort="-montant", limit=4))
    statements.clear()
    assert page(varied, q="commune", limit=4).row_numbers == [0, 1, 2, 3] and statements == []  # unsorted: postings


def test_a_cursor_naming_no_row_of_the_table_is_refused(tables, db):
    one = tables["one"]
    cursor = query.make_cursor([], {}, 5)  # signed, but row 5 of a one-row table
    with pytest.raises(ApplicationError) as error:
        page(one, q="bayonne", cursor=cursor)
    assert error.value.status == 400


def test_postings_that_disagree_with_the_lexicon_are_not_used(varied, caplog):
    path = default_storage.path(textindex.postings_name(varied.text_index))
    with open(path, "rb") as file:
        content = file.read()
    loaded.clear()
    try:
        with open(path, "wb") as file:
            file.write(content[:-4])  # one pair short
        assert same(page(varied, q="bayonne", sort="-montant"), page(scanned(varied), q="bayonne", sort="-montant"))
        assert "Postings of table" in caplog.text
    finally:
        with open(path, "wb") as file:
            file.write(content)
        loaded.clear()


def test_the_command_writes_missing_postings(tables, db):
    varied = tables["varied"]
    name = textindex.postings_name(varied.text_index)
    with open(default_storage.path(name), "rb") as file:
        content = file.read()
    default_storage.delete(name)
    loaded.clear()
    out = io.StringIO()
    call_command("build_text_indexes", stdout=out)
    assert "0 index des mots écrit(s), 0 échec(s)" in out.getvalue()
    with open(default_storage.path(name), "rb") as file:
        assert file.read() == content
    assert page(varied, q="ecole").row_numbers == expected_rows(VARIED, "ecole")


def test_a_rare_word_first_gives_the_same_rows(varied, monkeypatch):
    monkeypatch.setattr(query, "RARE_WORD_RATIO", 1)  # every q of several words takes the semi-join
    for q in QUERIES:
        assert page(varied, q=q, sort="-montant").row_numbers == page(scanned(varied), q=q, sort="-montant").row_numbers
        assert page(varied, q=q).row_numbers == expected_rows(VARIED, q), q
