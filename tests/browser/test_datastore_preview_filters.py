"""The preview's filters in a real browser: add a filter with the compact form (the conditions follow the column's
type), remove it with its chip, the full per-column form; axe on each state."""

import re

import pytest

from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import equipements_csv, load
from tests.organisations.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def preview_url():
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    resource, _table = load(membership.user, dataset, equipements_csv(30), name="equipements.csv")
    return f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/"


def conditions_offered(page) -> list[str]:
    return page.eval_on_selector_all("#preview-filter-condition option:not([disabled])", "os => os.map(o => o.value)")


def test_add_a_filter_then_remove_it(page, live_server, preview_url):
    visit(page, live_server, preview_url + "?sort=-EQUIP_LAT")
    page.select_option("#preview-filter-column", "EQUIP_NOM")
    assert "contains" in conditions_offered(page)
    page.select_option("#preview-filter-column", "EQUIP_LAT")
    offered = conditions_offered(page)
    assert "contains" not in offered and "gte" in offered
    page.select_option("#preview-filter-condition", "gte")
    page.fill("#preview-filter-value", "43,5")
    page.get_by_role("button", name="Ajouter le filtre").click()
    page.wait_for_load_state()
    assert "EQUIP_LAT__gte=43.5" in page.url and "sort=-EQUIP_LAT" in page.url
    chip = page.locator(".filter-chips .chip")
    assert chip.count() == 1 and chip.locator(".chip__label").inner_text() == "EQUIP_LAT est supérieur ou égal à 43,5"
    assert re.search(r"(\d+) lignes", page.locator(".preview-count").inner_text())
    assert_no_blocking_violations(page)
    # "est vide" takes no value: the field goes away
    page.select_option("#preview-filter-column", "EQUIP_TEL")
    page.select_option("#preview-filter-condition", "isnull")
    assert page.locator("#preview-filter-value").is_hidden()
    page.get_by_role("link", name="Retirer le filtre « EQUIP_LAT est supérieur ou égal à 43,5 »").click()
    page.wait_for_load_state()
    assert "EQUIP_LAT__gte" not in page.url and page.locator(".filter-chips").count() == 0


def test_full_form_and_an_error_in_the_compact_form(page, live_server, preview_url):
    visit(page, live_server, preview_url + "?EQUIP_NOM__contains=salle&EQUIP_TYPE__not=Fronton")
    page.locator("details.preview-filters summary").click()
    page.fill("#preview-filters-grid input[name=EQUIP_LAT__lte]", "43.51")
    page.locator("details.preview-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "EQUIP_LAT__lte=43.51" in page.url and "EQUIP_TYPE__not=Fronton" in page.url
    assert page.locator(".filter-chips .chip").count() == 3
    page.locator("details.preview-filters summary").click()
    assert_no_blocking_violations(page)
    visit(
        page,
        live_server,
        preview_url + "?filtre_colonne=EQUIP_LAT&filtre_condition=gte&filtre_valeur=beaucoup",
        expected_status=400,
    )
    assert page.locator("#preview-filter-value[aria-invalid=true]").count() == 1
    assert page.evaluate("document.activeElement.id") == "preview-add-filter-error"  # focus moves to the error
    assert "ne convient pas" in page.locator("#preview-add-filter [role=alert]").inner_text()
    assert_no_blocking_violations(page)
