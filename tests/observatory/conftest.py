"""The observatory's worlds: a territory of three communes, organisations with known datasets, validations and
re-uses, and a programme provider registered for the test only (restored afterwards)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from auzolan.observatory import registry
from tests.catalog.factories import DatasetFactory, ReuseLinkFactory, TableSchemaFactory
from tests.observatory.factories import version
from tests.organisations.factories import CommuneFactory, OrganisationFactory, TerritoryFactory


@pytest.fixture(scope="session", autouse=True)
def _urls_loaded_before_time_is_frozen():
    """Load the URLconf (and with it the API's pydantic schemas) before any test freezes time: built under freezegun,
    the schemas would meet its FakeDatetime instead of datetime (the publication reverses URLs)."""
    assert get_resolver().url_patterns


@pytest.fixture
def programme():
    """Register a programme provider whose facts the test sets in the returned dict; restores the previous one."""
    previous = registry.current_provider()
    facts: dict[int, dict] = {}
    registry.register_programme_facts(lambda: facts)
    yield facts
    registry.register_programme_facts(previous)


@pytest.fixture(autouse=True)
def _no_programme():
    """Every test starts without a provider (as the app does until the programme registers one)."""
    previous = registry.current_provider()
    registry.register_programme_facts(None)
    yield
    registry.register_programme_facts(previous)


class KnownWorld:
    """Three communes (Bayonne, Anglet, Biarritz); Bayonne and Anglet have a commune organisation; an EPCI and a
    prospect (not public). Published datasets: Bayonne 3 (2 SCDL: one valid, one invalid), Anglet 1 (SCDL, no
    report yet), EPCI 1; plus a draft and an archived dataset that never count; 2 re-uses (one linked twice), a
    pending one and one linked only to a draft."""

    def __init__(self):
        self.territory = TerritoryFactory()
        self.bayonne_commune = CommuneFactory(territory=self.territory, insee_code="64102", name="Bayonne")
        self.anglet_commune = CommuneFactory(territory=self.territory, insee_code="64024", name="Anglet")
        self.biarritz_commune = CommuneFactory(territory=self.territory, insee_code="64122", name="Biarritz")
        self.bayonne = OrganisationFactory(territory=self.territory, name="Commune de Bayonne", kind="commune")
        self.bayonne.communes.set([self.bayonne_commune])
        self.anglet = OrganisationFactory(territory=self.territory, name="Commune d'Anglet", kind="commune")
        self.anglet.communes.set([self.anglet_commune])
        self.epci = OrganisationFactory(territory=self.territory, name="CAPB", kind="epci")
        self.epci.communes.set([self.bayonne_commune, self.anglet_commune, self.biarritz_commune])
        self.prospect = OrganisationFactory(territory=self.territory, kind="commune", membership_status="prospect")
        self.prospect.communes.set([self.biarritz_commune])
        scdl = TableSchemaFactory(name="scdl/subventions", is_scdl=True)
        custom = TableSchemaFactory(name="maison/velos", is_scdl=False)
        self.valid = DatasetFactory(organisation=self.bayonne, schema=scdl)
        version(self.valid, "a.csv", report=True)
        version(self.valid, "notice.pdf")  # not tabular: not validated, does not count
        self.invalid = DatasetFactory(organisation=self.bayonne, schema=scdl)
        version(self.invalid, "b.csv", report=False)
        DatasetFactory(organisation=self.bayonne, schema=custom)  # not SCDL
        self.pending = DatasetFactory(organisation=self.anglet, schema=scdl)
        version(self.pending, "c.csv")
        self.epci_dataset = DatasetFactory(organisation=self.epci)
        DatasetFactory(organisation=self.anglet, state="draft", schema=scdl)
        DatasetFactory(organisation=self.epci, state="archived")
        first = ReuseLinkFactory(dataset=self.valid, state="published").reuse
        ReuseLinkFactory(reuse=first, dataset=self.epci_dataset, state="published")
        ReuseLinkFactory(dataset=self.pending, state="published")
        ReuseLinkFactory(dataset=self.valid, state="pending")
        ReuseLinkFactory(dataset=DatasetFactory(organisation=self.anglet, state="draft"), state="published")


@pytest.fixture
def world(db):
    return KnownWorld()
