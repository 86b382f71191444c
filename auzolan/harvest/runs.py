"""One harvest of a source: gather every page, then write, record by record, through the catalogue's services.

- **Gather first**: the adapter reads every page before anything is written. A source that fails (unreachable,
  refused address, invalid JSON or RDF, wrong content type, endless or repeating paging, a huge page, a timeout)
  fails the run with its French message and changes nothing. A source that suddenly lists nothing while datasets
  were harvested from it is treated as broken too (nothing is archived on an empty answer).
- **Upsert on (source, remote id)**: the raw record and its hash are kept; an unchanged hash rewrites nothing (the
  records seen are marked with one UPDATE per 500); a changed one updates the dataset with `dataset_update` (and its
  remote resources: matched by address, added, updated, removed); a new one is created, given its resources and
  published. Each record is its own transaction: one that fails is rolled back whole (never a half-written
  dataset), counted as failed with its message, and the others go on.
- **Local edits win**: the record keeps the dataset's revision after the harvest's last write; a dataset whose
  revision moved since (edited on the platform, or moved along its lifecycle by a person) is not overwritten — counted
  as skipped, with a message. A harvested dataset deleted on the platform is not recreated.
- **Gone from the source**: counted as missing at each run; after `archive_after_runs` runs without it, a published
  dataset is archived (`dataset_archive`). It comes back published if it reappears.
- **The actor** is the source's creator, as long as they may still create datasets in the organisation (editor or
  agency staff); otherwise the run fails and says so (whoever edits the source then becomes its creator).
- **Dry run**: the same gathering and comparison, the records normalised (their errors shown), nothing written but
  the run row: counts and the titles that would be created, updated or archived.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.errors import ApplicationError
from auzolan.core.permissions import can
from auzolan.harvest.adapters import adapter_for
from auzolan.harvest.adapters.base import Adapter, RecordError, RemoteDataset, SourceError, record_hash
from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource

logger = logging.getLogger(__name__)

LOCAL_EDIT = "modifié sur la plateforme depuis la dernière moisson"
MAX_ERRORS = 500
PREVIEW_TITLES = 100
CHUNK = 500


class _Outcome:
    def __init__(self, run: HarvestRun):
        self.run = run
        self.errors: list[dict] = []
        self.preview: dict[str, list[str]] = {"created": [], "updated": [], "archived": []}
        self.seen_unchanged: list[int] = []

    def count(self, name: str, title: str = "") -> None:
        setattr(self.run, name, getattr(self.run, name) + 1)
        if self.run.dry_run and name in self.preview and len(self.preview[name]) < PREVIEW_TITLES:
            self.preview[name].append(title)

    def error(self, name: str, remote_id: str, title: str, message: str) -> None:
        self.count(name)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"remote_id": remote_id, "title": title, "message": str(message)})


def _actor(source: HarvestSource):
    actor = source.created_by
    if actor is None or not actor.is_active or not can(actor, "catalog.create_dataset", source.organisation):
        raise SourceError(
            _(
                "La personne qui a créé la source n'est plus éditrice de l'organisation : un éditeur doit "
                "enregistrer la source de nouveau pour en prendre la responsabilité."
            )
        )
    return actor


# --- Writes of one record ---------------------------------------------------------------------------------------


def _sync_resources(actor, dataset: Dataset, wanted: list) -> None:
    """Make the dataset's remote resources those of the source (matched by address); uploaded files stay."""
    existing = {r.url: r for r in Resource.objects.filter(dataset=dataset, kind__in=Resource.REMOTE_KINDS)}
    for remote in wanted:
        current = existing.pop(remote.url, None)
        if current is None:
            catalog_services.resource_add(
                actor=actor,
                dataset=dataset,
                kind=remote.kind,
                title=remote.title,
                description=remote.description,
                url=remote.url,
                format=remote.format,
            )
        elif (current.title, current.description, current.format) != (remote.title, remote.description, remote.format):
            catalog_services.resource_update(
                actor=actor, resource=current, title=remote.title, description=remote.description, format=remote.format
            )
    for gone in existing.values():
        catalog_services.resource_delete(actor=actor, resource=gone)


