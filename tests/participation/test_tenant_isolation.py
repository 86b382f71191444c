"""Tenant isolation of every participation URL, enumerated from the URL resolver (a new page cannot escape).

Two organisations A and B, each with a full participation world. An editor of B:
- gets a 404 on every management URL naming A's organisation or process (GET and POST);
- gets a 404 on every URL that names B's process (which B's editor manages) with an object of A's process in the
  other arguments (a budget, project, survey, question, answer, follow-up, comment, phase, category, district…);
- gets a 404 on every URL of A's process while it is a draft.
Nothing of A changes after all those requests.
"""

from __future__ import annotations

import pytest

from auzolan.participation.models import (
    Budget,
    Category,
    Comment,
    District,
    FollowUp,
    FollowUpUpdate,
    Phase,
    Process,
    Project,
    Proposal,
    Question,
    Survey,
    UserBlock,
)
from tests.never500.world import world_fixture
from tests.participation.security_world import (
    NOT_TENANT_SCOPED,
    build_world,
    kwargs_for,
    participation_patterns,
    url_for,
)

PATTERNS = [p for p in participation_patterns() if p.name not in NOT_TENANT_SCOPED]
KINDS = ("proposition", "commentaire")


def _variants(pattern):
    return KINDS if "kind" in pattern.kwargs else ("proposition",)


def _garbage_post(pattern) -> dict:
    """A POST that would change something if it reached a form (every field name the views read)."""
    return {
        "action": "delete",
        "transition": "publish",
        "delete": "1",
        "publish": "1",
        "title": "Piraté",
        "name": "Piraté",
        "reason": "Piraté",
        "item-title": "Piraté",
        "item-status": "done",
        "item-progress": "100",
    }


@pytest.fixture(scope="module")
def _worlds(django_db_setup, django_db_blocker):
    """Both worlds, built once for the module (not once for each of its 160 tests): each test runs in a savepoint."""
    yield from world_fixture(django_db_setup, django_db_blocker, build=lambda: (build_world("a"), build_world("b")))


@pytest.fixture
def worlds(_worlds, db):
    return _worlds


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (
            Process,
            Phase,
            Category,
            District,
            Proposal,
            Comment,
            UserBlock,
            Survey,
            Question,
            Budget,
            Project,
            FollowUp,
            FollowUpUpdate,
        )
    } | {
        "titles": sorted(Process.objects.values_list("title", "state")),
        "surveys": sorted(Survey.objects.values_list("title", "published_at")),
        "followups": sorted(FollowUp.objects.values_list("title", "status", "progress")),
    }


def _check(client, url, *, expected=404):
    """GET and POST: a 404 (or a 405 when the view does not take that method, before any lookup)."""
    statuses = {}
    for method in ("get", "post"):
        response = getattr(client, method)(url, _garbage_post(None) if method == "post" else None)
        statuses[method] = response.status_code
        assert response.status_code in (expected, 405), f"{method.upper()} {url}: {response.status_code}"
    assert expected in statuses.values(), f"{url}: neither GET nor POST reached the view ({statuses})"


def test_every_pattern_is_understood():
    """The enumeration sees the pages of every area (guard against an empty parametrisation)."""
    names = {p.name for p in PATTERNS}
    for expected in (
        "process_manage",
        "manage_budget",
        "manage_codes",
        "survey_manage",
        "moderation_queue",
        "followup_edit",
        "process_statistics",
        "process_open_data_publish",
        "census",
        "district_edit",
        "survey_answer_moderate",
    ):
        assert expected in names


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p.is_management], ids=str)
def test_management_urls_of_another_organisation_are_404(client, worlds, pattern):
    world_a, world_b = worlds
    client.force_login(world_b.editor)
    before = _snapshot()
    for kind in _variants(pattern):
        _check(client, url_for(pattern, kwargs_for(pattern, slug_world=world_a, object_world=world_a, kind=kind)))
    assert _snapshot() == before


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if set(p.kwargs) - {"slug", "org_slug", "kind"}], ids=str)
def test_own_process_with_objects_of_another_organisation_is_404(client, worlds, pattern):
    """B's editor names B's process (or organisation) and an object of A: always a 404, never A's object."""
    world_a, world_b = worlds
    client.force_login(world_b.editor)
    before = _snapshot()
    for kind in _variants(pattern):
        _check(client, url_for(pattern, kwargs_for(pattern, slug_world=world_b, object_world=world_a, kind=kind)))
    assert _snapshot() == before


@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_urls_of_a_draft_process_of_another_organisation_are_404(client, worlds, pattern):
    world_a, world_b = worlds
    Process.objects.filter(pk=world_a.process.pk).update(state=Process.State.DRAFT, published_at=None)
    if "slug" not in pattern.kwargs:
        pytest.skip("no process in this URL (organisation pages: see the management test)")
    client.force_login(world_b.editor)
    before = _snapshot()
    for kind in _variants(pattern):
        _check(client, url_for(pattern, kwargs_for(pattern, slug_world=world_a, object_world=world_a, kind=kind)))
    assert _snapshot() == before


def test_world_is_reachable_by_its_own_editor(client, worlds):
    """The same URLs answer 200 to A's editor (so the 404s above are isolation, not broken fixtures)."""
    world_a, _world_b = worlds
    client.force_login(world_a.editor)
    reached = 0
    for pattern in PATTERNS:
        if not pattern.is_management:
            continue
        url = url_for(pattern, kwargs_for(pattern, slug_world=world_a, object_world=world_a))
        status = client.get(url).status_code
        assert status in (200, 405), f"GET {url}: {status}"
        reached += status == 200
    assert reached >= 15
