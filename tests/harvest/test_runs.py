"""harvest_run against a local CKAN-like portal: upsert, unchanged re-runs, updates, local edits, archiving, dry
runs, per-record failures, and hostile sources that must change nothing."""

from __future__ import annotations

import pytest

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.models import AuditLogEntry
from auzolan.harvest import runs, services
from auzolan.harvest.adapters.ckan import CkanAdapter
from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource
from auzolan.organisations.models import Membership
from tests.harvest.conftest import Reply
from tests.harvest.samples import ckan_package, ckan_search

SEARCH = "/api/3/action/package_search"


@pytest.fixture
def source(portal, editor, monkeypatch):
    user, organisation = editor
    monkeypatch.setattr(CkanAdapter, "page_size", 2)
    return services.source_create(
        actor=user,
        organisation=organisation,
        name="Portail d'Anglet",
        kind="ckan",
        url=portal.base,
        archive_after_runs=2,
    )


def harvest(source: HarvestSource, *, dry_run: bool = False) -> HarvestRun:
    return runs.harvest_run(run=HarvestRun.objects.create(source=source, dry_run=dry_run))


def counts(run: HarvestRun) -> dict:
    return {name: getattr(run, name) for name in ("found", *HarvestRun.COUNTS) if getattr(run, name)}


def serve(portal, packages):
    portal.route(SEARCH, ckan_search(packages))


def snapshot():
    return sorted(Dataset.objects.values_list("title", "state", "revision", "description"))


def test_first_run_creates_published_datasets_with_their_resources(portal, source):
    serve(portal, [ckan_package(n) for n in range(3)])
    run = harvest(source)
    assert run.state == "succeeded", run.message
    assert counts(run) == {"found": 3, "created": 3}
    assert [p for p in portal.requests if p.startswith(SEARCH)] == [
        f"{SEARCH}?rows=2&start=0&sort=id+asc",
        f"{SEARCH}?rows=2&start=2&sort=id+asc",
    ]
    dataset = Dataset.objects.get(title="Budget primitif 1")
    assert dataset.state == "published" and dataset.organisation == source.organisation
    assert dataset.created_by == source.created_by
    assert (dataset.licence, dataset.frequency) == ("lov2", "ANNUAL")
    assert (str(dataset.temporal_start), str(dataset.temporal_end)) == ("2024-01-01", "2024-12-31")
    assert sorted(dataset.keywords.values_list("name", flat=True)) == ["budget", "finances"]
    resources = list(dataset.resources.order_by("position").values_list("kind", "format", "title", "url"))
    assert resources == [
        ("remote", "csv", "Budget (CSV)", "https://data.anglet.fr/dataset/1/resource/budget.csv"),
        ("api", "json", "API", "https://data.anglet.fr/api/3/action/datastore_search?resource_id=r-1-1"),
    ]
    record = HarvestRecord.objects.get(dataset=dataset)
    assert record.remote_id == ckan_package(1)["id"] and record.raw["name"] == "budget-primitif-1"
    assert record.remote_url == f"{portal.base}/dataset/budget-primitif-1"
    assert len(record.hash) == 64 and record.dataset_revision == dataset.revision
    source.refresh_from_db()
    assert source.last_run_at == run.finished_at


def test_an_unchanged_rerun_rewrites_nothing(portal, source):
    serve(portal, [ckan_package(n) for n in range(3)])
    harvest(source)
    before, audit = snapshot(), AuditLogEntry.objects.count()
    run = harvest(source)
    assert counts(run) == {"found": 3, "unchanged": 3}
    assert snapshot() == before and AuditLogEntry.objects.count() == audit
    assert set(HarvestRecord.objects.values_list("last_seen_run", flat=True)) == {run.pk}


