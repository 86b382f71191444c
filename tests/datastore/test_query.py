"""The query engine (auzolan.datastore.query) over a table loaded through the real ingestion path."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services as catalog_services
from auzolan.core.errors import ApplicationError
from auzolan.datastore import query, selectors
from auzolan.datastore.duck import connect
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import CSV, load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks


@pytest.fixture
def table(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    return load(editor, dataset)[1]


def communes(table, **params):
    page = query.search(table, query.parse_params(params))
    return [row["commune"] for row in page.rows], page.total


def refused(table, **params) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        query.search(table, query.parse_params(params))
    assert error.value.status == 400
    return error.value


def test_filters_per_column(table):
    assert communes(table, commune="Anglet") == (["Anglet"], 1)
    assert communes(table, commune__not="Anglet")[1] == 4
    assert communes(table, montant__gt="300") == (["Bayonne"], 1)
    assert communes(table, montant__gte="300", sort="commune") == (["Bayonne", "Hendaye", "Ustaritz"], 3)
    assert communes(table, montant__lt="300") == (["Anglet"], 1)
    assert communes(table, montant__lte="12,5") == (["Anglet"], 1)
    assert communes(table, date__gte="2024-06-30", sort="date") == (["Hendaye", "Anglet"], 2)
    assert communes(table, nombre__in="3,7", sort="commune") == (["Anglet", "Biarritz"], 2)
    assert communes(table, commune__in="Anglet,Hendaye", sort="-commune") == (["Hendaye", "Anglet"], 2)
    assert communes(table, montant__isnull="true") == (["Biarritz"], 1)
    assert communes(table, montant__isnull="false")[1] == 4
    # contains: case- and accent-insensitive, LIKE wildcards are literal
    assert communes(table, libelle__contains="EQUIPEMENT") == (["Bayonne"], 1)
    assert communes(table, libelle__contains="Ecole") == (["Anglet"], 1)
    assert communes(table, libelle__contains="%")[1] == 0
    assert communes(table, commune__contains="' OR 1=1 --")[1] == 0
    # full text over the text columns
    assert communes(table, q="fete") == (["Ustaritz"], 1)
    assert communes(table, q="bayonne") == (["Bayonne"], 1)
    # several filters combine with AND
    assert communes(table, montant="300", date__isnull="false") == (["Hendaye"], 1)


def test_fields_sort_and_limits(table):
    page = query.search(table, query.parse_params({"fields": "commune,montant", "sort": "-montant,commune"}))
    assert [f["name"] for f in page.fields] == ["commune", "montant"]
    assert page.rows[:3] == [
        {"commune": "Bayonne", "montant": 1234.5},
        {"commune": "Hendaye", "montant": 300.0},
        {"commune": "Ustaritz", "montant": 300.0},
    ]
    assert page.rows[-1] == {"commune": "Biarritz", "montant": None}  # NULLS LAST
    page = query.search(table, query.parse_params({"limit": "2", "offset": "4"}))
    assert len(page.rows) == 1 and page.total == 5 and page.next_cursor is None
    rows, total = query.query_table(table, sort=["-montant"], limit=1)
    assert total == 5 and rows[0]["commune"] == "Bayonne"


def test_bad_parameters_are_clear_400s(table):
    error = refused(table, inconnue="x")
    assert "inconnue" in error.message and "commune, montant, date, nombre, libelle" in error.message
    assert refused(table, sort='commune" DESC; DROP TABLE x; --').code == "unknown-column"
    assert refused(table, fields="commune,secret").field == "fields"
    error = refused(table, montant__gt="beaucoup")
    assert error.field == "montant" and "montant" in error.message and "beaucoup" in error.message
    assert refused(table, date__lt="31/12/2024").field == "date"
    assert refused(table, nombre__in="1,deux").field == "nombre"
    assert refused(table, montant__isnull="peut-être").field == "montant"
    assert refused(table, limit="1001").field == "limit"
    assert refused(table, limit="abc").field == "limit"
    assert refused(table, offset="-1").field == "offset"
    assert refused(table, cursor="forged").field == "cursor"


@pytest.mark.parametrize("sort", ["commune", "-montant", "-montant,commune", "date,-nombre", "nombre"])
def test_cursor_pages_equal_offset_pages(table, sort):
    expected = communes(table, sort=sort, limit="5")[0]
    seen, cursor = [], ""
    for _page in range(10):
        page = query.search(table, query.parse_params({"sort": sort, "limit": "2", "cursor": cursor}))
        seen += [row["commune"] for row in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == expected


def test_cursor_is_bound_to_its_sort(table):
    page = query.search(table, query.parse_params({"sort": "commune", "limit": "2"}))
    assert refused(table, sort="-commune", cursor=page.next_cursor).field == "cursor"


def test_total_above_the_threshold(table, monkeypatch):
    """Counted alone (a page past the end here), above the threshold the total is estimated from a sample (see
    test_exports for a 200 000-row table); a file too small for a sample is counted exactly."""
    monkeypatch.setattr(query, "EXACT_COUNT_THRESHOLD", 2)
    page = query.search(table, query.parse_params({"montant__gte": "0", "offset": "10"}))
    assert page.total_estimated is False and page.total == 4
    page = query.search(table, query.parse_params({"montant__gt": "1000", "offset": "10"}))
    assert page.total_estimated is False and page.total == 1


def test_aggregations(table):
    def agg(group_by, aggregates, **params):
        return query.aggregate(table, query.parse_params(params), group_by=group_by, aggregates=aggregates)

    result = agg(["montant"], ["count"])
    assert result["rows"][0] == {"montant": 300.0, "count": 2}
    result = agg([], ["count", "sum:montant", "avg:nombre", "min:date", "max:commune"])
    assert result["rows"] == [
        {
            "count": 5,
            "sum_montant": 1847.0,
            "avg_nombre": 5.5,
            "min_date": result["rows"][0]["min_date"],
            "max_commune": "Ustaritz",
        }
    ]
    assert str(result["rows"][0]["min_date"]) == "2023-03-03"
    result = agg(["montant", "nombre"], ["count"], sort="nombre", montant__gte="300")
    assert [r["nombre"] for r in result["rows"]] == [2, 10, None]
    for group_by, aggregates, field in [
        (["x"], ["count"], "group_by"),
        (["commune", "montant", "date"], ["count"], "group_by"),
        (["commune"], ["median:montant"], "agg"),
        (["commune"], ["sum:commune"], "agg"),
        (["commune"], ["sum"], "agg"),
    ]:
        with pytest.raises(ApplicationError) as error:
            agg(group_by, aggregates)
        assert error.value.field == field


def test_a_slow_query_is_interrupted(settings):
    settings.DATASTORE_QUERY_TIMEOUT = 0.3
    con = connect()
    with pytest.raises(ApplicationError) as error:
        query.run(con, "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3", fetch=lambda c: c.fetchall())
    assert error.value.code == "timeout" and "0.3" in error.value.message
    con.close()


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "-montant", "limit": "3"},
        {"montant__gte": "0", "sort": "-montant,commune", "limit": "2", "offset": "1"},
        {"sort": "date,-nombre", "fields": "commune", "limit": "4"},
        {"q": "e", "limit": "2"},
    ],
)
def test_late_materialisation_equals_a_single_query(table, params):
    """The page (row numbers first, then their rows) is exactly what one SELECT ... ORDER BY ... LIMIT returns."""
    parsed = query.parse_params(params)
    page = query.search(table, parsed)
    compiler = query.Compiler(table)
    names = compiler.select(parsed.fields)
    clauses, values = compiler.where(parsed)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (
        f"SELECT {', '.join(query.quote(n) for n in names)} FROM {query.source_sql()}{where}"  # noqa: S608
        f"{query._order_sql(compiler.order(parsed.sort))} LIMIT {parsed.limit} OFFSET {parsed.offset}"
    )
    con = connect()
    records = con.execute(sql, [query.parquet_path(table), *values]).fetchall()
    expected = [dict(zip(names, r, strict=True)) for r in records]
    con.close()
    assert page.rows == [{n: query._jsonable(v) for n, v in r.items()} for r in expected]


def test_the_query_connection_is_reused_until_an_interrupt(table, settings):
    query.search(table, query.parse_params({}))
    with query.shared_connection() as first:
        pass
    query.aggregate(table, query.parse_params({}), group_by=["commune"], aggregates=["count"])
    with query.shared_connection() as con:
        assert con is first
    settings.DATASTORE_QUERY_TIMEOUT = 0.3
    with pytest.raises(ApplicationError) as error, query.shared_connection() as con:
        query.run(con, "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3", fetch=lambda c: c.fetchall())
    assert error.value.code == "timeout"
    settings.DATASTORE_QUERY_TIMEOUT = 5
    with query.shared_connection() as con:
        assert con is not first
    assert communes(table, sort="commune", limit="2") == (["Anglet", "Bayonne"], 5)


def test_the_total_is_counted_once_per_table_and_filters(table, monkeypatch):
    """A first page counts its total in the same statement as its row numbers (exact); next pages (offset or cursor)
    and the same question again take it from the cache; a cursor page whose total is not cached counts it alone."""
    alone, statements = [], []
    counted, ran = query._count_rows, query.run
    monkeypatch.setattr(query, "_count_rows", lambda *args: alone.append(1) or counted(*args))
    monkeypatch.setattr(query, "run", lambda con, sql, *a, **k: statements.append(sql or "") or ran(con, sql, *a, **k))

    first = query.search(table, query.parse_params({"montant__gte": "0", "sort": "commune", "limit": "2"}))
    assert first.total == 4 and first.total_estimated is False
    # one statement: the page's rows come from the table's row file (without it, a second statement reads them)
    assert table.rows_file and len(statements) == 1 and "count(*)" in statements[0] and not alone
    statements.clear()
    params = {"montant__gte": "0", "sort": "commune", "limit": "2", "cursor": first.next_cursor}
    following = query.search(table, query.parse_params(params))
    assert [r["commune"] for r in following.rows] == ["Hendaye", "Ustaritz"] and following.total == 4
    assert query.search(table, query.parse_params({"montant__gte": "0", "offset": "2"})).total == 4
    assert not any("count(" in sql for sql in statements) and not alone
    cache.clear()
    assert query.search(table, query.parse_params(params)).total == 4 and len(alone) == 1
    assert query.search(table, query.parse_params({"montant__gte": "301", "offset": "9"})).total == 1
    assert len(alone) == 2  # a page past the end: nothing to count with, counted alone
    # words beginning with "e": Équipement, école
    assert query.search(table, query.parse_params({"montant__gte": "0", "q": "e"})).total == 2
    assert len(alone) == 2
    # no filter: the stored row count, never counted nor cached
    statements.clear()
    assert query.search(table, query.parse_params({})).total == 5
    assert not any("count(" in sql for sql in statements) and len(alone) == 2


def test_a_new_version_is_counted_again(table, monkeypatch):
    """The cache key is the table (identifier and Parquet file): a new version's table never reads the old total."""
    assert communes(table, montant__gte="0")[1] == 4
    editor = table.resource.dataset.organisation.memberships.get().user
    extra = "".join(f"Commune {i};{i};2024-01-01;1;x\n" for i in range(10))
    catalog_services.resource_upload_version(
        actor=editor,
        resource=table.resource,
        file=SimpleUploadedFile("subventions.csv", (CSV + extra).encode()),
    )
    run_queued_tasks()
    newer = selectors.current_table(table.resource)
    assert newer.pk != table.pk and newer.row_count == 15
    assert query.count_cache_key(newer, ["x"], [1]) != query.count_cache_key(table, ["x"], [1])
    assert communes(newer, montant__gte="0")[1] == 14
    assert communes(table, montant__gte="0")[1] == 4


