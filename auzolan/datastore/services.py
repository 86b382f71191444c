"""Writes of the datastore: the actions that change state, called by the views, the API, the signal receivers and the
commands. Keyword-only; when a person asks, they check the permission (`require`) and write the audit log; a refusal
is an `ApplicationError` with a French message.

- Loading a resource version into a table: `table_load` (on upload), `table_reload` (the editor's sheet, types or
  header line), and the data dictionary (`dictionary_update`). The load itself is a background job
  (`tasks.ingest` → `ingestion.job.run_table_load`); a new table becomes current only once ready.
- Validating a version against the dataset's schema: `validation_start` (on upload), `version_validate` (the editor
  asks again), `dataset_revalidate` (the dataset's schema changed). The work: `tasks.validate_version` →
  `conformance.run_validation`.
- Exports too large for the request: `export_request` (a new background export, or the same one found). The work:
  `tasks.export_table` → `export_jobs.run_export`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from auzolan.catalog.models import Dataset, Resource, ResourceVersion, TableSchema
from auzolan.core import ratelimit
from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError, ValidationError
from auzolan.core.jobs import job_follow, job_start, jobs_update
from auzolan.core.permissions import require
from auzolan.datastore import export_jobs, exports, reading, selectors, tasks
from auzolan.datastore.conformance import is_validatable
from auzolan.datastore.ingestion.casts import TYPES
from auzolan.datastore.ingestion.job import is_tabular
from auzolan.datastore.models import ColumnDescription, Table, TableExport, ValidationReport

# --- Loading a version into a table ---------------------------------------------------------------------------


def _clean_types(column_types: dict[str, str] | None) -> dict[str, str]:
    cleaned = {}
    for name, type_ in (column_types or {}).items():
        if type_ in ("", None):
            continue
        if type_ not in TYPES:
            raise ValidationError(_("Type de colonne inconnu : %(type)s.") % {"type": type_}, field="column_types")
        cleaned[str(name)] = type_
    return cleaned


def _clean_header_row(header_row) -> int | None:
    if header_row in (None, ""):
        return None
    try:
        number = int(str(header_row).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= reading.HEADER_SEARCH_ROWS + 10:
        raise ValidationError(
            _("La ligne des noms de colonnes doit être un numéro de ligne entre 1 et %(max)d.")
            % {"max": reading.HEADER_SEARCH_ROWS + 10},
            field="header_row",
        )
    return number


def _load_start(
    *, actor, version: ResourceVersion, sheet: str = "", column_types: dict | None = None, header_row=None
) -> Table:
    """A new `Table` of the version and its job (owned by the actor, else the uploader; none without either)."""
    table = Table.objects.create(
        resource=version.resource,
        version=version,
        sheet=sheet or "",
        header_row=header_row,
        requested_types=column_types or {},
        started_by=actor if actor is not None and actor.is_authenticated else None,
    )
    owner = table.started_by or version.uploaded_by
    if owner is not None:
        job = job_start(
            owner=owner,
            kind="datastore.ingest",
            label=_("Chargement de « %(name)s »") % {"name": version.original_name},
            task=tasks.ingest,
            table_id=str(table.pk),
        )
        Table.objects.filter(pk=table.pk).update(job=job)
        table.job = job
    return table


@transaction.atomic
def table_load(*, version: ResourceVersion, actor=None) -> Table | None:
    """Start loading a freshly uploaded version in the background (called on upload, by the catalogue signal)."""
    if not is_tabular(version):
        return None
    previous = Table.objects.filter(resource=version.resource).order_by("-created_at")
    sheet = previous.exclude(sheet="").first()
    latest = previous.first()  # the editor's header row, if any, holds for the next versions
    return _load_start(
        actor=actor or version.uploaded_by,
        version=version,
        sheet=sheet.sheet if sheet else "",
        header_row=latest.header_row if latest else None,
    )


def _clean_sheet(sheet) -> str:
    """A sheet's name as a spreadsheet can hold it (no NUL, which PostgreSQL refuses in text; 255 characters)."""
    name = str(sheet or "").strip()
    if "\x00" in name or len(name) > Table._meta.get_field("sheet").max_length:
        raise ValidationError(_("Ce nom de feuille n'existe pas dans le fichier."), field="sheet")
    return name


