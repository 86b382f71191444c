"""Atom feeds, sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET

import pytest

from auzolan.catalog.models import Dataset
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def datasets():
    bayonne = OrganisationFactory(slug="bayonne", name="Bayonne")
    return {
        "published": DatasetFactory(title="Budget de Bayonne", organisation=bayonne),
        "other": DatasetFactory(title="Budget d'Anglet"),
        "draft": DatasetFactory(title="Brouillon secret", organisation=bayonne, state=Dataset.State.DRAFT),
        "archived": DatasetFactory(title="Archive", state=Dataset.State.ARCHIVED),
    }


def _titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}updated") is not None
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    return {entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")}


def test_catalogue_feed_lists_published_only(client, datasets):
    assert _titles(client.get("/donnees/flux.atom")) == {"Budget de Bayonne", "Budget d'Anglet"}


def test_organisation_feed(client, datasets):
    assert _titles(client.get("/organisations/bayonne/donnees.atom")) == {"Budget de Bayonne"}
    assert client.get("/organisations/inconnue/donnees.atom").status_code == 404


def test_organisation_feed_of_a_non_member_is_404(client):
    OrganisationFactory(slug="ancienne", membership_status="former")
    assert client.get("/organisations/ancienne/donnees.atom").status_code == 404


def test_sitemap(client, datasets, settings):
    settings.SITE_URL = "https://donnees.exemple.fr"
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locations = {url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")}
    assert "https://donnees.exemple.fr/" in locations
    assert "https://donnees.exemple.fr/donnees/" in locations
    assert "https://donnees.exemple.fr/mentions-legales/" in locations
    assert "https://donnees.exemple.fr/organisations/bayonne/" in locations
    assert "https://donnees.exemple.fr" + datasets["published"].get_absolute_url() in locations
    assert "https://donnees.exemple.fr" + datasets["draft"].get_absolute_url() not in locations
    assert "https://donnees.exemple.fr" + datasets["archived"].get_absolute_url() not in locations


def test_robots_txt(client, settings):
    settings.SITE_URL = "https://donnees.exemple.fr"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Allow: /" in text
    assert "Sitemap: https://donnees.exemple.fr/sitemap.xml" in text
