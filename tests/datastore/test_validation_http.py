"""The three interfaces of validation over HTTP or the shell: the public page, the API, the command."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from auzolan.datastore.validation import validate
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
    # the error types are named in French; the codes stay visible for experts (issue 9)
    for label, code in (
        ("Valeur du mauvais type", "type-error"),
        ("Contrainte du schéma non respectée", "constraint-error"),
        ("Colonne manquante", "missing-label"),
    ):
        assert label in body, label
        assert f">{code}</code>" in body, code
    assert "Erreurs « constraint-error »" not in body
    assert "Colonne manquante (1 erreur détaillée)" in body and "Valeur du mauvais type (5 erreurs détaillées)" in body


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


def bad_amounts_file(tmp_path, rows: int):
    path = tmp_path / "montants.csv"
    lines = (DATA / "exemple_valide.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    amount = header.split(",").index("montant")
    body = []
    for i in range(rows):
        cells = list(first)
        cells[amount] = f'"{i} 000,50"'
        body.append(",".join(cells))
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    return path


def test_command_max_errors_caps_the_listed_errors_of_text_and_json_alike(subventions, capsys, tmp_path):
    path = bad_amounts_file(tmp_path, 30)
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", json=True, max_errors=5)
    report = json.loads(capsys.readouterr().out)
    assert report["stats"]["errors"] == 30 and report["stats"]["types"] == {"type-error": 30}
    assert len(report["errors"]) == 5 and report["truncated"] is True
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", max_errors=5)
    text = capsys.readouterr().out
    assert "30 erreurs" in text
    assert text.count("\n- ligne") + text.startswith("- ligne") == 5
    assert "25 autres erreurs" in text and "--max-errors 0" in text
    assert "--json pour le rapport complet" not in text


def test_command_lists_every_error_with_max_errors_0(subventions, capsys, tmp_path):
    path = bad_amounts_file(tmp_path, 1200)
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", json=True, max_errors=0)
    report = json.loads(capsys.readouterr().out)
    assert len(report["errors"]) == report["stats"]["errors"] == 1200 and report["truncated"] is False
    assert [error["rowNumber"] for error in report["errors"]] == list(range(2, 1202))
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", max_errors=0)
    text = capsys.readouterr().out
    assert text.count("\n- ligne") == 1200 and "autres erreurs" not in text


def test_command_default_lists_as_many_errors_in_text_as_in_json(subventions, capsys, tmp_path):
    path = bad_amounts_file(tmp_path, 80)
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", json=True)
    listed = len(json.loads(capsys.readouterr().out)["errors"])
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions")
    assert capsys.readouterr().out.count("\n- ligne") == listed == 80


def test_command_refuses_a_negative_max_errors(subventions, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("validate", str(DATA / "exemple_valide.csv"), schema="scdl/subventions", max_errors=-1)
    assert exit_.value.code == 2
    assert "--max-errors" in capsys.readouterr().err


def test_api_validates_against_an_uploaded_schema_file(client):
    schema = SimpleUploadedFile("s.json", (DATA / "prenoms.json").read_bytes(), content_type="application/json")
    response = client.post(
        "/api/v1/validate", {"file": upload("prenoms-nouveaux-nes_exemple-invalide.csv"), "schema_file": schema}
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["valid"] is False and report["stats"]["types"]["constraint-error"] >= 1
    assert report["schema"]["name"] == json.loads((DATA / "prenoms.json").read_text())["name"]


def test_api_uploaded_schema_file_wins_over_a_catalogue_name_and_bad_json_is_a_400(client, subventions):
    schema = SimpleUploadedFile("s.json", (DATA / "prenoms.json").read_bytes(), content_type="application/json")
    response = client.post(
        "/api/v1/validate",
        {
            "file": upload("prenoms-nouveaux-nes_exemple-valide.csv"),
            "schema": "scdl/subventions",
            "schema_file": schema,
        },
    )
    assert response.status_code == 200 and response.json()["valid"] is True
    bad = SimpleUploadedFile("s.json", b"{not json", content_type="application/json")
    response = client.post("/api/v1/validate", {"file": upload("exemple_valide.csv"), "schema_file": bad})
    assert response.status_code == 400
    assert set(response.json()["error"]) >= {"code", "message"}


def test_openapi_declares_the_schema_file_in_the_multipart_body(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/validate"]["post"]
    assert not [parameter for parameter in operation.get("parameters", []) if parameter["name"] == "schema_file"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    properties = body.get("properties") or {}
    if "$ref" in body or not properties:  # a referenced component
        name = (body.get("$ref") or "").rsplit("/", 1)[-1]
        properties = client.get("/api/v1/openapi.json").json()["components"]["schemas"][name]["properties"]
    assert {"file", "schema", "schema_file"} <= set(properties)
    assert properties["schema_file"].get("format") == "binary" or any(
        option.get("format") == "binary" for option in properties["schema_file"].get("anyOf", [])
    )


def test_command_json_is_the_report_written_piece_by_piece(subventions, capsys, tmp_path):
    call_command("validate", str(DATA / "exemple_valide.csv"), schema="scdl/subventions", json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and report["errors"] == [] and report["truncated"] is False
    path = bad_amounts_file(tmp_path, 3)
    with pytest.raises(SystemExit):
        call_command("validate", str(path), schema="scdl/subventions", json=True)
    printed = json.loads(capsys.readouterr().out)
    expected = validate(path, json.loads((DATA / "subventions.json").read_text())).as_dict()
    del printed["stats"]["seconds"], expected["stats"]["seconds"]
    assert printed["errors"] and printed == expected
