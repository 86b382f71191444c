"""The observatory page checked with axe-core in a real browser: with a programme provider (the map coloured by
stage, the legend, the stage table), a year of snapshots (the charts and their tables), and without outlines."""

import datetime
import json

import pytest

from auzolan.observatory import registry
from tests.browser.axe import assert_no_blocking_violations
from tests.catalog.factories import DatasetFactory
from tests.observatory.factories import ObservatorySnapshotFactory
from tests.organisations.factories import CommuneFactory, OrganisationFactory, TerritoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    territory = TerritoryFactory()
    facts = {}
    for stage, (code, name) in enumerate((("64102", "Bayonne"), ("64024", "Anglet"), ("64122", "Biarritz"))):
        commune = CommuneFactory(territory=territory, insee_code=code, name=name)
        organisation = OrganisationFactory(territory=territory, kind="commune", name=f"Commune de {name}")
        organisation.communes.set([commune])
        DatasetFactory(organisation=organisation)
        facts[organisation.pk] = {"stage": stage * 3, "stage_total": 8, "stage_label": f"Étape {stage}", "bound": True}
    for month in range(1, 13):
        ObservatorySnapshotFactory(month=datetime.date(2025, month, 1), datasets_published=month * 2)
    previous = registry.current_provider()
    registry.register_programme_facts(lambda: facts)
    yield
    registry.register_programme_facts(previous)


def check(page, live_server):
    response = page.goto(live_server.url + "/observatoire/")
    assert response is not None and response.status == 200
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_observatory_page(page, live_server, world):
    check(page, live_server)
    assert page.locator("svg.obs-map__svg path.obs-map__commune").count() == 3


def test_observatory_page_without_outlines(page, live_server, world, settings, tmp_path):
    empty = tmp_path / "none.geojson"
    empty.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    settings.OBSERVATORY_OUTLINES = empty
    check(page, live_server)
    assert page.locator("svg.obs-map__svg").count() == 0
