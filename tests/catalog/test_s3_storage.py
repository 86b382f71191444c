"""Files in an S3-compatible bucket: upload through the service, download through the view, delete.

A local S3 server (moto's, on 127.0.0.1 and a free port) stands in for the provider: no network.
"""

import hashlib
import os
import subprocess
import sys
import uuid

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from auzolan.catalog import services
from tests.catalog.factories import DatasetFactory
from tests.catalog.test_uploads import stored_files
from tests.organisations.factories import MembershipFactory

KEYS = {"aws_access_key_id": "auzolan-test", "aws_secret_access_key": "auzolan-test-secret"}
REGION = "fr-par"


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)


@pytest.fixture
def bucket(s3_client, settings, s3_endpoint):
    """A fresh private bucket, and the default storage switched to it as config/settings.py does with S3_*."""
    name = f"auzolan-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "auzolan.core.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "location": "essai",
                "default_acl": "private",
                "querystring_auth": False,
                "file_overwrite": False,
                "max_memory_size": 5 * 1024 * 1024,
            },
        },
    }
    return name


def keys(s3_client, bucket) -> list[str]:
    return [o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.mark.django_db
def test_upload_download_and_delete_through_the_bucket(client, bucket, s3_client, django_capture_on_commit_callbacks):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    content = "commune;montant\nSaint-Pée-sur-Nivelle;1 000\n".encode() * 2000
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Subventions", file=SimpleUploadedFile("sub.csv", content)
    )
    version = resource.current_version
    assert type(default_storage._wrapped).__name__ == "PrivateS3Storage"
    # In the bucket under the prefix, private, and nothing on the local disk.
    key = f"essai/{version.file.name}"
    assert keys(s3_client, bucket) == [key]
    acl = s3_client.get_object_acl(Bucket=bucket, Key=key)
    assert all(grant["Grantee"].get("URI", "").endswith("AllUsers") is False for grant in acl["Grants"])
    assert stored_files() == []

    response = client.get(reverse("catalog:resource_download", args=[dataset.slug, resource.identifier]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == content
    assert hashlib.sha256(body).hexdigest() == version.sha256
    assert response["Content-Type"] == "text/csv"
    assert 'filename="sub.csv"' in response["Content-Disposition"]
    assert int(response["Content-Length"]) == len(content)

    second = services.resource_upload_version(
        actor=editor, resource=resource, file=SimpleUploadedFile("sub.csv", b"a\n")
    )
    old = client.get(reverse("catalog:version_download", args=[dataset.slug, resource.identifier, 1]))
    assert hashlib.sha256(b"".join(old.streaming_content)).hexdigest() == version.sha256
    assert len(keys(s3_client, bucket)) == 2
    assert second.file.name != version.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.resource_delete(actor=editor, resource=resource)
    assert keys(s3_client, bucket) == []


@pytest.mark.django_db
def test_a_missing_object_is_a_404_not_a_500(client, bucket, s3_client):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource = services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="F", file=SimpleUploadedFile("a.csv", b"a\n1\n")
    )
    s3_client.delete_object(Bucket=bucket, Key=f"essai/{resource.current_version.file.name}")
    response = client.get(reverse("catalog:resource_download", args=[dataset.slug, resource.identifier]))
    assert response.status_code == 404


def _settings_with(**env) -> subprocess.CompletedProcess:
    code = (
        "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); "
        "from django.conf import settings; print(json.dumps(settings.STORAGES['default']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "AUZOLAN_ENV"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_bucket_setting_switches_the_default_storage():
    result = _settings_with(
        AUZOLAN_ENV="test",
        S3_BUCKET="fichiers",
        S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
        S3_REGION="fr-par",
        S3_ACCESS_KEY_ID="id",
        S3_SECRET_ACCESS_KEY="secret",
        S3_PREFIX="/auzolan/",
    )
    assert result.returncode == 0, result.stderr
    assert '"BACKEND": "auzolan.core.storage.PrivateS3Storage"' in result.stdout
    assert '"bucket_name": "fichiers"' in result.stdout
    assert '"location": "auzolan"' in result.stdout
    assert '"default_acl": "private"' in result.stdout
    assert '"querystring_auth": false' in result.stdout
    assert '"max_memory_size": 5242880' in result.stdout
    assert "FileSystemStorage" in _settings_with(AUZOLAN_ENV="test").stdout


def test_production_refuses_a_bucket_without_its_keys():
    result = _settings_with(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="auzolan.example.org",
        EMAIL_URL="smtp://mail.example.org:587",
        S3_BUCKET="fichiers",
        S3_ACCESS_KEY_ID="id",
    )
    assert result.returncode != 0
    assert "S3_SECRET_ACCESS_KEY" in result.stderr
