"""Never a 500: every participation URL (enumerated from the resolver), GET and POST, as an anonymous visitor, a
citizen and an editor of the organisation, with non-existent ids and garbage query strings and bodies.

The bodies are built from the forms the page itself renders (every field, then each field in turn replaced by a
garbage value while the others keep the form's own values, and each file field with garbage files), so new fields
are fuzzed without editing this file. The values (tests/never500/fuzz.py) include big integers, deep nesting, NUL.
An address out of the person's reach (a 404, a 403, the login page) or naming nothing is refused before its input is
read: it gets a few requests (`_knock`), not the whole matrix again.
This exhaustive matrix runs on SQLite; tests/never500/test_postgresql.py covers what only PostgreSQL shows.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.never500.fuzz import BIG, NESTED, garbage_files, page_forms, upload
from tests.never500.world import world_fixture
from tests.participation.security_world import build_world, kwargs_for, participation_patterns, url_for

PATTERNS = participation_patterns()

GARBAGE = [
    "",
    "abc",
    "-1",
    "0",
    "2026-02-30",
    BIG,
    "1e309",
    "NaN",
    "a\x00b",
    "<script>alert(1)</script>",
    "/a\r\nSet-Cookie: x=1",
    "//evil.example/",
    "x" * 20_000,
    NESTED,
]
#: Tried in each form field in turn, the others keeping the form's own values (the costly part: one request per field
#: and value), for what gets past the form: a negative number, an impossible date (in a text field the code parses), a
#: number beyond the database's integers, NUL (in a file name, Python refuses it), a deeply nested text (longer than a
#: file name, than most fields' limits). A value the field refuses takes the path of any other it refuses: "abc" is
#: refused by typed fields as the date is, and accepted by text fields as "-1" is. Where a text of 20,000 characters
#: goes where NESTED's 5,000 do not, it is refused: by a field's limit (any refusal's path) or by PostgreSQL's index
#: entries (tests/never500/test_postgresql.py sends it in each field).
FIELD_GARBAGE = ["-1", "2026-02-30", BIG, "a\x00b", NESTED]
COMMON_KEYS = [
    "page",
    "commentaires",
    "tri",
    "categorie",
    "quartier",
    "statut",
    "modele",
    "type",
    "receipt",
    "theme",
    "organisation",
    "period",
    "q",
    "action",
    "transition",
    "next",
    "publish",
    "delete",
    "project",
    "code",
    "batch",
    "submission",
]


def _assert_ok(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (each test runs in a savepoint of its own), with its own media folder."""
    yield from world_fixture(django_db_setup, django_db_blocker, build=lambda: build_world("a"))


@pytest.fixture(autouse=True)
def _media_and_cache(world, db):
    """Replaces the suite's own (a media folder per test): the world's files live as long as the module."""
    cache.clear()


def _urls(pattern, world) -> tuple[list[str], list[str]]:
    """The addresses naming the world's objects (each `kind` for a comment-or-proposal route), and those naming
    nothing: an unknown organisation or process, an unknown object in the world's process, an id beyond the
    database's integers."""
    kinds = ("proposition", "commentaire", "nimporte") if "kind" in pattern.kwargs else ("proposition",)
    real = [url_for(pattern, kwargs_for(pattern, slug_world=world, object_world=world, kind=kind)) for kind in kinds]
    absent = []
    if pattern.kwargs:
        fake = {}
        for kwarg in pattern.kwargs:
            if kwarg in ("slug", "org_slug"):
                fake[kwarg] = "nexiste-pas"
            elif kwarg == "kind":
                fake[kwarg] = "proposition"
            else:
                fake[kwarg] = 999_999_999
        absent.append(reverse(f"participation:{pattern.name}", kwargs=fake))
        # The world's organisation and process with unknown objects in them (the lookup after the process's).
        ids = [kwarg for kwarg in pattern.kwargs if kwarg not in ("slug", "org_slug", "kind")]
        if ids:
            known = kwargs_for(pattern, slug_world=world, object_world=world)
            absent.append(reverse(f"participation:{pattern.name}", kwargs={**known, **dict.fromkeys(ids, 999_999_999)}))
        huge = {k: (v if not isinstance(v, int) else 10**30) for k, v in fake.items()}
        huge.update({k: world.process.slug for k in pattern.kwargs if k == "slug"})
        absent.append(reverse(f"participation:{pattern.name}", kwargs=huge))
    # Each address once: without an integer in the path, the out-of-range address is the real one (a process slug)
    # or the unknown one (an organisation slug).
    absent = [url for url in dict.fromkeys(absent) if url not in real]
    return real, absent


