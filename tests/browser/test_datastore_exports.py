"""The preview's large export in a real browser: the link leads to a progress page that follows the job by itself
(auzolan.js polls the export's status) and offers the download once ready; axe-core on each state."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services as catalog_services
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_export_from_the_preview(page, live_server, settings, login):
    settings.DATASTORE_EXPORT_INLINE_CELLS = 100  # 30 rows × 2 columns in XLSX: a background export
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    rows = "".join(f"Commune {i};{i},5\n" for i in range(30))
    resource = catalog_services.resource_add(
        actor=membership.user,
        dataset=dataset,
        kind="file",
        title="Subventions",
        file=SimpleUploadedFile("subventions.csv", ("commune;montant\n" + rows).encode()),
    )
    run_queued_tasks()
    login(membership.user)  # a person logged in: the export also shows in their tasks
    visit(page, live_server, f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/")
    page.get_by_role("link", name="tableur (XLSX)").click()
    page.wait_for_load_state()
    assert "/apercu/exports/" in page.url
    assert page.locator("h1").count() == 1 and page.locator("progress").count() == 1
    assert page.get_by_role("link", name="Télécharger").count() == 0
    assert_no_blocking_violations(page)
    run_queued_tasks()  # the worker makes the file: the page sees it by itself and reloads
    download = page.get_by_role("link", name="Télécharger")
    download.wait_for(timeout=15_000)
    assert "/api/v1/exports/" in download.get_attribute("href")
    assert_no_blocking_violations(page)
    with page.expect_download() as event:
        download.click()
    assert event.value.suggested_filename.endswith(".xlsx")
    visit(page, live_server, "/moi/taches/")
    assert page.get_by_role("link", name="Export XLSX").count() == 1
    assert_no_blocking_violations(page)

    visit(
        page,
        live_server,
        f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/export/?format=ods",
        expected_status=400,
    )
    assert page.locator("[role=alert]").count() == 1 and page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
