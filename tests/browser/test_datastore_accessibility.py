"""The datastore's page types checked with axe-core in a real browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from auzolan.catalog import services as catalog_services
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "commune;montant;échéance\nBayonne;1 234,56;25/11/2026\nAnglet;12,5;01/02/2025\nBiarritz;abc;03/03/2024\n"


def test_validate_a_file_page_and_its_report(page, live_server, tmp_path):
    call_command("load_schemas", verbosity=0)
    visit(page, live_server, "/valider/")
    assert_no_blocking_violations(page)
    path = tmp_path / "subventions.csv"
    path.write_text("nomAttribuant,idAttribuant\nBayonne,123\n", encoding="utf-8")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.select_option(
        "select[name=schema]",
        label=page.locator("select[name=schema] option", has_text="Subventions").first.inner_text(),
    )
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_table_status_page(page, live_server, login):
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation)
    resource = catalog_services.resource_add(
        actor=membership.user,
        dataset=dataset,
        kind="file",
        title="Subventions",
        file=SimpleUploadedFile("subventions.csv", CSV.encode("cp1252")),
    )
    run_queued_tasks()
    login(membership.user)
    visit(page, live_server, f"/publier/{dataset.slug}/ressources/{resource.identifier}/table/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_table_preview_page(page, live_server):
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    rows = "".join(f"Commune {i};{i},5;0{i % 9 + 1}/01/2025\n" for i in range(30))
    resource = catalog_services.resource_add(
        actor=membership.user,
        dataset=dataset,
        kind="file",
        title="Subventions",
        file=SimpleUploadedFile("subventions.csv", ("commune;montant;échéance\n" + rows).encode("cp1252")),
    )
    run_queued_tasks()
    base = f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/"
    visit(page, live_server, base + "?sort=-montant")
    assert page.locator("h1").count() == 1
    assert page.locator("th[aria-sort=descending]").count() == 1
    page.locator("details.preview-filters summary").click()
    assert_no_blocking_violations(page)
    visit(page, live_server, base + "?montant__gte=abc", expected_status=400)
    assert page.locator("[role=alert]").count() == 1
    assert_no_blocking_violations(page)
