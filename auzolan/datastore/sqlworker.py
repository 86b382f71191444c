"""The SQL sandbox's checks and execution, run in a separate worker process (`sqlpool` forks it from a fork server).

This module loads neither Django's settings nor its apps nor a database connection: it only needs DuckDB and Django's
JSON encoder (the API's own); its messages are msgids, translated by the web process (`sql.refusal`).

Defence in depth, each layer enough on its own for the worst cases:

1. DuckDB's own parser (`duckdb.extract_statements`): exactly one statement, of type SELECT (WITH … SELECT, VALUES,
   DESCRIBE and SUMMARIZE of a query are SELECTs too). A `;` inside a string or a comment is no statement separator.
2. The syntax tree (`json_serialize_sql`): tables only among the exposed views and the query's own CTEs; table
   functions only `range`, `generate_series` and `unnest`; no function that reads settings, the environment, files or
   the catalogue (`current_setting`, `getenv`, `duckdb_*`, `read_*`, `glob`, `query`…).
3. A fresh in-memory connection per query: the views over the Parquet files are created, then `allowed_paths` is set
   to exactly those files, `enable_external_access=false` and `lock_configuration=true` — nothing else on disk or the
   network can be read or written, and no setting can be changed back. Extension autoload/autoinstall are off, memory
   and threads are limited, the query is interrupted at its time limit, and at most `limit` rows are fetched.
4. The process itself: an address-space limit (`RLIMIT_AS`), so that no allocation — DuckDB's, or a huge string that
   DuckDB's memory limit does not count — can grow past it; the web process kills it (SIGKILL) when it does not answer
   within the time limit (one long function call, such as `repeat()` of a billion characters, ignores interrupts).
5. Caps on each value and on the whole response, checked here before anything is sent back.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import threading
import time
import traceback

import duckdb
from django.core.serializers.json import DjangoJSONEncoder


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages knows the name); the web process translates it. Not Django's,
    which reads the settings: this process has none."""
    return message


MAX_SQL_LENGTH = 10_000
#: The deepest syntax tree (in JSON levels) that the check walks: 1+1+…+1 with 300 terms nests past Python's recursion.
MAX_TREE_DEPTH = 400
#: The code of a refusal that carries a DuckDB error (class and text) for the web process to explain in French.
DUCKDB_ERROR = "duckdb-error"
MEMORY_LIMIT = "256MB"
THREADS = 2
#: Rows fetched from DuckDB at a time (the caps are checked between batches).
BATCH = 500
#: A worker exits after this many queries (and after any memory error): a fresh process, no fragmentation.
MAX_JOBS = 500
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
TIMEOUT_MESSAGE = gettext_noop(
    "La requête a dépassé la limite de %(seconds)s secondes. Ajoutez des filtres ou réduisez le calcul."
)
MEMORY_MESSAGE = gettext_noop("La requête demande trop de mémoire. Ajoutez des filtres ou réduisez le calcul.")


class Refused(Exception):
    """A refusal to report: `message` is an untranslated msgid (formatted with `params` once translated)."""

    def __init__(self, code: str, message: str, params: dict | None = None, *, field: str | None = "sql"):
        super().__init__(message)
        self.code, self.message, self.params, self.field = code, message, params or {}, field

    def reply(self, *, recycle: bool = False) -> tuple:
        return ("refused", self.code, self.message, self.params, self.field, recycle)


def refuse(message: str, code: str = "sql-refused", **params) -> Refused:
    return Refused(code, message, params)


def duckdb_refusal(error: Exception, *, field: str | None = "sql") -> Refused:
    """A DuckDB error sent as it is (its class and text): the web process explains it in French
    (datastore.errors.explain), never in DuckDB's own words."""
    return Refused(DUCKDB_ERROR, "", {"class": type(error).__name__, "text": str(error)[:2000]}, field=field)


