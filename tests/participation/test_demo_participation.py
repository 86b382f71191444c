"""The demo's participation. Loading the demo again changes none of its rows: tests/core/test_demo_loaded.py."""

import pytest

from auzolan.catalog.models import Dataset
from auzolan.participation.models import Ballot, Guide, Process, Proposal, SurveyResponse
from tests.demo_world import demo_fixture, media_and_cache_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]  # one worker: one load (tests/demo_world.py)

demo = demo_fixture()
_media_and_cache = media_and_cache_fixture()


def test_demo_has_a_live_idea_box_a_running_survey_and_a_budget_with_results(client):
    processes = {p.template: p for p in Process.objects.filter(organisation__slug="commune-de-bayonne")}
    idea_box = processes["idea_box"]
    assert idea_box.state == "published" and idea_box.active_phase().kind == "ideas"
    assert Proposal.objects.filter(process=idea_box).count() >= 8
    assert Proposal.objects.filter(process=idea_box, status="accepted").exists()
    # Proposals on the map, inside the outlines of their districts (the service checks it), and places in words.
    located = Proposal.objects.filter(process=idea_box, latitude__isnull=False)
    assert located.count() >= 6 and all(p.district.geometry for p in located)
    assert Proposal.objects.filter(process=idea_box).exclude(place="").count() == 8
    map_page = client.get(f"/participer/{idea_box.slug}/propositions/carte/").content.decode()
    assert "Place Paul Bert" in map_page
    assert idea_box.comments.exists()
    consultation = processes["consultation"]
    assert consultation.active_phase().kind == "survey"
    assert SurveyResponse.objects.filter(survey__process=consultation).count() >= 10
    budget_process = processes["budget"]
    assert budget_process.active_phase().kind == "results"
    budgets = list(budget_process.budgets.all())
    assert len(budgets) == 3 and all(b.results_published_at for b in budgets)
    assert Ballot.objects.filter(budget__process=budget_process).count() >= 20
    assert all(b.projects.filter(is_winner=True).exists() for b in budgets)
    assert budget_process.followups.exists()
    assert (
        Dataset.objects.filter(organisation=budget_process.organisation, state="published")
        .filter(title__icontains="budget participatif")
        .exists()
    )
    assert Guide.objects.count() >= 3
    # the pages render
    for url in (
        idea_box.get_absolute_url(),
        budget_process.get_absolute_url(),
        consultation.get_absolute_url(),
        "/participer/demarches/",
    ):
        assert client.get(url).status_code == 200, url
