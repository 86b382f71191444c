import pytest
from django.urls import get_resolver


@pytest.fixture(scope="session", autouse=True)
def _urls_loaded_before_time_is_frozen():
    """Load the URL configuration (and the API schemas it builds with pydantic) before any test freezes time:
    pydantic cannot build a schema for freezegun's datetime class."""
    assert get_resolver().url_patterns