def test_a_changed_record_updates_the_dataset_and_its_resources(portal, source):
    serve(portal, [ckan_package(n) for n in range(2)])
    harvest(source)
    changed = ckan_package(1, title="Budget primitif 2025")
    changed["resources"] = [
        changed["resources"][0],
        {"name": "Budget (XLSX)", "format": "XLSX", "url": "https://data.anglet.fr/budget.xlsx"},
    ]
    serve(portal, [ckan_package(0), changed])
    run = harvest(source)
    assert counts(run) == {"found": 2, "updated": 1, "unchanged": 1}
    dataset = HarvestRecord.objects.get(remote_id=changed["id"]).dataset
    assert dataset.title == "Budget primitif 2025"
    assert sorted(dataset.resources.values_list("format", flat=True)) == ["csv", "xlsx"]  # the API went away
    assert HarvestRecord.objects.get(dataset=dataset).dataset_revision == dataset.revision


def test_a_locally_edited_dataset_is_not_overwritten(portal, source, editor):
    user, _organisation = editor
    serve(portal, [ckan_package(0)])
    harvest(source)
    dataset = Dataset.objects.get()
    catalog_services.dataset_update(actor=user, dataset=dataset, revision=dataset.revision, title="Titre local")
    serve(portal, [ckan_package(0, title="Titre distant")])
    run = harvest(source)
    assert counts(run) == {"found": 1, "skipped": 1}
    assert run.errors == [
        {
            "remote_id": ckan_package(0)["id"],
            "title": "Titre distant",
            "message": "modifié sur la plateforme depuis la dernière moisson",
        }
    ]
    assert Dataset.objects.get().title == "Titre local"


def test_a_dataset_gone_from_the_source_is_archived_after_the_configured_runs_and_comes_back(portal, source):
    serve(portal, [ckan_package(n) for n in range(2)])
    harvest(source)
    serve(portal, [ckan_package(0)])
    first = harvest(source)
    assert counts(first) == {"found": 1, "unchanged": 1, "missing": 1}
    gone = HarvestRecord.objects.get(remote_id=ckan_package(1)["id"])
    assert gone.state == "missing" and gone.dataset.state == "published"
    second = harvest(source)
    assert counts(second) == {"found": 1, "unchanged": 1, "archived": 1}
    gone.refresh_from_db()
    assert gone.state == "archived" and gone.dataset.state == "archived"
    assert counts(harvest(source)) == {"found": 1, "unchanged": 1}  # archived once, then left alone
    serve(portal, [ckan_package(0), ckan_package(1)])
    back = harvest(source)
    assert counts(back) == {"found": 2, "unchanged": 1, "updated": 1}
    gone.refresh_from_db()
    assert gone.state == "active" and gone.dataset.state == "published"


def test_a_dry_run_writes_nothing_and_shows_what_would_happen(portal, source):
    serve(portal, [ckan_package(n) for n in range(3)])
    run = harvest(source, dry_run=True)
    assert counts(run) == {"found": 3, "created": 3}
    assert run.preview["created"] == ["Budget primitif 0", "Budget primitif 1", "Budget primitif 2"]
    assert not Dataset.objects.exists() and not HarvestRecord.objects.exists()
    assert "Prévisualisation" in run.message
    source.refresh_from_db()
    assert source.last_run_at is None


def test_one_broken_record_fails_alone_and_is_never_half_written(portal, source, monkeypatch):
    serve(portal, [ckan_package(0), ckan_package(1, title="", name=""), ckan_package(2), ckan_package(3)])
    publish = catalog_services.dataset_publish

    def failing_publish(*, actor, dataset):
        if dataset.title == "Budget primitif 3":
            raise RuntimeError("disk full")
        return publish(actor=actor, dataset=dataset)

    monkeypatch.setattr(catalog_services, "dataset_publish", failing_publish)
    run = harvest(source)
    assert counts(run) == {"found": 4, "created": 2, "failed": 2}
    assert {e["message"] for e in run.errors} == {
        "Jeu de données sans titre.",
        "Erreur inattendue pendant l'écriture de ce jeu de données.",
    }
    assert sorted(Dataset.objects.values_list("title", flat=True)) == ["Budget primitif 0", "Budget primitif 2"]
    assert Resource.objects.count() == 4 and HarvestRecord.objects.count() == 2


