"""/media/: the platform serves the uploaded files meant to be public (participation images), after the same
permission check as the page that shows them, and nothing else that lives under MEDIA_ROOT (personal data exports,
resource files and Parquet tables, proposal attachments, job files) — whatever the URL."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from auzolan.participation.models import Process, ProposalImage
from auzolan.participation.services import proposals as services
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import process_with_phase

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG")
    return out.getvalue()


def _proposal_image(author, process) -> ProposalImage:
    proposal = services.proposal_create(
        actor=author,
        process=process,
        title="Des bancs",
        body="Texte",
        images=[services.NewImage(SimpleUploadedFile("a.png", _png()), "Un banc bleu")],
    )
    return proposal.images.get()


def test_a_public_proposal_image_is_served(client, user):
    image = _proposal_image(user, process_with_phase("ideas"))
    assert image.image.url.startswith("/media/participation/proposals/")
    response = Client().get(image.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == image.image.open("rb").read()
    # The proposal page links to it.
    page = client.get(image.proposal.get_absolute_url()).content.decode()
    assert f'src="{image.image.url}"' in page


def test_a_public_process_image_is_served(user):
    process = process_with_phase("ideas")
    process.image.save("banniere.png", ContentFile(_png()), save=True)
    assert Client().get(process.image.url).status_code == 200


def test_images_of_hidden_proposals_and_unpublished_processes_are_404_except_for_their_managers(user):
    process = process_with_phase("ideas")
    image = _proposal_image(user, process)
    image.proposal.__class__.objects.filter(pk=image.proposal_id).update(is_hidden=True)
    assert Client().get(image.image.url).status_code == 404
    manager = MembershipFactory(organisation=process.organisation, role="editor").user
    client = Client()
    client.force_login(manager)
    assert client.get(image.image.url).status_code == 200  # moderators still see hidden content

    draft = process_with_phase("ideas")
    draft_image = _proposal_image(user, draft)
    draft.image.save("banniere.png", ContentFile(_png()), save=True)
    Process.objects.filter(pk=draft.pk).update(state=Process.State.DRAFT)
    for url in (draft_image.image.url, draft.image.url):
        assert Client().get(url).status_code == 404
        assert client.get(url).status_code == 404  # a member of another organisation


@pytest.mark.parametrize(
    "name",
    [
        "private/exports/1/3f2b9c1e-0000-4000-8000-000000000000.json",  # a person's data export (RGPD)
        "catalog/0000/1111/abcd/budget.csv",  # a resource file: served by the download view, with its permissions
        "datastore/1111/v1/abcd.parquet",
        "participation/attachments/plan.pdf",  # served by the attachment view, with its permissions
        "participation/proposals/orphan.png",  # an image no proposal shows
        "exports/job.csv",
    ],
)
def test_nothing_else_under_media_root_is_served(user, name):
    stored = default_storage.save(name, ContentFile(b"secret"))
    assert Client().get(f"/media/{stored}").status_code == 404
    client = Client()
    client.force_login(user)
    assert client.get(f"/media/{stored}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/media/participation/proposals/../../private/exports/1/x.json",
        "/media/participation/proposals/%2e%2e/%2e%2e/private/exports/1/x.json",
        "/media/participation/proposals/..%2f..%2fprivate/exports/1/x.json",
        "/media//etc/passwd",
        "/media/participation/proposals/a%00.png",
        "/media/participation/proposals/",
        "/media/",
    ],
)
def test_tricky_paths_are_refused(user, url):
    default_storage.save("private/exports/1/x.json", ContentFile(b"secret"))
    response = Client().get(url)
    # a NUL anywhere in the address is refused before any view (core.guards: 400); the others are not found
    assert response.status_code == (400 if "%00" in url else 404)
    assert b"secret" not in response.content


# --- With the files in an S3 bucket (a local moto server): the same /media/ addresses, never the bucket's ----------

from tests.catalog.test_s3_storage import bucket, s3_client, s3_endpoint  # noqa: E402, F401 (fixtures)


def test_bucket_images_are_served_at_media_and_the_bucket_is_never_named(client, user, bucket, s3_endpoint):  # noqa: F811
    image = _proposal_image(user, process_with_phase("ideas"))
    assert image.image.url == f"/media/{image.image.name}"
    response = Client().get(image.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == image.image.open("rb").read()
    page = client.get(image.proposal.get_absolute_url()).content.decode()
    assert f'src="{image.image.url}"' in page and s3_endpoint not in page and bucket not in page
