"""No page scrolls sideways: every page type measured in a real browser at 1280 px and at 375 px (a phone).

Wide tables scroll inside their own box; the document itself never does (`tests/browser/layout.py`). The same check
runs with every axe check (`tests/browser/axe.py`), so the page types tested elsewhere are measured too.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import TableSchema
from tests.browser.layout import assert_fits_viewport
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import equipements_csv
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import ProposalFactory, process_with_phase
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def equipements():
    """A published dataset shaped like the demo's "Équipements publics": 21 columns, the SCDL schema declared."""
    call_command("load_schemas", verbosity=0)
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(
        organisation=membership.organisation,
        state="published",
        title="Équipements publics",
        schema=TableSchema.objects.get(name="scdl/equipements"),
    )
    resource = catalog_services.resource_add(
        actor=membership.user,
        dataset=dataset,
        kind="file",
        title="Équipements publics de la commune",
        file=SimpleUploadedFile("equipements.csv", equipements_csv(30).encode()),
    )
    run_queued_tasks()
    return membership, dataset, resource


def test_the_preview_of_a_wide_table_scrolls_inside_its_box_only(page, live_server, equipements):
    _membership, dataset, resource = equipements
    base = f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/"
    visit(page, live_server, base + "?sort=-EQUIP_LAT&EQUIP_NOM__contains=salle")
    assert page.locator("main table").first.locator("thead th").count() == 21
    assert_fits_viewport(page)


@pytest.mark.parametrize(
    "path",
    ["/", "/donnees/", "/donnees/?q=equipements", "{dataset}", "/valider/", "/api/v1/docs", "/plan-du-site/"],
)
def test_public_pages(page, live_server, equipements, path):
    _membership, dataset, _resource = equipements
    visit(page, live_server, path.format(dataset=dataset.get_absolute_url()))
    assert_fits_viewport(page)


def test_validation_results(page, live_server, equipements, tmp_path):
    visit(page, live_server, "/valider/")
    path = tmp_path / "equipements.csv"
    path.write_text(equipements_csv(3).replace("64100", "6410O"), encoding="utf-8")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.select_option(
        "select[name=schema]",
        value=page.locator("select[name=schema] option", has_text="quipements").first.get_attribute("value"),
    )
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert_fits_viewport(page)


def test_publisher_pages(page, live_server, login, equipements):
    membership, dataset, resource = equipements
    login(membership.user)
    for path in (
        f"/publier/{dataset.slug}/",
        f"/publier/{dataset.slug}/ressources/{resource.identifier}/",
        f"/publier/{dataset.slug}/ressources/{resource.identifier}/table/",
    ):
        visit(page, live_server, path)
        assert_fits_viewport(page)


def test_participation_pages(page, live_server):
    process = process_with_phase("ideas", title="Boîte à idées du quartier Saint-Esprit", slug="boite-a-idees")
    proposal = ProposalFactory(
        process=process,
        title="Des bancs à l'ombre",
        body="Voir https://www.bayonne.fr/mon-quartier/saint-esprit/amenagements/bancs-a-l-ombre-pres-de-l-ecole",
        latitude="43.4929",
        longitude="-1.4748",
    )
    for path in (
        "/participer/",
        "/participer/demarches/",
        process.get_absolute_url(),
        f"/participer/{process.slug}/propositions/",
        f"/participer/{process.slug}/propositions/{proposal.pk}/",
    ):
        visit(page, live_server, path)
        assert_fits_viewport(page)
