"""A double click on a creation form creates one thing, not two."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog.models import Dataset, Resource
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    membership = MembershipFactory(role="editor")
    client.force_login(membership.user)
    client.organisation = membership.organisation
    return client


def dataset_form(client, **extra):
    token = client.get(reverse("catalog:dataset_create")).context["form"]["submission"].value()
    return {
        "organisation": client.organisation.pk,
        "title": "Subventions 2025",
        "description": "",
        "keywords": "",
        "licence": "lov2",
        "frequency": "ANNUAL",
        "submission": str(token),
        **extra,
    }


def test_the_same_dataset_form_sent_twice_creates_one_dataset(editor_client):
    data = dataset_form(editor_client)
    first = editor_client.post(reverse("catalog:dataset_create"), data)
    second = editor_client.post(reverse("catalog:dataset_create"), data, follow=True)
    assert first.status_code == 302
    assert Dataset.objects.count() == 1
    assert "déjà été envoyé" in second.content.decode()


def test_a_refused_submission_can_be_corrected_and_resent(editor_client):
    data = dataset_form(editor_client, temporal_start="2025-12-31", temporal_end="2025-01-01")
    assert editor_client.post(reverse("catalog:dataset_create"), data).status_code == 400
    data.update(temporal_start="2025-01-01", temporal_end="2025-12-31")
    assert editor_client.post(reverse("catalog:dataset_create"), data).status_code == 302
    assert Dataset.objects.count() == 1


def test_the_same_upload_sent_twice_adds_one_resource(editor_client):
    dataset = DatasetFactory(organisation=editor_client.organisation)
    url = reverse("catalog:resource_create", args=[dataset.slug])
    token = editor_client.get(url).context["form"]["submission"].value()

    def send():
        upload = SimpleUploadedFile("data.csv", b"a;b\n1;2\n", content_type="text/csv")
        return editor_client.post(url, {"kind": "file", "title": "Données", "file": upload, "submission": str(token)})

    assert send().status_code == 302
    assert send().status_code == 302
    assert Resource.objects.filter(dataset=dataset).count() == 1
