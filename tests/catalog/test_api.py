"""The catalogue in /api/v1/: search with filters and facets, dataset, resources, versions, organisation datasets."""

import pytest
from django.core.files.base import ContentFile

from auzolan.catalog.models import Dataset, DatasetTheme, ResourceVersion
from auzolan.catalog.signals import dataset_changed
from tests.catalog.factories import DatasetFactory, KeywordFactory, ResourceFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make(**fields):
    themes = fields.pop("themes", ())
    dataset = DatasetFactory(**fields)
    for code in themes:
        DatasetTheme.objects.create(dataset=dataset, code=code)
    dataset_changed.send(sender=Dataset, dataset=dataset)
    return dataset


@pytest.fixture
def catalogue():
    bayonne = OrganisationFactory(name="Bayonne", slug="bayonne")
    velos = make(title="Stationnements vélos", organisation=bayonne, themes=["TRAN"])
    velos.keywords.add(KeywordFactory(name="vélo", slug="velo"))
    ResourceFactory(dataset=velos, format="csv")
    conseil = make(title="Délibérations du conseil municipal", themes=["GOVE"])
    draft = make(title="Délibérations brouillon", organisation=bayonne, state=Dataset.State.DRAFT)
    return {"velos": velos, "conseil": conseil, "draft": draft, "bayonne": bayonne}


def test_search(client, catalogue):
    body = client.get("/api/v1/datasets", {"q": "deliberation"}).json()
    assert body["total"] == 1
    assert body["results"][0]["slug"] == catalogue["conseil"].slug
    assert body["results"][0]["themes"] == ["GOVE"]
    assert body["sort"] == "relevance"
    assert {"organisation", "theme", "format", "keyword"} <= set(body["facets"])


def test_search_filters_and_facets(client, catalogue):
    body = client.get("/api/v1/datasets?organisation=bayonne&format=csv").json()
    assert [r["slug"] for r in body["results"]] == [catalogue["velos"].slug]
    result = body["results"][0]
    assert result["formats"] == ["CSV"]
    assert result["keywords"] == ["vélo"]
    assert result["organisation"] == {"slug": "bayonne", "name": "Bayonne"}
    assert result["page_url"] == catalogue["velos"].get_absolute_url()
    assert {"value": "csv", "label": "CSV", "count": 1} in body["facets"]["format"]
    assert client.get("/api/v1/datasets?theme=GOVE&theme=TRAN").json()["total"] == 2


def test_search_without_facets(client, catalogue):
    assert client.get("/api/v1/datasets?facets=false").json()["facets"] == {}


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=abc", "page_size=101", "page_size=0", "sort=nonsense", "q=" + "x" * 300, "facets=peut-etre"],
)
def test_search_bad_parameters_are_422(client, catalogue, query):
    response = client.get(f"/api/v1/datasets?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("q", ['"*NEAR(', "a OR b", "'; --", "é"])
def test_search_syntax_characters(client, catalogue, q):
    assert client.get("/api/v1/datasets", {"q": q}).status_code == 200


def test_detail_by_slug_and_identifier(client, catalogue):
    velos = catalogue["velos"]
    by_slug = client.get(f"/api/v1/datasets/{velos.slug}").json()
    by_id = client.get(f"/api/v1/datasets/{velos.identifier}").json()
    assert by_slug == by_id
    assert by_slug["identifier"] == str(velos.identifier)
    assert by_slug["licence_title"].startswith("Licence Ouverte")
    assert by_slug["resources"][0]["format"] == "csv"
    assert by_slug["conforms_to"] is None


def test_draft_is_404_to_anonymous_and_visible_to_members(client, catalogue, user):
    draft = catalogue["draft"]
    response = client.get(f"/api/v1/datasets/{draft.slug}")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not-found", "message": "Ressource introuvable."}}
    assert client.get(f"/api/v1/datasets/{draft.slug}/resources").status_code == 404
    assert client.get("/api/v1/datasets/inexistant").status_code == 404
    MembershipFactory(user=user, organisation=catalogue["bayonne"])
    client.force_login(user)
    assert client.get(f"/api/v1/datasets/{draft.slug}").json()["state"] == "draft"
    assert client.get("/api/v1/datasets", {"q": "brouillon"}).json()["total"] == 0  # search: published only


def test_resources_and_versions(client, catalogue):
    resource = ResourceFactory(dataset=catalogue["velos"], kind="file", url="", format="csv")
    for number in (1, 2):
        version = ResourceVersion(
            resource=resource, number=number, original_name="velos.csv", size=10, sha256="a" * 64, mime_type="text/csv"
        )
        version.file.save("velos.csv", ContentFile(b"id;nom\n1;a\n"), save=False)
        version.save()
    resource.current_version = version
    resource.save()
    listing = client.get(f"/api/v1/datasets/{catalogue['velos'].slug}/resources").json()
    assert len(listing) == 2
    body = client.get(f"/api/v1/resources/{resource.identifier}").json()
    assert body["current_version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["sha256"] == "a" * 64
    assert body["versions"][0]["download_url"] == (
        f"http://testserver/donnees/{catalogue['velos'].slug}/ressources/{resource.identifier}/v2/"
    )
    assert body["dataset"] == catalogue["velos"].slug


def test_resource_of_a_draft_is_404(client, catalogue):
    resource = ResourceFactory(dataset=catalogue["draft"])
    assert client.get(f"/api/v1/resources/{resource.identifier}").status_code == 404
    assert client.get("/api/v1/resources/not-a-uuid").status_code == 422


def test_organisation_datasets(client, catalogue):
    body = client.get("/api/v1/organisations/bayonne/datasets").json()
    assert [r["slug"] for r in body["results"]] == [catalogue["velos"].slug]
    assert client.get("/api/v1/organisations/inconnue/datasets").status_code == 404
    assert client.get("/api/v1/organisations/bayonne/datasets?page_size=500").status_code == 422


def test_openapi_lists_the_catalogue(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/datasets",
        "/api/v1/datasets/{slug_or_identifier}",
        "/api/v1/datasets/{slug_or_identifier}/resources",
        "/api/v1/resources/{identifier}",
        "/api/v1/organisations/{slug}/datasets",
    ):
        assert path in paths
    assert paths["/api/v1/datasets"]["get"]["summary"] == "Recherche dans le catalogue"
