"""What a resource may be given (catalog.resource_checks): file names, digests, remote addresses."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from auzolan.catalog import resource_checks
from auzolan.core.errors import ValidationError


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Données 2025.CSV", "Données_2025.csv"), ("../../etc/passwd", "passwd"), ("..", "fichier"), ("", "fichier")],
)
def test_clean_filename(name, expected):
    assert resource_checks.clean_filename(name) == expected


def test_file_digest_reads_size_and_sha256():
    size, sha = resource_checks.file_digest(io.BytesIO(b"a;b\n1;2\n"))
    assert size == 8 and len(sha) == 64


@override_settings(UPLOAD_MAX_BYTES=4)
def test_file_digest_refuses_past_the_limit_and_empty_files():
    with pytest.raises(ValidationError) as too_big:
        resource_checks.file_digest(SimpleUploadedFile("a.csv", b"a;b\n1;2\n"))
    assert (too_big.value.code, too_big.value.field) == ("too-big", "file")
    with pytest.raises(ValidationError) as empty:
        resource_checks.file_digest(io.BytesIO(b""))
    assert empty.value.code == "empty"


def test_clean_url_accepts_http_and_https_only():
    assert resource_checks.clean_url("  https://api.exemple.fr/v1 ") == "https://api.exemple.fr/v1"
    for url in ("", "javascript:alert(1)", "ftp://exemple.fr/a.csv"):
        with pytest.raises(ValidationError) as refused:
            resource_checks.clean_url(url)
        assert refused.value.field == "url"


def test_format_from_url():
    assert resource_checks.format_from_url("https://exemple.fr/data/velos.CSV?v=2") == "csv"
    assert resource_checks.format_from_url("https://exemple.fr/carte.shp") == "shp"
    assert resource_checks.format_from_url("https://exemple.fr/page.php") == ""
