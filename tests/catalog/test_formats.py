"""DatasetFormat: the distinct resource formats of a dataset, denormalised for the format facet, kept in step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services
from auzolan.catalog.models import DatasetFormat, Resource
from auzolan.catalog.search import rebuild_index, search_datasets
from tests.catalog.factories import DatasetFactory, ResourceFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="published")


def formats(dataset):
    return sorted(DatasetFormat.objects.filter(dataset=dataset).values_list("format", flat=True))


def facet(name="format"):
    return {v: n for v, _, n in search_datasets().facets[name]}


def remote(editor, dataset, url, **kwargs):
    return services.resource_add(actor=editor, dataset=dataset, kind="remote", title="Fichier", url=url, **kwargs)


def test_formats_follow_resource_add_and_delete(editor, dataset):
    assert formats(dataset) == []
    first = remote(editor, dataset, "https://exemple.fr/a.csv")
    assert formats(dataset) == ["csv"]
    second = remote(editor, dataset, "https://exemple.fr/b.csv")
    remote(editor, dataset, "https://exemple.fr/c.json")
    assert formats(dataset) == ["csv", "json"]  # distinct
    assert facet() == {"csv": 1, "json": 1}
    services.resource_delete(actor=editor, resource=first)
    assert formats(dataset) == ["csv", "json"]  # another resource is still CSV
    services.resource_delete(actor=editor, resource=second)
    assert formats(dataset) == ["json"]
    assert facet() == {"json": 1}
    assert search_datasets(filters={"format": ["csv"]}).total == 0


def test_formats_follow_format_change(editor, dataset):
    resource = remote(editor, dataset, "https://exemple.fr/a.csv")
    services.resource_update(actor=editor, resource=resource, format="XLSX")
    assert formats(dataset) == ["xlsx"]
    assert search_datasets(filters={"format": ["xlsx"]}).total == 1
    services.resource_update(actor=editor, resource=resource, format="")
    assert formats(dataset) == []
    assert facet() == {}


def test_resource_without_format_adds_none(editor, dataset):
    services.resource_add(actor=editor, dataset=dataset, kind="api", title="API", url="https://api.exemple.fr/v1")
    assert formats(dataset) == []


def test_formats_follow_file_versions(editor, dataset):
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Fichier", file=SimpleUploadedFile("a.csv", b"a,b\n1,2\n")
    )
    assert formats(dataset) == ["csv"]
    services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("a.json", b"[1]"))
    assert formats(dataset) == ["json"]


def test_formats_follow_writes_outside_the_services(dataset):
    resource = ResourceFactory(dataset=dataset, format="csv")
    assert formats(dataset) == ["csv"]
    resource.format = "ods"
    resource.save()
    assert formats(dataset) == ["ods"]
    resource.delete()
    assert formats(dataset) == []


def test_rebuild_index_repairs_formats(dataset):
    Resource.objects.bulk_create([Resource(dataset=dataset, title="A", kind="remote", format="geojson")])  # no signal
    assert formats(dataset) == []
    rebuild_index()
    assert formats(dataset) == ["geojson"]
    assert facet() == {"geojson": 1}
