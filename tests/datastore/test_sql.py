"""The read-only SQL sandbox: what it answers, and an attack list that must be refused or harmless."""

from __future__ import annotations

import duckdb
import pytest

from auzolan.core.errors import ApplicationError
from auzolan.datastore import sql
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory

PASSWD_MARKERS = ("root:", "/bin/", "nologin")


@pytest.fixture
def loaded(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset)
    return editor, dataset, resource, table


def test_select_over_the_view(loaded):
    _e, _d, resource, table = loaded
    result = sql.execute([table], "SELECT commune, montant FROM data WHERE montant > 100 ORDER BY montant DESC")
    assert [c["name"] for c in result.columns] == ["commune", "montant"]
    assert result.rows == [["Bayonne", 1234.5], ["Hendaye", 300.0], ["Ustaritz", 300.0]]
    view = f"t_{resource.identifier.hex[:8]}"
    statement = f"WITH big AS (SELECT * FROM {view} WHERE nombre > 5) SELECT count(*) AS n FROM big"  # noqa: S608
    result = sql.execute([table], statement)
    assert result.rows == [[2]]
    assert sql.execute([table], "SELECT ';' AS x").rows == [[";"]]
    assert sql.execute([table], "SELECT 1 AS x -- final comment; DROP TABLE data").rows == [[1]]
    assert sql.execute([table], "SELECT 2 AS x /* ; DROP TABLE data; */").rows == [[2]]
    assert sql.execute([table], "SELECT 3 AS x;").rows == [[3]]
    result = sql.execute([table], "SELECT * FROM range(50)", limit=10)
    assert len(result.rows) == 10 and result.truncated


def test_two_resources_join(loaded):
    editor, dataset, _resource, table = loaded
    other, other_table = load(editor, dataset, "commune;population\nBayonne;51000\nAnglet;39000\n", "pop.csv")
    view = f"t_{other.identifier.hex[:8]}"
    result = sql.execute(
        [table, other_table],
        f"SELECT d.commune, p.population FROM data d JOIN {view} p USING (commune) ORDER BY 1",  # noqa: S608
    )
    assert result.rows == [["Anglet", 39000], ["Bayonne", 51000]]


ATTACKS = [
    "ATTACH '/tmp/evil.db' AS evil",
    "ATTACH ':memory:' AS m",
    "DETACH memory",
    "COPY (SELECT * FROM data) TO '/tmp/stolen.csv'",
    "COPY data FROM '/etc/passwd'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM read_parquet('/tmp/other.parquet')",
    "SELECT * FROM parquet_scan('/tmp/other.parquet')",
    "SELECT * FROM parquet_metadata('/tmp/other.parquet')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_json('http://example.org/x.json')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "PRAGMA database_list",
    "PRAGMA enable_profiling",
    "SET enable_external_access = true",
    "SET memory_limit = '100GB'",
    "RESET lock_configuration",
    "CALL duckdb_settings()",
    "CALL pragma_version()",
    "CREATE TABLE x AS SELECT 1",
    "CREATE VIEW y AS SELECT 1",
    "CREATE MACRO m(a) AS a",
    "DROP VIEW data",
    "INSERT INTO data VALUES (1)",
    "UPDATE data SET commune = 'x'",
    "DELETE FROM data",
    "ALTER VIEW data RENAME TO d",
    "EXPORT DATABASE '/tmp/dump'",
    "IMPORT DATABASE '/tmp/dump'",
    "CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "EXPLAIN SELECT 1",
    "SELECT 1; DROP VIEW data",
    "SELECT 1; SELECT 2",
    "SELECT 1 /* */; ATTACH '/tmp/x.db'",
    "SELECT 1 --\n; COPY data TO '/tmp/x.csv'",
    "SELECT getenv('HOME')",
    "SELECT current_setting('allowed_paths')",
    "SELECT current_setting('temp_directory')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM duckdb_extensions()",
    "SELECT * FROM duckdb_tables()",
    "SELECT * FROM duckdb_views()",
    "SELECT sql FROM duckdb_views",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM pg_catalog.pg_class",
    "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')",
    "SELECT * FROM query_table('data')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
    "SELECT * FROM system.main.data",
    "SELECT * FROM memory.main.data",
    "SELECT " + " + ".join(["1"] * 6000),
    "",
    "   ",
    "SELEC 1",
]


def test_attacks_are_refused(loaded):
    """Every attack of the list on one loaded table (one test: loading the table is the expensive part)."""
    table = loaded[3]
    for attack in ATTACKS:
        try:
            sql.execute([table], attack)
        except ApplicationError as error:
            assert error.status == 400 and error.field == "sql", attack
            assert not any(marker in error.message for marker in PASSWD_MARKERS), attack
            assert table.parquet not in error.message, attack
        else:
            pytest.fail(f"not refused: {attack!r}")


def test_harmful_computations_stop(loaded, settings):
    table = loaded[3]
    settings.DATASTORE_QUERY_TIMEOUT = 0.5
    with pytest.raises(ApplicationError) as error:
        sql.execute([table], "SELECT count(*) FROM range(1000000000000000) t(i) WHERE hash(i) % 7 = 3")
    assert error.value.code == "timeout"
    # a huge cross join only ever returns `limit` rows
    result = sql.execute([table], "SELECT * FROM range(1000000) a, range(1000000) b", limit=5)
    assert len(result.rows) == 5 and result.truncated
    # too much memory is a 400, not a crash
    with pytest.raises(ApplicationError):
        sql.execute([table], "SELECT list(i::VARCHAR || repeat('x', 1000)) FROM range(100000000) t(i)")


def test_the_sandbox_cannot_read_host_files_even_past_the_checks(loaded):
    """The connection itself is locked: bypass the syntax-tree check and read a host file directly."""
    table = loaded[3]
    con, _views = sql.sandbox([table])
    try:
        for statement, refusal in (
            # files: only the views' Parquet files are allowed, external access is off
            ("SELECT * FROM read_csv('/etc/passwd')", duckdb.PermissionException),
            ("SELECT * FROM glob('/etc/*')", duckdb.PermissionException),
            ("ATTACH '/tmp/evil.db'", duckdb.PermissionException),
            ("COPY (SELECT 1) TO '/tmp/auzolan-sandbox-escape.csv'", duckdb.PermissionException),
            # settings: the configuration is locked
            ("SET enable_external_access = true", duckdb.InvalidInputException),
            ("SET lock_configuration = false", duckdb.InvalidInputException),
        ):
            with pytest.raises(refusal) as error:
                con.execute(statement).fetchall()
            assert not any(marker in str(error.value) for marker in PASSWD_MARKERS)
        assert con.execute("SELECT count(*) FROM data").fetchone()[0] == 5
    finally:
        con.close()
