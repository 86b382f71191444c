"""The read-only SQL sandbox over resource tables.

Defence in depth, each layer enough on its own for the worst cases:

1. DuckDB's own parser (`duckdb.extract_statements`): exactly one statement, of type SELECT (WITH … SELECT, VALUES,
   DESCRIBE and SUMMARIZE of a query are SELECTs too). A `;` inside a string or a comment is no statement separator.
2. The syntax tree (`json_serialize_sql`): tables only among the exposed views and the query's own CTEs; table
   functions only `range`, `generate_series` and `unnest`; no function that reads settings, the environment, files or
   the catalogue (`current_setting`, `getenv`, `duckdb_*`, `read_*`, `glob`, `query`…).
3. A fresh in-memory connection: the views over the Parquet files are created, then `allowed_paths` is set to exactly
   those files, `enable_external_access=false` and `lock_configuration=true` — nothing else on disk or the network can
   be read or written, and no setting can be changed back. Extension autoload/autoinstall are off, memory and
   threads are limited, the query is interrupted after `DATASTORE_QUERY_TIMEOUT` seconds and at most `limit` rows
   are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.core.inputs import JSONTooDeep, load_json
from auzolan.datastore.duck import quote
from auzolan.datastore.errors import explain
from auzolan.datastore.models import Table
from auzolan.datastore.query import Compiler, _jsonable, _path, run

MAX_SQL_LENGTH = 10_000
#: The deepest syntax tree (in JSON levels) that the check walks: 1+1+…+1 with 300 terms went beyond Python's recursion.
MAX_TREE_DEPTH = 400
DEFAULT_ROWS = 1000
MAX_ROWS = 10_000
MEMORY_LIMIT = "256MB"
THREADS = 2
ALLOWED_TABLE_FUNCTIONS = {"range", "generate_series", "unnest"}
FORBIDDEN_FUNCTIONS = {
    "current_setting",
    "getenv",
    "glob",
    "query",
    "query_table",
    "sniff_csv",
    "which_secret",
    "json_execute_serialized_sql",
    "getvariable",
    "pg_get_viewdef",
    "pg_get_constraintdef",
    "current_database",
    "current_catalog",
    "version",
}
FORBIDDEN_PREFIXES = (
    "duckdb_",
    "pragma_",
    "read_",
    "parquet_",
    "pg_",
    "icu_",
    "checkpoint",
    "force_",
    "enable_",
    "disable_",
    "set_",
    "sql_",
    "json_serialize",
    "test_",
    "system_",
    "export_",
    "import_",
)


@dataclass
class SqlResult:
    columns: list[dict]
    rows: list[list]
    truncated: bool
    limit: int


def refuse(message: str, code: str = "sql-refused") -> ValidationError:
    return ValidationError(message, field="sql", code=code)


def check_statement(sql: str) -> str:
    """The one SELECT statement of `sql` (without its trailing `;`), or a 400 saying why it is refused."""
    if not sql or not sql.strip():
        raise refuse(_("Saisissez une requête SELECT."))
    if len(sql) > MAX_SQL_LENGTH:
        raise refuse(_("La requête dépasse %(max)s caractères.") % {"max": MAX_SQL_LENGTH}, "sql-too-long")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise refuse(_("Requête SQL invalide : %(error)s") % {"error": explain(error)[1]}, "sql-syntax") from None
    if len(statements) != 1:
        raise refuse(_("Une seule instruction est permise (une requête SELECT)."))
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        raise refuse(
            _("Seules les requêtes SELECT sont permises (instruction refusée : %(type)s).")
            % {"type": statement.type.name}
        )
    return statement.query.strip().rstrip(";")


def _walk(node, found: dict) -> None:
    if isinstance(node, dict):
        if "cte_map" in node:
            for entry in node["cte_map"].get("map", []):
                found["ctes"].add(str(entry.get("key", "")).lower())
        kind = node.get("type")
        if kind == "BASE_TABLE":
            found["tables"].append((node.get("catalog_name", ""), node.get("schema_name", ""), node.get("table_name")))
        if kind == "TABLE_FUNCTION":
            function = node.get("function") or {}
            found["table_functions"].append(str(function.get("function_name", "")).lower())
        if "function_name" in node:
            found["functions"].append(str(node["function_name"]).lower())
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def check_tree(con, sql: str, views: set[str]) -> None:
    """Refuse tables, table functions and functions outside what the sandbox exposes."""
    serialized = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0]
    try:
        tree = load_json(serialized, max_depth=MAX_TREE_DEPTH)
    except JSONTooDeep:
        raise refuse(_("La requête imbrique trop d'expressions : simplifiez-la."), "sql-too-deep") from None
    if tree.get("error"):
        raise refuse(_("Requête SQL non prise en charge : %(error)s") % {"error": tree.get("error_message", "")[:300]})
    found = {"tables": [], "table_functions": [], "functions": [], "ctes": set()}
    _walk(tree.get("statements", []), found)
    allowed = {v.lower() for v in views} | found["ctes"]
    for catalog, schema, name in found["tables"]:
        if catalog or schema or str(name).lower() not in allowed:
            shown = ".".join(p for p in (catalog, schema, name) if p)
            raise refuse(
                _("Table inconnue : %(name)s. Tables disponibles : %(valid)s.")
                % {"name": shown, "valid": ", ".join(sorted(views))},
                "sql-unknown-table",
            )
    for name in found["table_functions"]:
        if name not in ALLOWED_TABLE_FUNCTIONS:
            raise refuse(_("Fonction de table non permise : %(name)s.") % {"name": name}, "sql-forbidden-function")
    for name in found["functions"]:
        if name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_PREFIXES):
            raise refuse(_("Fonction non permise : %(name)s.") % {"name": name}, "sql-forbidden-function")


def view_name(table: Table) -> str:
    return f"t_{table.resource.identifier.hex[:8]}"


def sandbox(tables: list[Table]):
    """A locked in-memory connection where each table is a view (`data` for the first, `t_<8 hex>` for each)."""
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": MEMORY_LIMIT,
            "threads": THREADS,
        },
    )
    paths, views = [], {}
    for index, table in enumerate(tables):
        Compiler(table)  # ready, else 409
        path = _path(table)
        paths.append(path)
        columns = ", ".join(quote(c["name"]) for c in table.columns)
        literal = "'" + path.replace("'", "''") + "'"  # a path of ours, never user input
        names = [view_name(table)] + (["data"] if index == 0 else [])
        for name in names:
            con.execute(f"CREATE VIEW {quote(name)} AS SELECT {columns} FROM read_parquet({literal})")  # noqa: S608
            views[name] = table
    con.execute("SET allowed_paths = ?", [paths])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con, set(views)


def execute(tables: list[Table], sql: str, *, limit: int = DEFAULT_ROWS) -> SqlResult:
    text = check_statement(sql)
    limit = max(1, min(int(limit), MAX_ROWS))
    con, views = sandbox(tables)
    try:
        check_tree(con, text, views)

        def fetch(_cursor):
            relation = con.sql(text)
            if relation is None:
                raise refuse(_("Seules les requêtes SELECT sont permises."))
            limited = relation.limit(limit + 1)
            return limited.columns, [str(t) for t in limited.types], limited.fetchall()

        names, types, records = run(con, None, fetch=fetch)
    finally:
        con.close()
    return SqlResult(
        columns=[{"name": n, "type": t} for n, t in zip(names, types, strict=True)],
        rows=[[_jsonable(v) for v in r] for r in records[:limit]],
        truncated=len(records) > limit,
        limit=limit,
    )
