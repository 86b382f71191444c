"""The three interfaces of validation over HTTP or the shell: the public page, the API, the command."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.catalog.factories import TableSchemaFactory

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


@pytest.fixture
def subventions():
    descriptor = json.loads((DATA / "subventions.json").read_text())
    return TableSchemaFactory(name="scdl/subventions", title="Subventions", is_scdl=True, descriptor=descriptor)


def upload(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


def test_page_is_public_and_lists_the_catalogue(client, subventions):
    response = client.get(reverse("datastore:validate"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "scdl/subventions" in body


def test_page_validates_a_valid_file(client, subventions, tmp_path, settings):
    response = client.post(
        reverse("datastore:validate"), {"file": upload("exemple_valide.csv"), "schema": "scdl/subventions"}
    )
    assert response.status_code == 200
    assert "Le fichier est valide" in response.content.decode()
    assert not list((Path(settings.MEDIA_ROOT)).glob("**/*.csv")) if Path(settings.MEDIA_ROOT).exists() else True


def test_page_shows_errors_grouped_with_captions(client, subventions):
    response = client.post(
        reverse("datastore:validate"),
        {"file": upload("exemple_invalide_erreurs_cellules.csv"), "schema": "scdl/subventions"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "n&#x27;est pas valide" in body or "n'est pas valide" in body
    assert "<caption>" in body and "type-error" in body and "Erreurs par colonne" in body


def test_page_with_an_uploaded_schema(client):
    schema = SimpleUploadedFile("s.json", (DATA / "prenoms.json").read_bytes(), content_type="application/json")
    response = client.post(
        reverse("datastore:validate"),
        {"file": upload("prenoms-nouveaux-nes_exemple-invalide.csv"), "schema_file": schema},
    )
    assert response.status_code == 200
    assert "constraint-error" in response.content.decode()


def test_page_refuses_without_schema_or_with_a_bad_schema(client, subventions):
    response = client.post(reverse("datastore:validate"), {"file": upload("exemple_valide.csv")})
    assert response.status_code == 400
    assert "Choisissez un schéma" in response.content.decode()
    bad = SimpleUploadedFile("s.json", b"{not json", content_type="application/json")
    response = client.post(reverse("datastore:validate"), {"file": upload("exemple_valide.csv"), "schema_file": bad})
    assert response.status_code == 400


def test_page_refuses_a_file_over_the_limit(client, subventions, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = client.post(
        reverse("datastore:validate"), {"file": upload("exemple_valide.csv"), "schema": "scdl/subventions"}
    )
    assert response.status_code == 400
    assert "taille maximale" in response.content.decode()


def test_api_returns_the_report(client, subventions):
    response = client.post(
        "/api/v1/validate", {"file": upload("exemple_invalide_erreurs_cellules.csv"), "schema": "scdl/subventions"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False
    assert report["stats"]["types"]["type-error"] == 5
    assert {"type", "rowNumber", "fieldName", "cell", "message"} <= set(report["errors"][0])


def test_api_unknown_schema_is_a_404_with_the_error_shape(client, subventions):
    response = client.post("/api/v1/validate", {"file": upload("exemple_valide.csv"), "schema": "scdl/nothing"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not-found"
    response = client.post("/api/v1/validate", {"file": upload("exemple_valide.csv")})
    assert response.status_code == 400


def test_command_json_and_exit_codes(subventions, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "validate", str(DATA / "exemple_invalide_erreurs_cellules.csv"), schema="scdl/subventions", json=True
        )
    assert exit_.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["stats"]["types"]["missing-label"] == 1
    call_command("validate", str(DATA / "exemple_valide.csv"), schema=str(DATA / "subventions.json"))
    assert "Fichier valide" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        call_command("validate", str(DATA / "absent.csv"), schema="scdl/subventions")
    assert exit_.value.code == 2
