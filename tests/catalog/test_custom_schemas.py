"""Custom Table Schemas: the service's checks, permissions, the pages, and who may declare them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog import services
from auzolan.catalog.forms import DatasetForm
from auzolan.catalog.models import TableSchema
from auzolan.catalog.schemas import schema_create
from auzolan.core.errors import NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, TableSchemaFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "fields": [
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "places", "type": "integer", "description": "Nombre de places"},
    ]
}


@pytest.fixture
def editor():
    return MembershipFactory(role="editor", organisation__name="Commune d'Ustaritz").user


@pytest.fixture
def organisation(editor):
    return editor.memberships.get().organisation


def create(editor, organisation, descriptor=GOOD, title="Bancs publics"):
    return schema_create(actor=editor, organisation=organisation, title=title, descriptor=descriptor)


def test_an_editor_adds_a_schema_named_after_the_organisation(editor, organisation):
    schema = create(editor, organisation, title="Bancs publics (2025)")
    assert schema.name == f"custom/{organisation.slug}/bancs-publics-2025"
    assert schema.organisation == organisation and not schema.is_scdl
    assert schema.descriptor == GOOD
    entry = AuditLogEntry.objects.get(action="catalog.schema.created")
    assert entry.organisation_id == organisation.pk and entry.data["fields"] == 2


@pytest.mark.parametrize(
    "descriptor",
    [json.dumps(GOOD), json.dumps(GOOD).encode(), SimpleUploadedFile("s.json", json.dumps(GOOD).encode())],
    ids=["text", "bytes", "file"],
)
def test_descriptor_as_text_bytes_or_file(editor, organisation, descriptor):
    assert create(editor, organisation, descriptor=descriptor).descriptor == GOOD


BAD = [
    ("", "Déposez le fichier JSON"),
    ("{ pas du json", "JSON est invalide à la ligne 1"),
    ("[1, 2]", "objet JSON"),
    ({"title": "Sans champs"}, "liste « fields »"),
    ({"fields": []}, "liste « fields »"),
    ({"fields": ["nom"]}, "colonne n° 1 de « fields » doit être un objet"),
    ({"fields": [{"type": "string"}]}, "colonne n° 1 n'a pas de nom"),
    ({"fields": [{"name": "a", "type": "string"}, {"name": "a", "type": "integer"}]}, "« a » apparaît plusieurs fois"),
    ({"fields": [{"name": "montant", "type": "money"}]}, "« montant » a un type inconnu : « money »"),
    ({"fields": [{"name": "montant"}]}, "« montant » n'a pas de type"),
    (
        {"fields": [{"name": "a", "type": "string", "constraints": "required"}]},
        "contraintes (« constraints ») de la colonne « a »",
    ),
    (b"\xff\xfe{}", "UTF-8"),
    ("x" * (1024 * 1024 + 1), "1 Mo"),
]


@pytest.mark.parametrize(("descriptor", "words"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_invalid_descriptors_are_refused_with_the_field_at_fault(editor, organisation, descriptor, words):
    with pytest.raises(ValidationError) as error:
        create(editor, organisation, descriptor=descriptor)
    assert words in error.value.message
    assert error.value.field == "descriptor"
    assert not TableSchema.objects.exists()


def test_title_is_required_and_names_are_unique(editor, organisation):
    with pytest.raises(ValidationError) as error:
        create(editor, organisation, title="  ")
    assert error.value.field == "title"
    create(editor, organisation)
    with pytest.raises(ValidationError) as error:
        create(editor, organisation, title="Bancs  publics")
    assert error.value.field == "title" and "déjà un schéma" in error.value.message
    # Another organisation may use the same title.
    other = MembershipFactory(role="editor").user
    assert create(other, other.memberships.get().organisation).name.startswith("custom/")


@pytest.mark.parametrize("role", ["member", "pending"])
def test_only_editors_add_schemas(organisation, role):
    user = MembershipFactory(
        role=role, organisation=organisation, state="pending" if role == "pending" else "active"
    ).user
    with pytest.raises(NotFound):
        create(user, organisation)
    with pytest.raises(NotFound):
        create(UserFactory(), organisation)
    assert not TableSchema.objects.exists()


def test_a_dataset_declares_only_scdl_or_its_own_organisation_schemas(editor, organisation):
    scdl = TableSchemaFactory(name="scdl/essai", is_scdl=True)
    own = create(editor, organisation)
    foreign = TableSchemaFactory(name="custom/autre/x", organisation=OrganisationFactory())
    dataset = DatasetFactory(organisation=organisation, state="draft")
    form = DatasetForm(dataset=dataset)
    assert set(form.fields["schema"].queryset) == {scdl, own}
    assert "schéma de Commune d&#x27;Ustaritz" in str(form["schema"])
    services.dataset_update(actor=editor, dataset=dataset, revision=dataset.revision, schema=own)
    dataset.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.dataset_update(actor=editor, dataset=dataset, revision=dataset.revision, schema=foreign)
    assert error.value.field == "schema"


def test_creation_form_offers_the_custom_schemas_of_the_chosen_organisation_only(editor, organisation):
    second = OrganisationFactory()
    MembershipFactory(role="editor", organisation=second, user=editor)
    own = create(editor, organisation)
    theirs = TableSchemaFactory(name="custom/second/x", organisation=second)
    organisations = Organisation.objects.filter(pk__in=[organisation.pk, second.pk])
    unbound = DatasetForm(organisations=organisations)
    assert {own, theirs} <= set(unbound.fields["schema"].queryset)
    bound = DatasetForm({"organisation": organisation.pk, "title": "T"}, organisations=organisations)
    assert own in bound.fields["schema"].queryset and theirs not in bound.fields["schema"].queryset


# --- Pages ---------------------------------------------------------------------------------------------------


def test_pages_are_404_for_people_who_publish_nothing(client):
    client.force_login(UserFactory())
    assert client.get(reverse("catalog:schema_list")).status_code == 404
    assert client.get(reverse("catalog:schema_create")).status_code == 404
    assert (
        client.post(reverse("catalog:schema_create"), {"title": "T", "descriptor": json.dumps(GOOD)}).status_code == 404
    )
    assert not TableSchema.objects.exists()


def test_list_shows_scdl_and_own_schemas_with_their_fields(client, editor, organisation):
    TableSchemaFactory(name="scdl/subventions", title="Subventions", is_scdl=True)
    create(editor, organisation)
    TableSchemaFactory(name="custom/autre/secret", title="Secret d'ailleurs", organisation=OrganisationFactory())
    client.force_login(editor)
    response = client.get(reverse("catalog:schema_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "Subventions" in content and "Bancs publics" in content and "<code>places</code>" in content
    assert "Nombre de places" in content
    assert "Secret d&#x27;ailleurs" not in content and "Secret d'ailleurs" not in content
    assert reverse("catalog:schema_list") in client.get(reverse("catalog:publish_home")).content.decode()


def test_create_page_with_pasted_json_and_with_a_file(client, editor, organisation):
    client.force_login(editor)
    assert client.get(reverse("catalog:schema_create")).status_code == 200
    response = client.post(
        reverse("catalog:schema_create"),
        {"organisation": organisation.pk, "title": "Bancs", "descriptor": json.dumps(GOOD)},
    )
    assert response.status_code == 302 and response["Location"] == reverse("catalog:schema_list")
    response = client.post(
        reverse("catalog:schema_create"),
        {
            "organisation": organisation.pk,
            "title": "Toilettes",
            "descriptor_file": SimpleUploadedFile("s.json", json.dumps(GOOD).encode()),
        },
    )
    assert response.status_code == 302
    assert TableSchema.objects.filter(organisation=organisation).count() == 2


def test_create_page_shows_errors_next_to_the_field_and_keeps_the_input(client, editor, organisation):
    client.force_login(editor)
    bad = json.dumps({"fields": [{"name": "montant", "type": "money"}]})
    response = client.post(
        reverse("catalog:schema_create"), {"organisation": organisation.pk, "title": "Bancs", "descriptor": bad}
    )
    assert response.status_code == 400
    assert "type inconnu" in response.context["form"].errors["descriptor"][0]
    assert 'value="Bancs"' in response.content.decode()
    response = client.post(
        reverse("catalog:schema_create"),
        {"organisation": organisation.pk, "title": "Bancs", "descriptor_file": SimpleUploadedFile("s.json", b"[]")},
    )
    assert response.status_code == 400
    assert "objet JSON" in response.context["form"].errors["descriptor_file"][0]
    assert not TableSchema.objects.exists()


def test_schemas_is_not_a_dataset_slug(editor, organisation):
    dataset = services.dataset_create(actor=editor, organisation=organisation, title="Schemas")
    assert dataset.slug != "schemas"
    assert reverse("catalog:dataset_edit", args=[dataset.slug]) != reverse("catalog:schema_list")
