"""The read-only SQL sandbox over resource tables.

The checks and the query run in a separate worker process (`sqlworker`, whose docstring lists the layers of defence),
one of a small pool per web process (`sqlpool`): the web process only builds the job (the views' Parquet files and
columns, the limits from the settings), waits for the answer without holding the GIL, and turns a refusal into a
French `ValidationError`. What comes back is the API's JSON body, already checked against the caps:

- `DATASTORE_QUERY_TIMEOUT`: the worker interrupts the query at the limit; a worker still busy `sqlpool.GRACE`
  seconds later is killed (one long function call ignores interrupts) and replaced;
- `DATASTORE_SQL_WORKER_MEMORY_MB`: the worker's address-space limit (`RLIMIT_AS`), DuckDB's memory limit inside it;
- `DATASTORE_SQL_MAX_VALUE_KB`, `DATASTORE_SQL_MAX_RESPONSE_MB`: a longer value, a larger response is a 400 saying
  what to do (substr, fewer rows, an aggregate), never a huge body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
from django.conf import settings
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.core.ratelimit import ServerBusy
from auzolan.datastore import sqlpool, sqlworker
from auzolan.datastore.errors import explain
from auzolan.datastore.models import Table
from auzolan.datastore.query import Compiler, parquet_path, timeout_seconds

MAX_SQL_LENGTH = sqlworker.MAX_SQL_LENGTH
DUCKDB_ERROR = sqlworker.DUCKDB_ERROR
DEFAULT_ROWS = 1000
MAX_ROWS = 10_000
MEMORY_LIMIT = sqlworker.MEMORY_LIMIT
THREADS = sqlworker.THREADS
DEFAULT_MAX_VALUE_KB = 1024
DEFAULT_MAX_RESPONSE_MB = 10


@dataclass
class SqlResult:
    columns: list[dict]
    rows: list[list]
    truncated: bool
    limit: int


def view_name(table: Table) -> str:
    return f"t_{table.resource.identifier.hex[:8]}"


def views(tables: list[Table]) -> list[dict]:
    """What the worker exposes: each table as `t_<8 hex>`, the first also as `data` (409 if one is not ready)."""
    specs = []
    for index, table in enumerate(tables):
        Compiler(table)  # ready, else 409
        specs.append(
            {
                "names": [view_name(table)] + (["data"] if index == 0 else []),
                "columns": [c["name"] for c in table.columns],
                "path": parquet_path(table),
            }
        )
    return specs


def sandbox(tables: list[Table]):
    """The locked connection a worker queries, opened in this process (for tests of the lock itself)."""
    return sqlworker.connect(views(tables))


def _size(count: int) -> str:
    if count % (1024 * 1024) == 0:
        return _("%(n)s Mo") % {"n": count // (1024 * 1024)}
    if count % 1024 == 0:
        return _("%(n)s Ko") % {"n": count // 1024}
    return _("%(n)s octets") % {"n": count}


def refusal(code: str, message: str, params: dict, field: str | None) -> ValidationError:
    """A worker's refusal as a French 400 (its message is a msgid, translated here)."""
    if code == DUCKDB_ERROR:  # DuckDB's own words, explained in French here (datastore.errors)
        error_class = getattr(duckdb, str(params.get("class", "")), None)
        if not (isinstance(error_class, type) and issubclass(error_class, duckdb.Error)):
            error_class = duckdb.Error
        kind, explained = explain(error_class(str(params.get("text", ""))))
        return ValidationError(explained, field=field, code=f"sql-{kind}")
    params = dict(params)
    if "bytes" in params:
        params["size"] = _size(params.pop("bytes"))
    return ValidationError(_(message) % params if params else _(message), field=field, code=code)


def run(tables: list[Table], sql: str, *, limit: int = DEFAULT_ROWS) -> bytes:
    """The JSON body (`columns`, `rows`, `truncated`, `limit`) of a checked read-only query, run in a worker."""
    if sql and len(sql) > MAX_SQL_LENGTH:  # checked again in the worker; no need to send it
        raise refusal("sql-too-long", "La requête dépasse %(max)s caractères.", {"max": MAX_SQL_LENGTH}, "sql")
    timeout = timeout_seconds()
    job = {
        "sql": sql,
        "views": views(tables),
        "limit": max(1, min(int(limit), MAX_ROWS)),
        "timeout": timeout,
        "max_value": int(getattr(settings, "DATASTORE_SQL_MAX_VALUE_KB", DEFAULT_MAX_VALUE_KB)) * 1024,
        "max_response": int(getattr(settings, "DATASTORE_SQL_MAX_RESPONSE_MB", DEFAULT_MAX_RESPONSE_MB)) * 1024 * 1024,
    }
    try:
        reply = sqlpool.pool().call(job, timeout=timeout, wait=timeout)
    except sqlpool.Overrun:
        raise refusal("timeout", sqlworker.TIMEOUT_MESSAGE, {"seconds": f"{timeout:g}"}, None) from None
    except sqlpool.Died:
        raise refusal("too-large", sqlworker.MEMORY_MESSAGE, {}, None) from None
    except sqlpool.Unavailable:
        raise ServerBusy(_("Le service SQL est momentanément indisponible. Réessayez dans un instant."), retry_after=5)
    if reply[0] == "ok":
        return reply[1]
    _kind, code, message, params, field, _recycle = reply
    raise refusal(code, message, params, field)


def execute(tables: list[Table], sql: str, *, limit: int = DEFAULT_ROWS) -> SqlResult:
    """`run`, decoded (the API sends `run`'s bytes as they are)."""
    return SqlResult(**json.loads(run(tables, sql, limit=limit)))


def worker_pids() -> list[int]:
    """The process ids of this web process's SQL workers."""
    return sqlpool.pool().pids()


def shutdown() -> None:
    sqlpool.shutdown()
