import pytest

from tests.impact.factories import build_demo
from tests.never500.world import world_fixture


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo experiment, built once per module (each test in its own savepoint: request `db`)."""
    yield from world_fixture(django_db_setup, django_db_blocker, build=build_demo)