def test_the_total_estimate_is_cached_with_its_flag(table, monkeypatch):
    """An estimate (counted alone, above the threshold) keeps its flag in the cache, and a first page then uses it."""
    monkeypatch.setattr(query, "EXACT_COUNT_THRESHOLD", 2)
    monkeypatch.setattr(query, "_count_rows", lambda *args: (123_456, True))
    page = query.search(table, query.parse_params({"montant__gte": "0", "offset": "10"}))
    assert (page.total, page.total_estimated) == (123_456, True)
    monkeypatch.setattr(query, "_count_rows", lambda *args: pytest.fail("counted again"))
    page = query.search(table, query.parse_params({"montant__gte": "0", "limit": "1"}))
    assert (page.total, page.total_estimated) == (123_456, True)


def test_the_watchdog_interrupts_only_late_statements(settings):
    """One watchdog thread for every statement: a fast statement is never interrupted afterwards, a slow one is."""
    con = connect()
    for _ in range(50):
        assert query.run(con, "SELECT 42", timeout=0.05, fetch=lambda c: c.fetchall()) == [(42,)]
    with pytest.raises(ApplicationError) as error:
        query.run(con, "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3", timeout=0.2)
    assert error.value.code == "timeout"
    assert query.run(con, "SELECT 1", fetch=lambda c: c.fetchall()) == [(1,)]
    assert query._watchdog().pending == {}
    con.close()
