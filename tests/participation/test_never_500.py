"""Never a 500: every participation URL (enumerated from the resolver), GET and POST, as an anonymous visitor, a
citizen and an editor of the organisation, with non-existent ids and garbage query strings and bodies.

The bodies are built from the forms the page itself renders (every field, then each field in turn replaced by a
garbage value while the others keep the form's own values, and each file field with garbage files), so new fields
are fuzzed without editing this file. The values (tests/never500/fuzz.py) include big integers, deep nesting, NUL.
This exhaustive matrix runs on SQLite; tests/never500/test_postgresql.py covers what only PostgreSQL shows.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
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


def _urls(pattern, world):
    urls = []
    kinds = ("proposition", "commentaire", "nimporte") if "kind" in pattern.kwargs else ("proposition",)
    for kind in kinds:
        urls.append(url_for(pattern, kwargs_for(pattern, slug_world=world, object_world=world, kind=kind)))
    if pattern.kwargs:
        fake = {}
        for kwarg in pattern.kwargs:
            if kwarg in ("slug", "org_slug"):
                fake[kwarg] = "nexiste-pas"
            elif kwarg == "kind":
                fake[kwarg] = "proposition"
            else:
                fake[kwarg] = 999_999_999
        urls.append(reverse(f"participation:{pattern.name}", kwargs=fake))
        huge = {k: (v if not isinstance(v, int) else 10**30) for k, v in fake.items()}
        huge.update({k: world.process.slug for k in pattern.kwargs if k == "slug"})
        urls.append(reverse(f"participation:{pattern.name}", kwargs=huge))
    # Each address once: without an integer in the path, the out-of-range address is the real one (a process slug)
    # or the unknown one (an organisation slug).
    return list(dict.fromkeys(urls))


def _fuzz(client, url):
    page = client.get(url)
    _assert_ok(page, f"GET {url}")
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
        for value in ("abc", "-1", "2026-02-30", BIG, "a\x00b", "x" * 20_000, NESTED):
            _assert_ok(client.post(url, {**fields, field: value}), f"POST {url} {field}={value[:30]!r}")
    if fields:  # every POST above sends the whole form, so its own values once are enough
        _assert_ok(client.post(url, fields), f"POST {url} form defaults")
    for field in forms.files:
        for name, content in garbage_files():
            _assert_ok(client.post(url, {**fields, field: upload(name, content)}), f"POST {url} {field}={name}")


@pytest.mark.exhaustive
@pytest.mark.parametrize("role", ["anonymous", "citizen", "editor"])
@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_never_a_500(client, world, pattern, role):
    if role == "citizen":
        client.force_login(world.citizen)
    elif role == "editor":
        client.force_login(world.editor)
    for url in _urls(pattern, world):
        _fuzz(client, url)


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
    for url in _urls(pattern, world)[:1]:
        _fuzz(client, url)
