import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.template import engines
from django.utils import translation

from auzolan.core import ratelimit
from tests.accounts.factories import UserFactory

# Django's own templates rely on these being optional (auth/widgets/read_only_password_hash.html).
DJANGO_OWN_OPTIONAL_VARIABLES = {"password_url"}


#: The fixtures through which a test reaches the database (pytest-django refuses any other access).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _uses_the_database(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass of .ci/run runs what PostgreSQL can answer differently, not the rest again:
    - `exhaustive` tests (the never-a-500 matrices) run once, on SQLite; tests/never500/test_postgresql.py sends
      instead the few values only PostgreSQL refuses, in every form field;
    - a test that asks for no database (no `db`, `transactional_db`, `live_server`, `django_db` marker: pytest-django
      blocks any query) runs the same code on either database: parsers, DuckDB, files, settings in a child process
      (which gets its own database). It ran on SQLite."""
    if connection.vendor != "postgresql":
        return
    exhaustive = pytest.mark.skip(reason="exhaustive: ran on SQLite; test_postgresql.py has what only PostgreSQL shows")
    no_database = pytest.mark.skip(reason="uses no database: ran on SQLite, the same code on either database")
    for item in items:
        if item.get_closest_marker("exhaustive"):
            item.add_marker(exhaustive)
        elif not _uses_the_database(item):
            item.add_marker(no_database)


class InvalidTemplateVariable(str):
    """Unknown template variables fail the test instead of rendering as empty text.

    Truthy on purpose: Django then formats it with the variable's name, which raises.
    """

    def __mod__(self, other):
        if str(other) in DJANGO_OWN_OPTIONAL_VARIABLES:
            return ""
        raise AssertionError(f"Unknown template variable {other!r}")


@pytest.fixture(scope="session", autouse=True)
def _fast_flush_on_postgresql():
    """On PostgreSQL, the flush after each transactional test (`transactional_db`, `django_db(transaction=True)`)
    DELETEs instead of TRUNCATE: emptying the few tables a test wrote is 20 times faster than truncating every table
    (a new file each), and it adds up (0.3 to 0.8 s a test, 260 tests). Django's foreign keys are deferred on
    PostgreSQL, so the order of the DELETEs does not matter within the flush's transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def strict_templates(monkeypatch):
    monkeypatch.setattr(engines["django"].engine, "string_if_invalid", InvalidTemplateVariable("%s"))


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in French, whatever language a page of the previous test in this worker chose (the language
    middleware activates the request's language for its thread and a request sets it again; code called outside a
    request, such as a view called with a RequestFactory, would otherwise read the previous test's)."""
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


#: A day boundary (so also a minute's and an hour's), in 2027.
_WINDOW_START = 86400 * 20834


@pytest.fixture(autouse=True)
def _rate_limit_clock(monkeypatch):
    """Rate limits count per calendar window (core.ratelimit): each test starts one second into a fresh window and
    the clock then runs, so that a test sending N requests never sees its window end half-way (a flaky 200 where a
    429 was due, at hh:mm:59.9). The cache is cleared for each test, so the shared start leaks no count."""
    started = time.monotonic()
    monkeypatch.setattr(ratelimit, "_now", lambda: _WINDOW_START + 1 + (time.monotonic() - started))


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, territory_role="agency")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache (core.pagecache) on, as in production (it is off in tests by default)."""
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()
