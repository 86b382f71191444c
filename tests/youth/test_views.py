"""The youth pages through HTTP: the directory and its filters, a partner's page, "Ce que disent les jeunes" (small
counts hidden, actions newest first), the programme block, and the staff's forms."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auzolan.core.models import AuditLogEntry
from auzolan.youth.models import Action, Partnership
from tests.accounts.factories import UserFactory
from tests.events.factories import SessionFactory, VenueFactory
from tests.organisations.factories import OrganisationFactory
from tests.participation.factories_surveys import manager_of
from tests.youth.factories import PartnershipFactory, youth_survey_with_answers

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("youth:directory")
VOICE = reverse("youth:youth_voice")


def test_directory_lists_public_partners_only(world, client):
    page = client.get(DIRECTORY).content.decode()
    assert "Lycée du Labourd" in page and "Hegoa Datu" in page
    assert "Collège caché" not in page


@pytest.mark.parametrize(
    ("query", "shown", "absent"),
    [
        ({"type": "company"}, "Hegoa Datu", "Lycée du Labourd"),
        ({"collaboration": "yesict"}, "Lycée du Labourd", "Hegoa Datu"),
        ({"type": "school", "collaboration": "internships"}, None, "Hegoa Datu"),
        ({"type": "youth_centre"}, None, "Lycée du Labourd"),
    ],
)
def test_directory_filters(world, client, query, shown, absent):
    response = client.get(DIRECTORY, query)
    page = response.content.decode()
    assert response.status_code == 200
    if shown:
        assert shown in page
    else:
        assert "Aucun partenaire ne correspond" in page
    assert absent not in page


@pytest.mark.parametrize(
    "query", [{"type": "rocket"}, {"collaboration": "x" * 300}, {"collaboration": "yesict", "type": ["school", "x"]}]
)
def test_directory_bad_filter_is_400(world, client, query):
    response = client.get(DIRECTORY, query)
    assert response.status_code == 400
    assert "Ces filtres ne sont pas valables" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_directory_query_count_does_not_grow(world, client):
    before = _queries(client, DIRECTORY)
    PartnershipFactory.create_batch(3, kinds=["workshops", "surveys"])
    assert _queries(client, DIRECTORY) == before


def test_youth_page_queries_grow_by_a_fixed_number_per_survey(world, client):
    """Participation's results selector runs once per survey (a fixed number of queries each, whatever the answers)."""
    counts = [_queries(client, VOICE)]
    for answers in (5, 9):
        youth_survey_with_answers(counts={"Oui": answers}, users=[UserFactory() for _ in range(answers)])
        counts.append(_queries(client, VOICE))
    assert counts[2] - counts[1] == counts[1] - counts[0] > 0


