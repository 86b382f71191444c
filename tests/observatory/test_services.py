"""Snapshots (one per month, updated when taken again), the command, the task, and the agency's dataset being created
then updated (new versions of the same resources)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.core.errors import NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.datastore.models import Table
from auzolan.observatory import services, tasks
from auzolan.observatory.models import ObservatoryDataset, ObservatorySnapshot
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def _rows(resource: Resource) -> list[list[str]]:
    with resource.current_version.file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode("utf-8"))))


@pytest.fixture
def agency(world):
    agency = OrganisationFactory(territory=world.territory, name="Agence numérique", kind="agency", slug="agence")
    admin = MembershipFactory(organisation=agency, role="admin").user
    agency.admin = admin
    return agency


# --- Snapshots ---------------------------------------------------------------------------------------------------


@freeze_time("2026-03-10 09:00")
def test_a_snapshot_records_the_indicators_of_the_month(world, programme):
    programme[world.bayonne.pk] = {"stage": 4, "stage_total": 8, "stage_label": "Inventaire fait", "bound": True}
    snapshot = services.snapshot_take()
    assert snapshot.month == datetime.date(2026, 3, 1)
    assert (snapshot.organisations_publishing, snapshot.datasets_published, snapshot.reuses) == (3, 5, 2)
    assert (snapshot.scdl_declared, snapshot.scdl_valid) == (3, 1)
    assert (snapshot.bound_total, snapshot.bound_publishing) == (1, 1)
    bayonne = next(item for item in snapshot.communes if item["insee"] == "64102")
    assert bayonne == {
        "insee": "64102",
        "organisation": "Commune de Bayonne",
        "stage": 4,
        "label": "Inventaire fait",
        "bound": True,
    }
    assert next(item for item in snapshot.stages if item["stage"] == 4)["count"] == 1
    assert AuditLogEntry.objects.filter(action="observatory.snapshot.taken").count() == 1


def test_taking_it_again_in_the_same_month_updates_that_month(world):
    with freeze_time("2026-03-02 08:00"):
        first = services.snapshot_take()
    DatasetFactory(organisation=world.anglet)
    with freeze_time("2026-03-31 21:30"):  # 23:30 in Paris: still March
        again = services.snapshot_take()
    assert again.pk == first.pk and ObservatorySnapshot.objects.count() == 1
    assert again.datasets_published == 6
    with freeze_time("2026-03-31 22:30"):  # 00:30 on 1 April in Paris: the months follow local time
        services.snapshot_take()
    assert list(ObservatorySnapshot.objects.values_list("month", "datasets_published")) == [
        (datetime.date(2026, 3, 1), 6),
        (datetime.date(2026, 4, 1), 6),
    ]
    assert AuditLogEntry.objects.filter(action="observatory.snapshot.updated").count() == 1


@freeze_time("2026-03-10")
def test_without_a_programme_the_stage_figures_are_empty_not_invented(world):
    snapshot = services.snapshot_take()
    assert snapshot.bound_total is None and snapshot.bound_publishing is None and snapshot.stages == []
    assert all(item["stage"] is None and item["bound"] is None for item in snapshot.communes)


@freeze_time("2026-03-10")
def test_a_future_month_is_refused(db):
    with pytest.raises(ValidationError):
        services.snapshot_take(month=datetime.date(2026, 4, 1))


# --- The dataset -------------------------------------------------------------------------------------------------


@freeze_time("2026-03-10")
def test_publishing_creates_the_agency_dataset_with_two_csv_files(world, agency):
    services.snapshot_take()
    dataset = services.observatory_publish(actor=agency.admin)
    assert dataset.organisation == agency and dataset.state == Dataset.State.PUBLISHED
    assert dataset.frequency == "MONTHLY" and dataset.licence == "lov2"
    resources = {r.current_version.original_name: r for r in Resource.objects.filter(dataset=dataset)}
    assert set(resources) == {services.HISTORY_FILE, services.ORGANISATIONS_FILE}
    history = _rows(resources[services.HISTORY_FILE])
    assert history[0] == services.HISTORY_HEADER
    assert history[1] == ["2026-03", "3", "5", "3", "1", "33.3", "", "", "2", ""]
    organisations = _rows(resources[services.ORGANISATIONS_FILE])
    assert organisations[0] == services.ORGANISATIONS_HEADER
    bayonne = next(row for row in organisations if row[0] == "Commune de Bayonne")
    assert bayonne[3:7] == ["64102", "3", "1", "1"]
    assert bayonne[7:] == ["", "", "", "", ""]  # no programme: no stage, no obligation


def test_after_the_next_snapshot_the_same_resources_get_new_versions(world, agency, programme):
    with freeze_time("2026-03-10"):
        services.snapshot_take()
        dataset = services.observatory_publish(actor=agency.admin)
    resources = set(Resource.objects.filter(dataset=dataset).values_list("pk", flat=True))
    # The agency now publishes a dataset (this one): its line of the per-organisation table changes once.
    with freeze_time("2026-03-11"):
        services.observatory_publish(actor=agency.admin)
    assert ResourceVersion.objects.filter(resource__dataset=dataset).count() == 3
    with freeze_time("2026-03-12"):  # nothing changed: no new version
        services.observatory_publish(actor=agency.admin)
    assert ResourceVersion.objects.filter(resource__dataset=dataset).count() == 3
    programme[world.bayonne.pk] = {"stage": 3, "stage_total": 8, "stage_label": "", "bound": True}
    with freeze_time("2026-04-02"):
        services.snapshot_take()
        again = services.observatory_publish(actor=agency.admin)
    assert again.pk == dataset.pk and Dataset.objects.filter(organisation=agency).count() == 1
    assert set(Resource.objects.filter(dataset=dataset).values_list("pk", flat=True)) == resources
    assert sorted(ResourceVersion.objects.filter(resource__dataset=dataset).values_list("number", flat=True)) == [
        1,
        1,
        2,
        2,
        3,
    ]
    history = _rows(Resource.objects.get(dataset=dataset, current_version__original_name=services.HISTORY_FILE))
    assert [row[0] for row in history[1:]] == ["2026-03", "2026-04"]
    assert history[2][6:8] == ["1", "1"]
    assert history[2][9] == "3.0"  # the mean stage of the one organisation followed


def test_only_someone_who_may_publish_for_the_agency_publishes(world, agency):
    with pytest.raises(NotFound):
        services.observatory_publish(actor=UserFactory())
    member = MembershipFactory(organisation=agency, role="member").user
    with pytest.raises(NotFound):
        services.observatory_publish(actor=member)
    assert not ObservatoryDataset.objects.exclude(dataset=None).exists()


def test_without_an_agency_organisation_publishing_is_refused_clearly(world):
    with pytest.raises(ValidationError):
        services.observatory_publish(actor=UserFactory(is_staff=True))


def test_the_publisher_of_a_scheduled_run(world, agency):
    assert catalog_selectors.scheduled_publisher(organisation=agency) == agency.admin
    agency.admin.is_active = False
    agency.admin.save()
    editor = MembershipFactory(organisation=agency, role="editor").user
    assert catalog_selectors.scheduled_publisher(organisation=agency) == editor
    editor.is_active = False
    editor.save()
    assert catalog_selectors.scheduled_publisher(organisation=agency) is None
    staff = UserFactory(is_staff=True)
    assert catalog_selectors.scheduled_publisher(organisation=agency) == staff


def test_csv_cells_are_guarded_against_formulas(world, agency):
    world.bayonne.name = "=HYPERLINK(1)"
    world.bayonne.save()
    content = services.organisations_csv(services.selectors.indicators()).decode()
    assert "'=HYPERLINK(1)" in content


# --- The command and the task ------------------------------------------------------------------------------------


@freeze_time("2026-05-20")
def test_the_command_takes_the_snapshot_and_publishes(world, agency):
    out = io.StringIO()
    call_command("observatory_snapshot", stdout=out)
    call_command("observatory_snapshot", stdout=out)  # idempotent in the month
    assert ObservatorySnapshot.objects.get().month == datetime.date(2026, 5, 1)
    assert "mis à jour" in out.getvalue()
    assert ObservatoryDataset.objects.get().dataset.state == Dataset.State.PUBLISHED


@freeze_time("2026-05-20")
def test_the_command_without_publication_and_without_agency(world):
    out = io.StringIO()
    call_command("observatory_snapshot", "--no-publish", stdout=out)
    assert "sans publication" in out.getvalue()
    call_command("observatory_snapshot", stdout=out)
    assert "aucune organisation de type" in out.getvalue()
    assert ObservatorySnapshot.objects.count() == 1 and not ObservatoryDataset.objects.exists()


def test_the_command_reports_a_refusal_as_a_command_error(world, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("Refusé.")

    monkeypatch.setattr(services, "snapshot_take", refuse)
    with pytest.raises(CommandError, match="Refusé"):
        call_command("observatory_snapshot", "--no-publish")


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_in_the_worker_and_the_datastore_ingests_the_files(world, agency):
    tasks.take_snapshot.enqueue()
    run_queued_tasks()
    link = ObservatoryDataset.objects.get()
    assert link.dataset.state == Dataset.State.PUBLISHED
    run_queued_tasks()  # the ingestion jobs enqueued by the uploads
    tables = Table.objects.filter(resource__dataset=link.dataset, state=Table.State.READY)
    assert tables.count() == 2


@freeze_time("2026-03-10")
def test_the_published_dataset_is_in_the_dcat_feed_and_the_ckan_api(client, world, agency):
    services.snapshot_take()
    dataset = services.observatory_publish(actor=agency.admin)
    assert str(dataset.identifier) in client.get("/catalog.ttl").content.decode()
    response = client.get("/api/3/action/package_show", {"id": str(dataset.identifier)})
    assert response.status_code == 200
    names = {r["name"] for r in response.json()["result"]["resources"]}
    assert names == {"Indicateurs mois par mois", "Tableau actuel par organisation"}