def _out_of_reach(response) -> bool:
    """The person cannot see what the address names (or it names nothing): 404, 403, or the login page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def _knock(client, url, fields: dict) -> None:
    """An address out of the person's reach is refused before its input is read (a view reads its input after the
    permission check, or before it for everyone: then the fuzzing of the reachable addresses covers it). So the
    refusal itself, not the whole matrix again (half of this suite's requests went there, each the same 404): the
    address, garbage in every parameter and body field, and the form of the page it would show (a valid body, the
    one a view could act upon before looking its object up)."""
    _assert_ok(client.get(url), f"GET {url}")
    keys = sorted(set(COMMON_KEYS) | set(fields))
    for value in (BIG, NESTED):
        _assert_ok(client.get(url, dict.fromkeys(keys, value)), f"GET {url} = {value[:30]!r}")
        _assert_ok(client.post(url, dict.fromkeys(keys, value)), f"POST {url} = {value[:30]!r}")
    if fields:
        _assert_ok(client.post(url, fields), f"POST {url} another page's form")


def _fuzz(client, url):
    """The whole matrix on an address the person can reach; returns the page's form (sent to the absent addresses)."""
    page = client.get(url)
    _assert_ok(page, f"GET {url}")
    if _out_of_reach(page):
        _knock(client, url, {})
        return {}
    forms = page_forms(page)
    fields = forms.post
    keys = sorted(set(COMMON_KEYS) | set(fields))
    # Query strings: every key with the same garbage value, as a scalar and as a list.
    for value in GARBAGE:
        _assert_ok(client.get(url, dict.fromkeys(keys, value)), f"GET {url} = {value[:30]!r}")
    _assert_ok(client.get(url, {key: ["1", "abc"] for key in keys}), f"GET {url} lists")
    _assert_ok(client.get(url + "?q=%ff%fe&page=%c3%28&tri=%80"), f"GET {url} invalid UTF-8")
    # Bodies: garbage everywhere, lists, invalid UTF-8, then each form field in turn.
    for value in GARBAGE:
        _assert_ok(client.post(url, dict.fromkeys(keys, value)), f"POST {url} = {value[:30]!r}")
    _assert_ok(client.post(url, {key: ["1", "abc"] for key in keys}), f"POST {url} lists")
    _assert_ok(
        client.post(url, b"title=%ff%fe&action=%c3%28", content_type="application/x-www-form-urlencoded"),
        f"POST {url} invalid UTF-8",
    )
    _assert_ok(client.post(url, b"{not json", content_type="application/json"), f"POST {url} JSON")
    for field in fields:
        for value in FIELD_GARBAGE:
            _assert_ok(client.post(url, {**fields, field: value}), f"POST {url} {field}={value[:30]!r}")
    if fields:  # every POST above sends the whole form, so its own values once are enough
        _assert_ok(client.post(url, fields), f"POST {url} form defaults")
    for field in forms.files:
        for name, content in garbage_files():
            _assert_ok(client.post(url, {**fields, field: upload(name, content)}), f"POST {url} {field}={name}")
    return fields


@pytest.mark.exhaustive
@pytest.mark.parametrize("role", ["anonymous", "citizen", "editor"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_never_a_500(client, world, pattern, role):
    if role == "citizen":
        client.force_login(world.citizen)
    elif role == "editor":
        client.force_login(world.editor)
    real, absent = _urls(pattern, world)
    fields = [_fuzz(client, url) for url in real]  # every kind of a comment-or-proposal address
    for url in absent:
        _knock(client, url, fields[0])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/participation/processes",
        "/api/v1/participation/processes/demarche-a",
        "/api/v1/participation/processes/demarche-a/proposals",
        "/api/v1/participation/processes/demarche-a/budgets",
        "/api/v1/participation/processes/demarche-a/followups",
        "/api/v1/participation/processes/nexiste-pas/proposals",
    ],
)
def test_api_never_a_500(client, world, path):
    keys = ["limit", "offset", "organisation", "theme", "state", "q", "status", "category", "district", "sort"]
    for value in GARBAGE:
        _assert_ok(client.get(path, dict.fromkeys(keys, value)), f"GET {path} = {value[:30]!r}")
    _assert_ok(client.get(path, {key: ["1", "abc"] for key in keys}), f"GET {path} lists")
    _assert_ok(client.get(path + "?q=%ff%fe&limit=%c3%28"), f"GET {path} invalid UTF-8")


OPEN_PHASE_PATTERNS = [
    p
    for p in PATTERNS
    if p.name.startswith(("budget_", "ballot_", "code_", "survey_detail", "proposal_", "process_", "comment_"))
]


@pytest.mark.exhaustive
@pytest.mark.parametrize("verification", ["account", "code"])
@pytest.mark.parametrize("kind", ["vote", "survey", "debate"])
@pytest.mark.parametrize("pattern", OPEN_PHASE_PATTERNS, ids=str)
def test_never_a_500_while_the_phase_is_open(client, world, pattern, kind, verification):
    """The same fuzzing while a vote, a survey or a debate is open (the forms that only then appear)."""
    from auzolan.participation.models import Phase

    if verification == "code" and kind != "vote":
        pytest.skip("codes are for votes")
    Phase.objects.filter(pk=world.phase.pk).update(kind=kind, verification=verification)
    client.force_login(world.citizen)
    _fuzz(client, _urls(pattern, world)[0][0])
