"""What only PostgreSQL shows, on every page and API operation: NUL in text (PostgreSQL refuses it; a multipart form's
text fields reach the forms, past core.guards), texts too long for an index entry, its own full-text syntax, and
integers that fit SQLite's 64 bits but not PostgreSQL's 32-bit `integer` columns. The exhaustive matrix
(test_pages.py, test_api.py, tests/participation/test_never_500.py) runs on SQLite; this part, on PostgreSQL only, is
small: every form field of every page (participation's included, with open votes, surveys and debates), as a citizen
and as an editor, with these few values."""

from __future__ import annotations

import re

import pytest

from auzolan.participation.models import Phase
from tests.never500.fuzz import ON_POSTGRESQL, assert_no_500, page_forms
from tests.never500.test_api import DOCUMENT, OPERATIONS, assert_api_answer
from tests.never500.test_api import _real as api_value
from tests.never500.test_pages import PATTERNS, urls_for
from tests.participation.security_world import kwargs_for, participation_patterns, url_for
from tests.participation.test_never_500 import OPEN_PHASE_PATTERNS

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


def _participation_url(world, pattern) -> str:
    return url_for(pattern, kwargs_for(pattern, slug_world=world.participation, object_world=world.participation))


#: One test per page and role, not one for all the pages in turn: a page's POST (deleting the resource, say) cannot
#: hide the pages after it, and the PostgreSQL pass spreads them over its workers.
@pytest.mark.parametrize("role", ["citizen", "editor"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_every_form_field_of_the_platform(client, db, world, pattern, role):
    client.force_login(world.user(role))
    _fuzz_fields(client, urls_for(pattern, world)[0])


@pytest.mark.parametrize("role", ["citizen", "editor"])
@pytest.mark.parametrize("pattern", participation_patterns(), ids=str)
def test_every_form_field_of_participation(client, db, world, pattern, role):
    client.force_login(getattr(world.participation, role))
    _fuzz_fields(client, _participation_url(world, pattern))


@pytest.mark.parametrize("kind", ["vote", "survey", "debate"])
@pytest.mark.parametrize("pattern", OPEN_PHASE_PATTERNS, ids=str)
def test_every_form_field_while_a_phase_is_open(client, db, world, pattern, kind):
    """The forms that only appear while a vote, a survey or a debate is open (as in the participation suite)."""
    Phase.objects.filter(pk=world.participation.phase.pk).update(kind=kind, verification="account")
    client.force_login(world.participation.citizen)
    _fuzz_fields(client, _participation_url(world, pattern))


@pytest.mark.parametrize(("path", "method"), [(p, m) for p, m in OPERATIONS if m == "get"], ids=lambda x: x)
def test_nul_and_32_bit_overflow_in_every_api_parameter(client, db, world, path, method):
    client.force_login(world.editor)
    url = path.format(**{name: api_value(path, name, world) for name in re.findall(r"{(\w+)}", path)})
    query = [p["name"] for p in DOCUMENT["paths"][path][method].get("parameters", []) if p["in"] == "query"]
    for name in query:
        for value in QUERY_VALUES:
            assert_api_answer(client.get(url, {name: value}), f"GET {url} {name}={value[:20]!r}")
