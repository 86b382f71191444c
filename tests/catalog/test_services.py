"""Publishing services: datasets, lifecycle, resources (uploads are in test_uploads.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services
from auzolan.catalog.models import Dataset, DatasetTheme, Keyword, Resource, ResourceVersion
from auzolan.catalog.signals import dataset_changed
from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return MembershipFactory(role="editor").user


@pytest.fixture
def organisation(editor):
    return editor.memberships.get().organisation


@pytest.fixture
def changes():
    received = []

    def receiver(sender, dataset, **kwargs):
        received.append(dataset.pk)

    dataset_changed.connect(receiver, sender=Dataset, weak=False, dispatch_uid="test-services")
    yield received
    dataset_changed.disconnect(sender=Dataset, dispatch_uid="test-services")


def actions(dataset):
    return list(
        AuditLogEntry.objects.filter(object_type="catalog.dataset", object_id=str(dataset.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def make(editor, organisation, **fields):
    fields.setdefault("title", "Subventions aux associations")
    return services.dataset_create(actor=editor, organisation=organisation, **fields)


# --- dataset_create ---------------------------------------------------------------------------------------------


def test_create_with_all_metadata(editor, organisation, changes):
    commune = CommuneFactory(territory=organisation.territory)
    schema = TableSchemaFactory()
    dataset = make(
        editor,
        organisation,
        description="Les **subventions** versées.",
        keywords="Budget, associations, budget ,  Vie associative",
        themes=["ECON", "SOCI"],
        communes=[commune],
        licence="cc-by",
        frequency="ANNUAL",
        temporal_start=datetime.date(2020, 1, 1),
        temporal_end=datetime.date(2024, 12, 31),
        contact_name="Service finances",
        contact_email="finances@mairie.fr",
        schema=schema,
    )
    dataset.refresh_from_db()
    assert dataset.slug == "subventions-aux-associations"
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.revision == 1
    assert dataset.created_by == editor
    assert sorted(dataset.keywords.values_list("slug", flat=True)) == ["associations", "budget", "vie-associative"]
    assert sorted(DatasetTheme.objects.filter(dataset=dataset).values_list("code", flat=True)) == ["ECON", "SOCI"]
    assert list(dataset.communes.all()) == [commune]
    assert dataset.schema == schema
    assert actions(dataset) == ["catalog.dataset.created"]
    assert changes == [dataset.pk]


def test_keywords_are_shared(editor, organisation):
    make(editor, organisation, keywords=["Vélo"])
    make(editor, organisation, title="Pistes cyclables", keywords=["vélo"])
    assert Keyword.objects.filter(slug="velo").count() == 1


def test_duplicate_titles_get_distinct_slugs(editor, organisation):
    first = make(editor, organisation)
    second = make(editor, organisation)
    third = make(editor, organisation)
    assert [first.slug, second.slug, third.slug] == [
        "subventions-aux-associations",
        "subventions-aux-associations-2",
        "subventions-aux-associations-3",
    ]


def test_slugs_are_never_reused(editor, organisation):
    first = make(editor, organisation)
    Dataset.objects.filter(pk=first.pk).delete()
    again = make(editor, organisation)
    assert again.slug == "subventions-aux-associations-2"


def test_reserved_words_are_not_slugs(editor, organisation):
    assert make(editor, organisation, title="Nouveau").slug == "nouveau-2"


def test_slug_does_not_follow_title(editor, organisation):
    dataset = make(editor, organisation)
    dataset = services.dataset_update(actor=editor, dataset=dataset, revision=1, title="Autre titre")
    assert dataset.slug == "subventions-aux-associations"
    assert Dataset.objects.get(pk=dataset.pk).title == "Autre titre"


def test_end_before_start_is_refused_on_the_field(editor, organisation):
    with pytest.raises(ValidationError) as error:
        make(editor, organisation, temporal_start=datetime.date(2024, 1, 1), temporal_end=datetime.date(2023, 1, 1))
    assert error.value.field == "temporal_end"
    assert "avant son début" in error.value.message
    assert not Dataset.objects.exists()


def test_other_licence_needs_its_address(editor, organisation):
    with pytest.raises(ValidationError) as error:
        make(editor, organisation, licence="other")
    assert error.value.field == "licence_url"
    dataset = make(editor, organisation, licence="other", licence_url="https://exemple.fr/licence")
    assert dataset.licence_url == "https://exemple.fr/licence"


def test_licence_url_is_dropped_for_known_licences(editor, organisation):
    dataset = make(editor, organisation, licence="lov2", licence_url="https://exemple.fr/licence")
    assert dataset.licence_url == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"themes": ["XXXX"]}, "themes"),
        ({"licence": "wtfpl"}, "licence"),
        ({"frequency": "HOURLY"}, "frequency"),
        ({"contact_email": "pas une adresse"}, "contact_email"),
        ({"keywords": [f"mot {n}" for n in range(40)]}, "keywords"),
    ],
)
def test_bad_metadata_is_refused(editor, organisation, fields, field):
    with pytest.raises(ValidationError) as error:
        make(editor, organisation, **fields)
    assert error.value.field == field
    assert not Dataset.objects.exists()


def test_communes_must_belong_to_the_territory(editor, organisation):
    elsewhere = CommuneFactory(territory=TerritoryFactory(slug="ailleurs", name="Ailleurs"))
    with pytest.raises(ValidationError) as error:
        make(editor, organisation, communes=[elsewhere])
    assert error.value.field == "communes"


def test_custom_schema_of_another_organisation_is_refused(editor, organisation):
    schema = TableSchemaFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as error:
        make(editor, organisation, schema=schema)
    assert error.value.field == "schema"


def test_unknown_fields_are_refused(editor, organisation):
    with pytest.raises(ValidationError):
        make(editor, organisation, state="published")


@pytest.mark.parametrize("role", ["member", "outsider", "other_org_editor"])
def test_only_editors_create(role, organisation):
    if role == "member":
        actor = MembershipFactory(organisation=organisation, role="member").user
    elif role == "outsider":
        actor = UserFactory()
    else:
        actor = MembershipFactory(role="editor").user
    with pytest.raises(NotFound):
        make(actor, organisation)


def test_operator_creates_for_any_organisation(operator, organisation):
    assert make(operator, organisation).organisation == organisation


# --- dataset_update and concurrency ---------------------------------------------------------------------------


def test_update_increments_revision_and_logs_changes(editor, organisation, changes):
    dataset = make(editor, organisation, keywords="budget")
    changes.clear()
    dataset = services.dataset_update(
        actor=editor, dataset=dataset, revision=1, description="Nouvelle description", keywords="budget, dépenses"
    )
    assert dataset.revision == 2
    assert Dataset.objects.get(pk=dataset.pk).revision == 2
    entry = AuditLogEntry.objects.filter(action="catalog.dataset.updated").get()
    assert entry.data["changed"]["description"] == ["", "Nouvelle description"]
    assert entry.data["changed"]["tags"] == [["budget"], ["budget", "depenses"]]
    assert changes == [dataset.pk]


def test_update_without_change_writes_nothing(editor, organisation):
    dataset = make(editor, organisation)
    services.dataset_update(actor=editor, dataset=dataset, revision=1, title=dataset.title)
    assert Dataset.objects.get(pk=dataset.pk).revision == 1
    assert actions(dataset) == ["catalog.dataset.created"]


def test_stale_revision_is_a_conflict_and_nothing_is_overwritten(editor, organisation):
    dataset = make(editor, organisation)
    colleague = MembershipFactory(organisation=organisation, role="editor", user__full_name="Maite Etxeberria").user
    services.dataset_update(actor=colleague, dataset=dataset, revision=1, description="Version de Maite")
    with pytest.raises(Conflict) as error:
        services.dataset_update(actor=editor, dataset=dataset, revision=1, description="Ma version", themes=["ECON"])
    assert "Maite Etxeberria" in error.value.message
    assert "rechargez la page" in error.value.message
    assert error.value.extra["revision"] == 2
    stored = Dataset.objects.get(pk=dataset.pk)
    assert stored.description == "Version de Maite"
    assert stored.revision == 2
    assert not DatasetTheme.objects.filter(dataset=dataset).exists()


def test_update_keeps_end_after_start(editor, organisation):
    dataset = make(editor, organisation, temporal_start=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.dataset_update(actor=editor, dataset=dataset, revision=1, temporal_end=datetime.date(2020, 1, 1))
    assert error.value.field == "temporal_end"
    assert Dataset.objects.get(pk=dataset.pk).temporal_end is None


def test_member_cannot_update(organisation, editor):
    dataset = make(editor, organisation)
    member = MembershipFactory(organisation=organisation, role="member").user
    with pytest.raises(NotFound):
        services.dataset_update(actor=member, dataset=dataset, revision=1, title="Piraté")


# --- Lifecycle ------------------------------------------------------------------------------------------------


def test_lifecycle_and_transition_log(editor, organisation, changes):
    dataset = make(editor, organisation)
    dataset = services.dataset_publish(actor=editor, dataset=dataset)
    first_published = dataset.published_at
    assert dataset.state == "published" and first_published is not None
    assert dataset.last_modified is not None
    dataset = services.dataset_archive(actor=editor, dataset=dataset)
    dataset = services.dataset_restore(actor=editor, dataset=dataset)
    dataset = services.dataset_unpublish(actor=editor, dataset=dataset)
    dataset = services.dataset_publish(actor=editor, dataset=dataset)
    stored = Dataset.objects.get(pk=dataset.pk)
    assert stored.state == "published"
    assert stored.published_at == first_published
    assert stored.revision == 6
    assert actions(dataset) == [
        "catalog.dataset.created",
        "catalog.dataset.published",
        "catalog.dataset.archived",
        "catalog.dataset.restored",
        "catalog.dataset.unpublished",
        "catalog.dataset.published",
    ]
    entry = AuditLogEntry.objects.filter(action="catalog.dataset.archived").get()
    assert entry.data == {"from": "published", "to": "archived"}
    assert entry.actor == editor and entry.organisation == organisation
    assert len(changes) == 6


@pytest.mark.parametrize(
    ("state", "to"),
    [("draft", "archived"), ("draft", "draft"), ("archived", "draft"), ("published", "published"), ("draft", "x")],
)
def test_illegal_transitions_are_refused(editor, organisation, state, to):
    dataset = DatasetFactory(organisation=organisation, state=state)
    with pytest.raises(ValidationError) as error:
        services.dataset_transition(actor=editor, dataset=dataset, to=to)
    assert error.value.code == "illegal-transition"
    assert Dataset.objects.get(pk=dataset.pk).state == state


def test_member_cannot_publish(organisation):
    dataset = DatasetFactory(organisation=organisation, state="draft")
    member = MembershipFactory(organisation=organisation, role="member").user
    with pytest.raises(NotFound):
        services.dataset_publish(actor=member, dataset=dataset)


def test_publishing_makes_the_edit_form_stale(editor, organisation):
    dataset = make(editor, organisation)
    services.dataset_publish(actor=editor, dataset=dataset)
    with pytest.raises(Conflict):
        services.dataset_update(actor=editor, dataset=dataset, revision=1, title="Autre")


# --- Resources ------------------------------------------------------------------------------------------------


def test_add_remote_resource_guesses_format(editor, organisation, changes):
    dataset = make(editor, organisation)
    changes.clear()
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="remote", title="Fichier", url="https://exemple.fr/data/Export.CSV"
    )
    assert resource.format == "csv"
    assert resource.current_version is None
    assert Dataset.objects.get(pk=dataset.pk).last_modified is not None
    assert actions(dataset)[-1] == "catalog.resource.added"
    assert changes == [dataset.pk]


@pytest.mark.parametrize(
    ("kind", "url", "field"),
    [("api", "", "url"), ("api", "javascript:alert(1)", "url"), ("remote", "ftp://exemple.fr/x", "url")],
)
def test_resource_address_is_checked(editor, organisation, kind, url, field):
    dataset = make(editor, organisation)
    with pytest.raises(ValidationError) as error:
        services.resource_add(actor=editor, dataset=dataset, kind=kind, title="API", url=url)
    assert error.value.field == field
    assert not Resource.objects.exists()


def test_file_resource_needs_a_file(editor, organisation):
    dataset = make(editor, organisation)
    with pytest.raises(ValidationError) as error:
        services.resource_add(actor=editor, dataset=dataset, kind="file", title="Fichier")
    assert error.value.field == "file"


def test_resource_update(editor, organisation, changes):
    dataset = make(editor, organisation)
    resource = services.resource_add(actor=editor, dataset=dataset, kind="api", title="API", url="https://api.fr/")
    changes.clear()
    resource = services.resource_update(
        actor=editor, resource=resource, title="API des subventions", description="JSON", url="https://api.fr/v2"
    )
    resource.refresh_from_db()
    assert (resource.title, resource.url) == ("API des subventions", "https://api.fr/v2")
    assert actions(dataset)[-1] == "catalog.resource.updated"
    assert changes == [dataset.pk]


def test_resource_update_refuses_an_address_for_a_file(editor, organisation):
    dataset = make(editor, organisation)
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="F", file=SimpleUploadedFile("a.csv", b"a,b\n1,2\n")
    )
    with pytest.raises(ValidationError):
        services.resource_update(actor=editor, resource=resource, url="https://exemple.fr/a.csv")


def test_resource_delete_removes_files_on_commit(editor, organisation, changes, django_capture_on_commit_callbacks):
    dataset = make(editor, organisation)
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="F", file=SimpleUploadedFile("a.csv", b"a,b\n1,2\n")
    )
    services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("a.csv", b"a,b\n3,4\n"))
    paths = [v.file.path for v in ResourceVersion.objects.filter(resource=resource)]
    assert all(__import__("os").path.exists(p) for p in paths)
    changes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_delete(actor=editor, resource=resource)
    assert not Resource.objects.exists()
    assert not ResourceVersion.objects.exists()
    assert not any(__import__("os").path.exists(p) for p in paths)
    entry = AuditLogEntry.objects.filter(action="catalog.resource.deleted").get()
    assert entry.data["versions"] == 2
    assert changes == [dataset.pk]


def test_member_cannot_touch_resources(organisation, editor):
    dataset = make(editor, organisation)
    member = MembershipFactory(organisation=organisation, role="member").user
    with pytest.raises(NotFound):
        services.resource_add(actor=member, dataset=dataset, kind="api", title="API", url="https://api.fr/")


def test_conflict_names_who_changed_the_metadata_not_who_uploaded(editor, organisation):
    dataset = make(editor, organisation)
    colleague = MembershipFactory(organisation=organisation, role="editor", user__full_name="Peio Harriet").user
    uploader = MembershipFactory(organisation=organisation, role="editor", user__full_name="Kattalin Elissalde").user
    services.dataset_update(actor=colleague, dataset=dataset, revision=1, description="Par Peio")
    services.resource_add(actor=uploader, dataset=dataset, kind="api", title="API", url="https://api.fr/")
    with pytest.raises(Conflict) as error:
        services.dataset_update(actor=editor, dataset=dataset, revision=1, description="Moi")
    assert "Peio Harriet" in error.value.message


# --- dataset_changes_batched ------------------------------------------------------------------------------------


def test_batched_changes_react_once_per_dataset_on_leaving(editor, organisation, changes):
    with services.dataset_changes_batched():
        dataset = make(editor, organisation)
        services.resource_add(
            actor=editor, dataset=dataset, kind="remote", title="Fichier", url="https://example.org/a.csv"
        )
        services.resource_add(actor=editor, dataset=dataset, kind="api", title="API", url="https://example.org/api")
        with services.dataset_changes_batched():  # a nested block joins the outer one
            published = services.dataset_publish(actor=editor, dataset=dataset)
        assert changes == []  # held until the block ends
    assert changes == [dataset.pk]
    # the reactions ran: the quality score (0 until the receiver stores it) was computed
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED and dataset.quality_score > 0
    assert published.pk == dataset.pk


def test_batched_changes_send_nothing_when_the_block_fails(editor, organisation, changes):
    with pytest.raises(ValidationError), services.dataset_changes_batched():
        make(editor, organisation)
        make(editor, organisation, title="")
    assert changes == []
    make(editor, organisation, title="Après le bloc")  # outside a block, at once again
    assert len(changes) == 1