def test_remote_resources_pointing_inside_are_left_out(portal, source):
    package = ckan_package(0)
    package["resources"] = [
        {"name": "interne", "url": "http://10.0.0.5/export.csv", "format": "CSV"},
        {"name": "métadonnées", "url": "http://169.254.169.254/latest/meta-data/"},
        {"name": "local", "url": "http://localhost:8080/x.csv"},
        {"name": "fichier", "url": "file:///etc/passwd"},
        {"name": "identifiants", "url": "https://user:secret@data.anglet.fr/x.csv"},
        {"name": "public", "url": "https://data.anglet.fr/x.csv", "format": "CSV"},
    ]
    serve(portal, [package])
    harvest(source)
    assert list(Resource.objects.values_list("title", flat=True)) == ["public"]


def test_an_unknown_licence_points_to_the_dataset_page(portal, source):
    serve(portal, [ckan_package(0, license_id="notspecified", license_title="License not specified", license_url="")])
    harvest(source)
    dataset = Dataset.objects.get()
    assert (dataset.licence, dataset.licence_url) == ("other", f"{portal.base}/dataset/budget-primitif-0")


def test_the_run_fails_when_the_creator_is_no_longer_an_editor(portal, source):
    serve(portal, [ckan_package(0)])
    Membership.objects.filter(user=source.created_by).update(role=Membership.Role.MEMBER)
    run = harvest(source)
    assert run.state == "failed" and "n'est plus éditrice" in run.message
    assert not Dataset.objects.exists()


# --- Hostile or broken sources: the run fails with a French message and changes nothing -----------------------


def _endless(params):
    start = int(params.get("start", 0))
    results = [ckan_package(start), ckan_package(start + 1)]
    return Reply({"success": True, "result": {"count": 10**9, "results": results}})


def _repeating(params):
    return Reply({"success": True, "result": {"count": 10**9, "results": [ckan_package(0), ckan_package(1)]}})


HOSTILE = {
    "invalid-json": (Reply(b'{"success": true, "result": {"count": 3, "resu'), "n'est pas du JSON valide"),
    "html": (Reply(b"<html><body>Maintenance</body></html>", content_type="text/html"), "Type de contenu inattendu"),
    "not-success": (Reply({"success": False, "error": {"__type": "Not Found Error"}}), "package_search"),
    "error-status": (Reply({"success": False}, status=503), "Erreur 503"),
    "endless": (_endless, "plus de 4 pages"),
    "repeating": (_repeating, "deux fois la même page"),
    "huge": (
        Reply({"success": True, "result": {"count": 1, "results": [ckan_package(0, notes="x" * 50_000)]}}),
        "trop volumineuse",
    ),
    "too-much-in-all": (_endless, "Mo en tout"),
    "slow": (Reply({"success": True, "result": {"count": 0, "results": []}}, delay=1.0), "Délai dépassé"),
    "redirect-inside": (Reply(b"", status=302, headers={"Location": "http://10.0.0.1/api"}), "Adresse refusée"),
    "empty": (Reply({"success": True, "result": {"count": 0, "results": []}}), "ne renvoie plus aucun jeu de données"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_source_fails_cleanly_and_changes_nothing(portal, source, settings, case):
    serve(portal, [ckan_package(n) for n in range(3)])
    assert harvest(source).created == 3
    fields = ("remote_id", "hash", "state", "missing_runs")
    before, records = snapshot(), sorted(HarvestRecord.objects.values_list(*fields))
    settings.HARVEST_MAX_PAGES = 4
    settings.HARVEST_MAX_RESPONSE_BYTES = 20_000
    settings.HARVEST_TIMEOUT = 0.3
    if case == "too-much-in-all":
        settings.HARVEST_MAX_PAGES, settings.HARVEST_MAX_TOTAL_BYTES = 100, 30_000
    reply, message = HOSTILE[case]
    portal.route(SEARCH, reply)
    run = harvest(source)
    assert run.state == "failed"
    assert message in run.message
    assert snapshot() == before
    assert sorted(HarvestRecord.objects.values_list(*fields)) == records
