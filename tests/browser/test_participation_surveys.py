"""Surveys and statistics in a real browser: axe checks of the answer page (with and without errors), the results
page, the statistics page and the builder; conditional questions shown and hidden by the small script."""

import pytest
from playwright.sync_api import expect

from auzolan.participation.models import SurveyResponse
from auzolan.participation.services import surveys as services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.participation.factories import DistrictFactory, ProposalFactory, process_with_phase
from tests.participation.factories_surveys import SurveyFactory, manager_of, question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey():
    process = process_with_phase("survey", title="Réaménagement du parc", slug="parc")
    survey = SurveyFactory(process=process, title="Votre avis sur le parc", introduction="Dites-nous **tout**.")
    single = question(survey, "single", ["Oui", "Non"], required=True, position=0, label="Venez-vous au parc ?")
    why = question(survey, "text", position=1, label="Pourquoi pas ?", help_text="Quelques mots suffisent.")
    why.condition_choice = single.choices.get(label="Non")
    why.save()
    question(survey, "multiple", ["Matin", "Midi", "Soir"], max_choices=2, position=2, label="Quand ?")
    question(survey, "scale", position=3, label="Note", scale_min_label="Mauvais", scale_max_label="Très bien")
    question(survey, "ranking", ["Bancs", "Arbres", "Jeux"], position=4, label="Priorités")
    return survey


def _path(survey, suffix=""):
    return f"/participer/{survey.process.slug}/questionnaires/{survey.pk}/{suffix}"


def test_answer_page_conditions_errors_and_success(page, live_server, login, survey):
    login(UserFactory())
    visit(page, live_server, _path(survey))
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
    why = page.locator("#q{}".format(survey.questions.get(label="Pourquoi pas ?").pk))
    expect(why).to_be_hidden()  # the script hides the conditional question until "Non" is picked
    page.get_by_label("Non", exact=True).check()
    expect(why).to_be_visible()
    page.get_by_label("Oui", exact=True).check()
    expect(why).to_be_hidden()
    page.get_by_label("Non", exact=True).check()
    # Submit with an error: too many choices.
    for label in ("Matin", "Midi", "Soir"):
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.get_by_label("Non", exact=True).is_checked()  # answers kept
    assert_no_blocking_violations(page)
    page.get_by_label("Soir", exact=True).uncheck()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert "Merci" in page.content()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_results_page(page, live_server, survey):
    single = survey.questions.get(label="Venez-vous au parc ?")
    for label in ("Oui", "Oui", "Non"):
        services.survey_answer(
            actor=UserFactory(), survey=survey, answers={single.pk: single.choices.get(label=label).pk}
        )
    visit(page, live_server, _path(survey, "resultats/"))
    assert page.locator("h1").count() == 1
    assert page.locator("svg[role=img]").count() >= 1
    assert_no_blocking_violations(page)


def test_statistics_page(page, live_server, login, survey):
    process = survey.process
    district = DistrictFactory(organisation=process.organisation, name="Centre")
    for _ in range(6):
        ProposalFactory(process=process, district=district)
    login(manager_of(process))
    visit(page, live_server, f"/participer/{process.slug}/statistiques/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_builder_pages(page, live_server, login, survey):
    login(manager_of(survey.process))
    visit(page, live_server, f"/participer/gerer/{survey.process.slug}/questionnaires/")
    assert_no_blocking_violations(page)
    visit(page, live_server, f"/participer/gerer/{survey.process.slug}/questionnaires/{survey.pk}/")
    assert_no_blocking_violations(page)
    visit(page, live_server, f"/participer/gerer/{survey.process.slug}/questionnaires/{survey.pk}/questions/nouvelle/")
    assert_no_blocking_violations(page)
    visit(page, live_server, f"/participer/gerer/{survey.process.slug}/questionnaires/{survey.pk}/resultats/")
    assert_no_blocking_violations(page)