def check_statement(sql: str) -> str:
    """The one SELECT statement of `sql` (without its trailing `;`), or a refusal saying why."""
    if not sql or not sql.strip():
        raise refuse(gettext_noop("Saisissez une requête SELECT."))
    if len(sql) > MAX_SQL_LENGTH:
        raise refuse(gettext_noop("La requête dépasse %(max)s caractères."), "sql-too-long", max=MAX_SQL_LENGTH)
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise duckdb_refusal(error) from None
    if len(statements) != 1:
        raise refuse(gettext_noop("Une seule instruction est permise (une requête SELECT)."))
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        raise refuse(
            gettext_noop("Seules les requêtes SELECT sont permises (instruction refusée : %(type)s)."),
            type=statement.type.name,
        )
    return statement.query.strip().rstrip(";")


def _walk(tree, found: dict) -> None:
    """Collect the tables, table functions, functions and CTE names of a syntax tree (with a stack, not recursion:
    `1+1+…+1` nests as deep as it has terms); refused deeper than MAX_TREE_DEPTH."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise refuse(gettext_noop("La requête imbrique trop d'expressions : simplifiez-la."), "sql-too-deep")
        if isinstance(node, dict):
            if "cte_map" in node:
                for entry in node["cte_map"].get("map", []):
                    found["ctes"].add(str(entry.get("key", "")).lower())
            kind = node.get("type")
            if kind == "BASE_TABLE":
                found["tables"].append(
                    (node.get("catalog_name", ""), node.get("schema_name", ""), node.get("table_name"))
                )
            if kind == "TABLE_FUNCTION":
                function = node.get("function") or {}
                found["table_functions"].append(str(function.get("function_name", "")).lower())
            if "function_name" in node:
                found["functions"].append(str(node["function_name"]).lower())
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def check_tree(con, sql: str, views: set[str]) -> None:
    """Refuse tables, table functions and functions outside what the sandbox exposes."""
    serialized = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0]
    try:
        tree = json.loads(serialized)
    except RecursionError:
        raise refuse(gettext_noop("La requête imbrique trop d'expressions : simplifiez-la."), "sql-too-deep") from None
    if tree.get("error"):
        raise duckdb_refusal(duckdb.ParserException(str(tree.get("error_message", ""))))
    found = {"tables": [], "table_functions": [], "functions": [], "ctes": set()}
    _walk(tree.get("statements", []), found)
    allowed = {v.lower() for v in views} | found["ctes"]
    for catalog, schema, name in found["tables"]:
        if catalog or schema or str(name).lower() not in allowed:
            raise refuse(
                gettext_noop("Table inconnue : %(name)s. Tables disponibles : %(valid)s."),
                "sql-unknown-table",
                name=".".join(p for p in (catalog, schema, name) if p),
                valid=", ".join(sorted(views)),
            )
    for name in found["table_functions"]:
        if name not in ALLOWED_TABLE_FUNCTIONS:
            raise refuse(gettext_noop("Fonction de table non permise : %(name)s."), "sql-forbidden-function", name=name)
    for name in found["functions"]:
        if name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_PREFIXES):
            raise refuse(gettext_noop("Fonction non permise : %(name)s."), "sql-forbidden-function", name=name)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(views: list[dict], *, memory_limit: str = MEMORY_LIMIT, threads: int = THREADS):
    """A locked in-memory connection where each `{"names", "columns", "path"}` of `views` is a view under each of its
    names; returns it and the set of view names."""
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": memory_limit,
            "threads": threads,
        },
    )
    names = set()
    for view in views:
        columns = ", ".join(_quote(c) for c in view["columns"])
        literal = "'" + view["path"].replace("'", "''") + "'"  # a path of ours, never user input
        for name in view["names"]:
            con.execute(f"CREATE VIEW {_quote(name)} AS SELECT {columns} FROM read_parquet({literal})")  # noqa: S608
            names.add(name)
    con.execute("SET allowed_paths = ?", [[view["path"] for view in views]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con, names


class _Encoder(DjangoJSONEncoder):
    """The API's JSON (Django's encoder: dates in ISO 8601, decimals and UUIDs as text); bytes as hexadecimal."""

    def default(self, o):
        if isinstance(o, (bytes, bytearray, memoryview)):
            return bytes(o).hex()
        return super().default(o)


_encode = _Encoder(ensure_ascii=False).encode  # UTF-8 body: French text is not tripled by \u escapes


def _rows(cursor, columns: list[str], job: dict, deadline: float) -> tuple[list[bytes], bool]:
    """The rows as JSON (UTF-8) (at most `limit`), whether there were more; refusals past the caps or the deadline."""
    limit, max_value, budget = job["limit"], job["max_value"], job["max_response"]
    encoded: list[bytes] = []
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            if len(encoded) == limit:
                return encoded, True
            text = _encode(row).encode()
            if len(text) > max_value:  # some value may be too long: which one?
                for name, value in zip(columns, row, strict=True):
                    if len(_encode(value).encode()) > max_value:
                        raise Refused(
                            "value-too-large",
                            gettext_noop(
                                "Une valeur de la colonne %(column)s dépasse %(size)s : raccourcissez-la avec "
                                "substr() ou left(), ou remplacez-la par un agrégat (length(), count()…)."
                            ),
                            {"column": name, "bytes": max_value},
                        )
            budget -= len(text) + 2
            if budget < 0:
                raise Refused(
                    "response-too-large",
                    gettext_noop(
                        "La réponse dépasse %(size)s. Demandez moins de lignes (LIMIT, paramètre limit) ou de "
                        "colonnes, raccourcissez les textes (substr()) ou agrégez les lignes (GROUP BY, count(), "
                        "sum())."
                    ),
                    {"bytes": job["max_response"]},
                )
            encoded.append(text)
        if time.monotonic() > deadline:
            raise duckdb.InterruptException("past the limit")
    return encoded, False


def execute(job: dict) -> bytes:
    """Check and run `job["sql"]` over `job["views"]`: the API's JSON body (`columns`, `rows`, `truncated`, `limit`)."""
    text = check_statement(job["sql"])
    started = time.monotonic()
    con, names = connect(job["views"], memory_limit=job.get("memory_limit", MEMORY_LIMIT))
    timer = threading.Timer(job["timeout"], con.interrupt)
    timer.start()
    try:
        check_tree(con, text, names)
        relation = con.sql(text)
        if relation is None:
            raise refuse(gettext_noop("Seules les requêtes SELECT sont permises."))
        relation = relation.limit(job["limit"] + 1)
        columns = [{"name": n, "type": str(t)} for n, t in zip(relation.columns, relation.types, strict=True)]
        cursor = con.execute(relation.sql_query())  # the checked query, wrapped in its LIMIT by DuckDB itself
        rows, truncated = _rows(cursor, relation.columns, job, started + job["timeout"])
        if time.monotonic() > started + job["timeout"]:  # reached as it ended: a timeout all the same
            raise duckdb.InterruptException("past the limit")
    except duckdb.InterruptException:
        raise Refused("timeout", TIMEOUT_MESSAGE, {"seconds": f"{job['timeout']:g}"}, field=None) from None
    except (duckdb.OutOfMemoryException, MemoryError):
        raise Refused("too-large", MEMORY_MESSAGE, field=None) from None
    except duckdb.Error as error:
        raise duckdb_refusal(error, field=None) from None
    finally:
        timer.cancel()
        con.close()
    head = _encode({"columns": columns, "truncated": truncated, "limit": job["limit"]}).encode()
    return head[:-1] + b', "rows": [' + b", ".join(rows) + b"]}"


def handle(job: dict) -> tuple:
    """The reply to one job: `("ok", body, recycle)` or `("refused", code, message, params, field, recycle)`."""
    try:
        return ("ok", execute(job), False)
    except Refused as refusal:
        return refusal.reply(recycle=refusal.code == "too-large")
    except MemoryError:
        return Refused("too-large", MEMORY_MESSAGE, field=None).reply(recycle=True)
    except Exception:  # a bug of ours: say so, and start afresh
        traceback.print_exc()
        return Refused("query-error", gettext_noop("La requête n'a pas pu être exécutée."), field=None).reply(
            recycle=True
        )


def serve(conn, memory_bytes: int) -> None:
    """The worker's loop: answer each job sent on `conn` until it is closed (EOF), then exit. Runs in the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is for the web process, which stops us
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    conn.send(("ready", os.getpid()))
    for done in range(1, MAX_JOBS + 1):
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = handle(job)
        if done == MAX_JOBS:
            reply = (*reply[:-1], True)
        try:
            conn.send(reply)
        except (MemoryError, OSError):
            return
        if reply[-1]:
            return
