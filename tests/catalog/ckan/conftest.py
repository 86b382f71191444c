"""A small published catalogue for the CKAN API tests, built once per module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import search
from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, DatasetTheme, Resource
from tests.catalog.factories import DatasetFactory, KeywordFactory, ResourceFactory, TableSchemaFactory
from tests.never500.world import world_fixture
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory


class Catalogue:
    pass


def build() -> Catalogue:
    world = Catalogue()
    world.bayonne = OrganisationFactory(name="Ville de Bayonne", slug="bayonne", description="La ville.")
    world.anglet = OrganisationFactory(name="Ville d'Anglet", slug="anglet")
    world.editor = MembershipFactory(organisation=world.bayonne, role="editor").user
    world.outsider = MembershipFactory(organisation=world.anglet, role="member").user
    velo, budget = KeywordFactory(name="vélo", slug="velo"), KeywordFactory(name="budget", slug="budget")
    commune = CommuneFactory(name="Bayonne", insee_code="64102")
    schema = TableSchemaFactory(name="scdl/subventions", title="Subventions", url="https://schema.data.gouv.fr/x")
    world.budget = DatasetFactory(
        organisation=world.bayonne,
        slug="budget-primitif",
        title="Budget primitif",
        description="Le budget primitif de la ville.",
        licence="lov2",
        frequency="ANNUAL",
        temporal_start=dt.date(2024, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        contact_name="Service des finances",
        contact_email="finances@bayonne.fr",
        schema=schema,
    )
    world.budget.keywords.add(budget)
    world.budget.communes.add(commune)
    DatasetTheme.objects.create(dataset=world.budget, code="ECON")
    world.velos = DatasetFactory(
        organisation=world.anglet, slug="stationnement-velos", title="Stationnement des vélos", licence="odc-odbl"
    )
    world.velos.keywords.add(velo)
    DatasetTheme.objects.create(dataset=world.velos, code="TRAN")
    world.arbres = DatasetFactory(
        organisation=world.anglet, slug="arbres", title="Arbres remarquables", licence="cc-by"
    )
    world.draft = DatasetFactory(organisation=world.bayonne, slug="brouillon", title="Brouillon secret", state="draft")
    world.remote = ResourceFactory(dataset=world.velos, title="Stationnements", format="csv", kind="remote")
    world.api = ResourceFactory(
        dataset=world.velos, title="API", format="", kind="api", url="https://api.exemple.fr/", position=1
    )
    world.upload = catalog_services.resource_add(
        actor=world.editor,
        dataset=world.budget,
        kind="file",
        title="Budget 2024",
        file=SimpleUploadedFile("budget.csv", b"poste;montant\nvoirie;12\n"),
    )
    world.draft_resource = ResourceFactory(dataset=world.draft, format="json")
    Dataset.objects.filter(pk=world.arbres.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    search.rebuild_index()
    world.upload = Resource.objects.get(pk=world.upload.pk)
    return world


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_setup, django_db_blocker, build=build)


@pytest.fixture
def world(catalogue, db):
    return catalogue
