"""Oversized uploads are refused while the body arrives (upload handler), over HTTP: nothing stored, fields kept."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client, override_settings
from django.urls import reverse

from auzolan.catalog import services
from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.catalog.uploads import ENVELOPE_MARGIN, UploadSizeLimitHandler
from tests.catalog.factories import DatasetFactory
from tests.catalog.test_uploads import stored_files
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIMIT = 1024 * 1024  # 1 Mo


class CountingHandler(FileUploadHandler):
    """Stands in front of Django's handlers to count the file bytes that reached them."""

    received = 0
    files = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        CountingHandler.files += 1

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def _handlers(settings, tmp_path):
    CountingHandler.received = CountingHandler.files = 0
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.catalog.test_upload_limit.CountingHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()


@pytest.fixture
def editor():
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="draft")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def csv_of(size: int) -> SimpleUploadedFile:
    line = b"commune;montant\n"
    return SimpleUploadedFile("gros.csv", (line * (size // len(line) + 1))[:size])


def temp_files() -> list:
    return list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
@pytest.mark.parametrize(
    "size",
    [LIMIT + 100 * 1024, LIMIT + ENVELOPE_MARGIN + 512 * 1024],
    ids=["counted-while-streaming", "refused-from-content-length"],
)
def test_oversized_new_resource_is_refused_next_to_the_field_and_keeps_the_other_fields(editor_client, dataset, size):
    response = editor_client.post(
        reverse("catalog:resource_create", args=[dataset.slug]),
        {"kind": "file", "title": "Subventions 2025", "description": "Les montants versés", "file": csv_of(size)},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Le fichier dépasse la taille maximale de 1 Mo." in content
    assert 'value="Subventions 2025"' in content
    assert "Les montants versés" in content
    assert response.context["form"].errors["file"] == ["Le fichier dépasse la taille maximale de 1 Mo."]
    # Never more than the limit reached Django's own handlers; nothing stored, no temporary file left.
    assert CountingHandler.received <= LIMIT
    assert not Resource.objects.exists()
    assert not ResourceVersion.objects.exists()
    assert stored_files() == []
    assert temp_files() == []


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_content_length_over_the_limit_creates_no_temporary_file_at_all(editor_client, dataset):
    editor_client.post(
        reverse("catalog:resource_create", args=[dataset.slug]),
        {"kind": "file", "title": "T", "file": csv_of(LIMIT + ENVELOPE_MARGIN + 1024)},
    )
    assert CountingHandler.files == 0
    assert CountingHandler.received == 0


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_oversized_new_version_is_refused_and_the_current_one_stays(editor_client, editor, dataset):
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="F", file=SimpleUploadedFile("v.csv", b"a\n1\n")
    )
    before = stored_files()
    response = editor_client.post(
        reverse("catalog:resource_edit", args=[dataset.slug, resource.identifier]),
        {"upload": "1", "file": csv_of(LIMIT + 1)},
    )
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"] == ["Le fichier dépasse la taille maximale de 1 Mo."]
    assert "Le fichier dépasse la taille maximale de 1 Mo." in response.content.decode()
    assert list(resource.versions.values_list("number", flat=True)) == [1]
    assert stored_files() == before
    assert temp_files() == []


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_a_file_at_the_limit_is_accepted(editor_client, dataset):
    response = editor_client.post(
        reverse("catalog:resource_create", args=[dataset.slug]),
        {"kind": "file", "title": "Juste", "file": csv_of(LIMIT)},
    )
    assert response.status_code == 302
    assert Resource.objects.get().current_version.size == LIMIT


def test_csrf_is_still_checked_on_upload_views(editor, dataset):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("catalog:resource_create", args=[dataset.slug]),
        {"kind": "file", "title": "T", "file": SimpleUploadedFile("a.csv", b"a\n")},
    )
    assert response.status_code == 403
    assert not Resource.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_handler_message_uses_the_configured_limit():
    assert UploadSizeLimitHandler().message() == "Le fichier dépasse la taille maximale de 1 Mo."
