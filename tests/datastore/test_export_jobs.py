"""Large exports as background jobs: over HTTP (the data API for anonymous clients, the preview's export pages, the
person's tasks) and below (reuse, places, queue limit, pruning). The size threshold is lowered so that a 30-row table
counts as large."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time
from python_calamine import CalamineWorkbook

from auzolan.catalog import services as catalog_services
from auzolan.core.errors import ValidationError
from auzolan.core.models import Job
from auzolan.datastore import export_jobs, exports
from auzolan.datastore.models import ExportSlot, TableExport
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

ROWS = 30
CSV = "commune;montant;libelle\n" + "".join(f"Commune {i};{i * 10.5};Texte {i}\n" for i in range(ROWS))
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def small_budget(settings):
    # 30 rows × 3 columns: 90 CSV cells, 3 600 XLSX cells. Budget 1 000: the whole table in CSV (90) is small,
    # in XLSX (3 600) large; XLSX of 8 rows (8 × 3 × 40 = 960) small again.
    settings.DATASTORE_EXPORT_INLINE_CELLS = 1_000
    settings.DATASTORE_EXPORT_CONCURRENCY = 2
    settings.DATASTORE_EXPORT_QUEUE_LIMIT = 20
    settings.DATASTORE_EXPORT_RETENTION_HOURS = 24


@pytest.fixture
def published(transactional_db, small_budget):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset, CSV, "grand.csv")
    assert table.row_count == ROWS
    return editor, dataset, resource, table


def export_url(resource) -> str:
    return f"/api/v1/resources/{resource.identifier}/data/export"


def export_tasks():
    return DBTaskResult.objects.filter(task_path__endswith=".export_table")


def streamed(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def read_xlsx(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Données").to_python()


def accepted(response) -> dict:
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["status_url"] == f"/api/v1/exports/{body['id']}"
    assert response["Retry-After"]
    return body


# --- The data API (anonymous clients) ---------------------------------------------------------------------------


def test_a_small_export_is_still_streamed_in_the_request(client, published):
    resource = published[2]
    response = client.get(export_url(resource), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(streamed(response).decode())))
    assert len(rows) == ROWS + 1
    response = client.get(export_url(resource), {"format": "xlsx", "montant__lt": "80"})  # 8 rows: small
    assert response["Content-Type"] == XLSX_TYPE and len(read_xlsx(streamed(response))) == 9
    assert not TableExport.objects.exists()


def test_a_large_xlsx_becomes_a_job_that_an_anonymous_client_follows_and_downloads(client, published):
    resource = published[2]
    body = accepted(client.get(export_url(resource), {"format": "xlsx", "sort": "-montant"}))
    assert body["state"] == "queued" and body["download_url"] is None
    assert body["rows"] == ROWS and body["columns"] == 3 and body["format"] == "xlsx"
    assert "attente" in body["message"]
    status = client.get(body["status_url"]).json()
    assert status["state"] == "queued" and status["state_label"] == "En attente"
    # the file is not there yet: a clear 409
    response = client.get(f"/api/v1/exports/{body['id']}/file")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not-ready"

    run_queued_tasks()
    status = client.get(body["status_url"]).json()
    assert status["state"] == "succeeded" and status["percent"] == 100
    assert (status["progress_done"], status["progress_total"]) == (ROWS, ROWS)
    assert status["download_url"] == f"/api/v1/exports/{body['id']}/file"
    assert status["expires_at"] and status["size"] > 0 and "30 lignes" in status["message"]
    response = client.get(status["download_url"])
    assert response["Content-Type"] == XLSX_TYPE
    assert f"{resource.dataset.slug[:60]}-{resource.identifier.hex[:8]}.xlsx" in response["Content-Disposition"]
    rows = read_xlsx(streamed(response))
    assert rows[0] == ["commune", "montant", "libelle"] and len(rows) == ROWS + 1
    assert rows[1] == ["Commune 29", 304.5, "Texte 29"]  # the sort was kept
    export = TableExport.objects.get()
    assert export.file.startswith("private/data-exports/") and default_storage.exists(export.file)
    assert not export.jobs.exists()  # anonymous: no job of a person


def test_the_same_export_asked_again_reuses_the_running_or_finished_one(client, published, settings):
    editor, _dataset, resource, _table = published
    params = {"format": "xlsx", "sort": "-montant", "montant__gte": "0", "commune__contains": "commune"}
    first = accepted(client.get(export_url(resource), params))
    # the same question, filters in another order: the same export, not a second computation
    again = accepted(client.get(export_url(resource), dict(reversed(list(params.items())))))
    assert again["id"] == first["id"]
    assert TableExport.objects.count() == 1 and export_tasks().count() == 1
    run_queued_tasks()
    # once ready: 303 to the file, with the status in the body
    response = client.get(export_url(resource), params)
    assert response.status_code == 303 and response["Location"] == f"/api/v1/exports/{first['id']}/file"
    assert response.json()["state"] == "succeeded"
    assert TableExport.objects.count() == 1 and export_tasks().count() == 1
    # another sort, another format, another table version: another export
    assert accepted(client.get(export_url(resource), {**params, "sort": "montant"}))["id"] != first["id"]
    settings.DATASTORE_EXPORT_INLINE_CELLS = 10  # CSV of these rows is large too now
    neutralised = accepted(client.get(export_url(resource), {**params, "format": "csv"}))["id"]
    raw = accepted(client.get(export_url(resource), {**params, "format": "csv", "raw": "true"}))["id"]
    assert len({first["id"], neutralised, raw}) == 3
    # raw changes nothing in XLSX: the same export
    assert client.get(export_url(resource), {**params, "raw": "true"}).status_code == 303
    catalog_services.resource_upload_version(
        actor=editor, resource=resource, file=SimpleUploadedFile("grand.csv", (CSV + "Commune nouvelle;1;x\n").encode())
    )
    run_queued_tasks()
    newer = accepted(client.get(export_url(resource), params))
    assert newer["id"] != first["id"] and newer["rows"] == ROWS + 1


def test_a_failed_export_says_why_and_is_asked_again_from_scratch(client, published, monkeypatch):
    resource = published[2]
    first = accepted(client.get(export_url(resource), {"format": "xlsx"}))

    def refuse(*args, **kwargs):
        raise ValidationError("La requête a dépassé la limite de 900 secondes.", code="timeout")

    with monkeypatch.context() as patched:
        patched.setattr(exports, "export_file", refuse)
        run_queued_tasks()
    status = client.get(first["status_url"]).json()
    assert status["state"] == "failed" and "900 secondes" in status["message"] and status["download_url"] is None
    response = client.get(f"/api/v1/exports/{first['id']}/file")
    assert response.status_code == 410 and "900 secondes" in response.json()["error"]["message"]
    assert not ExportSlot.objects.filter(export__isnull=False).exists()  # the place is given back
    again = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    assert again["id"] != first["id"]
    run_queued_tasks()
    assert client.get(again["status_url"]).json()["state"] == "succeeded"


def test_an_xlsx_known_to_be_over_excels_limit_is_refused_before_any_job(client, published, monkeypatch):
    resource = published[2]
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 10)
    response = client.get(export_url(resource), {"format": "xlsx"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "too-large"
    assert not TableExport.objects.exists()


# --- Visibility ------------------------------------------------------------------------------------------------


def test_a_private_export_is_not_downloadable_by_someone_else(client, published):
    editor, dataset, _resource, _table = published
    draft = DatasetFactory(organisation=dataset.organisation, state="draft")
    hidden, _hidden_table = load(editor, draft, CSV, "prive.csv")
    assert client.get(export_url(hidden), {"format": "xlsx"}).status_code == 404  # anonymous: not even a job
    client.force_login(editor)
    body = accepted(client.get(export_url(hidden), {"format": "xlsx"}))
    run_queued_tasks()
    assert client.get(body["status_url"]).json()["state"] == "succeeded"
    assert streamed(client.get(f"/api/v1/exports/{body['id']}/file"))
    page = reverse(
        "datastore:export_status",
        kwargs={"slug": draft.slug, "resource": hidden.identifier, "export": body["id"]},
    )
    assert client.get(page).status_code == 200
    # someone else holding the id: 404 everywhere, as if it did not exist
    for other in (None, UserFactory()):
        client.logout()
        if other is not None:
            client.force_login(other)
        for url in (body["status_url"], f"/api/v1/exports/{body['id']}/file"):
            response = client.get(url)
            assert response.status_code == 404 and response.json()["error"]["code"] == "not-found"
        assert client.get(page).status_code == 404
    # the editor who lost access: visibility is checked again at the download
    editor.memberships.all().delete()
    client.force_login(editor)
    assert client.get(f"/api/v1/exports/{body['id']}/file").status_code == 404


def test_unknown_or_malformed_export_ids(client, published):
    response = client.get(f"/api/v1/exports/{uuid.uuid4()}")
    assert response.status_code == 404 and response.json()["error"]["message"]
    assert client.get(f"/api/v1/exports/{uuid.uuid4()}/file").status_code == 404
    response = client.get("/api/v1/exports/pas-un-identifiant")
    assert response.status_code == 422 and response.json()["error"]["message"]


# --- The person's tasks ----------------------------------------------------------------------------------------


def test_a_person_logged_in_sees_the_export_in_their_tasks(client, published):
    resource = published[2]
    person = UserFactory()
    client.force_login(person)
    body = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    job = Job.objects.get(owner=person)
    assert job.kind == "datastore.export" and job.state == Job.State.QUEUED
    assert "XLSX" in job.label and resource.dataset.title in job.label
    assert job.label in client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="/moi/taches/{job.pk}/"' in client.get("/moi/taches/").content.decode()
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "<progress" in page and "Actualiser" in page

    # someone else asks the same: the same export, a job of their own
    other = UserFactory()
    client.force_login(other)
    assert accepted(client.get(export_url(resource), {"format": "xlsx"}))["id"] == body["id"]
    assert accepted(client.get(export_url(resource), {"format": "xlsx"}))["id"] == body["id"]
    assert Job.objects.filter(owner=other).count() == 1  # asking twice: still one job

    run_queued_tasks()
    for owner in (person, other):
        job = Job.objects.get(owner=owner)
        assert job.state == Job.State.SUCCEEDED and job.percent == 100 and job.finished_at
        assert job.result["download_url"] == f"/api/v1/exports/{body['id']}/file"
        client.force_login(owner)
        page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
        assert f'href="/api/v1/exports/{body["id"]}/file"' in page
    # asked once more after it is ready: a job already finished
    third = UserFactory()
    client.force_login(third)
    assert client.get(export_url(resource), {"format": "xlsx"}).status_code == 303
    job = Job.objects.get(owner=third)
    assert job.state == Job.State.SUCCEEDED and job.result["export"] == body["id"]


# --- The preview's pages ---------------------------------------------------------------------------------------


def test_the_preview_export_link_leads_to_a_progress_page_then_the_file(client, published):
    _editor, dataset, resource, _table = published
    preview = reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    content = client.get(preview, {"montant__gte": "100"}).content.decode()
    link = f"{preview}export/?format=xlsx&amp;montant__gte=100"
    assert f'href="{link}" rel="nofollow"' in content
    # small (CSV of the whole table): the file at once
    response = client.get(f"{preview}export/", {"format": "csv", "montant__gte": "100"})
    assert response["Content-Type"].startswith("text/csv") and streamed(response).count(b"\n") == 21
    # large: 303 to the progress page
    response = client.get(f"{preview}export/", {"format": "xlsx", "montant__gte": "100"})
    assert response.status_code == 303
    export = TableExport.objects.get()
    assert response["Location"] == f"{preview}exports/{export.pk}/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert html.count("<h1") == 1 and "Export XLSX" in html
    assert f'data-job-url="/api/v1/exports/{export.pk}"' in html
    assert "<progress" in html and "<noscript>" in html and "Actualiser" in html
    assert "Télécharger" not in html
    run_queued_tasks()
    html = client.get(response["Location"]).content.decode()
    assert f'href="/api/v1/exports/{export.pk}/file"' in html and "Télécharger" in html
    assert 'data-job-finished="true"' in html and "reste disponible jusqu" in html
    assert len(read_xlsx(streamed(client.get(f"/api/v1/exports/{export.pk}/file")))) == 21


def test_the_preview_export_page_never_answers_500(client, published):
    _editor, dataset, resource, _table = published
    base = reverse("datastore:export", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    for params, status, words in (
        ({"format": "ods"}, 400, "Format d&#x27;export inconnu"),
        ({"format": "csv", "raw": "peut-être"}, 400, "raw"),
        ({"format": "xlsx", "inconnue": "1"}, 400, "Colonne inconnue"),
        ({"format": "xlsx", "montant__gte": "beaucoup"}, 400, "montant"),
        ({"format": "xlsx", "sort": "-nulle"}, 400, "nulle"),
        ({"format": "xlsx", "limit": "x"}, 400, "limit"),
    ):
        response = client.get(base, params)
        assert response.status_code == status, (params, response.status_code)
        html = response.content.decode()
        assert "Export impossible" in html and 'role="alert"' in html and words in html
    assert not TableExport.objects.exists()
    other = reverse(
        "datastore:export_status",
        kwargs={"slug": dataset.slug, "resource": resource.identifier, "export": uuid.uuid4()},
    )
    assert client.get(other).status_code == 404


def test_the_api_never_answers_500_on_bad_parameters(client, published):
    resource = published[2]
    for params, code in (
        ({"format": "ods"}, "invalid"),
        ({"format": "xlsx", "raw": "peut-être"}, "invalid"),
        ({"format": "xlsx", "inconnue": "1"}, "unknown-column"),
        ({"format": "xlsx", "montant__gte": "beaucoup"}, "invalid-value"),
        ({"format": "xlsx", "fields": "commune,nulle"}, "unknown-column"),
        ({"format": "xlsx", "montant__isnull": "peut-être"}, "invalid"),
    ):
        response = client.get(export_url(resource), params)
        assert response.status_code == 400, (params, response.content)
        assert response.json()["error"]["code"] == code
    assert not TableExport.objects.exists()


# --- At most N at once, and a bounded queue --------------------------------------------------------------------


def test_at_most_n_exports_run_at_once_the_others_wait_in_the_queue(client, published, settings):
    resource = published[2]
    settings.DATASTORE_EXPORT_CONCURRENCY = 1
    # another worker (another process or machine) is busy with a heavy export: the one place is taken
    busy = accepted(client.get(export_url(resource), {"format": "xlsx", "sort": "commune"}))
    assert export_jobs.slot_take(TableExport.objects.get(pk=busy["id"]))
    TableExport.objects.filter(pk=busy["id"]).update(state=TableExport.State.RUNNING)
    waiting = accepted(client.get(export_url(resource), {"format": "xlsx", "sort": "-commune"}))
    run_queued_tasks()  # the waiting one finds no place: it goes back to the queue, a few seconds later
    status = client.get(waiting["status_url"]).json()
    assert status["state"] == "queued" and "1 export(s) volumineux en cours" in status["message"]
    later = export_tasks().filter(status="READY").get()
    assert later.run_after > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    # the place is freed: the waiting one runs at its next turn
    export_jobs.slot_release(TableExport.objects.get(pk=busy["id"]))
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=dt.datetime.now(dt.UTC))
    run_queued_tasks()
    assert client.get(waiting["status_url"]).json()["state"] == "succeeded"
    assert not ExportSlot.objects.filter(export__isnull=False).exists()


def test_places_are_shared_and_taken_back_from_a_dead_worker(published, settings):
    settings.DATASTORE_EXPORT_CONCURRENCY = 2
    table = published[3]
    made = [
        TableExport.objects.create(table=table, format="xlsx", fingerprint=str(n), filename="x.xlsx") for n in range(3)
    ]
    assert export_jobs.slot_take(made[0]) and export_jobs.slot_take(made[1])
    assert not export_jobs.slot_take(made[2])
    export_jobs.slot_release(made[0])
    assert export_jobs.slot_take(made[2])
    # a place held past the export time limit (its worker was killed) is taken back
    ExportSlot.objects.filter(export=made[1]).update(taken_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert export_jobs.slot_take(made[0])
    assert set(ExportSlot.objects.values_list("export", flat=True)) == {made[0].pk, made[2].pk}


def test_a_full_queue_refuses_a_new_export_with_429_and_retry_after(client, published, settings):
    resource = published[2]
    settings.DATASTORE_EXPORT_QUEUE_LIMIT = 1
    first = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    response = client.get(export_url(resource), {"format": "xlsx", "sort": "commune"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "too-many-exports" and "réessayez" in error["message"]
    # the same export again is not a new one
    assert accepted(client.get(export_url(resource), {"format": "xlsx"}))["id"] == first["id"]
    # the preview's page says it too
    dataset = resource.dataset
    base = reverse("datastore:export", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    response = client.get(base, {"format": "xlsx", "sort": "commune"})
    assert response.status_code == 429 and response["Retry-After"] and "réessayez" in response.content.decode()
    # small exports are not queued: still streamed
    assert streamed(client.get(export_url(resource), {"format": "csv"}))


def test_one_client_cannot_fill_the_queue_with_distinct_exports(client, published, settings):
    """The queue limit is global: one anonymous client asking for distinct large exports took every place."""
    resource = published[2]
    settings.DATASTORE_EXPORT_RATE_IP = "2/h"
    first = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    accepted(client.get(export_url(resource), {"format": "xlsx", "sort": "commune"}))
    response = client.get(export_url(resource), {"format": "xlsx", "sort": "-commune"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate-limited"
    # asking again for an export already made is not a new one; another address has its own count
    assert accepted(client.get(export_url(resource), {"format": "xlsx"}))["id"] == first["id"]
    other = client.get(export_url(resource), {"format": "xlsx", "sort": "-commune"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 202
    assert TableExport.objects.count() == 3


# --- Pruning ---------------------------------------------------------------------------------------------------


def test_exports_are_pruned_after_their_retention(client, published, settings):
    resource = published[2]
    person = UserFactory()
    client.force_login(person)
    body = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    run_queued_tasks()
    export = TableExport.objects.get()
    assert default_storage.exists(export.file) and Job.objects.filter(owner=person).exists()
    path = export.file
    orphan = default_storage.save(f"{export_jobs.STORAGE_DIR}/orphelin.csv", io.BytesIO(b"a\n"))
    # within the retention: nothing goes
    call_command("prune_data_exports", verbosity=0)
    assert default_storage.exists(path)
    with freeze_time(export.expires_at - dt.timedelta(minutes=1)):
        assert streamed(client.get(f"/api/v1/exports/{body['id']}/file"))
    # expired but not pruned yet: 410, and asking again starts a new one
    with freeze_time(export.expires_at + dt.timedelta(minutes=1)):
        response = client.get(f"/api/v1/exports/{body['id']}/file")
        assert response.status_code == 410 and "expiré" in response.json()["error"]["message"]
    # pruned: the file, the row and the person's job go; files without a row too
    with freeze_time(export.expires_at + dt.timedelta(hours=settings.DATASTORE_EXPORT_RETENTION_HOURS + 1)):
        call_command("prune_data_exports", verbosity=0)
    assert not default_storage.exists(path) and not default_storage.exists(orphan)
    assert not TableExport.objects.exists() and not Job.objects.filter(owner=person).exists()
    assert client.get(f"/api/v1/exports/{body['id']}/file").status_code == 404


def test_an_expired_export_asked_again_is_made_again(client, published):
    resource = published[2]
    first = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    run_queued_tasks()
    export = TableExport.objects.get()
    with freeze_time(export.expires_at + dt.timedelta(minutes=1)):
        again = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    assert again["id"] != first["id"] and TableExport.objects.count() == 1


# --- Progress --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_progress_is_reported_in_rows_for_every_format(published, fmt, monkeypatch):
    table = published[3]
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 0.0)
    reports = []
    spec = exports.parse_spec({"format": fmt})
    path = exports.export_file(table, spec, timeout=60, progress=lambda done, total: reports.append((done, total)))
    os.unlink(path)
    assert reports and reports[-1] == (ROWS, ROWS)
    assert all(done <= total for done, total in reports)


def test_openapi_documents_the_background_exports(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/resources/{identifier}/data/export"]["get"]
    assert "202" in operation["responses"] and "arrière-plan" in operation["description"]
    assert "429" in operation["description"]
    assert "/api/v1/exports/{export_id}" in paths and "/api/v1/exports/{export_id}/file" in paths
    assert "visibilité" in paths["/api/v1/exports/{export_id}/file"]["get"]["description"]


def test_progress_reaches_the_status_and_the_persons_job_while_it_runs(client, published, monkeypatch):
    resource = published[2]
    person = UserFactory()
    client.force_login(person)
    body = accepted(client.get(export_url(resource), {"format": "xlsx"}))
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(exports, "XLSX_BATCH", 7)
    seen = []
    report = export_jobs._update

    def watch(export, **changes):
        report(export, **changes)
        if changes.get("done") is not None:
            status = client.get(body["status_url"]).json()
            job = Job.objects.get(owner=person)
            seen.append((status["state"], status["progress_done"], status["percent"], job.progress_done, job.state))

    monkeypatch.setattr(export_jobs, "_update", watch)
    run_queued_tasks()
    running = [entry for entry in seen if 0 < entry[1] < ROWS]
    assert running, seen
    state, done, percent, job_done, job_state = running[0]
    assert state == "running" and 0 < percent < 100 and job_done == done and job_state == Job.State.RUNNING
    assert Job.objects.get(owner=person).state == Job.State.SUCCEEDED


def test_a_failing_progress_report_stops_the_copy_cleanly(published, monkeypatch, tmp_path):
    table = published[3]
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 0.0)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))

    def broken(done, total):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        exports.export_file(table, exports.parse_spec({"format": "csv"}), timeout=60, progress=broken)
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left behind
