import datetime
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auzolan.catalog.models import Dataset, DatasetTheme, Resource, ResourceVersion, ReuseLink
from auzolan.core.audit import audit_log
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    DatasetFactory,
    KeywordFactory,
    ResourceFactory,
    ReuseLinkFactory,
    TableSchemaFactory,
)
from tests.organisations.factories import CommuneFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def add_version(resource, number, content=b"a,b\n1,2\n"):
    version = ResourceVersion(
        resource=resource, number=number, original_name="donnees.csv", size=len(content), sha256="0" * 64
    )
    version.file.save("donnees.csv", ContentFile(content), save=False)
    version.save()
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version


def jsonld(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


@pytest.fixture
def dataset():
    dataset = DatasetFactory(
        title="Subventions attribuées en 2025",
        description="Les **subventions** versées aux associations. <script>alert(1)</script>",
        frequency="ANNUAL",
        temporal_start=datetime.date(2025, 1, 1),
        temporal_end=datetime.date(2025, 12, 31),
        contact_name="Service des finances",
        contact_email="finances@exemple.fr",
        schema=TableSchemaFactory(name="scdl/subventions", title="Subventions", url="https://schema.exemple/sub"),
    )
    dataset.keywords.add(KeywordFactory(name="subventions", slug="subventions"))
    DatasetTheme.objects.create(dataset=dataset, code="ECON")
    dataset.communes.add(CommuneFactory(name="Bayonne"))
    return dataset


def test_public_page_shows_the_metadata(client, dataset):
    resource = ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="", format="csv", title="Fichier 2025")
    add_version(resource, 1)
    add_version(resource, 2, b"a,b\n1,2\n3,4\n")
    response = client.get(f"/donnees/{dataset.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<strong>subventions</strong>" in html and "<script>alert" not in html
    assert "Économie et finances" in html and "Bayonne" in html
    assert "Licence Ouverte" in html and "à condition de citer" in html
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence" in html
    assert "Comment citer ce jeu de données" in html
    assert f"{dataset.organisation.name}, « Subventions attribuées en 2025 »" in html
    assert "https://schema.exemple/sub" in html
    assert f"/api/v1/datasets/{dataset.slug}" in html
    assert "2 versions" in html and "Version 1 du" in html
    assert "Qualité des métadonnées" in html and "Non</strong>" in html
    assert "finances@exemple.fr" in html
    assert "Brouillon" not in html


def test_jsonld_describes_the_dataset(client, dataset):
    ResourceFactory(dataset=dataset, url="https://exemple.fr/sub.csv", format="csv")
    data = jsonld(client.get(f"/donnees/{dataset.slug}/"))
    assert data["@type"] == "Dataset" and data["name"] == dataset.title
    assert data["identifier"] == str(dataset.identifier)
    assert data["url"].endswith(f"/donnees/{dataset.slug}/")
    assert "<" not in data["description"] and "subventions" in data["description"]
    assert data["keywords"] == ["subventions"]
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    assert data["temporalCoverage"] == "2025-01-01/2025-12-31"
    assert data["spatialCoverage"][0]["name"] == "Bayonne"
    assert data["publisher"]["name"] == dataset.organisation.name
    assert data["distribution"] == [
        {"@type": "DataDownload", "name": dataset.resources.get().title, "contentUrl": "https://exemple.fr/sub.csv",
         "encodingFormat": "csv"}
    ]  # fmt: skip
    assert "datePublished" in data and "dateModified" in data


def test_jsonld_cannot_close_the_script_element(client):
    dataset = DatasetFactory(title="</script><script>alert(1)</script>")
    response = client.get(f"/donnees/{dataset.slug}/")
    html = response.content.decode()
    assert "</script><script>alert(1)" not in html
    assert jsonld(response)["name"] == "</script><script>alert(1)</script>"


def test_draft_is_404_for_outsiders_and_shown_to_members(client, user):
    dataset = DatasetFactory(state=Dataset.State.DRAFT)
    assert client.get(f"/donnees/{dataset.slug}/").status_code == 404
    client.force_login(user)
    assert client.get(f"/donnees/{dataset.slug}/").status_code == 404
    MembershipFactory(organisation=dataset.organisation, user=user)
    response = client.get(f"/donnees/{dataset.slug}/")
    assert response.status_code == 200
    assert "Brouillon" in response.content.decode()


def test_unknown_slug_is_404(client, db):
    assert client.get("/donnees/nexiste-pas/").status_code == 404


def test_history_hides_names_from_the_public(client, dataset):
    agent = UserFactory(full_name="Maite Etcheverry")
    audit_log(actor=agent, action="catalog.dataset.published", obj=dataset, organisation=dataset.organisation)
    audit_log(actor=agent, action="catalog.dataset.transferred", obj=dataset, organisation=dataset.organisation)
    html = client.get(f"/donnees/{dataset.slug}/").content.decode()
    assert "Publication" in html and "Maite Etcheverry" not in html and "Modification" not in html
    MembershipFactory(organisation=dataset.organisation, user=agent)
    client.force_login(agent)
    html = client.get(f"/donnees/{dataset.slug}/").content.decode()
    assert "Publication" in html and "Maite Etcheverry" in html and "Modification" in html


def test_published_reuses_only(client, dataset):
    ReuseLinkFactory(dataset=dataset, reuse__title="Carte des aides", state=ReuseLink.State.PUBLISHED)
    ReuseLinkFactory(dataset=dataset, reuse__title="Proposition en attente")
    html = client.get(f"/donnees/{dataset.slug}/").content.decode()
    assert "Carte des aides" in html and "Proposition en attente" not in html


def test_editor_sees_the_edit_link_when_the_route_exists(client, dataset):
    editor = UserFactory()
    MembershipFactory(organisation=dataset.organisation, user=editor, role="editor")
    client.force_login(editor)
    assert client.get(f"/donnees/{dataset.slug}/").status_code == 200


def test_query_count_does_not_grow_with_resources(client, dataset, django_assert_max_num_queries):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/donnees/{dataset.slug}/").status_code == 200
        return len(queries)

    resource = ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="")
    add_version(resource, 1)
    few = count()
    for _ in range(5):
        other = ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="")
        add_version(other, 1)
        add_version(other, 2)
        ReuseLinkFactory(dataset=dataset, state=ReuseLink.State.PUBLISHED)
    assert count() == few
    assert few <= 15


def test_jsonld_uses_the_configured_public_address_whatever_the_host(client, dataset, settings):
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "https://donnees.exemple.fr", True
    settings.ALLOWED_HOSTS = ["donnees.exemple.fr", "interne"]
    resource = ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="")
    add_version(resource, 1)
    response = client.get(f"/donnees/{dataset.slug}/", HTTP_HOST="interne:8000")
    data = jsonld(response)
    assert data["url"] == f"https://donnees.exemple.fr/donnees/{dataset.slug}/"
    assert data["publisher"]["url"].startswith("https://donnees.exemple.fr/organisations/")
    assert data["distribution"][0]["contentUrl"].startswith("https://donnees.exemple.fr/donnees/")
    assert "interne" not in response.content.decode()


def test_jsonld_follows_the_served_address_in_local_mode(client, dataset, settings):
    settings.SITE_URL, settings.SITE_URL_CONFIGURED = "http://127.0.0.1:8790", False
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    data = jsonld(client.get(f"/donnees/{dataset.slug}/", HTTP_HOST="127.0.0.1:8790"))
    assert data["url"] == f"http://127.0.0.1:8790/donnees/{dataset.slug}/"
