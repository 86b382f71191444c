import pytest
from django.core.cache import cache

from tests.never500.world import world_fixture


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the package's tests (see world.py); pytest builds it again if other tests ran in
    between (it is torn down when they start, so that they never see its open transaction)."""
    yield from world_fixture(django_db_setup, django_db_blocker)


@pytest.fixture(autouse=True)
def _media_and_cache(world, db):
    """Replaces the suite's own (a media folder per test): the world's files live as long as the module."""
    cache.clear()
