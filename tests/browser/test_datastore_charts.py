"""The preview's chart and map in a real browser: axe-core, keyboard, the CSP, and no request to another host."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services as catalog_services
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "nom;commune;montant;latitude;longitude\n" + "".join(
    f"Lieu {i};{['Bayonne', 'Anglet', 'Biarritz', 'Hendaye'][i % 4]};{i * 12.5};{43.3 + i / 100};{-1.6 + i / 100}\n"
    for i in range(30)
)


def publish(csv: str = CSV) -> str:
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    resource = catalog_services.resource_add(
        actor=membership.user,
        dataset=dataset,
        kind="file",
        title="Lieux",
        file=SimpleUploadedFile("lieux.csv", csv.encode("utf-8")),
    )
    run_queued_tasks()
    return f"/donnees/{dataset.slug}/ressources/{resource.identifier}/apercu/"


def watch(page, live_server) -> tuple[list[str], list[str]]:
    """Requests to another host than the live server, and CSP violations reported in the console."""
    foreign, csp = [], []
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else foreign.append(request.url),
    )
    page.on(
        "console",
        lambda message: csp.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return foreign, csp


@pytest.mark.parametrize(
    "query",
    [
        "?chart=bar&chart_by=commune&chart_agg=sum:montant",
        "?chart=pie&chart_by=commune&chart_agg=count",
        "?chart=line&chart_by=nom&chart_agg=avg:montant",
    ],
)
def test_preview_with_a_chart(page, live_server, query):
    base = publish()
    foreign, csp = watch(page, live_server)
    visit(page, live_server, base + query)
    assert page.locator("h1").count() == 1
    assert page.locator("svg.chart__svg[role=img]").count() == 1
    assert page.locator("#chart-table-caption").count() == 1
    assert_no_blocking_violations(page)
    assert not foreign, f"requests to another host: {foreign}"
    assert not csp, csp


def test_chart_builder_form_works_without_javascript(browser, live_server):
    base = publish()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        visit(page, live_server, base + "?montant__gte=100")
        page.select_option("#chart-kind", "pie")
        page.select_option("#chart-by", "commune")
        page.select_option("#chart-agg", "count")
        page.locator("#graphique button[type=submit]").click()
        page.wait_for_load_state()
        assert "montant__gte=100" in page.url and "chart=pie" in page.url
        assert page.locator("svg.chart__svg").count() == 1
        # Without JavaScript the map is not shown, its list is
        assert page.locator("#map-preview").is_hidden()
        assert page.locator("#map-list-caption").count() == 1
    finally:
        context.close()


def test_bad_chart_parameters_page(page, live_server):
    base = publish()
    visit(page, live_server, base + "?chart_by=commune&chart_agg=sum:commune", expected_status=400)
    assert page.locator("#graphique [role=alert]").count() == 1
    assert_no_blocking_violations(page)


def test_preview_with_a_map(page, live_server):
    base = publish()
    foreign, csp = watch(page, live_server)
    visit(page, live_server, base)
    page.locator("#map-preview.leaflet-container").wait_for(state="visible")
    page.locator("#map-preview path.leaflet-interactive").first.wait_for(state="attached")
    assert page.locator("#map-preview path.leaflet-interactive").count() == 30
    # Reachable with the keyboard, named and described
    focusable = page.locator("#map-preview")
    assert focusable.get_attribute("tabindex") == "0"
    assert focusable.get_attribute("aria-label") and focusable.get_attribute("aria-describedby") == "map-description"
    focusable.focus()
    assert page.evaluate("document.activeElement.id") == "map-preview"
    assert page.locator("#map-list-caption").count() == 1
    assert_no_blocking_violations(page)
    assert not foreign, f"requests to another host: {foreign}"
    assert not csp, csp
