"""Publishing pages and downloads over HTTP."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog import services
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, ResourceFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return MembershipFactory(role="editor", organisation__name="Commune d'Ustaritz").user


@pytest.fixture
def organisation(editor):
    return editor.memberships.get().organisation


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def draft(organisation):
    return DatasetFactory(organisation=organisation, state="draft", title="Délibérations", slug="deliberations")


def upload(editor, dataset, content=b"a;b\n1;2\n", name="donnees.csv"):
    return services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Données", file=SimpleUploadedFile(name, content)
    )


def edit_urls(dataset, resource=None):
    urls = [
        reverse("catalog:dataset_edit", args=[dataset.slug]),
        reverse("catalog:dataset_preview", args=[dataset.slug]),
        reverse("catalog:dataset_transition", args=[dataset.slug]) + "?to=published",
        reverse("catalog:resource_create", args=[dataset.slug]),
    ]
    if resource is not None:
        urls += [
            reverse("catalog:resource_edit", args=[dataset.slug, resource.identifier]),
            reverse("catalog:resource_delete", args=[dataset.slug, resource.identifier]),
        ]
    return urls


# --- Access ---------------------------------------------------------------------------------------------------


def test_paths():
    assert reverse("catalog:publish_home") == "/publier/"
    assert reverse("catalog:dataset_create") == "/publier/nouveau/"
    assert reverse("catalog:dataset_edit", args=["x"]) == "/publier/x/"


def test_login_required(client, draft):
    for url in [reverse("catalog:publish_home"), reverse("catalog:dataset_create"), *edit_urls(draft)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/connexion/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", ["outsider", "member", "other_editor"])
def test_non_editors_get_404(client, draft, editor, role):
    resource = ResourceFactory(dataset=draft)
    if role == "outsider":
        user = UserFactory()
    elif role == "member":
        user = MembershipFactory(organisation=draft.organisation, role="member").user
    else:
        user = MembershipFactory(role="editor").user
    client.force_login(user)
    for url in edit_urls(draft, resource):
        assert client.get(url).status_code == 404, url
    post = client.post(reverse("catalog:dataset_transition", args=[draft.slug]), {"to": "published"})
    assert post.status_code == 404
    assert Dataset.objects.get(pk=draft.pk).state == "draft"
    if role != "other_editor":
        assert client.get(reverse("catalog:publish_home")).status_code == 404
        assert client.get(reverse("catalog:dataset_create")).status_code == 404


def test_editor_sees_every_page(editor_client, editor, draft):
    resource = upload(editor, draft)
    for url in [reverse("catalog:publish_home"), reverse("catalog:dataset_create"), *edit_urls(draft, resource)]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert response.content.count(b"<h1") == 1, url


def test_operator_edits_any_dataset(operator_client, draft):
    assert operator_client.get(reverse("catalog:dataset_edit", args=[draft.slug])).status_code == 200


# --- Home -----------------------------------------------------------------------------------------------------


def test_home_lists_all_states_of_the_current_organisation(editor_client, organisation):
    DatasetFactory(organisation=organisation, title="Brouillon A", state="draft")
    DatasetFactory(organisation=organisation, title="Publié B", state="published")
    DatasetFactory(organisation=organisation, title="Archivé C", state="archived")
    DatasetFactory(title="Chez les autres")
    response = editor_client.get(reverse("catalog:publish_home"))
    content = response.content.decode()
    for text in ("Brouillon A", "Publié B", "Archivé C", "badge--warning", "badge--success", "Nouveau jeu de données"):
        assert text in content
    assert "Chez les autres" not in content


def test_home_empty_state_explains_how_to_start(editor_client):
    content = editor_client.get(reverse("catalog:publish_home")).content.decode()
    assert "Aucun jeu de données pour l'instant" in content


def test_home_filters_by_organisation(client, editor, organisation):
    other = OrganisationFactory(name="Hasparren")
    MembershipFactory(organisation=other, user=editor, role="admin")
    DatasetFactory(organisation=organisation, title="Ustaritz data")
    DatasetFactory(organisation=other, title="Hasparren data")
    client.force_login(editor)
    content = client.get(reverse("catalog:publish_home"), {"organisation": other.slug}).content.decode()
    assert "Hasparren data" in content and "Ustaritz data" not in content
    content = client.get(reverse("catalog:publish_home"), {"organisation": "inconnue"}).content.decode()
    assert "Hasparren data" in content and "Ustaritz data" in content


def test_home_query_count_is_bounded(editor_client, organisation, django_assert_max_num_queries):
    for n in range(20):
        dataset = DatasetFactory(organisation=organisation, title=f"Jeu {n}", state=["draft", "published"][n % 2])
        ResourceFactory(dataset=dataset)
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("catalog:publish_home"))
    assert response.content.decode().count("/publier/jeu-de-donnees-") >= 20


# --- Create and edit ------------------------------------------------------------------------------------------


def form_data(organisation=None, **overrides):
    data = {
        "title": "Subventions aux associations",
        "description": "Les **subventions** de la commune.",
        "keywords": "budget, associations",
        "themes": ["ECON"],
        "licence": "lov2",
        "licence_url": "",
        "frequency": "ANNUAL",
        "temporal_start": "2020-01-01",
        "temporal_end": "2024-12-31",
        "contact_name": "",
        "contact_email": "",
        "schema": "",
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    data.update(overrides)
    return data


def test_create_form_offers_only_editable_organisations(editor_client, organisation):
    OrganisationFactory(name="Pas la mienne")
    content = editor_client.get(reverse("catalog:dataset_create")).content.decode()
    assert organisation.name.replace("'", "&#x27;") in content
    assert "Pas la mienne" not in content
    assert "Markdown : **gras**, listes, liens" in content
    assert "Économie et finances" in content  # EU themes as checkboxes


def test_create_redirects_to_edit(editor_client, organisation):
    commune = CommuneFactory(territory=organisation.territory)
    schema = TableSchemaFactory()
    data = form_data(organisation, communes=[commune.pk], schema=schema.pk)
    response = editor_client.post(reverse("catalog:dataset_create"), data)
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:dataset_edit", args=[dataset.slug])
    assert dataset.state == "draft" and dataset.organisation == organisation
    assert list(dataset.communes.all()) == [commune] and dataset.schema == schema


def test_create_for_another_organisation_is_refused(editor_client):
    other = OrganisationFactory()
    response = editor_client.post(reverse("catalog:dataset_create"), form_data(other))
    assert response.status_code == 400
    assert not Dataset.objects.exists()


def test_create_errors_are_shown_next_to_fields(editor_client, organisation):
    response = editor_client.post(
        reverse("catalog:dataset_create"),
        form_data(organisation, temporal_start="2024-01-01", temporal_end="2020-01-01", licence="other"),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "autre licence" in content
    assert not Dataset.objects.exists()
    response = editor_client.post(
        reverse("catalog:dataset_create"),
        form_data(organisation, temporal_start="2024-01-01", temporal_end="2020-01-01"),
    )
    assert "avant son début" in response.content.decode()


def test_edit_saves_and_redirects(editor_client, draft):
    data = form_data(title="Délibérations du conseil", revision=draft.revision)
    response = editor_client.post(reverse("catalog:dataset_edit", args=[draft.slug]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Délibérations du conseil" and draft.revision == 2


def test_edit_conflict_keeps_the_input(editor_client, editor, draft, organisation):
    colleague = MembershipFactory(organisation=organisation, role="editor", user__full_name="Ane Urruty").user
    services.dataset_update(actor=colleague, dataset=draft, revision=1, description="Texte d'Ane")
    data = form_data(description="Mon texte soigneusement rédigé", revision=1)
    response = editor_client.post(reverse("catalog:dataset_edit", args=[draft.slug]), data)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Ane Urruty" in content and "rechargez la page" in content
    assert "Mon texte soigneusement rédigé" in content
    assert 'name="revision" value="2"' in content
    draft.refresh_from_db()
    assert draft.description == "Texte d'Ane"
    # Saving again, knowingly, is based on the new revision and goes through.
    data["revision"] = 2
    assert editor_client.post(reverse("catalog:dataset_edit", args=[draft.slug]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.description == "Mon texte soigneusement rédigé"


def test_preview_renders_markdown_safely_and_quality(editor_client, editor, draft):
    services.dataset_update(
        actor=editor,
        dataset=draft,
        revision=draft.revision,
        description="**Important** <script>alert(1)</script> [lien](javascript:alert(1))",
    )
    content = editor_client.get(reverse("catalog:dataset_preview", args=[draft.slug])).content.decode()
    assert "<strong>Important</strong>" in content
    assert "<script>alert" not in content
    assert "javascript:alert" not in content
    assert "Une licence est indiquée" in content
    assert "À faire" in content


# --- Transitions ----------------------------------------------------------------------------------------------


def test_transition_confirmation_then_publish(editor_client, draft):
    url = reverse("catalog:dataset_transition", args=[draft.slug])
    page = editor_client.get(url, {"to": "published"})
    assert page.status_code == 200
    assert "deviendra public" in page.content.decode()
    response = editor_client.post(url, {"to": "published"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published" and draft.published_at is not None
    assert AuditLogEntry.objects.filter(action="catalog.dataset.published", object_id=str(draft.pk)).exists()
    assert editor_client.post(url, {"to": "archived"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "archived"


def test_illegal_transition_is_a_message_not_an_error(editor_client, draft):
    url = reverse("catalog:dataset_transition", args=[draft.slug])
    assert editor_client.get(url, {"to": "archived"}).status_code == 404
    response = editor_client.post(url, {"to": "archived"}, follow=True)
    assert response.status_code == 200
    assert "pas possible pour ce jeu" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


# --- Resources ------------------------------------------------------------------------------------------------


def test_upload_through_multipart_post(editor_client, draft):
    content = b"commune;montant\nUstaritz;1200\n"
    response = editor_client.post(
        reverse("catalog:resource_create", args=[draft.slug]),
        {
            "kind": "file",
            "title": "Subventions 2025",
            "description": "",
            "url": "",
            "file": SimpleUploadedFile("s.csv", content),
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.current_version.sha256 == hashlib.sha256(content).hexdigest()


def test_refused_upload_shows_the_reason_on_the_field(editor_client, draft):
    response = editor_client.post(
        reverse("catalog:resource_create", args=[draft.slug]),
        {"kind": "file", "title": "Piège", "file": SimpleUploadedFile("page.csv", b"<html><body>x</body></html>")},
    )
    assert response.status_code == 400
    assert "page web" in response.content.decode()
    assert not Resource.objects.exists()


def test_add_api_resource(editor_client, draft):
    response = editor_client.post(
        reverse("catalog:resource_create", args=[draft.slug]),
        {"kind": "api", "title": "API", "url": "https://api.exemple.fr/v1"},
    )
    assert response.status_code == 302
    assert Resource.objects.get().url == "https://api.exemple.fr/v1"


def test_resource_edit_and_new_version(editor_client, editor, draft):
    resource = upload(editor, draft)
    url = reverse("catalog:resource_edit", args=[draft.slug, resource.identifier])
    assert editor_client.post(url, {"title": "Nouveau titre", "description": "Colonnes : a, b"}).status_code == 302
    response = editor_client.post(url, {"upload": "1", "file": SimpleUploadedFile("v2.csv", b"a;b\n3;4\n")})
    assert response.status_code == 302
    page = editor_client.get(url).content.decode()
    assert "Nouveau titre" in page
    assert "Version 2" in page and "Version 1" in page
    assert hashlib.sha256(b"a;b\n3;4\n").hexdigest() in page
    assert editor.display_name in page
    bad = editor_client.post(url, {"upload": "1", "file": SimpleUploadedFile("v3.csv", b"")})
    assert bad.status_code == 400
    assert resource.versions.count() == 2


def test_resource_delete_asks_then_deletes(editor_client, editor, draft):
    resource = upload(editor, draft)
    url = reverse("catalog:resource_delete", args=[draft.slug, resource.identifier])
    assert "définitivement" in editor_client.get(url).content.decode()
    assert editor_client.post(url).status_code == 302
    assert not Resource.objects.exists()


def test_resource_of_another_dataset_is_404(editor_client, editor, draft, organisation):
    other = DatasetFactory(organisation=organisation, state="draft")
    resource = upload(editor, other)
    assert (
        editor_client.get(reverse("catalog:resource_edit", args=[draft.slug, resource.identifier])).status_code == 404
    )


# --- Downloads ------------------------------------------------------------------------------------------------


def test_downloads_of_a_published_dataset(client, editor, organisation):
    dataset = DatasetFactory(organisation=organisation, state="published")
    resource = upload(editor, dataset, b"v1\n", "Données 2024.csv")
    services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("d.csv", b"v2\n"))
    current = client.get(reverse("catalog:resource_download", args=[dataset.slug, resource.identifier]))
    assert current.status_code == 200
    assert b"".join(current.streaming_content) == b"v2\n"
    assert current["Content-Disposition"].startswith("attachment")
    assert 'filename="d.csv"' in current["Content-Disposition"]
    first = client.get(reverse("catalog:version_download", args=[dataset.slug, resource.identifier, 1]))
    assert b"".join(first.streaming_content) == b"v1\n"
    assert "Donn" in first["Content-Disposition"]
    assert (
        client.get(reverse("catalog:version_download", args=[dataset.slug, resource.identifier, 9])).status_code == 404
    )


def test_remote_resource_download_redirects(client, organisation):
    dataset = DatasetFactory(organisation=organisation, state="published")
    resource = ResourceFactory(dataset=dataset, url="https://exemple.fr/data.csv")
    response = client.get(reverse("catalog:resource_download", args=[dataset.slug, resource.identifier]))
    assert response.status_code == 302 and response["Location"] == "https://exemple.fr/data.csv"


def test_downloads_of_a_draft_are_hidden(client, editor, draft):
    resource = upload(editor, draft)
    urls = [
        reverse("catalog:resource_download", args=[draft.slug, resource.identifier]),
        reverse("catalog:version_download", args=[draft.slug, resource.identifier, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(editor)
    for url in urls:
        assert client.get(url).status_code == 200


# --- Back office ----------------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name", ["tableschema", "keyword", "dataset", "resource", "resourceversion", "reuse", "reuselink"]
)
def test_admin_changelists(superuser_client, editor, draft, name):
    upload(editor, draft)
    response = superuser_client.get(reverse(f"admin:catalog_{name}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_admin_dataset_is_read_only_with_lifecycle_actions(superuser_client, editor, draft):
    resource = upload(editor, draft)
    page = superuser_client.get(reverse("admin:catalog_dataset_change", args=[draft.pk]))
    assert page.status_code == 200
    assert resource.title in page.content.decode()
    assert superuser_client.get(reverse("admin:catalog_resourceversion_changelist")).status_code == 200
    response = superuser_client.post(
        reverse("admin:catalog_dataset_changelist"), {"action": "publish_datasets", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"
    assert AuditLogEntry.objects.filter(action="catalog.dataset.published").exists()
