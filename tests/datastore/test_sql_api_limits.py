"""The SQL endpoint's limits over HTTP (issue 9): the attack queries end within the limit with a small 400, values
and responses are capped, rate and concurrency limits answer 429 with Retry-After, and the rest of the site is
served while queries run until their limit."""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from auzolan.core import ratelimit
from auzolan.datastore import sql, sqlpool
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.datastore.test_sql_limits import ENDLESS, HUGE_VALUE, SLOW_FUNCTION, UNINTERRUPTIBLE
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def loaded(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset)
    return editor, dataset, resource, table


def ask(client, resource, statement, **meta):
    return client.get("/api/v1/sql", {"resource": str(resource.identifier), "sql": statement}, **meta)


def error_of(response, status):
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def test_attack_queries_end_within_the_limit_with_a_small_400(client, loaded, settings):
    resource = loaded[2]
    settings.DATASTORE_QUERY_TIMEOUT = 1.0
    assert ask(client, resource, "SELECT 1").status_code == 200  # the first query of a process starts the pool
    for statement in (UNINTERRUPTIBLE, HUGE_VALUE, SLOW_FUNCTION):
        started = time.monotonic()
        response = ask(client, resource, statement)
        elapsed = time.monotonic() - started
        error = error_of(response, 400)
        assert elapsed < 1.0 + 2.0, f"{statement}: {elapsed:.1f} s"
        assert len(response.content) < 2000
        assert error["code"] in {"timeout", "too-large", "value-too-large"}
        assert error["message"].startswith(("La requête", "Une valeur")), error


def test_caps_on_values_and_on_the_response(client, loaded, settings):
    resource = loaded[2]
    settings.DATASTORE_SQL_MAX_VALUE_KB = 64
    error = error_of(ask(client, resource, "SELECT repeat('x', 100000) AS gros"), 400)
    assert error["code"] == "value-too-large" and error["field"] == "sql"
    assert "gros" in error["message"] and "64 Ko" in error["message"] and "substr" in error["message"]
    settings.DATASTORE_SQL_MAX_RESPONSE_MB = 1
    error = error_of(ask(client, resource, "SELECT repeat('x', 20000) FROM range(100)"), 400)
    assert error["code"] == "response-too-large" and "1 Mo" in error["message"]
    assert "moins de lignes" in error["message"]
    body = ask(client, resource, "SELECT repeat('x', 20000) AS v FROM range(10)").json()
    assert len(body["rows"]) == 10


def test_values_keep_their_json_form(client, loaded):
    """The worker encodes the rows as the API did before (Django's JSON encoder)."""
    statement = (
        "SELECT DATE '2024-01-15' AS d, TIMESTAMP '2024-01-15 10:30:00.123456' AS ts, 12.50::DECIMAL(10,2) AS m, "
        "INTERVAL 90 MINUTE AS i, '\\x00\\x01'::BLOB AS b, [1, 2] AS l, {'a': 1} AS s, NULL AS n, "
        "'0f8fad5b-d9cb-469f-a165-70867728950e'::UUID AS u, TIME '10:30:00' AS t, "
        "170141183460469231731687303715884105727::HUGEINT AS h, 'nan'::DOUBLE AS nan, MAP {'k': 1} AS mp, "
        "'é\"' AS txt, 1.5::FLOAT AS f"
    )
    response = ask(client, loaded[2], statement)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    row = body["rows"][0]
    assert math.isnan(row.pop(11))
    assert row == [
        "2024-01-15",
        "2024-01-15T10:30:00.123",
        "12.50",
        "P0DT01H30M00S",
        "0001",
        [1, 2],
        {"a": 1},
        None,
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "10:30:00",
        170141183460469231731687303715884105727,
        {"k": 1},
        'é"',
        1.5,
    ]
    assert body["columns"][2] == {"name": "m", "type": "DECIMAL(10,2)"}
    assert body["truncated"] is False and body["limit"] == 1000


