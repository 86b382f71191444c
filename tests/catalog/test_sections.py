import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auzolan.catalog.models import Dataset
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_page_lists_its_published_datasets(client, user):
    organisation = OrganisationFactory(slug="commune-de-bayonne")
    DatasetFactory(organisation=organisation, title="Budget primitif 2026")
    DatasetFactory(organisation=organisation, title="Brouillon secret", state=Dataset.State.DRAFT)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Données ouvertes" in html and "1 jeu de données publié" in html
    assert "Budget primitif 2026" in html and "Brouillon secret" not in html and "brouillon" not in html
    assert "/donnees/?organisation=commune-de-bayonne" in html
    MembershipFactory(organisation=organisation, user=user)
    client.force_login(user)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "1 brouillon" in html and "Brouillon secret" not in html


def test_territory_page_counts_datasets_per_member(client):
    bayonne = OrganisationFactory(name="Commune de Bayonne")
    anglet = OrganisationFactory(name="Commune d'Anglet", territory=bayonne.territory)
    for _ in range(3):
        DatasetFactory(organisation=bayonne)
    DatasetFactory(organisation=anglet, state=Dataset.State.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/territoire/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nombre de jeux de données publiés par chaque organisation membre" in html
    assert "3 jeux de données publiés au total" in html
    catalog_queries = [q for q in queries.captured_queries if "catalog_dataset" in q["sql"]]
    assert len(catalog_queries) == 1


def test_home_page_shows_the_published_count(client):
    DatasetFactory()
    html = client.get("/").content.decode()
    assert "jeux de données publiés" in html