def test_partner_page_and_its_sessions(world, client):
    organisation = world["public"].organisation
    hosted = SessionFactory(venue=VenueFactory(organisation=organisation), title="Atelier au lycée")
    SessionFactory(event__state="draft", venue=VenueFactory(organisation=organisation), title="Séance en brouillon")
    response = client.get(reverse("youth:partner_detail", args=[organisation.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Accueille des Rencontres Numériques" in page and "Vie scolaire" in page
    assert hosted.title in page and "Séance en brouillon" not in page


@pytest.mark.parametrize("who", ["anonymous", "operator"])
def test_hidden_partner_is_404_except_for_staff(world, client, who):
    if who == "operator":
        client.force_login(world["operator"])
    response = client.get(reverse("youth:partner_detail", args=[world["hidden"].organisation.slug]))
    assert response.status_code == (200 if who == "operator" else 404)


def test_unknown_partner_is_404(world, client):
    assert client.get(reverse("youth:partner_detail", args=["nobody"])).status_code == 404


def test_youth_voice_reports_public_results_with_small_counts_hidden(world, client):
    page = client.get(VOICE).content.decode()
    survey = world["survey"]
    assert survey.title in page
    assert "Privé" not in page and "Général" not in page and "Brouillon" not in page
    # 8 answers shown; 3 is a small count ("moins de 5"), and the only other count is hidden with it.
    assert "moins de 5" in page
    assert ">3<" not in page and ">8<" not in page
    assert "<svg" in page and "<caption>" in page
    # Actions: published ones only, newest decision first.
    assert "Action non publiée" not in page
    assert page.index("Des navettes du soir") < page.index("Un forum des métiers")


def test_youth_voice_shows_counts_above_the_threshold(world, client):
    youth_survey_with_answers(counts={"Logement": 7, "Transports": 6}, users=[UserFactory() for _ in range(13)])
    page = client.get(VOICE).content.decode()
    assert ">7<" in page and ">6<" in page


def test_an_editor_marks_a_survey_as_youth_and_it_appears(world, client):
    survey = youth_survey_with_answers(
        counts={"Oui": 5}, users=[UserFactory() for _ in range(5)], audience="general", title="Sortir le soir"
    )
    assert "Sortir le soir" not in client.get(VOICE).content.decode()
    client.force_login(manager_of(survey.process))
    url = reverse("participation:survey_manage", kwargs={"slug": survey.process.slug, "pk": survey.pk})
    assert 'name="audience"' in client.get(url).content.decode()
    data = {"title": survey.title, "is_anonymous": "on", "results_public": "on", "audience": "youth"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "audience": "aliens"}).status_code == 400
    client.logout()
    assert "Sortir le soir" in client.get(VOICE).content.decode()


def test_programme_page_has_the_youth_block(world, client):
    page = client.get(reverse("core:programme_youth")).content.decode()
    assert "Partenaires et parole des jeunes" in page
    assert world["survey"].title in page


# --- Staff ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["youth:manage_home", "youth:partnership_create", "youth:action_create"])
def test_management_is_404_for_non_staff(world, client, url):
    client.force_login(UserFactory())
    assert client.get(reverse(url)).status_code == 404


def test_staff_creates_a_partnership_once(world, client):
    client.force_login(world["operator"])
    organisation = OrganisationFactory(kind="youth_centre", name="Maison des jeunes")
    url = reverse("youth:partnership_create")
    form = client.get(url).context["form"]
    data = {
        "organisation": organisation.pk,
        "collaborations": ["workshops", "surveys"],
        "description": "Soirées parents–ados.",
        "contact_role": "Animation jeunesse",
        "is_public": "on",
        "submission": str(form["submission"].initial),
    }
    assert client.post(url, data).status_code == 302
    # A double click: the organisation is no longer offered (already a partner), nothing is created twice.
    assert client.post(url, data).status_code == 400
    partnership = Partnership.objects.get(organisation=organisation)
    assert sorted(partnership.collaboration_labels) == sorted(
        ["Ateliers avec des jeunes", "Enquêtes auprès des jeunes"]
    )
    assert AuditLogEntry.objects.filter(action="youth.partnership.created").count() == 1
    page = client.get(DIRECTORY, {"type": "youth_centre"}).content.decode()
    assert "Maison des jeunes" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"collaborations": []}, "collaborations"),
        ({"collaborations": ["moon"]}, "collaborations"),
        ({"description": "   "}, "description"),
        ({"since": "2999-01-01"}, "since"),
        ({"since": "pas une date"}, "since"),
        ({"contact_email": "pas une adresse"}, "contact_email"),
    ],
)
def test_partnership_edit_refuses_bad_input_with_400(world, client, change, field):
    client.force_login(world["operator"])
    partnership = world["public"]
    data = {"collaborations": ["yesict"], "description": "Texte", "is_public": "on", **change}
    response = client.post(reverse("youth:partnership_edit", args=[partnership.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]


def test_staff_edits_and_deletes_a_partnership(world, client):
    client.force_login(world["operator"])
    partnership = world["company"]
    url = reverse("youth:partnership_edit", args=[partnership.pk])
    data = {"collaborations": ["data_reuse"], "description": "Réutilise les données.", "contact_role": "Accueil"}
    assert client.post(url, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.is_public is False and partnership.collaboration_labels == ["Réutilisation de données ouvertes"]
    assert client.post(reverse("youth:partnership_delete", args=[partnership.pk])).status_code == 302
    assert not Partnership.objects.filter(pk=partnership.pk).exists()
    assert partnership.organisation.__class__.objects.filter(pk=partnership.organisation_id).exists()


def test_staff_records_an_action_and_the_page_shows_it_first(world, client):
    client.force_login(world["operator"])
    url = reverse("youth:action_create")
    form = client.get(url).context["form"]
    assert world["general_survey"] not in form.fields["survey"].queryset
    data = {
        "survey": world["survey"].pk,
        "title": "Une résidence pour apprentis",
        "decided_by": "Commune de Bayonne",
        "decided_on": timezone.localdate().isoformat(),
        "status": "in_progress",
        "is_public": "on",
        "submission": str(form["submission"].initial),
    }
    assert client.post(url, data).status_code == 302
    client.logout()
    page = client.get(VOICE).content.decode()
    assert page.index("Une résidence pour apprentis") < page.index("Des navettes du soir")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"survey": "general"}, "survey"),
        ({"decided_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()}, "decided_on"),
        ({"status": "maybe"}, "status"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"title": ""}, "title"),
    ],
)
def test_action_form_refuses_bad_input_with_400(world, client, change, field):
    client.force_login(world["operator"])
    action = world["action"]
    data = {
        "survey": world["survey"].pk,
        "title": "Titre",
        "decided_by": "Conseil",
        "decided_on": timezone.localdate().isoformat(),
        "status": "decided",
        **change,
    }
    if data["survey"] == "general":
        data["survey"] = world["general_survey"].pk
    response = client.post(reverse("youth:action_edit", args=[action.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    action.refresh_from_db()
    assert action.title == "Des navettes du soir"


def test_staff_deletes_an_action(world, client):
    client.force_login(world["operator"])
    action = world["older_action"]
    assert client.post(reverse("youth:action_delete", args=[action.pk])).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()
