"""Exports too large for the request: produced in the background, shared by whoever asks the same, then deleted.

An export whose size (`exports.measure`: rows × columns × the format's cost) is above `DATASTORE_EXPORT_INLINE_CELLS`
becomes a `TableExport` row (`services.export_request`) and a task (`tasks.export_table`, which runs `run_export`)
run by the task workers:

- **Who follows it.** The row's id is random (UUID4): the person who asked holds it, in the API's 202 answer
  (`/api/v1/exports/<id>`, then `…/file`) or in the address of the preview's progress page; nobody can list exports.
  The dataset's visibility (`catalog.view_dataset`, `selectors.visible_export`) is checked again at each status and
  each download, so a link to an export of a private dataset is worth nothing to someone who may not see the
  dataset. A person logged in also gets a `Job` of their own (`core.jobs.job_follow`), mirrored by the task, so that
  the export shows in their space (/moi/taches/<id>/, with the download button when it is ready).
- **Asked twice, made once.** The same question (table, filters, search, sort, fields, format, raw: `fingerprint`)
  finds the export queued, running or ready and follows it (a unique constraint settles two requests at the same
  instant). An export that failed, expired or was interrupted is asked again from scratch.
- **At most N at once.** Before it starts, a task takes one of `DATASTORE_EXPORT_CONCURRENCY` places (`ExportSlot`
  rows, taken with a conditional UPDATE, shared by every worker of every machine). Without a free place it enqueues
  itself again `WAIT_SECONDS` later and returns, so the worker stays free for other jobs (ingestion, validation). A
  place held longer than the export's time limit (a worker killed mid-export) is taken back. Beyond
  `DATASTORE_EXPORT_QUEUE_LIMIT` exports queued or running, a new one is refused at once (`services.QueueFull`: 429
  and Retry-After), so that a flood of distinct exports cannot fill the queue and the disk.
- **Kept for a while.** The file goes to Django's storage (`private/data-exports/<id>.<format>`) and is deleted with
  its row and the jobs that led to it `DATASTORE_EXPORT_RETENTION_HOURS` after it was produced: by
  `manage.py prune_data_exports` (hourly or daily) and after each export. An expired export is a 410.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError, Conflict
from auzolan.core.jobs import jobs_delete, jobs_update, progress_fields
from auzolan.core.models import Job
from auzolan.datastore import exports
from auzolan.datastore.models import ExportSlot, Table, TableExport
from auzolan.datastore.query import Filter, Query

logger = logging.getLogger(__name__)

KIND = "datastore.export"
STORAGE_DIR = "private/data-exports"
#: Seconds a queued export waits before it tries again to take a place.
WAIT_SECONDS = 5
#: A place (or a running export) older than the export time limit plus this is taken back (its worker died).
GRACE = timedelta(minutes=2)
LIVE = (TableExport.State.QUEUED, TableExport.State.RUNNING, TableExport.State.SUCCEEDED)


class ExportExpired(ApplicationError):
    code = "expired"
    status = 410


def retention() -> timedelta:
    return timedelta(hours=int(getattr(settings, "DATASTORE_EXPORT_RETENTION_HOURS", 24)))


def _concurrency() -> int:
    return max(1, int(getattr(settings, "DATASTORE_EXPORT_CONCURRENCY", 2)))


def queue_limit() -> int:
    return max(1, int(getattr(settings, "DATASTORE_EXPORT_QUEUE_LIMIT", 20)))


# --- The question, as data --------------------------------------------------------------------------------------


def query_data(query: Query) -> dict:
    """The query as JSON (filters in a stable order: they are combined with AND, their order changes nothing)."""
    return {
        "filters": sorted([f.column, f.operator, str(f.value)] for f in query.filters),
        "sort": list(query.sort),
        "fields": list(query.fields) if query.fields else None,
        "q": query.q,
    }


def spec_of(export: TableExport) -> exports.ExportSpec:
    data = export.query or {}
    query = Query(
        filters=[Filter(column, operator, value) for column, operator, value in data.get("filters", [])],
        sort=list(data.get("sort") or []),
        fields=list(data["fields"]) if data.get("fields") else None,
        q=data.get("q", ""),
        limit=0,
    )
    return exports.ExportSpec(query=query, fmt=export.format, raw=export.raw)


def request_params(export: TableExport) -> list[tuple[str, str]]:
    """The parameters that ask this export again (the preview's export address, the "try again" link)."""
    data = export.query or {}
    params = [("format", export.format)]
    if export.raw:
        params.append(("raw", "true"))
    for column, operator, value in data.get("filters", []):
        params.append((column if operator == "exact" else f"{column}__{operator}", value))
    if data.get("sort"):
        params.append(("sort", ",".join(data["sort"])))
    if data.get("fields"):
        params.append(("fields", ",".join(data["fields"])))
    if data.get("q"):
        params.append(("q", data["q"]))
    return params


def fingerprint(table: Table, spec: exports.ExportSpec) -> str:
    """Same table file, same question, same bytes: the same fingerprint. `raw` counts only where it changes them."""
    described = {
        "table": str(table.identifier),
        "parquet": table.parquet,
        "format": spec.fmt,
        "raw": bool(spec.raw and spec.fmt in exports.SPREADSHEET_TEXT_FORMATS),
        **query_data(spec.query),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- The export of a question -----------------------------------------------------------------------------------


def live_export(digest: str) -> TableExport | None:
    """The export queued, running or ready for this fingerprint; an expired or abandoned one is cleared first."""
    export = TableExport.objects.select_related("table").filter(fingerprint=digest, state__in=LIVE).first()
    if export is None:
        return None
    now = timezone.now()
    if export.state == TableExport.State.SUCCEEDED and (
        (export.expires_at and export.expires_at <= now) or not default_storage.exists(export.file)
    ):
        _discard([export])
        return None
    if export.state == TableExport.State.RUNNING and export.started_at and export.started_at < now - _time_limit():
        _fail(export, _("L'export a été interrompu (le service a redémarré). Demandez-le à nouveau."))
        return None
    return export


def _time_limit() -> timedelta:
    return timedelta(seconds=exports.JOB_TIMEOUT) + GRACE


def label(export: TableExport) -> str:
    dataset = export.table.resource.dataset
    return _("Export %(format)s de « %(title)s »") % {"format": export.format.upper(), "title": dataset.title}


# --- Reading (the status and the file) -------------------------------------------------------------------------


def status_url(export: TableExport) -> str:
    return f"/api/v1/exports/{export.pk}"


def download_url(export: TableExport) -> str:
    return f"/api/v1/exports/{export.pk}/file"


def page_url(export: TableExport) -> str:
    resource = export.table.resource
    return reverse(
        "datastore:export_status",
        kwargs={"slug": resource.dataset.slug, "resource": resource.identifier, "export": export.pk},
    )


def job_result(export: TableExport) -> dict:
    return {"download_url": download_url(export), "export": str(export.pk), "page_url": page_url(export)}


def status(export: TableExport) -> dict:
    """What the status endpoint answers (fields named as a job's, so that the job page's script reads them too)."""
    ready = export.state == TableExport.State.SUCCEEDED
    return {
        "id": export.pk,
        "state": export.state,
        "state_label": str(export.get_state_display()),
        "percent": export.percent,
        "progress_done": export.progress_done,
        "progress_total": export.progress_total,
        "message": export.message,
        "format": export.format,
        "raw": export.raw,
        "rows": export.rows,
        "columns": export.columns,
        "size": export.size,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "expires_at": export.expires_at,
        "status_url": status_url(export),
        "download_url": download_url(export) if ready else None,
        "page_url": page_url(export),
    }


def open_file(export: TableExport):
    """The export's file, open for reading: 409 while it is being made, 410 once expired (or failed)."""
    if export.state in (TableExport.State.QUEUED, TableExport.State.RUNNING):
        raise Conflict(_("Cet export est en cours de préparation : réessayez dans un instant."), code="not-ready")
    if export.state == TableExport.State.FAILED:
        raise ExportExpired(_("Cet export a échoué : %(message)s") % {"message": export.message})
    if (export.expires_at and export.expires_at <= timezone.now()) or not default_storage.exists(export.file):
        raise ExportExpired(_("Cet export a expiré et son fichier a été supprimé : demandez-le à nouveau."))
    return default_storage.open(export.file, "rb")


# --- Producing (the task) ----------------------------------------------------------------------------------------


def run_export(*, export_id: str) -> bool:
    """The task's work: take a place, write the file, store it, tell everyone who follows. False when every place
    is taken: the task then enqueues the export again `WAIT_SECONDS` later (`tasks.export_table`)."""
    export = TableExport.objects.select_related("table__resource__dataset").filter(pk=export_id).first()
    if export is None or export.state != TableExport.State.QUEUED:
        return True  # pruned, or already run by another worker
    if not slot_take(export):
        busy = ExportSlot.objects.filter(export__isnull=False, number__lt=_concurrency()).count()
        message = _("En attente : %(n)d export(s) volumineux en cours, le vôtre suit.") % {"n": busy}
        _update(export, message=message)
        return False
    try:
        now = timezone.now()
        if not TableExport.objects.filter(pk=export.pk, state=TableExport.State.QUEUED).update(
            state=TableExport.State.RUNNING, started_at=now, message=_("Préparation du fichier…")
        ):
            return True
        _mirror(export, state=Job.State.RUNNING, message=_("Préparation du fichier…"))
        _produce(export)
    except ApplicationError as error:
        _fail(export, error.message)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        _fail(export, _("Une erreur inattendue est survenue. L'équipe technique est prévenue."))
        raise
    finally:
        slot_release(export)
        exports_prune()
    return True


def _produce(export: TableExport) -> None:
    def progress(done: int, total: int) -> None:
        _update(export, done=done, total=total)

    path = exports.export_file(
        export.table, spec_of(export), timeout=exports.JOB_TIMEOUT, progress=progress, threads=exports.JOB_THREADS
    )
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            name = default_storage.save(f"{STORAGE_DIR}/{export.pk}.{export.format}", File(handle))
    finally:
        os.unlink(path)
    now = timezone.now()
    export.refresh_from_db(fields=["progress_done"])
    rows = export.progress_done  # the last report: every row written, counted exactly (the request may have estimated)
    message = _("Fichier prêt : %(rows)s lignes, %(size)s.") % {
        "rows": f"{rows:,}".replace(",", "\u202f"),
        "size": _human_size(size),
    }
    TableExport.objects.filter(pk=export.pk).update(
        state=TableExport.State.SUCCEEDED,
        file=name,
        size=size,
        rows=rows,
        progress_done=rows,
        progress_total=rows,
        message=message,
        finished_at=now,
        expires_at=now + retention(),
    )
    export.refresh_from_db()
    _mirror(export, state=Job.State.SUCCEEDED, message=message, result=job_result(export), done=rows, total=rows)


def _human_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(n)s Ko") % {"n": max(1, round(size / 1024))}
    return _("%(n)s Mo") % {"n": f"{size / 1024 / 1024:.1f}".replace(".", ",")}


def _update(export: TableExport, *, done: int | None = None, total: int | None = None, message: str | None = None):
    TableExport.objects.filter(pk=export.pk).update(**progress_fields(done=done, total=total, message=message))
    _mirror(export, done=done, total=total, message=message)


def _mirror(export: TableExport, **changes) -> None:
    """The same change on the jobs of the people who follow the export."""
    job_ids = list(export.jobs.values_list("pk", flat=True))
    if job_ids:
        jobs_update(job_ids, **changes)


def _fail(export: TableExport, message: str) -> None:
    now = timezone.now()
    TableExport.objects.filter(pk=export.pk).update(
        state=TableExport.State.FAILED, message=message[:500], finished_at=now, expires_at=now + retention()
    )
    _mirror(export, state=Job.State.FAILED, message=message)


# --- Places: at most N heavy exports at once, across processes ------------------------------------------------


def slot_take(export: TableExport) -> bool:
    """Take a free place (or one held past the time limit) for `export`; False when all N are busy."""
    count = _concurrency()
    ExportSlot.objects.bulk_create([ExportSlot(number=n) for n in range(count)], ignore_conflicts=True)
    now = timezone.now()
    free = Q(export__isnull=True) | Q(taken_at__lt=now - _time_limit())
    for number in range(count):
        if ExportSlot.objects.filter(free, number=number).update(export=export, taken_at=now):
            return True
    return False


def slot_release(export: TableExport) -> None:
    ExportSlot.objects.filter(export=export).update(export=None, taken_at=None)


# --- Pruning -----------------------------------------------------------------------------------------------------


def exports_prune(*, now=None) -> int:
    """Delete the exports past their retention (files, rows, the jobs that led to them), and files left without a
    row (their table was deleted). Returns how many exports went."""
    now = now or timezone.now()
    expired = list(
        TableExport.objects.filter(
            Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lt=now - retention() - _time_limit())
        ).exclude(state=TableExport.State.RUNNING, started_at__gte=now - _time_limit())
    )
    _discard(expired)
    _prune_orphans(now)
    return len(expired)


def _discard(exports_: list[TableExport]) -> None:
    if not exports_:
        return
    for export in exports_:
        if export.file:
            with contextlib.suppress(FileNotFoundError):
                default_storage.delete(export.file)
    ids = [export.pk for export in exports_]
    jobs_delete(TableExport.jobs.through.objects.filter(tableexport_id__in=ids).values_list("job_id", flat=True))
    TableExport.objects.filter(pk__in=ids).delete()


def _prune_orphans(now) -> None:
    try:
        _dirs, names = default_storage.listdir(STORAGE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    known = set(TableExport.objects.exclude(file="").values_list("file", flat=True))
    for name in names:
        path = f"{STORAGE_DIR}/{name}"
        if path in known:
            continue
        with contextlib.suppress(FileNotFoundError, NotImplementedError):
            if default_storage.get_modified_time(path) < now - retention():
                default_storage.delete(path)
