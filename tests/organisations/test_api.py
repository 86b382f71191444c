import pytest

from tests.organisations.factories import CommuneFactory, OrganisationFactory, World

pytestmark = pytest.mark.django_db


def test_list_public_organisations(client):
    OrganisationFactory(name="Visible", kind="school", college="education")
    OrganisationFactory(name="Autre", kind="commune")
    OrganisationFactory(name="Prospect", membership_status="prospect")
    response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["name"] for o in body["results"]] == ["Autre", "Visible"]
    first = body["results"][1]
    assert first["kind_label"] == "Établissement scolaire"
    assert first["url"] == "/organisations/" + first["slug"] + "/"


def test_list_filters_and_pagination(client):
    for n in range(5):
        OrganisationFactory(name=f"Ecole {n}", kind="school", college="education")
    OrganisationFactory(name="Mairie", kind="commune").communes.add(CommuneFactory(name="Ustaritz"))
    assert client.get("/api/v1/organisations", {"kind": "school"}).json()["count"] == 5
    assert client.get("/api/v1/organisations", {"college": "education"}).json()["count"] == 5
    assert [o["name"] for o in client.get("/api/v1/organisations", {"q": "ustar"}).json()["results"]] == ["Mairie"]
    page = client.get("/api/v1/organisations", {"kind": "school", "limit": 2, "offset": 4}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["results"])) == (5, 2, 4, 1)


@pytest.mark.parametrize("params", [{"kind": "dragon"}, {"limit": 0}, {"limit": 1000}, {"offset": -1}])
def test_list_bad_parameters(client, params):
    response = client.get("/api/v1/organisations", params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_detail(client):
    organisation = OrganisationFactory(name="Ville de Bayonne", siret="21640102600017")
    organisation.communes.add(CommuneFactory(name="Bayonne", insee_code="64102"))
    body = client.get(f"/api/v1/organisations/{organisation.slug}").json()
    assert body["name"] == "Ville de Bayonne"
    assert body["siret"] == "21640102600017"
    assert body["communes"] == [{"insee_code": "64102", "name": "Bayonne"}]


def test_detail_not_visible_is_404(client):
    world = World(status="prospect")
    response = client.get("/api/v1/organisations/ustaritz")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not-found", "message": "Ressource introuvable."}}
    assert client.get("/api/v1/organisations/nulle-part").status_code == 404
    client.force_login(world.user("member"))
    assert client.get("/api/v1/organisations/ustaritz").status_code == 200


def test_territory(client):
    assert client.get("/api/v1/territory").status_code == 404
    CommuneFactory(population=100)
    CommuneFactory(population=250)
    body = client.get("/api/v1/territory").json()
    assert body["name"] == "CA du Pays Basque"
    assert body["siren"] == "200067106"
    assert (body["communes_count"], body["population"]) == (2, 350)


def test_communes(client):
    CommuneFactory(name="Bayonne", insee_code="64102", population=54584)
    CommuneFactory(name="Biarritz", insee_code="64122")
    CommuneFactory(name="Anglet", insee_code="64024")
    body = client.get("/api/v1/communes", {"q": "b", "limit": 1}).json()
    assert body["count"] == 2
    assert body["results"][0]["name"] == "Bayonne"
    assert client.get("/api/v1/communes", {"q": "6412"}).json()["results"][0]["name"] == "Biarritz"


def test_commune_detail(client):
    commune = CommuneFactory(name="Bayonne", insee_code="64102", population=54584)
    OrganisationFactory(name="Ville de Bayonne").communes.add(commune)
    OrganisationFactory(name="Prospect", membership_status="prospect").communes.add(commune)
    body = client.get("/api/v1/communes/64102").json()
    assert body["population"] == 54584
    assert [o["name"] for o in body["organisations"]] == ["Ville de Bayonne"]
    response = client.get("/api/v1/communes/99999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not-found"


def test_openapi_documents_the_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}",
        "/api/v1/territory",
        "/api/v1/communes",
        "/api/v1/communes/{insee_code}",
    ):
        assert path in schema["paths"], path
    assert schema["paths"]["/api/v1/organisations"]["get"]["summary"] == "Liste des organisations membres"
