"""Statistics of a process: distinct participants (anonymous survey answers included, counted once), figures by
district protected against small counts, the public page, the block on the process page, home figures."""

import pytest
from django.urls import reverse

from auzolan.core.registry import page_sections
from auzolan.participation.models import Ballot, Budget, Comment, Process, Support
from auzolan.participation.selectors.statistics import home_figures_values, process_statistics
from auzolan.participation.services import surveys as survey_services
from auzolan.participation.small_counts import protect_small_counts
from tests.accounts.factories import UserFactory
from tests.participation.factories import DistrictFactory, ProcessFactory, ProposalFactory, process_with_phase
from tests.participation.factories_surveys import SurveyFactory, manager_of, question

pytestmark = pytest.mark.django_db


def _comment(process, proposal, author, **kwargs):
    return Comment.objects.create(
        organisation=process.organisation, process=process, proposal=proposal, author=author, body="Oui", **kwargs
    )


@pytest.fixture
def busy_process():
    process = process_with_phase("survey")
    big = DistrictFactory(organisation=process.organisation, name="Centre")
    small = DistrictFactory(organisation=process.organisation, name="Hameau")
    people = [UserFactory() for _ in range(8)]
    # 6 proposals in the centre by 6 people, supported by the 8; 1 proposal in the hamlet.
    centre = [ProposalFactory(process=process, district=big, author=person) for person in people[:6]]
    hamlet = ProposalFactory(process=process, district=small, author=people[6])
    ProposalFactory(process=process, district=big, author=people[7], is_hidden=True)
    for proposal in centre:
        for person in people:
            Support.objects.create(proposal=proposal, user=person)
    Support.objects.create(proposal=hamlet, user=people[0])
    port = DistrictFactory(organisation=process.organisation, name="Port")
    for person in people[:5]:
        proposal = ProposalFactory(process=process, district=port, author=person)
        for supporter in people[:5]:
            Support.objects.create(proposal=proposal, user=supporter)
    _comment(process, centre[0], people[1])
    _comment(process, centre[0], people[2], is_hidden=True)
    # Survey: two of the same people answer anonymously, and one new person.
    survey = SurveyFactory(process=process)
    q = question(survey, "single", ["Oui", "Non"])
    for person in (people[0], people[1], UserFactory()):
        survey_services.survey_answer(actor=person, survey=survey, answers={q.pk: q.choices.first().pk})
    budget = Budget.objects.create(process=process, title="Budget", envelope=1000, district=big, paper_ballots=12)
    Ballot.objects.create(budget=budget, user=people[3], receipt="r1")
    return process, people


def test_process_statistics(busy_process):
    process, _people = busy_process
    stats = process_statistics(process=process)
    assert stats["participants"] == 9  # 8 people + 1 anonymous respondent; anonymous answers of the 8 counted once
    assert stats["proposals"] == 12  # the hidden one is not counted
    assert stats["supports"] == 74
    assert stats["comments"] == 1
    assert stats["survey_responses"] == 3
    assert stats["ballots"] == 1 and stats["paper_ballots"] == 12
    rows = {
        row["district"].name: {cell["column"]: cell["value"] for cell in row["cells"]} for row in stats["districts"]
    }
    # Hameau: 1 proposal, 1 support, 2 participants: hidden (< 5).
    assert rows["Hameau"] == {"participants": None, "proposals": None, "supports": None, "comments": 0, "ballots": 0}
    # Port's figures are hidden too (the smallest others), so that Hameau's cannot be worked out by subtraction.
    assert rows["Port"] == {"participants": None, "proposals": None, "supports": None, "comments": 0, "ballots": 0}
    assert rows["Centre"] == {"participants": 8, "proposals": 6, "supports": 48, "comments": None, "ballots": None}


def test_small_count_protection_rule():
    rows = [
        {"name": "A", "n": 3},
        {"name": "B", "n": 7},
        {"name": "C", "n": 40},
        {"name": "D", "n": 0},
    ]
    protect_small_counts(rows, columns=("n",))
    values = {row["name"]: row["cells"][0]["value"] for row in rows}
    assert values == {"A": None, "B": None, "C": 40, "D": 0}
    rows = [{"name": "A", "n": 3}, {"name": "B", "n": 2}, {"name": "C", "n": 9}]
    protect_small_counts(rows, columns=("n",))
    assert [row["cells"][0]["value"] for row in rows] == [None, None, 9]


def test_public_statistics_page(client, busy_process):
    process, _people = busy_process
    response = client.get(reverse("participation:process_statistics", kwargs={"slug": process.slug}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "moins de 5" in content and "reconnaître les personnes" in content
    assert 'role="img"' in content and "<caption>" in content
    assert "Publier les données en open data" not in content  # for the organisation only
    client.force_login(manager_of(process))
    content = client.get(reverse("participation:process_statistics", kwargs={"slug": process.slug})).content.decode()
    assert "Publier les données en open data" in content


def test_statistics_of_a_draft_process_are_hidden(client):
    process = ProcessFactory(state=Process.State.DRAFT)
    url = reverse("participation:process_statistics", kwargs={"slug": process.slug})
    assert client.get(url).status_code == 404
    client.force_login(manager_of(process))
    assert client.get(url).status_code == 200


def test_statistics_page_query_count(client, busy_process, django_assert_max_num_queries):
    process, _people = busy_process
    with django_assert_max_num_queries(30):
        client.get(reverse("participation:process_statistics", kwargs={"slug": process.slug}))


def test_process_page_section(rf, busy_process):
    process, people = busy_process
    request = rf.get("/")
    request.user = people[0]
    sections = dict(page_sections("participation_process", request, process))
    section = sections["participation/surveys/_section.html"]
    assert section["surveys"][0]["answered"] is True
    assert section["can_manage"] is False


def test_home_figures_count_distinct_accounts(busy_process):
    values = home_figures_values()
    assert values["participants"] == 8  # accounts; anonymous survey answers are not linked to accounts


def test_process_page_shows_the_surveys_block_and_the_answer_link(client, busy_process):
    process, _people = busy_process
    survey = process.surveys.get()
    client.force_login(UserFactory())
    content = client.get(process.get_absolute_url()).content.decode()
    survey_url = reverse("participation:survey_detail", kwargs={"slug": process.slug, "pk": survey.pk})
    assert "Statistiques de participation" in content
    assert content.count(f'href="{survey_url}"') >= 2  # the block and "what you can do now"
