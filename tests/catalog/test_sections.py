"""What the catalogue adds to the open data programme page and to "Mon espace"."""

import pytest
from django.urls import reverse

from auzolan.catalog.models import Dataset
from tests.catalog.factories import DatasetFactory, ReuseLinkFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_programme_page_shows_the_catalogue(client):
    DatasetFactory(title="Comptages vélos")
    DatasetFactory(title="Brouillon caché", state=Dataset.State.DRAFT)
    html = client.get("/donnees-ouvertes/").content.decode()
    assert "Le catalogue du territoire" in html
    assert "Comptages vélos" in html and "Brouillon caché" not in html
    assert 'action="/donnees/"' in html
    assert "/publier/" not in html  # anonymous visitors are not offered to publish
    assert "ouvrent progressivement" not in html


@pytest.mark.parametrize("name", ["programme_learning", "programme_youth", "programme_participation"])
def test_every_programme_page_shows_its_module(client, name):
    response = client.get(reverse(f"core:{name}"))
    assert response.status_code == 200 and "ouvrent progressivement" not in response.content.decode()


def test_dashboard_shows_publishing_for_editors(client):
    membership = MembershipFactory(role="editor")
    DatasetFactory(organisation=membership.organisation)
    DatasetFactory(organisation=membership.organisation, state=Dataset.State.DRAFT)
    ReuseLinkFactory(dataset=DatasetFactory(organisation=membership.organisation))
    client.force_login(membership.user)
    html = client.get("/moi/").content.decode()
    assert "Mes publications de données" in html
    assert "2 jeux de données publiés" in html and "1 brouillon" in html
    assert "1 réutilisation à modérer" in html


def test_dashboard_hides_publishing_for_plain_members(client):
    membership = MembershipFactory(role="member")
    client.force_login(membership.user)
    assert "Mes publications de données" not in client.get("/moi/").content.decode()
