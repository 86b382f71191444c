import pytest
from django.core.cache import cache, caches
from django.template import engines

from tests.accounts.factories import UserFactory

# Django's own templates rely on these being optional (auth/widgets/read_only_password_hash.html).
DJANGO_OWN_OPTIONAL_VARIABLES = {"password_url"}


class InvalidTemplateVariable(str):
    """Unknown template variables fail the test instead of rendering as empty text.

    Truthy on purpose: Django then formats it with the variable's name, which raises.
    """

    def __mod__(self, other):
        if str(other) in DJANGO_OWN_OPTIONAL_VARIABLES:
            return ""
        raise AssertionError(f"Unknown template variable {other!r}")


@pytest.fixture(autouse=True)
def strict_templates(monkeypatch):
    monkeypatch.setattr(engines["django"].engine, "string_if_invalid", InvalidTemplateVariable("%s"))


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


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache (core.pagecache) on, as in production (it is off in tests by default)."""
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()
