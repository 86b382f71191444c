"""Open data: a process's anonymised data published through the catalogue; re-publishing updates the same dataset;
the files hold no personal data, no free text and nothing from hidden content."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.core.errors import NotFound, ValidationError
from auzolan.core.models import Job
from auzolan.core.spreadsheets import safe_cell
from auzolan.participation.models import Budget, Comment, Process, Project, Support
from auzolan.participation.models.surveys import ProcessOpenData
from auzolan.participation.services import opendata
from auzolan.participation.services import surveys as survey_services
from tests.accounts.factories import UserFactory
from tests.participation.factories import (
    CategoryFactory,
    DistrictFactory,
    ProcessFactory,
    ProposalFactory,
    process_with_phase,
)
from tests.participation.factories_processes import editor
from tests.participation.factories_surveys import SurveyFactory, manager_of, question
from tests.tasks import run_queued_tasks


def _rows(version: ResourceVersion) -> list[list[str]]:
    with version.file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode("utf-8"))))


@pytest.fixture
def people():
    return [
        UserFactory(full_name="Amaia Etxeberria", email="amaia@exemple.fr"),
        UserFactory(full_name="Battitt Larralde", email="battitt@exemple.fr"),
    ]


@pytest.fixture
def process(people):
    process = process_with_phase("survey", theme="mobility")
    district = DistrictFactory(organisation=process.organisation, name="Petit Bayonne")
    category = CategoryFactory(process=process, name="Vélo")
    visible = ProposalFactory(
        process=process,
        author=people[0],
        title="=Pistes cyclables",
        body="Texte de la proposition",
        category=category,
        district=district,
        supports_count=1,
        comments_count=1,
    )
    ProposalFactory(
        process=process, author=people[1], title="Proposition masquée", is_hidden=True, hidden_reason="Injures"
    )
    Support.objects.create(proposal=visible, user=people[1])
    Comment.objects.create(
        organisation=process.organisation,
        process=process,
        proposal=visible,
        author=people[1],
        body="Commentaire secret",
    )
    budget = Budget.objects.create(
        process=process, title="Budget 2026", envelope=10000, results_published_at=timezone.now()
    )
    Project.objects.create(
        budget=budget, title="Abri vélos", cost=8000, online_votes=30, paper_votes=4, rank=1, is_winner=True
    )
    Budget.objects.create(process=process, title="Budget non publié", envelope=5000)
    survey = SurveyFactory(process=process, title="Mobilités", is_anonymous=False, free_texts_public=True)
    single = question(survey, "single", ["Oui", "Non"], label="Vélo ?")
    text = question(survey, "text", label="Remarques")
    for person in people:
        response = survey_services.survey_answer(
            actor=person,
            survey=survey,
            answers={single.pk: single.choices.first().pk, text.pk: f"Texte libre de {person.full_name}"},
        )
        response.answers.filter(question=text).update(text_published=True)
    private = SurveyFactory(process=process, title="Questionnaire privé", results_public=False)
    question(private, "single", ["Secret A", "Secret B"], label="Question privée")
    return process


def _files(dataset) -> dict[str, ResourceVersion]:
    return {
        r.current_version.original_name: r.current_version
        for r in Resource.objects.filter(dataset=dataset).select_related("current_version")
    }


@pytest.mark.django_db
def test_publication_creates_a_published_dataset_with_three_files(process, people):
    manager = manager_of(process)
    dataset = opendata.process_publish_open_data(actor=manager, process=process)
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED and dataset.organisation == process.organisation
    assert dataset.licence == "lov2"
    assert set(dataset.themes.values_list("code", flat=True)) == {"GOVE", "TRAN"}
    assert "participation citoyenne" in set(dataset.keywords.values_list("name", flat=True))
    files = _files(dataset)
    assert set(files) == {"proposals.csv", "budget_results.csv", "survey_aggregates.csv"}
    proposals = _rows(files["proposals.csv"])
    assert proposals[0] == [
        "id",
        "titre",
        "categorie",
        "quartier",
        "statut",
        "soutiens",
        "commentaires",
        "date_creation",
    ]
    assert len(proposals) == 2 and proposals[1][1:4] == ["'=Pistes cyclables", "Vélo", "Petit Bayonne"]
    budgets = _rows(files["budget_results.csv"])
    assert [row[0] for row in budgets[1:]] == ["Budget 2026"]
    assert budgets[1][2:] == ["Abri vélos", "8000", "30", "4", "34", "1", "oui"]
    surveys = _rows(files["survey_aggregates.csv"])
    assert {row[0] for row in surveys[1:]} == {"Mobilités"}
    # Two people answered: under the small-count threshold, the counts are left empty (masque = oui).
    assert ["Mobilités", "1", "Vélo ?", "Choix unique", "Oui", "", "oui", "", "2"] in surveys


@pytest.mark.django_db
def test_published_files_hold_no_personal_data_nor_hidden_content(process, people):
    dataset = opendata.process_publish_open_data(actor=manager_of(process), process=process)
    for name, version in _files(dataset).items():
        with version.file.open("rb") as handle:
            content = handle.read().decode("utf-8")
        for person in people:
            assert person.email not in content, name
            assert person.full_name not in content and person.full_name.split()[1] not in content, name
        assert "@" not in content, name
        assert "Texte libre" not in content and "Remarques" not in content, name  # no free text question nor answer
        assert "Proposition masquée" not in content and "Injures" not in content, name
        assert "Texte de la proposition" not in content and "Commentaire secret" not in content, name
        assert "Secret A" not in content and "Budget non publié" not in content, name
        header = content.splitlines()[0]
        assert "user" not in header and "auteur" not in header and "author" not in header, name


@pytest.mark.django_db
def test_republishing_updates_the_same_dataset(process):
    manager = manager_of(process)
    first = opendata.process_publish_open_data(actor=manager, process=process)
    ProposalFactory(process=process, title="Nouvelle idée")
    second = opendata.process_publish_open_data(actor=manager, process=process)
    assert first.pk == second.pk
    assert Dataset.objects.filter(organisation=process.organisation).count() == 1
    assert Resource.objects.filter(dataset=first).count() == 3
    files = _files(second)
    assert files["proposals.csv"].number == 2
    assert "Nouvelle idée" in [row[1] for row in _rows(files["proposals.csv"])]
    # If someone deleted the dataset in the catalogue, a new one is made.
    Dataset.objects.filter(pk=first.pk).delete()
    third = opendata.process_publish_open_data(actor=manager, process=process)
    assert third.pk != first.pk and ProcessOpenData.objects.get(process=process).dataset == third


@pytest.mark.django_db
def test_only_managers_publish_and_never_a_draft(process):
    with pytest.raises(NotFound):
        opendata.process_publish_open_data(actor=UserFactory(), process=process)
    draft = ProcessFactory(state=Process.State.DRAFT, organisation=process.organisation)
    with pytest.raises(ValidationError):
        opendata.process_publish_open_data(actor=manager_of(process), process=draft)
    assert not Dataset.objects.exists()


@pytest.mark.django_db
def test_csv_cells_are_guarded_against_formulas():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+33") == "'+33"
    assert safe_cell("-x") == "'-x"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell(-3) == -3 and safe_cell("Vélo") == "Vélo"


@pytest.mark.django_db(transaction=True)
def test_button_on_the_statistics_page_runs_a_background_job(client, process):
    manager = manager_of(process)
    client.force_login(manager)
    response = client.post(reverse("participation:process_open_data_publish", kwargs={"slug": process.slug}))
    job = Job.objects.get(kind="participation.open_data")
    assert response.status_code == 302 and response.url == reverse("core:job_detail", kwargs={"job_id": job.pk})
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    dataset = ProcessOpenData.objects.get(process=process).dataset
    assert dataset.state == Dataset.State.PUBLISHED
    content = client.get(reverse("participation:process_statistics", kwargs={"slug": process.slug})).content.decode()
    assert dataset.get_absolute_url() in content
    client.force_login(UserFactory())
    assert (
        client.post(reverse("participation:process_open_data_publish", kwargs={"slug": process.slug})).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_publishing_the_results_publishes_the_open_data_automatically(client):

    process = process_with_phase("results")
    ProposalFactory(process=process, title="Des bancs")
    actor = editor(process.organisation)
    client.force_login(actor)
    manage = f"/participer/gerer/{process.organisation.slug}/demarches/{process.slug}/"
    assert "publish_results" in client.get(manage).content.decode()
    response = client.post(manage + "etat/", {"transition": "publish_results"})
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.results_published_at is not None
    run_queued_tasks()
    dataset = Dataset.objects.get(organisation=process.organisation, state="published")
    assert process.title in dataset.title
    versions = ResourceVersion.objects.filter(resource__dataset=dataset).count()
    # publishing again with unchanged data adds no version; a second results publication is refused
    opendata.process_open_data_schedule(actor=actor, process=process)
    run_queued_tasks()
    assert ResourceVersion.objects.filter(resource__dataset=dataset).count() == versions
    client.post(manage + "etat/", {"transition": "publish_results"})
    assert "publish_results" not in client.get(manage).content.decode()
