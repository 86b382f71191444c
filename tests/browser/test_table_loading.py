"""The publisher uploads a new version on the resource page and follows its loading there, without reloading: the
progress, then the new figures (and the header's preview line), or the failure with the link to the load report."""

import pytest

from auzolan.datastore import selectors
from auzolan.datastore.models import Table
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

V2 = "commune;montant;annee\n" + "".join(f"Commune {i};{i};2025\n" for i in range(1234))


@pytest.fixture
def resource_page(login):
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    resource, _table = load(membership.user, dataset, "commune;montant\nBayonne;10\nAnglet;20\n")
    login(membership.user)
    return resource, f"/publier/{dataset.slug}/ressources/{resource.identifier}/"


def upload(page, tmp_path):
    path = tmp_path / "v2.csv"
    path.write_text(V2, encoding="utf-8")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.get_by_role("button", name="Déposer").click()
    page.wait_for_load_state()


def test_the_loading_is_followed_on_the_resource_page(page, live_server, resource_page, tmp_path):
    _resource, path = resource_page
    visit(page, live_server, path)
    assert "Table prête : 2 lignes" in page.locator("[data-table-loading]").inner_text()
    upload(page, tmp_path)
    block = page.locator("[data-table-loading]")
    assert "Chargement de la version 2" in block.inner_text()
    assert block.locator("progress").count() == 1
    assert_no_blocking_violations(page)
    page.evaluate("window.__notReloaded = true")
    run_queued_tasks()
    block.get_by_text("Table prête : 1 234 lignes, 3 colonnes (version 2).").wait_for(timeout=10000)
    assert page.evaluate("window.__notReloaded") is True
    announced = page.locator("[data-table-loading-announce]").inner_text()
    assert announced == "Chargement terminé : la table a 1\xa0234 lignes."
    assert "Aperçu des données (1\xa0234 lignes)" in page.locator("[data-resource-preview]").inner_text()
    assert_no_blocking_violations(page)


def test_a_failure_is_shown_with_the_report_link(page, live_server, resource_page, tmp_path):
    resource, path = resource_page
    visit(page, live_server, path)
    upload(page, tmp_path)
    page.evaluate("window.__notReloaded = true")
    table = selectors.latest_table(resource)
    Table.objects.filter(pk=table.pk).update(state=Table.State.FAILED, error="Le fichier est illisible.")
    block = page.locator("[data-table-loading]")
    block.get_by_text("La version 2 n'a pas pu être chargée.").wait_for(timeout=10000)
    assert page.evaluate("window.__notReloaded") is True
    assert block.get_by_role("link", name="Voir le rapport de chargement").count() == 1
    assert "Le chargement a échoué" in page.locator("[data-table-loading-announce]").inner_text()
    assert_no_blocking_violations(page)
