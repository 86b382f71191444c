"""The SQL sandbox's hard limits (issue 9): a wall-clock limit that really stops a query, the web process's memory
untouched by the query's, caps on values and on the response, and the rest of the site served meanwhile."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from django.test import override_settings

from auzolan.core.errors import ApplicationError
from auzolan.core.ratelimit import ServerBusy
from auzolan.datastore import sql, sqlpool
from tests.datastore import test_sql

#: Long, uninterruptible single function calls (one huge string): DuckDB's interrupt does not stop them.
UNINTERRUPTIBLE = "SELECT length(repeat('x', 1000000000)) AS n"
HUGE_VALUE = "SELECT repeat('x', 200000000) AS x"
#: ~7 s of one uninterruptible call that fits the worker's memory: only a kill stops it.
SLOW_FUNCTION = "SELECT length(regexp_replace(repeat('ab', 20000000), 'a', 'cc', 'g')) AS n"
#: A scan that would take days (a bare count over a range is nearly instant on a quiet machine: it must do work).
ENDLESS = "SELECT count(*) FROM range(1000000000000000) t(i) WHERE hash(i) % 7 = 3"


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS: now, VmHWM: peak), in megabytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field}")


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as handle:  # "5" resets the peak resident set size (VmHWM)
        handle.write("5")


loaded = test_sql.loaded  # the fixture: a published dataset with a loaded table


@pytest.fixture
def quick(settings):
    settings.DATASTORE_QUERY_TIMEOUT = 1.0
    return settings


def warm(table) -> None:
    """Start this process's pool (the fork server, a worker) outside the short limit of the test."""
    with override_settings(DATASTORE_QUERY_TIMEOUT=30):
        assert sql.execute([table], "SELECT 1 AS x").rows == [[1]]


def timed(call):
    started = time.monotonic()
    try:
        return call(), time.monotonic() - started
    except ApplicationError as error:
        return error, time.monotonic() - started


def test_an_uninterruptible_call_is_stopped_at_the_limit_and_the_web_process_does_not_grow(loaded, quick):
    table = loaded[3]
    warm(table)
    reset_peak_rss()
    before = status_mb("VmRSS")
    for statement in (UNINTERRUPTIBLE, SLOW_FUNCTION):
        error, elapsed = timed(lambda statement=statement: sql.execute([table], statement))
        assert isinstance(error, ApplicationError), error
        assert error.status == 400 and error.code in {"timeout", "too-large"}, error.as_dict()
        assert elapsed < 1.0 + 2.0, f"{statement}: answered after {elapsed:.1f} s"
    growth = status_mb("VmHWM") - before
    assert growth < 60, f"the web process grew by {growth:.0f} MB"


def test_a_killed_worker_is_replaced_and_answers_again(loaded, quick):
    table = loaded[3]
    warm(table)
    first = set(sql.worker_pids())
    error, elapsed = timed(lambda: sql.execute([table], SLOW_FUNCTION))
    assert error.code == "timeout" and "1 secondes" in error.message
    assert elapsed < 1.0 + 2.0
    quick.DATASTORE_QUERY_TIMEOUT = 5.0  # a normal query, even on a loaded machine
    assert sql.execute([table], "SELECT commune FROM data ORDER BY 1 LIMIT 1").rows == [["Anglet"]]
    assert first - set(sql.worker_pids()), "the worker that ran past the limit was not replaced"
    for pid in first - set(sql.worker_pids()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # killed and reaped, not a zombie


def test_a_huge_value_is_a_clear_400_not_a_huge_body(loaded, quick):
    table = loaded[3]
    error, elapsed = timed(lambda: sql.execute([table], HUGE_VALUE))
    assert isinstance(error, ApplicationError) and error.status == 400
    assert elapsed < 1.0 + 2.0
    quick.DATASTORE_QUERY_TIMEOUT = 5.0
    quick.DATASTORE_SQL_MAX_VALUE_KB = 100
    error, _elapsed = timed(lambda: sql.execute([table], "SELECT 1 AS a, repeat('é', 200000) AS long_text"))
    assert error.code == "value-too-large" and error.field == "sql"
    assert "long_text" in error.message and "substr" in error.message
    assert sql.execute([table], "SELECT repeat('é', 50000) AS t").rows == [["é" * 50000]]


def test_the_response_is_capped(loaded, quick):
    table = loaded[3]
    quick.DATASTORE_QUERY_TIMEOUT = 5.0
    quick.DATASTORE_SQL_MAX_RESPONSE_MB = 1
    error, _elapsed = timed(
        lambda: sql.execute([table], "SELECT i, repeat('x', 500) FROM range(5000) t(i)", limit=5000)
    )
    assert error.code == "response-too-large"
    assert "1 Mo" in error.message and "agrég" in error.message
    result = sql.execute([table], "SELECT i, repeat('x', 500) FROM range(1000) t(i)", limit=5000)
    assert len(result.rows) == 1000 and not result.truncated


def test_queries_run_concurrently_in_separate_processes(loaded, quick):
    """Two queries at their time limit take about one limit together, not two: the pool runs them side by side."""
    table = loaded[3]
    quick.DATASTORE_SQL_WORKERS = 2
    warm(table)
    errors = []

    def endless():
        errors.append(timed(lambda: sql.execute([table], ENDLESS)))

    threads = [threading.Thread(target=endless) for _ in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e.code for e, _t in errors] == ["timeout", "timeout"]
    assert time.monotonic() - started < 1.0 * 2


def test_no_worker_outlives_the_pool(loaded):
    table = loaded[3]
    warm(table)
    pids = sql.worker_pids()
    assert pids
    sql.shutdown()
    assert sql.worker_pids() == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert sql.execute([table], "SELECT 2 AS x").rows == [[2]]  # a new pool starts on demand


def test_all_workers_busy_is_a_503_after_the_wait(loaded, quick):
    table = loaded[3]
    quick.DATASTORE_SQL_WORKERS = 1
    sql.shutdown()
    busy = threading.Thread(target=lambda: timed(lambda: sql.execute([table], ENDLESS)))
    busy.start()
    time.sleep(0.3)
    job = {"sql": "SELECT 1", "views": sql.views([table]), "limit": 1, "timeout": 1.0, "max_value": 1000}
    started = time.monotonic()
    with pytest.raises(ServerBusy) as error:
        sqlpool.pool().call({**job, "max_response": 1000}, timeout=1.0, wait=0.2)
    assert 0.2 <= time.monotonic() - started < 0.6
    assert error.value.status == 503 and error.value.retry_after == 1 and "SQL" in error.value.message
    busy.join()
    quick.DATASTORE_QUERY_TIMEOUT = 5.0
    assert sql.execute([table], "SELECT 4 AS x").rows == [[4]]  # the worker is free again


def test_an_idle_worker_killed_by_the_system_is_replaced_without_losing_the_query(loaded):
    table = loaded[3]
    warm(table)
    pids = sql.worker_pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sql.execute([table], "SELECT 5 AS x").rows == [[5]]
