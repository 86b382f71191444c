"""Automatic validation of uploaded versions against the dataset's schema: jobs, reports, quality, pages, API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, TableSchema
from auzolan.catalog.quality import quality_report
from auzolan.core.errors import ApplicationError
from auzolan.core.models import Job
from auzolan.datastore import selectors, services
from auzolan.datastore.models import ValidationReport
from tests.catalog.factories import DatasetFactory, TableSchemaFactory
from tests.datastore.files import xlsx
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

DATA = Path(__file__).parent / "data"


@pytest.fixture
def editor(db):
    return MembershipFactory(role="editor").user


@pytest.fixture
def subventions(db):
    call_command("load_schemas", verbosity=0)
    return TableSchema.objects.get(name="scdl/subventions")


@pytest.fixture
def dataset(editor, subventions):
    return DatasetFactory(organisation=editor.memberships.get().organisation, state="published", schema=subventions)


def upload(editor, dataset, name="exemple_valide.csv", content: bytes | None = None, title="Subventions"):
    data = content if content is not None else (DATA / name).read_bytes()
    return catalog_services.resource_add(
        actor=editor, dataset=dataset, kind="file", title=title, file=SimpleUploadedFile(name, data)
    )


def schema_criterion(dataset):
    dataset = Dataset.objects.get(pk=dataset.pk)
    return {c["key"]: c for c in dataset.quality["criteria"]}["schema"]


def report_url(dataset, resource, number=1):
    return reverse("datastore:validation_report", args=[dataset.slug, resource.identifier, number])


@pytest.mark.django_db(transaction=True)
def test_valid_upload_is_validated_in_the_background(editor, dataset, subventions):
    resource = upload(editor, dataset)
    report = ValidationReport.objects.get(version=resource.current_version)
    assert report.state == "pending" and report.job.owner == editor and report.schema == subventions
    assert not schema_criterion(dataset)["ok"]
    run_queued_tasks()
    report.refresh_from_db()
    assert report.state == "done" and report.valid and report.error_count == 0
    assert report.schema_name == "scdl/subventions" and report.schema_version == subventions.version
    assert report.report["valid"] and report.report["stats"]["rows"] > 0
    assert Job.objects.get(pk=report.job_id).state == Job.State.SUCCEEDED
    assert schema_criterion(dataset)["ok"]


@pytest.mark.django_db(transaction=True)
def test_invalid_upload_stores_errors_and_the_quality_criterion_links_the_report(client, editor, dataset):
    resource = upload(editor, dataset, "exemple_invalide_erreurs_cellules.csv")
    run_queued_tasks()
    report = ValidationReport.objects.get(version=resource.current_version)
    assert report.state == "done" and not report.valid and report.error_count > 0
    assert report.error_count == report.report["stats"]["errors"]
    criterion = schema_criterion(dataset)
    assert not criterion["ok"] and "Subventions" in criterion["advice"]
    assert criterion["links"][0]["url"] == report_url(dataset, resource)

    body = client.get(reverse("catalog:dataset", args=[dataset.slug])).content.decode()
    assert "erreurs de conformité" in body and report_url(dataset, resource) in body

    response = client.get(report_url(dataset, resource))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1") == 1
    assert "type-error" in body and "Erreurs par colonne" in body and "<caption>" in body
    assert "Valider à nouveau" not in body  # anonymous visitor

    api = client.get(f"/api/v1/resources/{resource.identifier}/versions/1/validation")
    assert api.status_code == 200
    data = api.json()
    assert data["state"] == "done" and data["valid"] is False
    assert data["stats"]["errors"] == report.error_count and data["errors"][0]["type"]
    assert client.get(f"/api/v1/resources/{resource.identifier}/versions/2/validation").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_spreadsheet_is_validated_through_the_reader(editor, dataset):
    schema = TableSchemaFactory(
        name="test/simple",
        descriptor={"fields": [{"name": "id", "type": "integer"}, {"name": "nom", "type": "string"}]},
    )
    dataset.schema = schema
    dataset.save(update_fields=["schema"])
    content = xlsx({"Feuille": [["id", "nom"], [1, "a"], ["x", "b"]]})
    resource = upload(editor, dataset, "tableau.xlsx", content)
    run_queued_tasks()
    report = ValidationReport.objects.get(version=resource.current_version)
    assert report.state == "done" and not report.valid
    assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in report.report["errors"]] == [("type-error", 3, "id")]


@pytest.mark.django_db(transaction=True)
def test_no_validation_without_schema_or_for_a_non_tabular_file(editor, dataset):
    upload(editor, dataset, "notice.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    other = DatasetFactory(organisation=dataset.organisation, state="published")
    upload(editor, other)
    assert not ValidationReport.objects.exists()
    run_queued_tasks()
    assert not ValidationReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_schema_change_validates_the_current_versions_again(editor, subventions):
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource = upload(editor, dataset)
    assert not ValidationReport.objects.exists()
    dataset.refresh_from_db()
    dataset = catalog_services.dataset_update(
        actor=editor, dataset=dataset, revision=dataset.revision, schema=subventions
    )
    first = ValidationReport.objects.get(version=resource.current_version)
    assert first.schema == subventions
    run_queued_tasks()
    assert schema_criterion(dataset)["ok"]
    # Another change that keeps the schema: nothing to do (schema ids compared).
    dataset.refresh_from_db()
    catalog_services.dataset_update(actor=editor, dataset=dataset, revision=dataset.revision, title="Autre titre")
    assert ValidationReport.objects.count() == 1
    strict = TableSchemaFactory(name="test/strict", descriptor={"fields": [{"name": "id", "type": "integer"}]})
    dataset.refresh_from_db()
    catalog_services.dataset_update(actor=editor, dataset=dataset, revision=dataset.revision, schema=strict)
    assert ValidationReport.objects.count() == 2
    run_queued_tasks()
    latest = selectors.latest_report(resource.current_version)
    assert latest.schema == strict and not latest.valid
    assert not schema_criterion(dataset)["ok"]


@pytest.mark.django_db
def test_report_page_pending_then_404_for_a_draft_to_outsiders(client, editor, dataset):
    resource = upload(editor, dataset)
    url = report_url(dataset, resource)
    response = client.get(url)
    assert response.status_code == 200 and "Validation en cours" in response.content.decode()
    client.force_login(editor)
    body = client.get(url).content.decode()
    assert "data-job" in body and "Valider à nouveau" in body
    assert client.get(report_url(dataset, resource, 7)).status_code == 404
    Dataset.objects.filter(pk=dataset.pk).update(state="draft")
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/resources/{resource.identifier}/versions/1/validation").status_code == 404
    client.force_login(MembershipFactory(role="editor").user)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_restart_button_permissions(client, editor, dataset):
    resource = upload(editor, dataset)
    url = reverse("datastore:validation_restart", args=[dataset.slug, resource.identifier, 1])
    assert client.post(url).status_code == 302 and ValidationReport.objects.count() == 1  # to the login page
    client.force_login(MembershipFactory(role="editor").user)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(editor)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == report_url(dataset, resource)
    assert ValidationReport.objects.count() == 2
    with pytest.raises(ApplicationError):
        services.version_validate(actor=MembershipFactory(role="editor").user, version=resource.current_version)


@pytest.mark.django_db
def test_quality_criterion_without_a_tabular_file(editor, dataset):
    upload(editor, dataset, "notice.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    item = {c["key"]: c for c in quality_report(dataset)["criteria"]}["schema"]
    assert not item["ok"] and "validé automatiquement" in item["advice"]
