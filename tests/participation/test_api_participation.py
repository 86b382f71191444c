"""The participation read API: every endpoint, drafts 404, no personal data, pagination limits, bad params."""

import json

import pytest
from django.utils import timezone

from auzolan.participation.models import Process, Proposal
from tests.accounts.factories import UserFactory
from tests.participation.factories import CategoryFactory, PhaseFactory, ProcessFactory, ProposalFactory
from tests.participation.factories_followup import (
    FollowUpFactory,
    FollowUpUpdateFactory,
    PublishedBudgetFactory,
    WinningProjectFactory,
    editor_of,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/participation"


@pytest.fixture
def world():
    author = UserFactory(email="auteur.secret@exemple.fr", full_name="Maïalen Etxeberri")
    answerer = UserFactory(email="agent.secret@exemple.fr", full_name="Peio Agent Secret")
    process = ProcessFactory(title="Budget participatif 2026", theme="urbanism")
    PhaseFactory(process=process, kind="ideas")
    category = CategoryFactory(process=process, name="Mobilité")
    visible = ProposalFactory(
        process=process,
        author=author,
        category=category,
        title="Des bancs",
        status=Proposal.Status.ACCEPTED,
        answered_by=answerer,
        answer="Oui.",
        answered_at=timezone.now(),
    )
    hidden = ProposalFactory(
        process=process,
        author=author,
        title="Texte masqué secret",
        body="Corps masqué secret",
        is_hidden=True,
        hidden_reason="Injurieux",
    )
    budget = PublishedBudgetFactory(process=process)
    winner = WinningProjectFactory(budget=budget, proposal=visible, online_votes=30, paper_votes=5, rank=1)
    unpublished = PublishedBudgetFactory(process=process, results_published_at=None)
    WinningProjectFactory(budget=unpublished, online_votes=99, rank=1, is_winner=True)
    item = FollowUpFactory(process=process, proposal=visible)
    FollowUpUpdateFactory(followup=item, author=answerer, text="Commandé.")
    draft = ProcessFactory(state=Process.State.DRAFT, title="Brouillon secret")
    return {
        "process": process,
        "visible": visible,
        "hidden": hidden,
        "budget": budget,
        "winner": winner,
        "unpublished": unpublished,
        "draft": draft,
        "author": author,
        "answerer": answerer,
    }


def test_process_list_and_filters(client, world):
    ProcessFactory(state=Process.State.CLOSED, theme="culture", title="Fête")
    body = client.get(f"{API}/processes").json()
    titles = [p["title"] for p in body["results"]]
    assert body["count"] == 2 and "Brouillon secret" not in titles
    assert [p["title"] for p in client.get(f"{API}/processes?theme=culture").json()["results"]] == ["Fête"]
    assert [p["title"] for p in client.get(f"{API}/processes?state=closed").json()["results"]] == ["Fête"]
    assert client.get(f"{API}/processes?q=budget").json()["count"] == 1
    org = world["process"].organisation.slug
    assert client.get(f"{API}/processes?organisation={org}").json()["count"] == 1


def test_process_detail_with_phases(client, world):
    body = client.get(f"{API}/processes/{world['process'].slug}").json()
    assert body["title"] == "Budget participatif 2026"
    assert [p["kind"] for p in body["phases"]] == ["ideas"]
    assert body["active_phase"]["kind"] == "ideas"
    assert set(body["active_phase"]["actions"]) == {"propose", "comment", "support"}
    assert body["proposals_count"] == 1


def test_draft_is_404_everywhere_even_for_its_editors(client, world):
    draft = world["draft"]
    client.force_login(editor_of(draft))
    for suffix in ("", "/proposals", "/budgets", "/followups"):
        response = client.get(f"{API}/processes/{draft.slug}{suffix}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not-found"
    assert client.get(f"{API}/processes/unknown").status_code == 404


def test_proposals_without_personal_data_and_hidden_left_out(client, world):
    body = client.get(f"{API}/processes/{world['process'].slug}/proposals").json()
    assert body["count"] == 1 and body["hidden_count"] == 1
    proposal = body["results"][0]
    assert proposal["title"] == "Des bancs" and proposal["category"] == "Mobilité" and proposal["answer"] == "Oui."
    assert "author" not in proposal and "answered_by" not in proposal


def test_no_personal_data_in_any_response(client, world):
    slug = world["process"].slug
    secrets = [
        world["author"].email,
        world["author"].full_name,
        world["answerer"].email,
        world["answerer"].full_name,
        "Texte masqué secret",
        "Corps masqué secret",
        "Brouillon secret",
        world["process"].secret,
    ]
    for path in (
        "/processes",
        f"/processes/{slug}",
        f"/processes/{slug}/proposals",
        f"/processes/{slug}/budgets",
        f"/processes/{slug}/followups",
    ):
        response = client.get(API + path)
        assert response.status_code == 200, path
        text = json.dumps(response.json(), ensure_ascii=False)
        for secret in secrets:
            assert secret not in text, (path, secret)
        assert f'"author_id": {world["author"].pk}' not in text


def test_budgets_results_only_once_published(client, world):
    body = client.get(f"{API}/processes/{world['process'].slug}/budgets").json()
    published = next(b for b in body if b["id"] == world["budget"].pk)
    assert published["projects"][0]["votes"] == 35
    assert published["projects"][0]["rank"] == 1 and published["projects"][0]["is_winner"] is True
    assert published["projects"][0]["proposal_id"] == world["visible"].pk
    hidden = next(b for b in body if b["id"] == world["unpublished"].pk)
    assert hidden["projects"][0]["votes"] is None
    assert hidden["projects"][0]["rank"] is None and hidden["projects"][0]["is_winner"] is None
    assert hidden["paper_ballots"] is None


def test_followups(client, world):
    body = client.get(f"{API}/processes/{world['process'].slug}/followups").json()
    assert body[0]["proposal_id"] == world["visible"].pk
    assert body[0]["updates"][0]["text"] == "Commandé."
    assert "author" not in body[0]["updates"][0]


def test_pagination_limits(client, world):
    ProposalFactory.create_batch(5, process=world["process"])
    slug = world["process"].slug
    body = client.get(f"{API}/processes/{slug}/proposals?limit=2&offset=2").json()
    assert body["count"] == 6 and body["limit"] == 2 and body["offset"] == 2 and len(body["results"]) == 2
    assert client.get(f"{API}/processes/{slug}/proposals?limit=100").status_code == 200
    for query in ("limit=101", "limit=0", "offset=-1", "limit=abc"):
        response = client.get(f"{API}/processes/{slug}/proposals?{query}")
        assert response.status_code == 422, query
        assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "path",
    [
        "/processes?theme=nope",
        "/processes?state=draft",
        "/processes?q=" + "x" * 200,
        "/processes?offset=99999999999",
        "/processes/{slug}/proposals?status=secret",
        "/processes/{slug}/proposals?category=abc",
        "/processes/{slug}/proposals?sort=random",
    ],
)
def test_malformed_params_are_json_4xx(client, world, path):
    response = client.get(API + path.format(slug=world["process"].slug))
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


def test_proposals_filters(client, world):
    slug = world["process"].slug
    assert client.get(f"{API}/processes/{slug}/proposals?status=accepted").json()["count"] == 1
    assert client.get(f"{API}/processes/{slug}/proposals?status=rejected").json()["count"] == 0
    category = world["visible"].category_id
    assert client.get(f"{API}/processes/{slug}/proposals?category={category}").json()["count"] == 1
    assert client.get(f"{API}/processes/{slug}/proposals?sort=supports").status_code == 200


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/participation/processes",
        "/api/v1/participation/processes/{slug}",
        "/api/v1/participation/processes/{slug}/proposals",
        "/api/v1/participation/processes/{slug}/budgets",
        "/api/v1/participation/processes/{slug}/followups",
    ):
        assert path in paths
        assert paths[path]["get"]["summary"]


def test_list_query_counts(client, world, django_assert_max_num_queries):
    for _ in range(20):
        ProposalFactory(process=world["process"], category=world["visible"].category)
        ProcessFactory()
    with django_assert_max_num_queries(4):
        assert client.get(f"{API}/processes/{world['process'].slug}/proposals?limit=100").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(f"{API}/processes?limit=100").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(f"{API}/processes/{world['process'].slug}/budgets").status_code == 200
