"""Never a 500 on any page of the platform: every URL pattern of the resolver (walked, so that a new page is fuzzed
without editing this file), GET and POST, as an anonymous visitor, a citizen and an editor (administrator of the
organisation), with real, non-existent and out-of-range objects in the address, and garbage everywhere else: big
integers, deeply nested JSON, NUL bytes, huge strings, broken full-text syntax, invalid UTF-8, garbage files.

The participation pages have their own, deeper suite (tests/participation/test_never_500.py, same values); the API
is walked from its OpenAPI document (test_api.py); the back office in test_back_office.py.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.never500.fuzz import (
    COMMON_KEYS,
    DEEP,
    FIELD_GARBAGE,
    GARBAGE,
    assert_no_500,
    garbage_files,
    page_forms,
    upload,
)

#: Fuzzed elsewhere: the API (from its OpenAPI document) and the back office; the participation pages (namespace).
ELSEWHERE = ("api/v1/", "back-office/")
ROLES = ["anonymous", "citizen", "editor"]


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name.replace(":", "-")


def _walk(resolver, prefix="", namespace=""):
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(part for part in (namespace, item.namespace) if part)
            yield from _walk(item, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern) and item.name:
            route = prefix + str(item.pattern)
            name = f"{namespace}:{item.name}" if namespace else item.name
            yield Pattern(route, name, _kwargs(route))


def _kwargs(route: str) -> tuple[str, ...]:
    return tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def _elsewhere(pattern: Pattern) -> bool:
    return pattern.route.startswith(ELSEWHERE) or pattern.name.startswith("participation:")


PATTERNS = [p for p in all_patterns() if not _elsewhere(p)]


def _real(pattern: Pattern, kwarg: str, world):
    route = pattern.route
    if route.startswith(("evenements/", "moi/inscriptions/")):
        return _real_events(pattern, kwarg, world)
    if route.startswith("jeunesse/"):  # youth: a partner's page by its organisation, a partnership or an action
        return world.youth["action"] if "actions/" in route else world.youth[kwarg]
    if route.startswith("experimentations/"):
        return _real_impact(pattern, kwarg, world)
    if kwarg == "slug":
        return world.organisation.slug if route.startswith("organisations/") else world.dataset.slug
    if kwarg == "publish_slug":
        return world.dataset.slug
    if kwarg == "resource":
        return world.resource.identifier
    if kwarg == "number":
        return world.version.number
    if kwarg == "job_id":
        return world.job.pk
    if kwarg == "export":
        return world.export.pk
    if kwarg == "name" and route.startswith("api/"):  # a CKAN action (catalog.ckan)
        return "package_search"
    if kwarg == "name":  # a file under /media/: only public images are served, anything else is a 404
        return "participation/proposals/n5.jpg"
    if kwarg == "token":
        return world.unsubscribe
    if kwarg == "pk":
        for segment, value in (
            ("notifications/", world.notification.pk),
            ("membres/", world.pending_membership.pk),
            ("reutilisations/", world.reuse_link.pk),
            ("moissonnage/executions/", world.harvest_run.pk),
            ("moissonnage/", world.harvest_source.pk),
            ("jetons-api/", world.api_token.pk),
        ):
            if segment in route:
                return value
    if kwarg in world.programme:  # the open data programme's objects (group, member, step, line, meeting, action)
        return world.programme[kwarg]
    learning = {
        "module_slug": "n5-module",
        "piece_key": "quiz",
        "question_key": "single",
        "path_slug": "n5-parcours",
        "public_id": "n5-attestation",
        "organisation_slug": world.organisation.slug,
    }
    if kwarg in learning:
        return learning[kwarg]
    if kwarg == "item_id":  # a step of the path n5-parcours (its module)
        return world.learning_module.path_items.get().pk
    if kwarg == "transition":
        return "archive"
    if kwarg in ("key", "uidb36"):  # allauth's e-mail confirmation and password reset keys
        return "abc"
    raise AssertionError(f"{pattern.name}: teach test_pages what <{kwarg}> designates in {route!r}")


def _real_events(pattern: Pattern, kwarg: str, world):
    """The events' pages (issue 14)."""
    events, route = world.events, pattern.route
    if kwarg == "pk":
        if "attente/" in route:
            return events["entry"]
        return events["session"] if "seances/" in route else events["registration"]
    values = {
        "slug": events["slug"],
        "uid": events["uid"],
        "token": events["token"],
        "name": "publish",
        "decision": "valider",
        "extension": "csv",
    }
    if kwarg in values:
        return values[kwarg]
    raise AssertionError(f"{pattern.name}: teach test_pages what <{kwarg}> designates in {route!r}")


