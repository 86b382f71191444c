"""Never a 500: every participation URL (enumerated from the resolver), GET and POST, as an anonymous visitor, a
citizen and an editor of the organisation, with non-existent ids and garbage query strings and bodies.

The bodies are built from the forms the page itself renders (every field, then each field in turn replaced by a
garbage value while the others keep the form's own values), so new fields are fuzzed without editing this file.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.participation.security_world import build_world, kwargs_for, participation_patterns, url_for

PATTERNS = participation_patterns()

GARBAGE = [
    "",
    "abc",
    "-1",
    "0",
    "2026-02-30",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "a\x00b",
    "<script>alert(1)</script>",
    "/a\r\nSet-Cookie: x=1",
    "//evil.example/",
    "x" * 20_000,
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


class _Forms(HTMLParser):
    """The fields of the page's POST forms: name → default value (first seen)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_post = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post = (attrs.get("method") or "").lower() == "post"
        if not self._in_post:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "image"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs or name not in self.fields:
                    self.fields[name] = attrs.get("value") or "on"
            else:
                self.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in self.fields:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and not self.fields.get(self._textarea):
            self.fields[self._textarea] = data.strip()


def _form_fields(response) -> dict[str, str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    parser = _Forms()
    parser.feed(response.content.decode("utf-8", "replace"))
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def _assert_ok(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture
def world(db):
    return build_world("a")


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
    return urls


def _fuzz(client, url):
    page = client.get(url)
    _assert_ok(page, f"GET {url}")
    fields = _form_fields(page)
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
        for value in ("abc", "-1", "2026-02-30", "99999999999999999999999", "a\x00b", "x" * 20_000):
            _assert_ok(client.post(url, {**fields, field: value}), f"POST {url} {field}={value[:30]!r}")
        _assert_ok(client.post(url, fields), f"POST {url} form defaults")


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