@transaction.atomic
def table_reload(
    *,
    actor,
    version: ResourceVersion,
    sheet=None,
    column_types: dict[str, str] | None = None,
    header_row: int | str | None = None,
) -> Table:
    """Load the version again, with another sheet, corrected column types (kept in the data dictionary) and/or the
    line of the column names (`header_row`, 1-based in the file or the sheet; None: detected)."""
    resource = version.resource
    require(actor, "catalog.change_dataset", resource.dataset)
    if not is_tabular(version):
        raise ValidationError(_("Ce fichier n'est pas un tableau que la plateforme sait charger."))
    types = _clean_types(column_types)
    header = _clean_header_row(header_row)
    sheet = _clean_sheet(sheet)
    for name, type_ in types.items():
        ColumnDescription.objects.update_or_create(resource=resource, name=name, defaults={"type": type_})
    table = _load_start(actor=actor, version=version, sheet=sheet, column_types=types, header_row=header)
    audit_log(
        actor=actor,
        action="datastore.table.reload",
        obj=resource.dataset,
        organisation=resource.dataset.organisation,
        data={
            "resource": str(resource.identifier),
            "version": version.number,
            "sheet": table.sheet,
            "types": types,
            "header_row": header,
        },
    )
    return table


@transaction.atomic
def dictionary_update(*, actor, resource: Resource, columns: dict[str, dict]) -> None:
    """Labels, descriptions and units of columns (the data dictionary), shown in the preview and the API. A unit
    left out keeps the stored one; an empty unit means the one found at load."""
    require(actor, "catalog.change_dataset", resource.dataset)
    for name, values in columns.items():
        if any("\x00" in str(values.get(key) or "") for key in ("label", "description", "unit")):
            # PostgreSQL refuses NUL in text: say which column, rather than fail.
            raise ValidationError(
                _("La description de la colonne « %(name)s » contient un caractère invalide.") % {"name": name}
            )
        label = " ".join(str(values.get("label") or "").split())[:255]
        description = str(values.get("description") or "").strip()[:2000]
        defaults = {"label": label, "description": description}
        if "unit" in values:
            defaults["unit"] = " ".join(str(values.get("unit") or "").split())[:50]
        ColumnDescription.objects.update_or_create(resource=resource, name=name, defaults=defaults)
    audit_log(
        actor=actor,
        action="datastore.dictionary.update",
        obj=resource.dataset,
        organisation=resource.dataset.organisation,
        data={"resource": str(resource.identifier), "columns": sorted(columns)},
    )


# --- Validating a version against the dataset's schema --------------------------------------------------------


def _validation_start(*, version: ResourceVersion, schema: TableSchema, owner=None) -> ValidationReport:
    """A new pending report and its job (owned by `owner`, else the uploader; run all the same without either)."""
    report = ValidationReport.objects.create(
        version=version, schema=schema, schema_name=schema.name, schema_version=(schema.version or "")[:50]
    )
    owner = owner if owner is not None and owner.is_authenticated else version.uploaded_by
    if owner is not None:
        job = job_start(
            owner=owner,
            kind="datastore.validate",
            label=_("Validation de « %(name)s » contre le schéma %(schema)s")
            % {"name": version.original_name, "schema": schema.name},
            task=tasks.validate_version,
            report_id=str(report.pk),
        )
        ValidationReport.objects.filter(pk=report.pk).update(job=job)
        report.job = job
    else:  # nobody to show the job to (uploader deleted): validate all the same
        transaction.on_commit(lambda: tasks.validate_version_unowned.enqueue(report_id=str(report.pk)))
    return report


@transaction.atomic
def validation_start(*, version: ResourceVersion, actor=None) -> ValidationReport | None:
    """Validate an uploaded version in the background when its dataset declares a schema and the file is a table.

    Nothing happens when a report against the current schema already exists (the schema-change receiver and the
    upload receiver may both ask for the same version)."""
    dataset = Dataset.objects.select_related("schema").get(pk=version.resource.dataset_id)
    if dataset.schema is None or not is_validatable(version):
        return None
    latest = selectors.latest_report(version)
    if latest is not None and latest.schema_id == dataset.schema_id:
        return None
    return _validation_start(version=version, schema=dataset.schema, owner=actor)


@transaction.atomic
def version_validate(*, actor, version: ResourceVersion) -> ValidationReport:
    """An editor asks to validate the version again (the file or the schema was corrected)."""
    resource = version.resource
    dataset = Dataset.objects.select_related("schema", "organisation").get(pk=resource.dataset_id)
    require(actor, "catalog.change_dataset", dataset)
    if dataset.schema is None:
        raise ValidationError(_("Ce jeu de données ne déclare pas de schéma : il n'y a rien à valider."))
    if not is_validatable(version):
        raise ValidationError(
            _("Seuls les fichiers tabulaires (CSV, TSV, TXT, XLSX, XLS, ODS) sont validés contre un schéma.")
        )
    report = _validation_start(version=version, schema=dataset.schema, owner=actor)
    audit_log(
        actor=actor,
        action="datastore.validation.start",
        obj=dataset,
        organisation=dataset.organisation,
        data={"resource": str(resource.identifier), "version": version.number, "schema": dataset.schema.name},
    )
    return report


