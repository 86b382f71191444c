import pytest
from django.core.cache import cache

from tests.never500.world import world_fixture


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module (see world.py)."""
    yield from world_fixture(django_db_setup, django_db_blocker)


@pytest.fixture(autouse=True)
def _media_and_cache(world):
    """Replaces the suite's own (a media folder per test): the world's files live as long as the module."""
    cache.clear()
