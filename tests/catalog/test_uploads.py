"""Uploads: every refusal stores nothing; accepted files are hashed and versioned while streaming."""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings

from auzolan.catalog import services
from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.errors import ValidationError
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="draft")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def ods_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lisezmoi.txt", "bonjour")
    return buffer.getvalue()


def add_file(editor, dataset, name: str, content: bytes) -> Resource:
    return services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Fichier", file=SimpleUploadedFile(name, content)
    )


GOOD = [
    ("subventions.csv", b"a;b\n1;2\n", "csv"),
    ("ancien.csv", "commune;montant\nSaint-Pée;1 000 €\n".encode("cp1252"), "csv"),
    ("donnees.tsv", b"a\tb\n1\t2\n", "tsv"),
    ("lisezmoi.txt", "Données de la commune.\n".encode(), "txt"),
    ("donnees.json", b'\xef\xbb\xbf  [{"a": 1}]', "json"),
    ("carte.geojson", b'{"type": "FeatureCollection", "features": []}', "geojson"),
    ("budget.xlsx", xlsx_bytes(), "xlsx"),
    ("budget.ods", ods_bytes(), "ods"),
    ("budget.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
    ("archive.zip", plain_zip_bytes(), "zip"),
    ("rapport.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "pdf"),
    ("donnees.parquet", b"PAR1" + b"\x00" * 20 + b"PAR1", "parquet"),
    ("flux.xml", b'<?xml version="1.0"?><donnees/>', "xml"),
    ("MAJUSCULES.CSV", b"a,b\n", "csv"),
]


@pytest.mark.parametrize(("name", "content", "fmt"), GOOD, ids=[g[0] for g in GOOD])
def test_good_files_are_stored_with_size_and_checksum(editor, dataset, name, content, fmt):
    resource = add_file(editor, dataset, name, content)
    version = resource.current_version
    assert resource.format == fmt
    assert version.number == 1
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.uploaded_by == editor
    assert version.original_name == name.rsplit(".", 1)[0] + "." + fmt
    with version.file.open("rb") as handle:
        assert handle.read() == content
    dataset.refresh_from_db()
    assert dataset.last_modified is not None


BAD = [
    ("programme.exe", b"MZ\x90\x00", "bad-extension", "n'est pas accepté"),
    ("page.html", b"<html></html>", "bad-extension", "n'est pas accepté"),
    ("sans-extension", b"a,b\n", "bad-extension", "n'est pas accepté"),
    ("vide.csv", b"", "empty", "vide"),
    ("page.csv", b"  <!DOCTYPE html><html><body>Bonjour</body></html>", "content-mismatch", "page web"),
    ("script.csv", b"<script>alert(1)</script>", "content-mismatch", "page web"),
    ("programme.csv", b"MZ\x90\x00\x03\x00\x00\x00", "content-mismatch", "programme"),
    ("elf.txt", b"\x7fELF\x02\x01\x01", "content-mismatch", "programme"),
    ("shell.csv", b"#!/bin/sh\nrm -rf /\n", "content-mismatch", "programme"),
    ("binaire.csv", b"a,b\n1,\x00\x002\n", "content-mismatch", "UTF-8"),
    ("faux.pdf", b"Ceci n'est pas un PDF", "content-mismatch", "extension"),
    ("faux.xlsx", plain_zip_bytes(), "invalid-file", "Excel"),
    ("faux.ods", xlsx_bytes(), "invalid-file", "OpenDocument"),
    ("texte.zip", b"bonjour", "content-mismatch", "extension"),
    ("tronque.zip", b"PK\x03\x04" + b"\x00" * 30, "invalid-file", "illisible"),
    ("texte.json", b"bonjour", "invalid-file", "JSON"),
    ("casse.json", b'{"a": ', "invalid-file", "JSON"),
    ("sans-type.geojson", b'{"features": []}', "invalid-file", "type"),
    ("faux.parquet", b"PAR1" + b"\x00" * 20, "content-mismatch", "extension"),
    ("faux.xls", b"a,b\n1,2\n", "content-mismatch", "extension"),
    ("page.xml", b"<html><body/></html>", "content-mismatch", "page web"),
]


@pytest.mark.parametrize(("name", "content", "code", "words"), BAD, ids=[b[0] for b in BAD])
def test_refused_files_store_nothing(editor, dataset, name, content, code, words):
    with pytest.raises(ValidationError) as error:
        add_file(editor, dataset, name, content)
    assert error.value.code == code
    assert error.value.field == "file"
    assert words in error.value.message
    assert not Resource.objects.exists()
    assert not ResourceVersion.objects.exists()
    assert stored_files() == []


@override_settings(UPLOAD_MAX_BYTES=2 * 1024 * 1024)
def test_too_big_is_refused_with_the_limit_in_mo(editor, dataset):
    with pytest.raises(ValidationError) as error:
        add_file(editor, dataset, "gros.csv", b"a,b\n" * (1024 * 1024))
    assert error.value.code == "too-big"
    assert "la limite est de 2 Mo" in error.value.message
    assert "4 Mo" in error.value.message
    assert stored_files() == []
    assert not Resource.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_limit_is_enforced_while_streaming_when_the_size_lies(editor, dataset):
    upload = SimpleUploadedFile("gros.csv", b"a,b\n" * 1000)
    upload.size = 10  # a client may announce anything
    with pytest.raises(ValidationError) as error:
        services.resource_add(actor=editor, dataset=dataset, kind="file", title="F", file=upload)
    assert error.value.code == "too-big"
    assert stored_files() == []


def test_filename_is_sanitised_and_keeps_its_extension(editor, dataset):
    resource = add_file(editor, dataset, "../../etc/Mon fichier (été) $1.CSV", b"a,b\n")
    version = resource.current_version
    assert version.original_name == "Mon_fichier_été_1.csv"
    assert ".." not in version.file.name
    assert version.file.name.endswith("/Mon_fichier_été_1.csv")
    assert version.file.name.startswith(f"catalog/{dataset.identifier}/{resource.identifier}/")


def test_versions_are_numbered_and_previous_ones_stay(editor, dataset):
    resource = add_file(editor, dataset, "v.csv", b"a\n1\n")
    second = services.resource_upload_version(
        actor=editor, resource=resource, file=SimpleUploadedFile("v.csv", b"a\n2\n")
    )
    third = services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("v.json", b"[2]"))
    resource.refresh_from_db()
    assert [v.number for v in resource.versions.all()] == [3, 2, 1]
    assert resource.current_version == third
    assert resource.format == "json"
    assert second.number == 2
    first = resource.versions.get(number=1)
    with first.file.open("rb") as handle:
        assert handle.read() == b"a\n1\n"
    assert len(stored_files()) == 3


def test_failed_upload_leaves_previous_versions_intact(editor, dataset):
    resource = add_file(editor, dataset, "v.csv", b"a\n1\n")
    before = stored_files()
    with pytest.raises(ValidationError):
        services.resource_upload_version(
            actor=editor, resource=resource, file=SimpleUploadedFile("v.csv", "<html>piège</html>".encode())
        )
    resource.refresh_from_db()
    assert resource.current_version.number == 1
    assert list(resource.versions.values_list("number", flat=True)) == [1]
    assert stored_files() == before
    with resource.current_version.file.open("rb") as handle:
        assert handle.read() == b"a\n1\n"


def test_error_after_storing_deletes_the_stored_file(editor, dataset, monkeypatch):
    resource = add_file(editor, dataset, "v.csv", b"a\n1\n")
    before = stored_files()

    def broken(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(services, "audit_log", broken)
    with pytest.raises(RuntimeError):
        services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("v.csv", b"a\n2\n"))
    assert stored_files() == before
    assert resource.versions.count() == 1


def test_only_file_resources_get_versions(editor, dataset):
    resource = services.resource_add(actor=editor, dataset=dataset, kind="api", title="API", url="https://api.fr/")
    with pytest.raises(ValidationError):
        services.resource_upload_version(actor=editor, resource=resource, file=SimpleUploadedFile("a.csv", b"a\n"))


class BoundedReads(File):
    """A file that fails the test if anyone reads it whole (or in pieces larger than 1 Mo)."""

    def read(self, size=-1):
        assert size is not None and 0 < size <= 1024 * 1024, f"read({size}) of a large file"
        return self.file.read(size)


def test_huge_file_is_streamed_in_chunks(editor, dataset):
    line = b"64102;Bayonne;51411;" + b"x" * 100 + b"\n"
    upload = TemporaryUploadedFile("gros.csv", "text/csv", 0, "utf-8")
    sha = hashlib.sha256()
    for _ in range(200):  # ~24 Mo
        block = line * 1000
        upload.write(block)
        sha.update(block)
    upload.flush()
    upload.size = upload.tell()
    upload.seek(0)
    wrapped = BoundedReads(upload.file, name="gros.csv")
    wrapped.size = upload.size
    resource = services.resource_add(actor=editor, dataset=dataset, kind="file", title="Gros", file=wrapped)
    version = resource.current_version
    assert version.size == upload.size > 20 * 1024 * 1024
    assert version.sha256 == sha.hexdigest()
    assert os.path.getsize(version.file.path) == upload.size
    upload.close()


def test_temporary_upload_from_disk_is_stored(editor, dataset):
    upload = TemporaryUploadedFile("disque.csv", "text/csv", 0, "utf-8")
    upload.write(b"a;b\n" * 10000)
    upload.flush()
    upload.size = upload.tell()
    upload.seek(0)
    resource = services.resource_add(actor=editor, dataset=dataset, kind="file", title="Disque", file=upload)
    version = resource.current_version
    with version.file.open("rb") as handle:
        assert handle.read() == b"a;b\n" * 10000
    assert version.sha256 == hashlib.sha256(b"a;b\n" * 10000).hexdigest()
    upload.close()  # the storage moved the temporary file; Django's close() expects that
