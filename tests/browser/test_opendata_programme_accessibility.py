"""The open data programme's pages checked with axe-core in a real browser: the agency's dashboard, a pilot group,
the SCDL coverage matrix, an organisation's roadmap, inventory (and its form with an error) and support follow-up."""

import datetime

import pytest

from auzolan.opendata_programme.models import RoadmapStep
from auzolan.opendata_programme.services import roadmap_template_seed
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.opendata_programme.factories import (
    InventoryLineFactory,
    MeetingFactory,
    PilotGroupMemberFactory,
    StepCheckFactory,
    SupportActionFactory,
    scdl_schema,
    validated_dataset,
)
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(login):
    roadmap_template_seed()  # transactional tests flush the migration's steps
    organisation = OrganisationFactory(name="Commune d'Anglet", population=39000, agents_count=800)
    member = PilotGroupMemberFactory(organisation=organisation)
    StepCheckFactory(organisation=organisation, step=RoadmapStep.objects.get(code="commitment"))
    schema = scdl_schema()
    validated_dataset(organisation, schema, valid=True, title="Subventions 2025")
    InventoryLineFactory(organisation=organisation, title="Menus de la cantine")
    meeting = MeetingFactory(organisation=organisation)
    SupportActionFactory(organisation=organisation, meeting=meeting, due_date=datetime.date(2020, 1, 1))
    login(UserFactory(is_staff=True))
    return organisation, member, meeting


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_programme_pages(page, live_server, world):
    organisation, member, meeting = world
    base = f"/organisations/{organisation.slug}/programme-open-data/"
    for path in (
        "/programme-open-data/",
        f"/programme-open-data/groupes/{member.group_id}/",
        "/programme-open-data/couverture-scdl/",
        base,
        base + "inventaire/",
        base + "accompagnement/",
        base + f"accompagnement/reunions/{meeting.pk}/",
        base + f"etapes/{RoadmapStep.objects.get(code='harvested').pk}/valider/",
        organisation.get_absolute_url(),  # the programme's block
        "/moi/",  # the overdue actions' block
    ):
        check(page, live_server, path)


def test_inventory_form_with_errors(page, live_server, world):
    organisation, _member, _meeting = world
    page.goto(live_server.url + f"/organisations/{organisation.slug}/programme-open-data/inventaire/nouvelle-ligne/")
    page.get_by_label("Titre").fill("Arrêtés de circulation")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("[aria-invalid=true]").first.wait_for()
    assert_no_blocking_violations(page)
