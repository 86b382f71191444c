"""The shared rate and concurrency limiter (auzolan.core.ratelimit): counts in Django's cache, so that every web
process shares them; Retry-After; slots released on every exit and expiring when a process dies."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test import RequestFactory

from auzolan.core import ratelimit
from auzolan.core.ratelimit import Rate, RateLimited
from tests.core.test_settings import IMPORT_SETTINGS, run_python


def test_parse_rate():
    assert Rate.parse("30/m") == Rate(30, 60)
    assert Rate.parse("100/h") == Rate(100, 3600)
    assert Rate.parse("5/10s") == Rate(5, 10)
    assert Rate.parse(" 2 / 15m ") == Rate(2, 900)
    assert Rate.parse("1000/d") == Rate(1000, 86400)
    assert Rate.parse("") is None and Rate.parse("0") is None
    for bad in ("x", "30", "30/y", "-1/m", "3/0s"):
        with pytest.raises(ImproperlyConfigured):
            Rate.parse(bad)


def test_requester_is_the_account_then_the_address(rf: RequestFactory, user, settings):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert ratelimit.requester(request) == "ip:192.0.2.7"
    # an IPv6 client is counted by its /64 (one subscriber's network)
    request = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert ratelimit.requester(request) == "ip:2001:db8:1:2::/64"
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    request.user = user
    assert ratelimit.requester(request) == f"user:{user.pk}"
    assert ratelimit.kind(f"user:{user.pk}") == "user"


def test_hit_counts_in_a_window_and_says_when_to_retry(db):
    rate = Rate(3, 60)
    for _ in range(3):
        ratelimit.hit("test", "ip:192.0.2.1", rate)
    with pytest.raises(RateLimited) as error:
        ratelimit.hit("test", "ip:192.0.2.1", rate)
    assert error.value.status == 429 and error.value.code == "rate-limited"
    assert 1 <= error.value.retry_after <= 60
    assert "Réessayez dans" in error.value.message
    assert error.value.as_dict()["details"]["retry_after"] == error.value.retry_after
    ratelimit.hit("test", "ip:192.0.2.2", rate)  # someone else
    ratelimit.hit("other", "ip:192.0.2.1", rate)  # another scope
    ratelimit.hit("test", "ip:192.0.2.1", None)  # no limit


def test_hit_is_exact_under_concurrency(db):
    rate = Rate(20, 60)
    allowed, refused = [], []

    def one():
        try:
            ratelimit.hit("race", "ip:192.0.2.3", rate)
            allowed.append(1)
        except RateLimited:
            refused.append(1)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 20 and len(refused) == 30


def test_slots_are_released_on_every_exit(db):
    with ratelimit.slot("test", "ip:192.0.2.1", 2, hold=30):
        with ratelimit.slot("test", "ip:192.0.2.1", 2, hold=30):
            with pytest.raises(RateLimited) as error, ratelimit.slot("test", "ip:192.0.2.1", 2, hold=30):
                pass
            assert error.value.code == "concurrency-limited" and error.value.retry_after >= 1
        with ratelimit.slot("test", "ip:192.0.2.1", 2, hold=30):
            pass
    with pytest.raises(ZeroDivisionError), ratelimit.slot("test", "ip:192.0.2.1", 1, hold=30):
        1 / 0  # noqa: B018
    with ratelimit.slot("test", "ip:192.0.2.1", 1, hold=30):
        pass
    with ratelimit.slot("test", "ip:192.0.2.1", 0, hold=30):  # 0: no limit
        pass


def test_a_slot_of_a_dead_process_expires(db):
    """A process killed while it holds a slot never releases it: the slot's cache entry expires after `hold`."""
    held = ratelimit.slot("test", "ip:192.0.2.9", 1, hold=1)
    held.__enter__()  # never exited, as in a killed process
    with pytest.raises(RateLimited), ratelimit.slot("test", "ip:192.0.2.9", 1, hold=1):
        pass
    time.sleep(1.1)
    with ratelimit.slot("test", "ip:192.0.2.9", 1, hold=1):
        pass


def test_limit_picks_the_rates_of_the_requester(rf, user):
    request = rf.get("/", REMOTE_ADDR="192.0.2.50")
    request.user = user
    rates = {"ip": Rate(1, 60), "user": Rate(2, 60)}
    for _ in range(2):
        with ratelimit.limit(request, "scope", rates=rates, concurrency={"ip": 1, "user": 1}, hold=10):
            pass
    with pytest.raises(RateLimited), ratelimit.limit(request, "scope", rates=rates, concurrency={"ip": 1}, hold=10):
        pass


@pytest.fixture
def database_cache(transactional_db, settings):
    """The production default: Django's database cache (its `incr` reads then writes)."""

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "test_ratelimit_cache"},
    }
    call_command("createcachetable", verbosity=0)
    yield

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_ratelimit_cache")


def test_counts_are_exact_on_the_database_cache(database_cache):
    """Threads, each with its own database connection, as several web processes would. CI runs it on PostgreSQL."""

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory test database (shared cache) refuses concurrent writers instead of waiting")

    rate = Rate(15, 60)
    allowed, refused = [], []

    def one():
        try:
            ratelimit.hit("race", "ip:192.0.2.4", rate)
            allowed.append(1)
        except RateLimited:
            refused.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 15 and len(refused) == 10
    with ratelimit.slot("db", "ip:192.0.2.4", 1, hold=30):
        second = ratelimit.slot("db", "ip:192.0.2.4", 1, hold=30)
        with pytest.raises(RateLimited):
            second.__enter__()
    with ratelimit.slot("db", "ip:192.0.2.4", 1, hold=30):
        pass


def test_a_failing_cache_is_a_503_not_a_500(db, monkeypatch):
    def locked(key, timeout):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ratelimit, "_incr", locked)
    with pytest.raises(RateLimited) as error:
        ratelimit.hit("test", "ip:192.0.2.1", Rate(1, 60))
    assert error.value.status == 503 and error.value.retry_after == 1


def test_a_malformed_rate_setting_stops_start_up():
    result = run_python(IMPORT_SETTINGS, AUZOLAN_ENV="test", DATASTORE_SQL_RATE_IP="30/minute")
    assert result.returncode != 0 and "DATASTORE_SQL_RATE_IP must be count/period" in result.stderr
    assert run_python(IMPORT_SETTINGS, AUZOLAN_ENV="test", DATASTORE_SQL_RATE_ACCOUNT="100/2h").returncode == 0
