import pytest
from django.core.cache import cache

from tests.accounts.factories import UserFactory


class InvalidTemplateVariable(str):
    """Unknown template variables fail the test instead of rendering as empty text."""

    def __mod__(self, other):
        raise AssertionError(f"Unknown template variable {other!r}")

    def __bool__(self):
        return False


@pytest.fixture(autouse=True)
def strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


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
