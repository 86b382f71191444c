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
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "https://donnees.exemple.fr", True
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
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "https://donnees.exemple.fr", True
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Allow: /" in text
    assert "Sitemap: https://donnees.exemple.fr/sitemap.xml" in text


# --- Absolute addresses: the configured public address, or the served one in local mode (issue 9) ---------------


@pytest.fixture
def configured(settings):
    """Production-like: SITE_URL is set; the site is also reachable under an internal name."""
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "https://donnees.exemple.fr", True
    settings.ALLOWED_HOSTS = ["donnees.exemple.fr", "interne"]


@pytest.fixture
def local(settings):
    """Local mode without SITE_URL: the served address (here 8790) and whatever host the request came to."""
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "http://127.0.0.1:8790", False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]


def _feed_links(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [link.get("href") for link in root.iter(f"{ATOM}link")]


def test_feed_links_use_the_configured_address_whatever_the_host(client, datasets, configured):
    for url in ("/donnees/flux.atom", "/organisations/bayonne/donnees.atom"):
        links = _feed_links(client.get(url, HTTP_HOST="interne:8000"))
        assert links and all(link.startswith("https://donnees.exemple.fr/") for link in links), links


def test_feed_links_follow_the_served_address_in_local_mode(client, datasets, local):
    links = _feed_links(client.get("/donnees/flux.atom", HTTP_HOST="localhost:8790"))
    assert links and all(link.startswith("http://localhost:8790/") for link in links), links


def test_sitemap_and_robots_use_the_configured_address_whatever_the_host(client, datasets, configured):
    response = client.get("/sitemap.xml", HTTP_HOST="interne:8000")
    locations = [url.find(f"{SITEMAP}loc").text for url in ET.fromstring(response.content).findall(f"{SITEMAP}url")]  # noqa: S314
    assert locations and all(loc.startswith("https://donnees.exemple.fr/") for loc in locations)
    robots = client.get("/robots.txt", HTTP_HOST="interne:8000").content.decode()
    assert "Sitemap: https://donnees.exemple.fr/sitemap.xml" in robots


def test_sitemap_and_robots_follow_the_served_address_in_local_mode(client, datasets, local):
    response = client.get("/sitemap.xml", HTTP_HOST="localhost:8790")
    locations = [url.find(f"{SITEMAP}loc").text for url in ET.fromstring(response.content).findall(f"{SITEMAP}url")]  # noqa: S314
    assert "http://localhost:8790/" in locations
    assert "http://localhost:8790" + datasets["published"].get_absolute_url() in locations
    assert (
        "Sitemap: http://localhost:8790/sitemap.xml"
        in client.get("/robots.txt", HTTP_HOST="localhost:8790").content.decode()
    )


def test_a_host_outside_allowed_hosts_is_refused(client, datasets, local):
    assert client.get("/sitemap.xml", HTTP_HOST="attaquant.example").status_code == 400