def test_rate_limit_per_ip_then_per_account(client, loaded, settings):
    editor, _dataset, resource, _table = loaded
    settings.DATASTORE_SQL_RATE_IP = "3/m"
    settings.DATASTORE_SQL_RATE_ACCOUNT = "5/m"
    for _ in range(3):
        assert ask(client, resource, "SELECT 1").status_code == 200
    response = ask(client, resource, "SELECT 1")
    error = error_of(response, 429)
    assert error["code"] == "rate-limited" and "Réessayez dans" in error["message"]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error["details"]["retry_after"] == int(response["Retry-After"])
    # another address is another count
    assert ask(client, resource, "SELECT 1", REMOTE_ADDR="10.0.0.9").status_code == 200
    # errors count too (a refused or failing query costs as much to check)
    settings.DATASTORE_SQL_RATE_IP = "1/m"
    assert ask(client, resource, "DROP VIEW data", REMOTE_ADDR="10.0.0.8").status_code == 400
    assert ask(client, resource, "SELECT 1", REMOTE_ADDR="10.0.0.8").status_code == 429
    # a logged-in account has its own, larger count, whatever its address
    client.force_login(editor)
    for _ in range(5):
        assert ask(client, resource, "SELECT 1").status_code == 200
    assert error_of(ask(client, resource, "SELECT 1"), 429)["code"] == "rate-limited"
    # the POST form shares the count
    response = client.post(
        "/api/v1/sql", {"sql": "SELECT 1", "resources": [str(resource.identifier)]}, content_type="application/json"
    )
    assert response.status_code == 429 and response["Retry-After"]


def test_concurrency_limit_answers_429_and_the_slot_is_released_on_every_exit(client, loaded, settings):
    resource = loaded[2]
    settings.DATASTORE_SQL_CONCURRENCY_IP = 1
    who = "ip:127.0.0.1"
    with ratelimit.slot("sql", who, 1, hold=30):
        response = ask(client, resource, "SELECT 1")
        error = error_of(response, 429)
        assert error["code"] == "concurrency-limited" and "simultanée" in error["message"]
        assert int(response["Retry-After"]) >= 1
    # released after a success, a refusal, a DuckDB error, a timeout, a kill, a 404
    settings.DATASTORE_QUERY_TIMEOUT = 1.0
    statements = ["SELECT 1", "DROP VIEW data", "SELECT * FROM nope", ENDLESS, SLOW_FUNCTION, "SELECT 2"]
    for statement in statements:
        status = ask(client, resource, statement).status_code
        assert status in (200, 400), (statement, status)
    settings.DATASTORE_QUERY_TIMEOUT = 5.0
    missing = {"resource": "0f8fad5b-d9cb-469f-a165-70867728950e", "sql": "SELECT 1"}
    assert client.get("/api/v1/sql", missing).status_code == 404
    assert ask(client, resource, "SELECT 3").status_code == 200


def test_other_pages_are_served_while_queries_run_until_their_limit(live_server, loaded, settings):
    resource = loaded[2]
    settings.DATASTORE_QUERY_TIMEOUT = 2.0
    settings.DATASTORE_SQL_WORKERS = 3
    settings.DATASTORE_SQL_CONCURRENCY_IP = 10
    query = urllib.parse.urlencode({"resource": str(resource.identifier), "sql": "SELECT 1"})
    urllib.request.urlopen(f"{live_server.url}/api/v1/sql?{query}", timeout=10).read()  # noqa: S310

    outcomes = []

    def heavy(statement):
        url = f"{live_server.url}/api/v1/sql?" + urllib.parse.urlencode(
            {"resource": str(resource.identifier), "sql": statement}
        )
        started = time.monotonic()
        try:
            urllib.request.urlopen(url, timeout=20).read()  # noqa: S310
            outcomes.append(("ok", time.monotonic() - started))
        except urllib.error.HTTPError as error:
            outcomes.append((error.code, time.monotonic() - started))

    threads = [threading.Thread(target=heavy, args=(s,)) for s in (ENDLESS, SLOW_FUNCTION, ENDLESS)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    latencies = []
    while any(thread.is_alive() for thread in threads):
        started = time.monotonic()
        urllib.request.urlopen(f"{live_server.url}/mentions-legales/", timeout=10).read()  # noqa: S310
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert [code for code, _t in outcomes] == [400, 400, 400]
    assert all(1.9 < seconds < 2.0 + 2.0 for _c, seconds in outcomes), outcomes
    assert len(latencies) >= 5 and max(latencies) < 1.0, latencies


def test_no_worker_can_start_is_a_503_with_retry_after(client, loaded, monkeypatch):
    class Unstartable:
        def __init__(self, *args, **kwargs):
            pass

        def start(self):
            raise OSError("fork failed")

    sql.shutdown()
    monkeypatch.setattr(sqlpool._context, "Process", Unstartable)
    response = ask(client, loaded[2], "SELECT 1")
    error = error_of(response, 503)
    assert error["code"] == "busy" and "indisponible" in error["message"]
    assert response["Retry-After"] == "5"
    monkeypatch.undo()
    assert ask(client, loaded[2], "SELECT 1").status_code == 200