def _real_impact(pattern: Pattern, kwarg: str, world):
    """The impact pages (issue 14)."""
    impact, route = world.impact, pattern.route
    if kwarg == "slug":
        return impact["slug"]
    if kwarg == "name":  # a lifecycle move
        return "start"
    if kwarg == "pk":
        if "groupes/" in route:
            return impact["cohort"]
        if "items/" in route:
            return impact["item"]
        return impact["decision"] if "decisions/" in route else impact["wave"]
    raise AssertionError(f"{pattern.name}: teach test_pages what <{kwarg}> designates in {route!r}")


def _fakes(pattern: Pattern, kwarg: str, real) -> list:
    if isinstance(real, int):
        return [999_999_999, 2**63]
    if isinstance(real, uuid.UUID):
        return [uuid.uuid4()]
    return ["nexiste-pas"] if re.fullmatch(r"[-\w]+", str(real)) else ["x" * 3000]


def urls_for(pattern: Pattern, world) -> tuple[str, list[str]]:
    """The page's address with the world's objects, and addresses naming nothing (unknown, out of range)."""
    real = {kwarg: _real(pattern, kwarg, world) for kwarg in pattern.kwargs}
    url = reverse(pattern.name, kwargs=real)
    fakes = []
    for kwarg in pattern.kwargs:
        for fake in _fakes(pattern, kwarg, real[kwarg]):
            fakes.append(reverse(pattern.name, kwargs={**real, kwarg: fake}))
    return url, fakes


def fuzz_page(client, url: str, *, thorough: bool) -> None:
    """GET the page, then garbage in every parameter at once, in each form field in turn, in each file field.

    `thorough` (the editor, who sees the most): every garbage value in the query string and the body; otherwise the
    few that break databases and parsers (the forms this person sees are still fuzzed field by field)."""
    page = client.get(url)
    assert_no_500(page, f"GET {url}")
    forms = page_forms(page)
    keys = sorted(set(COMMON_KEYS) | forms.get | set(forms.post))
    for value in GARBAGE if thorough else FIELD_GARBAGE:
        assert_no_500(client.get(url, dict.fromkeys(keys, value)), f"GET {url} = {value[:30]!r}")
    for value in GARBAGE if thorough and forms.post else FIELD_GARBAGE:
        assert_no_500(client.post(url, dict.fromkeys(keys, value)), f"POST {url} = {value[:30]!r}")
    if thorough:
        assert_no_500(client.get(url, {key: ["1", "abc"] for key in keys}), f"GET {url} lists")
        assert_no_500(client.get(url + "?q=%ff%fe&page=%c3%28&sort=%80"), f"GET {url} invalid UTF-8")
        assert_no_500(
            client.post(url, b"q=%ff%fe&action=%c3%28", content_type="application/x-www-form-urlencoded"),
            f"POST {url} invalid UTF-8",
        )
        for body in (b"{not json", DEEP.encode()):
            assert_no_500(client.post(url, body, content_type="application/json"), f"POST {url} JSON {body[:9]!r}")
    for field in forms.post:
        for value in FIELD_GARBAGE:
            assert_no_500(client.post(url, {**forms.post, field: value}), f"POST {url} {field}={value[:30]!r}")
    for field in forms.files:
        for name, content in garbage_files():
            others = {f: upload("petit.csv", b"a;b\n1;2\n") for f in forms.files if f != field}
            data = {**forms.post, **others, field: upload(name, content)}
            assert_no_500(client.post(url, data), f"POST {url} {field}={name}")


@pytest.mark.exhaustive
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_never_a_500(client, db, world, pattern, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url, fakes = urls_for(pattern, world)
    fuzz_page(client, url, thorough=role == "editor")
    for fake in fakes:
        assert_no_500(client.get(fake), f"GET {fake[:80]}")
        assert_no_500(client.post(fake, {"q": "a"}), f"POST {fake[:80]}")


def test_every_page_is_fuzzed_somewhere():
    """The patterns left to other suites are the API, the back office and the participation pages, which the
    participation suite enumerates itself."""
    from tests.participation.security_world import participation_patterns

    participation = {f"participation:{p.name}" for p in participation_patterns()}
    for pattern in filter(_elsewhere, all_patterns()):
        assert pattern.route.startswith(ELSEWHERE) or pattern.name in participation, pattern
