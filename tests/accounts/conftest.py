import pytest
from django.template import engines

# Django's own templates rely on these being optional (auth/widgets/read_only_password_hash.html).
DJANGO_OWN_OPTIONAL_VARIABLES = {"password_url"}


class _FailOnInvalidVariable(str):
    """Truthy, so that Django formats it with the variable's name, which fails the test.

    (tests/conftest.py's InvalidTemplateVariable is falsy, so Django renders it as "%s" without failing.)
    """

    def __mod__(self, other):
        if str(other) in DJANGO_OWN_OPTIONAL_VARIABLES:
            return ""
        raise AssertionError(f"Unknown template variable {other!r}")


@pytest.fixture(autouse=True)
def really_strict_templates(monkeypatch):
    monkeypatch.setattr(engines["django"].engine, "string_if_invalid", _FailOnInvalidVariable("%s"))