def dataset_revalidate(*, dataset: Dataset) -> list[ValidationReport]:
    """Validate the current tabular versions whose latest report is against another schema (or missing).

    Cheap when nothing changed: two queries, schema ids compared."""
    if not dataset.schema_id:
        return []
    versions = [
        r.current_version
        for r in Resource.objects.filter(dataset_id=dataset.pk, current_version__isnull=False).select_related(
            "current_version__uploaded_by"
        )
        if is_validatable(r.current_version)
    ]
    if not versions:
        return []
    latest = selectors.latest_reports(v.pk for v in versions)
    stale = [v for v in versions if v.pk not in latest or latest[v.pk].schema_id != dataset.schema_id]
    if not stale:
        return []
    schema = TableSchema.objects.get(pk=dataset.schema_id)
    return [_validation_start(version=version, schema=schema) for version in stale]


# --- Exports too large for the request ------------------------------------------------------------------------

#: Retry-After of a refusal because the queue is full.
QUEUE_FULL_RETRY_SECONDS = 60


class QueueFull(ApplicationError):
    code = "too-many-exports"
    status = 429
    retry_after = QUEUE_FULL_RETRY_SECONDS


def export_request(
    *, actor, table: Table, spec: exports.ExportSpec, size: exports.Size, filename: str, requester: str = ""
) -> TableExport:
    """The background export of this question: the live one when it exists, else a new one, queued. Raises QueueFull
    when too many exports wait already, and `RateLimited` when `requester` (`core.ratelimit.requester`: an address
    or an account) asked for too many new ones (`DATASTORE_EXPORT_RATE_IP` / `_ACCOUNT`): one client cannot fill the
    queue. A person logged in follows it through a Job of their own."""
    digest = export_jobs.fingerprint(table, spec)
    export = export_jobs.live_export(digest)
    if export is None:
        if requester:
            rates = {"ip": settings.DATASTORE_EXPORT_RATE_IP, "user": settings.DATASTORE_EXPORT_RATE_ACCOUNT}
            ratelimit.hit("export-new", requester, ratelimit.Rate.parse(rates.get(ratelimit.kind(requester), "")))
        export = _export_create(actor=actor, table=table, spec=spec, size=size, filename=filename, digest=digest)
    if actor is not None and actor.is_authenticated:
        _export_follow(export, actor)
    return export


def _export_create(*, actor, table, spec, size, filename, digest) -> TableExport:
    waiting = TableExport.objects.filter(state__in=[TableExport.State.QUEUED, TableExport.State.RUNNING]).count()
    if waiting >= export_jobs.queue_limit():
        raise QueueFull(
            _(
                "Trop d'exports volumineux sont en préparation : réessayez dans une minute, ou ajoutez des filtres "
                "pour que l'export soit produit tout de suite."
            )
        )
    try:
        with transaction.atomic():
            export = TableExport.objects.create(
                table=table,
                format=spec.fmt,
                raw=spec.raw,
                query=export_jobs.query_data(spec.query),
                fingerprint=digest,
                filename=f"{filename}.{spec.fmt}"[:255],
                rows=size.rows,
                columns=size.columns,
                progress_total=size.rows,
                message=_("En attente de son tour."),
            )
            audit_log(
                actor=actor,
                action="datastore.export.requested",
                obj=export,
                data={"table": str(table.identifier), "format": spec.fmt, "rows": size.rows, "columns": size.columns},
            )
    except IntegrityError:  # the same export asked at the same instant by someone else: follow theirs
        export = export_jobs.live_export(digest)
        if export is None:
            raise
        return export
    tasks.export_enqueue(export.pk)
    return export


def _export_follow(export: TableExport, user) -> None:
    """Give `user` a Job that mirrors the export, unless they have one. The link is committed before the export's
    state is read again, so a task finishing meanwhile either updates this job or is seen finished here."""
    if export.jobs.filter(owner=user).exists():
        return
    with transaction.atomic():
        job = job_follow(owner=user, kind=export_jobs.KIND, label=export_jobs.label(export))
        export.jobs.add(job)
    export.refresh_from_db()
    jobs_update(
        [job.pk],
        state=export.state,
        done=export.progress_done,
        total=export.progress_total,
        message=export.message,
        result=export_jobs.job_result(export) if export.state == TableExport.State.SUCCEEDED else None,
    )
