"""Below the pages: youth's services (permissions, refusals, one partnership per organisation, audit) and selectors
(the directory, the youth page read through participation's selectors), and the survey audience participation got."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from auzolan.core.errors import Conflict, PermissionDenied, ValidationError
from auzolan.participation.models import Survey
from auzolan.participation.selectors import surveys as survey_selectors
from auzolan.participation.services import surveys as survey_services
from auzolan.youth import selectors, services
from auzolan.youth.models import Collaboration, Partnership
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.participation.factories_surveys import SurveyFactory, manager_of

pytestmark = pytest.mark.django_db


def _create(actor, organisation, **kwargs):
    return services.partnership_create(
        actor=actor,
        organisation=organisation,
        collaborations=kwargs.pop("collaborations", ["workshops"]),
        description=kwargs.pop("description", "Des ateliers."),
        **kwargs,
    )


def test_only_staff_write(world):
    with pytest.raises(PermissionDenied):
        _create(UserFactory(), OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.action_create(
            actor=UserFactory(), survey=world["survey"], title="X", decided_by="Y", decided_on=timezone.localdate()
        )


def test_one_partnership_per_organisation(world):
    with pytest.raises(Conflict) as error:
        _create(world["operator"], world["public"].organisation)
    assert error.value.field == "organisation"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"collaborations": []}, "collaborations"),
        ({"collaborations": ["workshops", "moon"]}, "collaborations"),
        ({"description": "  "}, "description"),
        ({"since": timezone.localdate() + dt.timedelta(days=1)}, "since"),
    ],
)
def test_partnership_refusals(world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        _create(world["operator"], OrganisationFactory(), **kwargs)
    assert error.value.field == field
    assert not Partnership.objects.filter(description="Des ateliers.").exists()


def test_update_replaces_collaborations_and_audits(world):
    partnership = services.partnership_update(
        actor=world["operator"],
        partnership=world["public"],
        collaborations=["yesict", "yesict", "data_reuse"],
        description="Nouveau texte",
        is_public=True,
    )
    assert sorted(Collaboration.objects.filter(partnership=partnership).values_list("kind", flat=True)) == [
        "data_reuse",
        "yesict",
    ]
    assert partnership.description == "Nouveau texte"


def test_action_needs_a_youth_survey(world):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=world["operator"],
            survey=world["general_survey"],
            title="X",
            decided_by="Y",
            decided_on=timezone.localdate(),
        )
    assert error.value.field == "survey"


def test_directory_selector_filters_with_one_row_per_partner(world):
    both = selectors.public_partnerships(selectors.DirectoryFilters(kind="school", collaboration="rencontres"))
    assert list(both) == [world["public"]]
    assert world["hidden"] not in selectors.public_partnerships()
    assert ("company", "Entreprise") in selectors.directory_kinds()


def test_youth_voice_reads_participation_results(world):
    entries = selectors.youth_voice()
    assert [entry["survey"] for entry in entries] == [world["survey"]]
    entry = entries[0]
    assert entry["results"] == survey_selectors.survey_results(survey=world["survey"])
    rows = entry["results"]["questions"][0]["rows"]
    assert [row["count"] for row in rows] == [None, None, 0]  # 3 is small; 8, the only other, hidden with it
    assert [action.title for action in entry["actions"]] == ["Des navettes du soir", "Un forum des métiers"]


def test_survey_audience_through_participation_services(world):
    survey = SurveyFactory()
    editor = manager_of(survey.process)
    assert survey.audience == Survey.Audience.GENERAL
    survey_services.survey_update(actor=editor, survey=survey, title=survey.title, audience="youth")
    survey.refresh_from_db()
    assert survey.audience == "youth"
    with pytest.raises(ValidationError):
        survey_services.survey_update(actor=editor, survey=survey, title=survey.title, audience="seniors")
    assert survey in survey_selectors.surveys_with_public_results(audience="youth")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (SQLite serialises writes)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_make_one_partnership():
    """Three staff clicks at once (PostgreSQL): the unique organisation makes one, the others a Conflict. The
    sequential case is `test_one_partnership_per_organisation`."""
    operator = UserFactory(is_staff=True)
    organisation = OrganisationFactory()
    outcomes = []

    def create():
        try:
            _create(operator, organisation)
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    barrier = threading.Barrier(3)

    def start():
        barrier.wait()
        create()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "created"]
    assert Partnership.objects.filter(organisation=organisation).count() == 1
