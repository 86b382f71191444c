"""The demo (`manage.py load_demo`, every app's part), loaded once per test module instead of once per test: loading it
is the expensive part (10–20 s, on either database). Each test runs in a savepoint of its own (request `db`)."""

import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command

from tests.never500.world import world_fixture


def load_demo() -> str:
    """Loads the demo; returns what the command printed."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_fixture():
    """A module-scoped fixture `demo` (assign it to `demo` in the module): the demo loaded once, rolled back at the end
    of the module, with its files in a media folder of its own; its value is what `load_demo` printed."""

    @pytest.fixture(scope="module")
    def demo(django_db_setup, django_db_blocker):
        yield from world_fixture(django_db_setup, django_db_blocker, build=load_demo)

    return demo


def media_and_cache_fixture():
    """Replaces the suite's own `_media_and_cache` (a media folder per test; assign it to `_media_and_cache`): the
    demo's files live as long as the module. The cache is still cleared for each test."""

    @pytest.fixture(autouse=True)
    def _media_and_cache(demo, db):
        cache.clear()

    return _media_and_cache


def snapshot(labels=("accounts", "organisations", "core", "account", "catalog")):
    """Every row of every model of the platform's apps (`labels`), as comparable data."""
    data = {}
    for model in apps.get_models():
        if model._meta.app_label in labels:
            data[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("last_login",)))
                for row in model.objects.values()
            )
    return data
