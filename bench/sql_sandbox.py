"""Benchmark of the SQL sandbox: queries run in the web process (as before issue 9) against the worker pool.

Run on demand (not part of the test suite); it needs no database or server:

    .venv/bin/python bench/sql_sandbox.py [--requests 200] [--timeout 5] [--skip-inprocess-attacks]

It writes a 100 000-row Parquet file to a temporary folder and prints two tables:

- latency (p50, p95) of `--requests` sequential normal queries — one row, and 1 000 rows — run in this process
  (`sqlworker.execute`: the checks, a locked connection, the query, the JSON body: what the web process did before)
  and through the pool (`sqlpool`: the same in a worker process, plus the round trip);
- for the two attack queries of the audit (`length(repeat('x', 1e9))`, `repeat('x', 2e8)`) and a long uninterruptible
  call that fits in memory, the time to the answer and how much this process's resident memory grew (peak, VmHWM),
  in process and through the pool.
  `--skip-inprocess-attacks` skips the in-process runs (they take ~20 s and up to 2 GB).

Figures depend on the machine's load: note the load average with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

ATTACKS = {
    "length(repeat('x', 1e9))": "SELECT length(repeat('x', 1000000000)) AS n",
    "repeat('x', 2e8)": "SELECT repeat('x', 200000000) AS x",
    # not from the audit: one long uninterruptible call that fits in the worker's memory (only the kill stops it)
    "regexp_replace on 40 MB": "SELECT length(regexp_replace(repeat('ab', 20000000), 'a', 'cc', 'g')) AS n",
}
NORMAL = {
    "1 row (count, filter)": ("SELECT count(*) AS n FROM data WHERE montant > 500", 1000),
    "1 000 rows": ("SELECT * FROM data ORDER BY montant DESC", 1000),
}


def status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def setup(timeout: float) -> None:
    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=False,
        DATASTORE_QUERY_TIMEOUT=timeout,
        DATASTORE_SQL_WORKERS=2,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    django.setup()


def make_table(folder: str) -> dict:
    import duckdb

    path = os.path.join(folder, "table.parquet")
    duckdb.sql(
        "COPY (SELECT i AS id, 'Commune ' || (i % 158) AS commune, (i * 37 % 100000) / 10.0 AS montant, "
        f"DATE '2024-01-01' + (i % 365)::INTEGER AS date FROM range(100000) t(i)) TO '{path}' (FORMAT parquet)"
    )
    return {"names": ["data"], "columns": ["id", "commune", "montant", "date"], "path": path}


def job(view: dict, sql: str, limit: int, timeout: float) -> dict:
    return {
        "sql": sql,
        "views": [view],
        "limit": limit,
        "timeout": timeout,
        "max_value": 1024 * 1024,
        "max_response": 10 * 1024 * 1024,
    }


def in_process(payload: dict) -> str:
    from auzolan.datastore import sqlworker

    reply = sqlworker.handle(payload)
    return "ok" if reply[0] == "ok" else reply[1]


def pooled(payload: dict) -> str:
    from auzolan.datastore import sqlpool

    try:
        reply = sqlpool.pool().call(payload, timeout=payload["timeout"], wait=payload["timeout"])
    except sqlpool.Overrun:
        return "killed at the limit"
    except sqlpool.Died:
        return "worker died"
    return "ok" if reply[0] == "ok" else reply[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--skip-inprocess-attacks", action="store_true")
    args = parser.parse_args()
    setup(args.timeout)
    from auzolan.datastore import sqlpool

    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        view = make_table(folder)
        pooled(job(view, "SELECT 1", 1, args.timeout))  # start the pool (the fork server and a worker)
        print("\n| Normal query | where | p50 (ms) | p95 (ms) |\n|---|---|---:|---:|")
        for label, (sql, limit) in NORMAL.items():
            for where, call in (("in the web process (before)", in_process), ("worker pool (after)", pooled)):
                payload = job(view, sql, limit, args.timeout)
                for _ in range(10):
                    call(payload)
                timings = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    assert call(payload) == "ok"
                    timings.append((time.perf_counter() - started) * 1000)
                print(f"| {label} | {where} | {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} |")

        print(
            f"\n| Attack query (limit {args.timeout:g} s) | where | answer | seconds | web process RSS growth, peak "
            "(MB) |\n|---|---|---|---:|---:|"
        )
        for label, sql in ATTACKS.items():
            runs = [("worker pool (after)", pooled)]
            if not args.skip_inprocess_attacks:
                runs.insert(0, ("in the web process (before)", in_process))
            for where, call in runs:
                reset_peak()
                before = status_mb("VmRSS")
                started = time.perf_counter()
                outcome = call(job(view, sql, 1000, args.timeout))
                elapsed = time.perf_counter() - started
                print(f"| {label} | {where} | {outcome} | {elapsed:.2f} | {status_mb('VmHWM') - before:.0f} |")
        sqlpool.shutdown()


if __name__ == "__main__":
    main()
