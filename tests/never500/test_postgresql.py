"""What only PostgreSQL shows, on every page and API operation: NUL in text (PostgreSQL refuses it; a multipart form's
text fields reach the forms, past core.guards), texts too long for an index entry, its own full-text syntax, and
integers that fit SQLite's 64 bits but not PostgreSQL's 32-bit `integer` columns. The exhaustive matrix
(test_pages.py, test_api.py) runs on SQLite; this part, on PostgreSQL only, is small: every form field of every page
(participation's included), as an editor, with these few values."""

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


def _urls(world) -> list[str]:
    urls = [urls_for(pattern, world)[0] for pattern in PATTERNS]
    for pattern in participation_patterns():
        kwargs = kwargs_for(pattern, slug_world=world.participation, object_world=world.participation)
        urls.append(url_for(pattern, kwargs))
    return urls


def test_nul_and_32_bit_overflow_in_every_form_field(client, db, world):
    client.force_login(world.editor)
    for url in _urls(world):
        page = client.get(url)
        assert_no_500(page, f"GET {url}")
        forms = page_forms(page)
        for value in QUERY_VALUES:
            keys = {"q", "page", "sort", *forms.get, *forms.post}
            assert_no_500(client.get(url, dict.fromkeys(keys, value)), f"GET {url} = {value[:20]!r}")
        for field in forms.post:
            for value in VALUES:
                assert_no_500(client.post(url, {**forms.post, field: value}), f"POST {url} {field}={value[:20]!r}")


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