def _create(actor, source: HarvestSource, run: HarvestRun, remote_id: str, raw: dict, digest: str, data: RemoteDataset):
    dataset = catalog_services.dataset_create(actor=actor, organisation=source.organisation, **data.dataset_fields())
    _sync_resources(actor, dataset, data.resources)
    dataset = catalog_services.dataset_publish(actor=actor, dataset=dataset)
    HarvestRecord.objects.update_or_create(
        source=source,
        remote_id=remote_id,
        defaults={
            "title": data.title,
            "remote_url": data.landing_page,
            "dataset": dataset,
            "raw": raw,
            "hash": digest,
            "dataset_revision": dataset.revision,
            "last_seen_run": run,
            "missing_runs": 0,
            "state": HarvestRecord.State.ACTIVE,
            "harvested_at": timezone.now(),
        },
    )


def _update(actor, record: HarvestRecord, run: HarvestRun, raw: dict, digest: str, data: RemoteDataset) -> None:
    dataset = record.dataset
    if dataset.state == Dataset.State.ARCHIVED and record.state == HarvestRecord.State.ARCHIVED:
        dataset = catalog_services.dataset_restore(actor=actor, dataset=dataset)  # back in the source
    dataset = catalog_services.dataset_update(
        actor=actor, dataset=dataset, revision=dataset.revision, **data.dataset_fields()
    )
    _sync_resources(actor, dataset, data.resources)
    record.title, record.remote_url, record.raw, record.hash = data.title, data.landing_page, raw, digest
    record.dataset_revision = dataset.revision
    record.last_seen_run, record.missing_runs, record.state = run, 0, HarvestRecord.State.ACTIVE
    record.harvested_at = timezone.now()
    record.save()


def _locally_changed(record: HarvestRecord) -> bool:
    return record.dataset is not None and record.dataset.revision != record.dataset_revision


# --- The run ----------------------------------------------------------------------------------------------------


def _handle(outcome: _Outcome, adapter: Adapter, actor, record, remote_id: str, raw: dict) -> None:
    run, source = outcome.run, outcome.run.source
    digest = record_hash(raw)
    title = ""
    unchanged = record is not None and record.hash == digest and record.dataset_id is not None
    if unchanged and record.state != HarvestRecord.State.ARCHIVED:
        outcome.count("unchanged")
        outcome.seen_unchanged.append(record.pk)
        return
    try:
        data = adapter.normalise(raw)
        title = data.title
        if record is not None and record.dataset_id is None and record.hash:
            outcome.error("skipped", remote_id, title or record.title, _("supprimé sur la plateforme : non recréé"))
            return
        if record is not None and _locally_changed(record):
            outcome.error("skipped", remote_id, title, _(LOCAL_EDIT))
            return
        if run.dry_run:
            outcome.count("updated" if record is not None and record.dataset_id else "created", title)
            return
        with transaction.atomic(), catalog_services.dataset_changes_batched():
            if record is not None and record.dataset_id:
                _update(actor, record, run, raw, digest, data)
                outcome.count("updated", title)
            else:
                _create(actor, source, run, remote_id, raw, digest, data)
                outcome.count("created", title)
    except (RecordError, ApplicationError) as error:
        outcome.error("failed", remote_id, title, error.message)
    except Exception:  # one broken record never stops the others; its transaction is rolled back
        logger.exception("Harvest of %s (source %s) failed", remote_id, source.pk)
        outcome.error("failed", remote_id, title, _("Erreur inattendue pendant l'écriture de ce jeu de données."))


def _handle_missing(outcome: _Outcome, actor, record: HarvestRecord) -> None:
    run, source = outcome.run, outcome.run.source
    if record.state == HarvestRecord.State.ARCHIVED:
        return
    missing_runs = record.missing_runs + 1
    dataset = record.dataset
    archive = (
        missing_runs >= source.archive_after_runs and dataset is not None and dataset.state == Dataset.State.PUBLISHED
    )
    if not archive:
        outcome.count("missing", record.title)
        if not run.dry_run:
            HarvestRecord.objects.filter(pk=record.pk).update(
                missing_runs=missing_runs, state=HarvestRecord.State.MISSING
            )
        return
    if _locally_changed(record):
        message = _("absent de la source mais %(reason)s : non archivé") % {"reason": _(LOCAL_EDIT)}
        outcome.error("skipped", record.remote_id, record.title, message)
        return
    if run.dry_run:
        outcome.count("archived", record.title)
        return
    try:
        with transaction.atomic():
            dataset = catalog_services.dataset_archive(actor=actor, dataset=dataset)
            HarvestRecord.objects.filter(pk=record.pk).update(
                missing_runs=missing_runs, state=HarvestRecord.State.ARCHIVED, dataset_revision=dataset.revision
            )
        outcome.count("archived", record.title)
    except ApplicationError as error:
        outcome.error("failed", record.remote_id, record.title, error.message)


