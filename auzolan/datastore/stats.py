"""Column statistics of a table, computed once when the table becomes ready (and lazily for older tables).

One DuckDB scan of the Parquet file gives, per column: filled and missing counts, the number of distinct values
(exact up to `EXACT_DISTINCT_THRESHOLD` rows, `approx_count_distinct` — HyperLogLog, a few % off — above), and min/max
of number, date and datetime columns. A second query, only over the text and boolean columns with at most
`TOP_MAX_DISTINCT` distinct values, gives their `TOP_VALUES` most frequent values with counts.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging

from django.utils import timezone

from auzolan.datastore.duck import connect, quote
from auzolan.datastore.models import Table
from auzolan.datastore.query import parquet_path, run, timeout_seconds

logger = logging.getLogger(__name__)

#: Above this many rows, distinct counts use approx_count_distinct (HyperLogLog: ~1 % off, 4× faster on 1M rows).
EXACT_DISTINCT_THRESHOLD = 100_000
TOP_MAX_DISTINCT = 50
TOP_VALUES = 5
ORDERED = {"integer", "number", "date", "datetime"}
CATEGORICAL = {"text", "boolean"}
#: Bound on the statistics scan (seconds); big files have plenty since this runs in the worker, not in a request.
TIMEOUT = 120


def _json(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def compute(path: str, columns: list[dict], row_count: int, *, timeout: float = TIMEOUT) -> dict:
    """The statistics of the Parquet file at `path` (local) for the table's `columns` (name and type)."""
    approximate = row_count > EXACT_DISTINCT_THRESHOLD
    selects = []
    for column in columns:
        col = quote(column["name"])
        distinct = f"approx_count_distinct({col})" if approximate else f"count(DISTINCT {col})"
        selects.append(f"count({col})")
        selects.append(distinct)
        if column.get("type", "text") in ORDERED:
            selects.extend([f"min({col})", f"max({col})"])
    out = {
        "computed_at": timezone.now().isoformat(),
        "row_count": row_count,
        "distinct_approximate": approximate,
        "columns": {},
    }
    if not columns:
        return out
    con = connect()
    try:
        total, *values = run(
            con,
            f"SELECT count(*), {', '.join(selects)} FROM read_parquet(?)",  # noqa: S608
            [path],
            timeout=timeout,
            fetch=lambda c: c.fetchone(),
        )
        top_candidates = []
        position = 0
        for column in columns:
            type_ = column.get("type", "text")
            filled, distinct = values[position], values[position + 1]
            position += 2
            entry = {
                "filled": int(filled),
                "missing": int(total) - int(filled),
                "distinct": int(distinct),
                "min": None,
                "max": None,
                "top": [],
            }
            if type_ in ORDERED:
                entry["min"], entry["max"] = _json(values[position]), _json(values[position + 1])
                position += 2
            if type_ in CATEGORICAL and 0 < distinct <= TOP_MAX_DISTINCT:
                top_candidates.append(column["name"])
            out["columns"][column["name"]] = entry
        if top_candidates:
            parts = [
                f"(SELECT {i} AS k, CAST({quote(name)} AS VARCHAR) AS v, count(*) AS n FROM data "  # noqa: S608
                f"WHERE {quote(name)} IS NOT NULL GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT {TOP_VALUES})"
                for i, name in enumerate(top_candidates)
            ]
            sql = f"WITH data AS (SELECT * FROM read_parquet(?)) {' UNION ALL '.join(parts)} ORDER BY 1, 3 DESC, 2"  # noqa: S608
            for index, value, count in run(con, sql, [path], timeout=timeout, fetch=lambda c: c.fetchall()):
                out["columns"][top_candidates[index]]["top"].append([value, int(count)])
    finally:
        con.close()
    out["row_count"] = int(total)
    return out


def safe_compute(path: str, columns: list[dict], row_count: int) -> dict:
    """`compute`, or {} (computed later, on the first preview) if it fails: statistics never fail a load."""
    try:
        return compute(path, columns, row_count)
    except Exception:
        logger.exception("Column statistics failed for %s", path)
        return {}


def ensure_stats(table: Table, *, timeout: float | None = None) -> dict:
    """The table's statistics, computed and stored now if the table predates them (or their first try failed).

    In a request (the preview), `timeout` is the query engine's; on failure the page shows them as unavailable
    ({}), and the next view tries again. `manage.py table_stats` computes them for all tables without a request.
    """
    if table.stats or table.state != Table.State.READY or not table.parquet:
        return table.stats or {}
    try:
        computed = compute(parquet_path(table), table.columns, table.row_count, timeout=timeout or timeout_seconds())
    except Exception:
        logger.exception("Column statistics failed for table %s", table.pk)
        return {}
    Table.objects.filter(pk=table.pk).update(stats=computed)
    table.stats = computed
    return computed
