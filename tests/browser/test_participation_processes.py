"""Process, management, residency and guide pages checked with axe-core in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from auzolan.participation.demo_guides import load_guides
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.organisations.factories import OrganisationFactory
from tests.participation.factories import DistrictFactory, PhaseFactory, ProcessFactory
from tests.participation.factories_processes import DraftProcessFactory, editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    organisation = OrganisationFactory(name="Commune de Bayonne", slug="commune-de-bayonne")
    DistrictFactory(organisation=organisation, name="Petit Bayonne", slug="petit-bayonne")
    process = ProcessFactory(
        organisation=organisation,
        slug="budget-participatif-2030",
        title="Budget participatif 2030",
        description="## Le principe\n\nUne **enveloppe** de 300 000 euros.",
    )
    now = timezone.now()
    PhaseFactory(process=process, kind="information", start_at=now - timedelta(days=20), end_at=now - timedelta(days=1))
    PhaseFactory(process=process, kind="ideas", start_at=now - timedelta(days=1), end_at=now + timedelta(days=20))
    PhaseFactory(
        process=process,
        kind="vote",
        verification="residency_declared",
        start_at=now + timedelta(days=20),
        end_at=now + timedelta(days=40),
    )
    draft = DraftProcessFactory(organisation=organisation, slug="brouillon", title="Brouillon")
    PhaseFactory(process=draft)
    load_guides()
    return organisation, process


def test_process_list(page, live_server, data):
    visit(page, live_server, "/participer/demarches/")
    assert page.locator("h1").count() == 1
    assert "Budget participatif 2030" in page.content()
    assert_no_blocking_violations(page)


def test_process_page(page, live_server, data):
    _organisation, process = data
    visit(page, live_server, process.get_absolute_url())
    assert page.locator("h1").inner_text().strip() == process.title
    assert page.locator('[aria-current="step"]').count() == 1
    assert_no_blocking_violations(page)


def test_manage_pages(page, live_server, login, data):
    organisation, process = data
    login(editor(organisation))
    for url in (
        f"/participer/gerer/{organisation.slug}/",
        f"/participer/gerer/{organisation.slug}/nouvelle/",
        f"/participer/gerer/{organisation.slug}/demarches/{process.slug}/",
        f"/participer/gerer/{organisation.slug}/demarches/{process.slug}/phases/nouvelle/",
        f"/participer/gerer/{organisation.slug}/quartiers/",
        f"/participer/gerer/{organisation.slug}/recensement/",
    ):
        visit(page, live_server, url)
        assert page.locator("h1").count() == 1, url
        assert_no_blocking_violations(page)


def test_residency_page(page, live_server, login, data):
    _organisation, process = data
    login(UserFactory())
    visit(page, live_server, f"/participer/{process.slug}/residence/")
    assert_no_blocking_violations(page)


def test_guide_pages(page, live_server, login, data):
    visit(page, live_server, "/participer/guides/")
    assert_no_blocking_violations(page)
    visit(page, live_server, "/participer/guides/mener-un-budget-participatif/")
    assert_no_blocking_violations(page)
    login(UserFactory(is_staff=True))
    visit(page, live_server, "/participer/guides/mener-un-budget-participatif/modifier/")
    assert_no_blocking_violations(page)


def test_census_page_with_an_active_list_asks_to_confirm_the_replacement(page, live_server, login, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from auzolan.participation.services.verification import census_upload

    organisation, _process = data
    actor = editor(organisation)
    census_upload(
        actor=actor,
        organisation=organisation,
        file=SimpleUploadedFile("liste.csv", b"numero_electeur\n123\n456\n"),
        identifiers="elector_number",
    )
    login(actor)
    visit(page, live_server, f"/participer/gerer/{organisation.slug}/recensement/")
    checkbox = page.get_by_label("Je remplace la liste actuelle (2 inscrits", exact=False)
    assert checkbox.count() == 1 and not checkbox.is_checked()
    page.locator("input[name='identifiers'][value='elector_number']").check()
    page.locator("input[name='file']").set_input_files(
        files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": b"numero_electeur\n789\n"}]
    )
    page.locator("form.form button[type='submit']").click()
    page.wait_for_load_state()
    assert "cochez la case" in page.content()
    assert_no_blocking_violations(page)
    page.get_by_label("Je remplace la liste actuelle", exact=False).check()
    page.locator("input[name='file']").set_input_files(
        files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": b"numero_electeur\n789\n"}]
    )
    page.locator("form.form button[type='submit']").click()
    page.wait_for_load_state()
    assert "Je remplace la liste actuelle (1 inscrit," in page.content()