def _summary(run: HarvestRun) -> str:
    if run.dry_run:
        return _(
            "Prévisualisation : %(found)d jeux de données dans la source ; seraient créés %(created)d, mis à jour "
            "%(updated)d, archivés %(archived)d ; inchangés %(unchanged)d, laissés de côté %(skipped)d, "
            "en erreur %(failed)d."
        ) % {name: getattr(run, name) for name in ("found", *HarvestRun.COUNTS)}
    return ngettext(
        "%(found)d jeu de données dans la source : %(created)d créé(s), %(updated)d mis à jour, %(unchanged)d "
        "inchangé(s), %(archived)d archivé(s), %(skipped)d laissé(s) de côté, %(failed)d en erreur.",
        "%(found)d jeux de données dans la source : %(created)d créé(s), %(updated)d mis à jour, %(unchanged)d "
        "inchangé(s), %(archived)d archivé(s), %(skipped)d laissé(s) de côté, %(failed)d en erreur.",
        run.found,
    ) % {name: getattr(run, name) for name in ("found", *HarvestRun.COUNTS)}


def _finish(run: HarvestRun, state: str, message: str, outcome: _Outcome | None = None) -> HarvestRun:
    run.state, run.message, run.finished_at = state, message, timezone.now()
    fields = ["state", "message", "finished_at", "found", *HarvestRun.COUNTS]
    if outcome is not None:
        run.errors, run.preview = outcome.errors, (outcome.preview if run.dry_run else {})
        fields += ["errors", "preview"]
    run.save(update_fields=fields)
    if not run.dry_run:
        HarvestSource.objects.filter(pk=run.source_id).update(last_run_at=run.finished_at)
    return run


def harvest_run(*, run: HarvestRun, progress: Callable[..., None] | None = None) -> HarvestRun:
    """Carry out `run` (created queued by `services.harvest_start`, or by the `harvest` command). Never raises for
    a broken source: the run is then failed with its message."""
    source = HarvestSource.objects.select_related("organisation", "created_by").get(pk=run.source_id)
    run.source = source
    run.state, run.started_at = HarvestRun.State.RUNNING, timezone.now()
    run.save(update_fields=["state", "started_at"])
    try:
        actor = _actor(source)
        if progress:
            progress(0, 0, _("Lecture du portail…"))
        adapter = adapter_for(source)
        items = adapter.gather()
    except (SourceError, ApplicationError) as error:
        return _finish(run, HarvestRun.State.FAILED, error.message)
    except Exception:
        logger.exception("Harvest source %s could not be read", source.pk)
        return _finish(run, HarvestRun.State.FAILED, _("Erreur inattendue pendant la lecture du portail."))
    run.found = len(items)
    records = {r.remote_id: r for r in HarvestRecord.objects.filter(source=source).select_related("dataset")}
    if not items and any(r.state != HarvestRecord.State.ARCHIVED for r in records.values()):
        return _finish(
            run,
            HarvestRun.State.FAILED,
            _("La source ne renvoie plus aucun jeu de données : par prudence, rien n'a été changé."),
        )
    outcome = _Outcome(run)
    total = len(items)
    for done, (remote_id, raw) in enumerate(items, start=1):
        _handle(outcome, adapter, actor, records.pop(remote_id, None), remote_id, raw)
        if progress and (done % 50 == 0 or done == total):
            progress(done, total, _("%(done)d jeux de données traités sur %(total)d") % {"done": done, "total": total})
    for record in records.values():
        _handle_missing(outcome, actor, record)
    if not run.dry_run:
        for start in range(0, len(outcome.seen_unchanged), CHUNK):
            HarvestRecord.objects.filter(pk__in=outcome.seen_unchanged[start : start + CHUNK]).update(
                last_seen_run=run, missing_runs=0, state=HarvestRecord.State.ACTIVE
            )
    return _finish(run, HarvestRun.State.SUCCEEDED, _summary(run), outcome)
