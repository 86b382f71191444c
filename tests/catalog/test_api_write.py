"""The catalogue's write endpoints in /api/v1/ with personal API tokens: every write with an editor's token, a
non-member's (404: out of reach), anonymous (401), a session without CSRF (403), the rate limit (429), an upload
too big (413), a stale revision (409), a double creation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from auzolan.accounts import services as accounts_services
from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.core.models import AuditLogEntry
from tests.catalog.factories import DatasetFactory, ReuseFactory, ReuseLinkFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CSV = b"commune;montant\nBayonne;12,5\nAnglet;3\n"


def bearer(user) -> dict:
    _token, raw = accounts_services.api_token_create(actor=user, name="script", lifetime_days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def world():
    organisation = OrganisationFactory(slug="bayonne", name="Bayonne")
    commune = CommuneFactory(territory=organisation.territory)
    editor = MembershipFactory(organisation=organisation, role="editor").user
    member = MembershipFactory(organisation=organisation, role="member").user
    outsider = MembershipFactory(role="admin").user  # the admin of another organisation
    draft = DatasetFactory(organisation=organisation, state="draft", published_at=None, last_modified=None)
    resource = Resource.objects.create(dataset=draft, kind="remote", title="Lien", url="https://exemple.fr/a.csv")
    return {
        "organisation": organisation,
        "commune": commune,
        "editor": editor,
        "member": member,
        "outsider": outsider,
        "draft": draft,
        "resource": resource,
    }


def post_json(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


def patch_json(client, path, body, **headers):
    return client.patch(path, body, content_type="application/json", **headers)


# --- Datasets ------------------------------------------------------------------------------------------------


def test_create_a_draft_with_an_editors_token(client, world):
    schema = TableSchemaFactory(name="scdl/subventions")
    body = {
        "organisation": "bayonne",
        "title": "Subventions 2026",
        "description": "Les subventions versées aux associations.",
        "licence": "odc-odbl",
        "frequency": "ANNUAL",
        "themes": ["ECON", "GOVE"],
        "keywords": ["associations", "budget"],
        "communes": [world["commune"].insee_code],
        "schema": "scdl/subventions",
        "temporal_start": "2026-01-01",
        "temporal_end": "2026-12-31",
    }
    response = post_json(client, "/api/v1/datasets", body, **bearer(world["editor"]))
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["slug"] == "subventions-2026" and out["state"] == "draft" and out["revision"] == 1
    assert out["themes"] == ["ECON", "GOVE"] and out["keywords"] == ["associations", "budget"]
    assert out["communes"] == [{"insee_code": world["commune"].insee_code, "name": world["commune"].name}]
    assert out["conforms_to"]["name"] == schema.name and out["licence"] == "odc-odbl"
    dataset = Dataset.objects.get(slug="subventions-2026")
    assert dataset.created_by == world["editor"]
    assert AuditLogEntry.objects.get(action="catalog.dataset.created").actor == world["editor"]
    # The token reads its drafts too.
    detail = client.get("/api/v1/datasets/subventions-2026", **bearer(world["editor"]))
    assert detail.status_code == 200
    assert client.get("/api/v1/datasets/subventions-2026").status_code == 404


def test_a_double_creation_makes_two_drafts_never_a_500(client, world):
    headers = bearer(world["editor"])
    first = post_json(client, "/api/v1/datasets", {"organisation": "bayonne", "title": "Budget"}, **headers)
    second = post_json(client, "/api/v1/datasets", {"organisation": "bayonne", "title": "Budget"}, **headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert [first.json()["slug"], second.json()["slug"]] == ["budget", "budget-2"]


def test_an_idempotency_key_makes_a_repeated_creation_harmless(client, world):
    headers = {**bearer(world["editor"]), "HTTP_IDEMPOTENCY_KEY": "publication-2026-03-01"}
    body = {"organisation": "bayonne", "title": "Budget"}
    first = post_json(client, "/api/v1/datasets", body, **headers)
    again = post_json(client, "/api/v1/datasets", body, **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["identifier"] == first.json()["identifier"]
    assert Dataset.objects.filter(title="Budget").count() == 1
    other = post_json(client, "/api/v1/datasets", {**body, "title": "Autre"}, **headers)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency-key-reused"
    # The key is the person's: another editor's same key creates their own dataset.
    colleague = MembershipFactory(organisation=world["organisation"], role="editor").user
    mine = post_json(
        client, "/api/v1/datasets", body, **bearer(colleague), HTTP_IDEMPOTENCY_KEY="publication-2026-03-01"
    )
    assert mine.status_code == 201 and mine.json()["slug"] == "budget-2"
    # A refused creation does not keep the key: corrected, the same key creates.
    retry = {**bearer(world["editor"]), "HTTP_IDEMPOTENCY_KEY": "essai"}
    assert post_json(client, "/api/v1/datasets", {**body, "title": " "}, **retry).status_code == 400
    assert post_json(client, "/api/v1/datasets", body, **retry).status_code == 201
    long_key = {**bearer(world["editor"]), "HTTP_IDEMPOTENCY_KEY": "k" * 201}
    assert post_json(client, "/api/v1/datasets", body, **long_key).status_code == 400


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"organisation": "bayonne", "title": "   "}, 400, "title"),
        ({"organisation": "bayonne", "title": "T", "licence": "other"}, 400, "licence_url"),
        ({"organisation": "bayonne", "title": "T", "licence": "wtfpl"}, 422, "licence"),
        ({"organisation": "bayonne", "title": "T", "schema": "inconnu/x"}, 400, "schema"),
        ({"organisation": "bayonne", "title": "T", "communes": ["99999"]}, 400, "communes"),
        (
            {"organisation": "bayonne", "title": "T", "temporal_start": "2026-02-01", "temporal_end": "2026-01-01"},
            400,
            "temporal_end",
        ),
        ({"organisation": "bayonne", "title": "T", "contact_email": "pas une adresse"}, 400, "contact_email"),
        ({"title": "T"}, 422, "organisation"),
    ],
)
def test_create_refusals_name_their_field(client, world, body, status, field):
    response = post_json(client, "/api/v1/datasets", body, **bearer(world["editor"]))
    assert response.status_code == status, response.json()
    assert field in (response.json()["error"].get("field") or str(response.json()["error"].get("details")))
    assert not Dataset.objects.exclude(pk=world["draft"].pk).exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_out_of_reach_is_a_404(client, world, who):
    headers = bearer(world[who])
    draft, resource = world["draft"], world["resource"]
    assert (
        post_json(client, "/api/v1/datasets", {"organisation": "bayonne", "title": "T"}, **headers).status_code == 404
    )
    assert (
        patch_json(client, f"/api/v1/datasets/{draft.slug}", {"revision": 1, "title": "X"}, **headers).status_code
        == 404
    )
    assert client.post(f"/api/v1/datasets/{draft.slug}/publish", **headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/datasets/{draft.slug}/resources",
            {"title": "R", "kind": "remote", "url": "https://exemple.fr"},
            **headers,
        ).status_code
        == 404
    )
    assert patch_json(client, f"/api/v1/resources/{resource.identifier}", {"title": "X"}, **headers).status_code == 404
    assert client.post(f"/api/v1/resources/{resource.identifier}/versions", **headers).status_code == 404
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.state == "draft"


def test_anonymous_writes_are_401(client, world):
    draft = world["draft"]
    for response in (
        post_json(client, "/api/v1/datasets", {"organisation": "bayonne", "title": "T"}),
        patch_json(client, f"/api/v1/datasets/{draft.slug}", {"revision": 1}),
        client.post(f"/api/v1/datasets/{draft.slug}/publish"),
        client.post(f"/api/v1/datasets/{draft.slug}/resources", {"title": "R"}),
        patch_json(client, f"/api/v1/resources/{world['resource'].identifier}", {"title": "X"}),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["editor"])
    body = {"organisation": "bayonne", "title": "Par le site"}
    refused = post_json(client, "/api/v1/datasets", body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    client.get("/moi/jetons-api/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert post_json(client, "/api/v1/datasets", body, HTTP_X_CSRFTOKEN=token).status_code == 201
    # A token needs no CSRF token, even from a client that also has a session.
    assert post_json(client, "/api/v1/datasets", body, **bearer(world["editor"])).status_code == 201


def test_update_with_the_revision_and_a_stale_revision_is_409(client, world):
    headers = bearer(world["editor"])
    path = f"/api/v1/datasets/{world['draft'].identifier}"
    response = patch_json(client, path, {"revision": 1, "title": "Nouveau titre", "themes": ["ENVI"]}, **headers)
    assert response.status_code == 200, response.json()
    out = response.json()
    assert out["title"] == "Nouveau titre" and out["revision"] == 2 and out["themes"] == ["ENVI"]
    assert out["description"] == world["draft"].description  # fields not sent do not change
    stale = patch_json(client, path, {"revision": 1, "title": "Écrasé ?"}, **headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale-revision" and stale.json()["error"]["details"]["revision"] == 2
    assert Dataset.objects.get(pk=world["draft"].pk).title == "Nouveau titre"


def test_lifecycle_publish_archive_restore_unpublish(client, world):
    headers = bearer(world["editor"])
    slug = world["draft"].slug
    wrong = client.post(f"/api/v1/datasets/{slug}/archive", **headers)
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "illegal-transition"
    assert client.post(f"/api/v1/datasets/{slug}/restore", **headers).status_code == 409  # restore is for archives
    published = client.post(f"/api/v1/datasets/{slug}/publish", **headers)
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert client.get(f"/api/v1/datasets/{slug}").status_code == 200  # public now
    assert client.post(f"/api/v1/datasets/{slug}/archive", **headers).json()["state"] == "archived"
    assert client.post(f"/api/v1/datasets/{slug}/restore", **headers).json()["state"] == "published"
    assert client.post(f"/api/v1/datasets/{slug}/unpublish", **headers).json()["state"] == "draft"
    actions = set(AuditLogEntry.objects.filter(object_id=str(world["draft"].pk)).values_list("action", flat=True))
    assert {"catalog.dataset.published", "catalog.dataset.archived", "catalog.dataset.restored"} <= actions


# --- Resources -----------------------------------------------------------------------------------------------


def test_add_a_remote_resource_and_update_it(client, world):
    headers = bearer(world["editor"])
    response = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources",
        {"title": "Portail", "kind": "api", "url": "https://api.exemple.fr/v1/"},
        **headers,
    )
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["kind"] == "api" and out["url"] == "https://api.exemple.fr/v1/" and out["versions"] == []
    bad = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources",
        {"title": "Portail", "kind": "remote", "url": "ftp://exemple.fr/x"},
        **headers,
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "url"
    path = f"/api/v1/resources/{out['identifier']}"
    updated = patch_json(client, path, {"title": "Portail de l'API", "format": "JSON"}, **headers)
    assert updated.status_code == 200 and updated.json()["title"] == "Portail de l'API"
    assert updated.json()["format"] == "json"


def test_nul_in_a_multipart_field_is_a_400_not_a_database_error(client, world):
    response = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources",
        {"title": "a\x00b", "kind": "api", "url": "https://api.exemple.fr/"},
        **bearer(world["editor"]),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nul-character" and response.json()["error"]["field"] == "title"


def test_upload_a_file_then_a_new_version(client, world):
    headers = bearer(world["editor"])
    response = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources",
        {"title": "Subventions", "kind": "file", "file": SimpleUploadedFile("subventions.csv", CSV)},
        **headers,
    )
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["format"] == "csv" and out["current_version"] == 1 and out["versions"][0]["size"] == len(CSV)
    version = client.post(
        f"/api/v1/resources/{out['identifier']}/versions",
        {"file": SimpleUploadedFile("subventions-v2.csv", CSV + b"Biarritz;7\n")},
        **headers,
    )
    assert version.status_code == 201, version.json()
    assert version.json()["current_version"] == 2 and [v["number"] for v in version.json()["versions"]] == [2, 1]
    missing = client.post(f"/api/v1/resources/{out['identifier']}/versions", {}, **headers)
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "file"
    remote = client.post(
        f"/api/v1/resources/{world['resource'].identifier}/versions",
        {"file": SimpleUploadedFile("a.csv", CSV)},
        **headers,
    )
    assert remote.status_code == 400  # only file resources get versions


def test_upload_too_big_is_413_and_stores_nothing(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    headers = bearer(world["editor"])
    big = SimpleUploadedFile("gros.csv", b"a;b\n" + b"1;2\n" * 1000)
    response = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources", {"title": "Gros", "kind": "file", "file": big}, **headers
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too-large" and response.json()["error"]["field"] == "file"
    assert not Resource.objects.filter(title="Gros").exists()
    big.seek(0)
    file_resource = client.post(
        f"/api/v1/datasets/{world['draft'].slug}/resources",
        {"title": "Petit", "kind": "file", "file": SimpleUploadedFile("petit.csv", CSV)},
        **headers,
    ).json()
    version = client.post(f"/api/v1/resources/{file_resource['identifier']}/versions", {"file": big}, **headers)
    assert version.status_code == 413
    assert ResourceVersion.objects.filter(resource__identifier=file_resource["identifier"]).count() == 1


# --- Rate limit ----------------------------------------------------------------------------------------------


def test_writes_are_limited_per_token_and_per_address(client, world, settings):
    settings.API_WRITE_RATE_TOKEN = "2/m"
    settings.API_WRITE_RATE_IP = "3/m"
    headers = bearer(world["editor"])
    path = f"/api/v1/resources/{world['resource'].identifier}"
    assert [patch_json(client, path, {"title": f"T{i}"}, **headers).status_code for i in range(3)] == [200, 200, 429]
    limited = patch_json(client, path, {"title": "T"}, **headers)
    assert limited.json()["error"]["code"] == "rate-limited" and int(limited["Retry-After"]) >= 1
    # Another token of the same address: its own count, but the address's count is reached.
    other = bearer(world["editor"])
    assert patch_json(client, path, {"title": "T3"}, **other).status_code == 200
    assert patch_json(client, path, {"title": "T4"}, **other).status_code == 429
    # Reads are not counted.
    assert client.get(path, **headers).status_code == 200


# --- Re-uses -------------------------------------------------------------------------------------------------


def test_reuses_show_only_published_links_to_published_datasets(client, world):
    published = DatasetFactory(organisation=world["organisation"], title="Vélos")
    shown = ReuseLinkFactory(dataset=published, state="published").reuse
    ReuseLinkFactory(reuse=shown, dataset=world["draft"], state="published")  # a draft's link: left out
    ReuseLinkFactory(dataset=published, state="pending")
    ReuseLinkFactory(reuse=ReuseFactory(), dataset=published, state="rejected")
    listing = client.get("/api/v1/reuses").json()
    assert listing["total"] == 1
    assert listing["results"][0]["id"] == shown.pk
    assert listing["results"][0]["datasets"] == [{"slug": published.slug, "title": "Vélos"}]
    assert client.get(f"/api/v1/reuses/{shown.pk}").json()["title"] == shown.title
    pending = ReuseLinkFactory(dataset=published, state="pending").reuse
    assert client.get(f"/api/v1/reuses/{pending.pk}").status_code == 404
    per_dataset = client.get(f"/api/v1/datasets/{published.slug}/reuses").json()
    assert [r["id"] for r in per_dataset["results"]] == [shown.pk]
    assert client.get(f"/api/v1/datasets/{world['draft'].slug}/reuses").status_code == 404
