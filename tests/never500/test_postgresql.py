"""What only PostgreSQL shows, on every page and API operation: NUL in text (PostgreSQL refuses it; a multipart form's
text fields reach the forms, past core.guards), texts too long for an index entry, its own full-text syntax, and
integers that fit SQLite's 64 bits but not PostgreSQL's 32-bit `integer` columns. The exhaustive matrix
(test_pages.py, test_api.py, tests/participation/test_never_500.py) runs on SQLite; this part, on PostgreSQL only, is
small: every form field of every page (participation's included, with open votes, surveys and debates), as a citizen
and as an editor, with these few values."""

from __future__ import annotations

import re

import pytest

from tests.never500.fuzz import ON_POSTGRESQL, assert_no_500, page_forms
from tests.never500.test_pages import PATTERNS, urls_for
from tests.participation.security_world import kwargs_for, participation_patterns, url_for

pytestmark = pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only (SQLite runs the exhaustive matrix)")

#: In each form field in turn: NUL, a text too long for an index entry (about 2 700 bytes), integers beyond 32 bits.
VALUES = ["a\x00b", "x" * 20_000, str(2**31), str(2**62)]
#: In every query-string parameter at once, also PostgreSQL's full-text syntax.
QUERY_VALUES = [*VALUES, "'a' & | ! ( :* <-> \\"]


def _fuzz_fields(client, url: str) -> None:
    page = client.get(url)
    assert_no_500(page, f"GET {url}")
    forms = page_forms(page)
    for value in QUERY_VALUES:
        keys = {"q", "page", "sort", *forms.get, *forms.post}
        assert_no_500(client.get(url, dict.fromkeys(keys, value)), f"GET {url} = {value[:20]!r}")
    for field in forms.post:
        for value in VALUES:
            assert_no_500(client.post(url, {**forms.post, field: value}), f"POST {url} {field}={value[:20]!r}")


def _participation_urls(world, patterns) -> list[str]:
    return [
        url_for(p, kwargs_for(p, slug_world=world.participation, object_world=world.participation)) for p in patterns
    ]


@pytest.mark.parametrize("role", ["citizen", "editor"])
def test_every_form_field_of_the_platform(client, db, world, role):
    client.force_login(world.user(role))
    for pattern in PATTERNS:
        _fuzz_fields(client, urls_for(pattern, world)[0])


@pytest.mark.parametrize("role", ["citizen", "editor"])
def test_every_form_field_of_participation(client, db, world, role):
    client.force_login(getattr(world.participation, role))
    for url in _participation_urls(world, participation_patterns()):
        _fuzz_fields(client, url)


@pytest.mark.parametrize("kind", ["vote", "survey", "debate"])
def test_every_form_field_while_a_phase_is_open(client, db, world, kind):
    """The forms that only appear while a vote, a survey or a debate is open (as in the participation suite)."""
    from auzolan.participation.models import Phase
    from tests.participation.test_never_500 import OPEN_PHASE_PATTERNS

    Phase.objects.filter(pk=world.participation.phase.pk).update(kind=kind, verification="account")
    client.force_login(world.participation.citizen)
    for url in _participation_urls(world, OPEN_PHASE_PATTERNS):
        _fuzz_fields(client, url)


def test_nul_and_32_bit_overflow_in_every_api_parameter(client, db, world):
    from tests.never500.test_api import DOCUMENT, OPERATIONS, _real, assert_api_answer

    client.force_login(world.editor)
    for path, method in OPERATIONS:
        if method != "get":
            continue
        url = path.format(**{name: _real(path, name, world) for name in re.findall(r"{(\w+)}", path)})
        query = [p["name"] for p in DOCUMENT["paths"][path][method].get("parameters", []) if p["in"] == "query"]
        for name in query:
            for value in QUERY_VALUES:
                assert_api_answer(client.get(url, {name: value}), f"GET {url} {name}={value[:20]!r}")
