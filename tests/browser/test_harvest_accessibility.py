"""The harvest pages checked with axe-core in a real browser: the list, the form (with an error), a source with its
runs, a dry run's preview with per-record errors, and the dataset page of a harvested dataset."""

import pytest

from auzolan.catalog.models import Dataset
from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(login):
    organisation = OrganisationFactory(name="Commune d'Anglet")
    editor = login(UserFactory())
    MembershipFactory(organisation=organisation, user=editor, role="editor")
    source = HarvestSource.objects.create(
        organisation=organisation, name="Portail d'Anglet", kind="ckan", url="https://data.anglet.fr", created_by=editor
    )
    run = HarvestRun.objects.create(
        source=source,
        started_by=editor,
        state=HarvestRun.State.SUCCEEDED,
        dry_run=True,
        found=3,
        created=2,
        failed=1,
        message="Prévisualisation : 3 jeux de données dans la source.",
        errors=[{"remote_id": "abc", "title": "", "message": "Jeu de données sans titre."}],
        preview={"created": ["Budget 2024", "Budget 2025"], "updated": [], "archived": []},
    )
    dataset = DatasetFactory(organisation=organisation, state=Dataset.State.PUBLISHED, title="Budget 2024")
    HarvestRecord.objects.create(
        source=source, remote_id="b24", dataset=dataset, hash="0" * 64, remote_url="https://data.anglet.fr/d/b24"
    )
    return source, run, dataset


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_harvest_pages(page, live_server, world):
    source, run, dataset = world
    for path in (
        "/moissonnage/",
        "/moissonnage/nouvelle/",
        source.get_absolute_url(),
        run.get_absolute_url(),
        f"/moissonnage/{source.pk}/modifier/",
        dataset.get_absolute_url(),
    ):
        check(page, live_server, path)


def test_source_form_with_errors(page, live_server, world):
    page.goto(live_server.url + "/moissonnage/nouvelle/")
    page.get_by_label("Nom de la source").fill("Portail")
    page.get_by_label("Adresse du portail").fill("http://169.254.169.254/")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("réseau privé").first.wait_for()
    assert_no_blocking_violations(page)
