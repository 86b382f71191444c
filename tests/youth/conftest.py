import datetime as dt

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.never500.world import world_fixture
from tests.participation.factories_surveys import SurveyFactory
from tests.youth.factories import ActionFactory, PartnershipFactory, youth_survey_with_answers


def build():
    people = [UserFactory() for _ in range(12)]
    # Youth survey with public results: "Au Pays Basque" 8, "Ailleurs" 3 (a small count), "Je ne sais pas" 0.
    survey = youth_survey_with_answers(counts={"Au Pays Basque": 8, "Ailleurs": 3, "Je ne sais pas": 0}, users=people)
    private = youth_survey_with_answers(counts={"Oui": 6}, users=people, results_public=False, title="Privé")
    general = youth_survey_with_answers(counts={"Oui": 6}, users=people, audience="general", title="Général")
    return {
        "survey": survey,
        "private_survey": private,
        "general_survey": general,
        "unpublished_survey": SurveyFactory(audience="youth", published_at=None, title="Brouillon"),
        "public": PartnershipFactory(kinds=["rencontres", "yesict"], organisation__name="Lycée du Labourd"),
        "company": PartnershipFactory(
            kinds=["internships"], organisation__kind="company", organisation__name="Hegoa Datu"
        ),
        "hidden": PartnershipFactory(is_public=False, organisation__name="Collège caché"),
        "action": ActionFactory(survey=survey, title="Des navettes du soir"),
        "older_action": ActionFactory(
            survey=survey, title="Un forum des métiers", decided_on=timezone.localdate() - dt.timedelta(days=40)
        ),
        "private_action": ActionFactory(survey=survey, title="Action non publiée", is_public=False),
        "operator": UserFactory(is_staff=True),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_setup, django_db_blocker, build=build)
