"""Every page type checked with axe-core in a real browser (RGAA 4.1 / WCAG 2.1 AA)."""

import pytest

from auzolan.core.models import Job
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/donnees-ouvertes/",
    "/participer/",
    "/se-former/",
    "/jeunesse-evenements/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/accessibilite/",
    "/plan-du-site/",
    "/aide/data-gouv-fr/",
    "/comptes/login/",
    "/comptes/signup/",
    "/comptes/password/reset/",
]

ACCOUNT_PAGES = ["/moi/", "/moi/profil/", "/moi/donnees/", "/moi/supprimer/"]


def visit(page, live_server, path, expected_status=200):
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status == expected_status, f"{path} answered {response.status}"
    return response


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page(page, live_server, path):
    visit(page, live_server, path)
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_home_at_phone_and_desktop_width(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    visit(page, live_server, "/")
    assert_no_blocking_violations(page)


def test_not_found_page(page, live_server, settings):
    settings.DEBUG = False
    visit(page, live_server, "/cette-page-n-existe-pas/", expected_status=404)
    assert "Page introuvable" in page.locator("h1").inner_text()
    assert_no_blocking_violations(page)


def test_login_form_with_errors(page, live_server):
    visit(page, live_server, "/comptes/login/")
    # Skip the browser's own validation so that the server answers with its error messages.
    page.evaluate("document.querySelectorAll('form').forEach((form) => { form.noValidate = true; })")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "focus moves to the summary"
    assert_no_blocking_violations(page)


def test_job_page(page, live_server, login):
    user = login(UserFactory())
    job = Job.objects.create(owner=user, kind="test", label="Export de mes données")
    visit(page, live_server, f"/moi/taches/{job.pk}/")
    assert page.locator("progress").count() == 1
    assert_no_blocking_violations(page)


def test_job_page_follows_progress_without_reload(page, live_server, login):
    user = login(UserFactory())
    job = Job.objects.create(owner=user, kind="test", label="Export de mes données")
    visit(page, live_server, f"/moi/taches/{job.pk}/")
    page.evaluate("window.__notReloaded = true")
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, progress_done=1, progress_total=4, message="Lecture des fichiers"
    )
    page.locator("[data-job-message]").get_by_text("Lecture des fichiers").wait_for(timeout=6000)
    assert page.locator("[data-job-state]").inner_text() == "En cours"
    assert page.evaluate("window.__notReloaded") is True
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.SUCCEEDED, message="Export prêt", result={"download_url": "/media/export.zip"}
    )
    page.get_by_role("link", name="Télécharger").wait_for(timeout=6000)
    assert page.locator("[data-job-state]").inner_text() == "Terminée"


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_page(page, live_server, login, path):
    login(UserFactory())
    visit(page, live_server, path)
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_header_with_organisation_switcher(page, live_server, login):
    from tests.organisations.factories import MembershipFactory

    user = login(UserFactory(is_staff=True))
    MembershipFactory(user=user)
    MembershipFactory(user=user)
    visit(page, live_server, "/")
    assert page.get_by_label("Agir pour").count() == 1
    assert_no_blocking_violations(page)


def test_organisations_list(page, live_server):
    from tests.organisations.factories import OrganisationFactory

    OrganisationFactory(name="Commune de Bayonne")
    OrganisationFactory(name="Lycée René Cassin", kind="school", college="education")
    visit(page, live_server, "/organisations/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_territory(page, live_server):
    from tests.organisations.factories import CommuneFactory, TerritoryFactory

    territory = TerritoryFactory()
    CommuneFactory(territory=territory, name="Bayonne", insee_code="64102")
    CommuneFactory(territory=territory, name="Biarritz", insee_code="64122")
    visit(page, live_server, "/territoire/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_organisation_page(page, live_server):
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(name="Commune de Bayonne")
    MembershipFactory(organisation=organisation, role="admin")
    visit(page, live_server, organisation.get_absolute_url())
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
