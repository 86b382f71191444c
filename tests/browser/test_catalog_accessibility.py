"""The catalogue's page types checked with axe-core in a real browser."""

import pytest
from django.core.files.base import ContentFile

from auzolan.catalog.models import Dataset, DatasetTheme, Resource, ResourceVersion
from auzolan.catalog.signals import dataset_changed
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory, KeywordFactory, ResourceFactory, ReuseLinkFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    organisation = OrganisationFactory(name="Commune de Bayonne", slug="commune-de-bayonne")
    dataset = DatasetFactory(
        organisation=organisation,
        title="Délibérations du conseil municipal",
        slug="deliberations-du-conseil-municipal",
        description="## Contenu\n\nLes **délibérations** adoptées en 2025, une ligne par délibération.",
        frequency="MONTHLY",
    )
    dataset.keywords.add(KeywordFactory(name="conseil municipal", slug="conseil-municipal"))
    DatasetTheme.objects.create(dataset=dataset, code="GOVE")
    resource = ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="", title="Délibérations 2025")
    version = ResourceVersion(
        resource=resource, number=1, original_name="deliberations.csv", size=24, sha256="0" * 64, mime_type="text/csv"
    )
    version.file.save("deliberations.csv", ContentFile(b"id;objet\n1;Budget primitif\n"), save=False)
    version.save()
    Resource.objects.filter(pk=resource.pk).update(current_version=version)
    ReuseLinkFactory(dataset=dataset, state="published")
    DatasetFactory(organisation=organisation, title="Brouillon interne", state=Dataset.State.DRAFT)
    dataset_changed.send(sender=Dataset, dataset=dataset)  # the search index and the quality score follow
    return organisation, dataset


def test_search_page_with_results_and_facets(page, live_server, catalogue):
    visit(page, live_server, "/donnees/?q=deliberation")
    assert page.locator("h1").count() == 1
    assert "Délibérations du conseil municipal" in page.content()
    assert_no_blocking_violations(page)


def test_search_page_without_results(page, live_server, catalogue):
    visit(page, live_server, "/donnees/?q=introuvable")
    assert_no_blocking_violations(page)


def test_dataset_page(page, live_server, catalogue):
    _organisation, dataset = catalogue
    visit(page, live_server, dataset.get_absolute_url())
    assert page.locator("h1").inner_text().strip() == dataset.title
    assert_no_blocking_violations(page)


def test_reuse_pages(page, live_server, login, catalogue):
    visit(page, live_server, "/reutilisations/")
    assert_no_blocking_violations(page)
    login(UserFactory())
    visit(page, live_server, "/reutilisations/proposer/")
    assert_no_blocking_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        "/publier/",
        "/publier/nouveau/",
        "/publier/{slug}/",
        "/publier/{slug}/apercu/",
        "/publier/{slug}/ressources/nouvelle/",
        "/publier/schemas/",
        "/publier/schemas/nouveau/",
        "/publier/reutilisations/",
    ],
)
def test_publishing_pages(page, live_server, login, catalogue, path):
    organisation, dataset = catalogue
    login(MembershipFactory(organisation=organisation, role="editor").user)
    visit(page, live_server, path.format(slug=dataset.slug))
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_publishing_form_with_errors(page, live_server, login, catalogue):
    organisation, _dataset = catalogue
    login(MembershipFactory(organisation=organisation, role="editor").user)
    visit(page, live_server, "/publier/nouveau/")
    page.evaluate("document.querySelectorAll('form').forEach((form) => { form.noValidate = true; })")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1
    assert_no_blocking_violations(page)
