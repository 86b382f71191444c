"""Conformance of resource versions to the dataset's declared schema: automatic validation and its reports.

A tabular file version (CSV/TSV/TXT, XLSX/XLS/ODS) of a dataset that declares a Table Schema is validated in the
background (`validation_start`), on upload (receiver of `resource_version_added`), when the dataset's schema changes
(receiver of `dataset_changed`: the current versions whose latest report is against another schema, or that have
none), and when an editor asks again (`version_validate`). The worker runs `run_validation`, which stores the
engine's report (the shape of POST /api/v1/validate) and refreshes the dataset's quality score, whose "schema"
criterion reads these reports through the provider registered in DatastoreConfig.ready().
"""

from __future__ import annotations

import csv
import logging
import os
import shutil
import tempfile
from itertools import chain

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog.models import Dataset, Resource, ResourceVersion, TableSchema
from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError, ValidationError
from auzolan.core.permissions import require
from auzolan.datastore import reading
from auzolan.datastore.models import Table, ValidationReport

logger = logging.getLogger(__name__)

VALIDATED_FORMATS = reading.TEXT_FORMATS | {"xlsx", "xls", "ods"}


def is_validatable(version: ResourceVersion | None) -> bool:
    return version is not None and version.extension in VALIDATED_FORMATS


def schema_descriptor(schema: TableSchema) -> dict:
    descriptor = dict(schema.descriptor or {})
    descriptor.setdefault("name", schema.name)
    descriptor.setdefault("title", schema.title)
    return descriptor


# --- Reads -------------------------------------------------------------------------------------------------


def latest_reports(version_ids) -> dict[int, ValidationReport]:
    """The latest report of each version (one query)."""
    latest: dict[int, ValidationReport] = {}
    reports = ValidationReport.objects.filter(version_id__in=list(version_ids)).order_by(
        "version_id", "-created_at", "-pk"
    )
    for report in reports:
        latest.setdefault(report.version_id, report)
    return latest


def latest_report(version: ResourceVersion) -> ValidationReport | None:
    return ValidationReport.objects.filter(version=version).order_by("-created_at", "-pk").first()


def report_url(dataset: Dataset, resource: Resource, version: ResourceVersion) -> str:
    return reverse(
        "datastore:validation_report",
        kwargs={"slug": dataset.slug, "resource": resource.identifier, "number": version.number},
    )


# --- Services ----------------------------------------------------------------------------------------------


def _start(*, version: ResourceVersion, schema: TableSchema, owner=None) -> ValidationReport:
    from auzolan.core.jobs import job_start
    from auzolan.datastore import tasks

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
    latest = latest_report(version)
    if latest is not None and latest.schema_id == dataset.schema_id:
        return None
    return _start(version=version, schema=dataset.schema, owner=actor)


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
    report = _start(version=version, schema=dataset.schema, owner=actor)
    audit_log(
        actor=actor,
        action="datastore.validation.start",
        obj=dataset,
        organisation=dataset.organisation,
        data={"resource": str(resource.identifier), "version": version.number, "schema": dataset.schema.name},
    )
    return report


def revalidate_dataset(dataset: Dataset) -> list[ValidationReport]:
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
    latest = latest_reports(v.pk for v in versions)
    stale = [v for v in versions if v.pk not in latest or latest[v.pk].schema_id != dataset.schema_id]
    if not stale:
        return []
    schema = TableSchema.objects.get(pk=dataset.schema_id)
    return [_start(version=version, schema=schema) for version in stale]


# --- The work, in the worker -------------------------------------------------------------------------------


def _validate_file(path: str, fmt: str, descriptor: dict, *, sheet: str | None):
    from auzolan.datastore.validation import validate, validate_rows

    if fmt in reading.TEXT_FORMATS:
        return validate(path, descriptor)
    prepared = reading.prepare_spreadsheet(path, fmt=fmt, sheet=sheet or None)
    try:
        with open(prepared.csv_path, encoding="utf-8", newline="") as file:
            rows = csv.reader(file)
            next(rows, None)  # the cleaned header: validate against the labels found in the file
            report = validate_rows(chain([list(prepared.labels)], rows), descriptor)
    finally:
        prepared.cleanup()
    return report


def run_validation(*, report: ValidationReport, progress=None) -> ValidationReport:
    """Validate the version of `report` against its schema and store the result. Raises ApplicationError."""
    ValidationReport.objects.filter(pk=report.pk).update(state=ValidationReport.State.RUNNING)
    version = report.version
    fmt = version.extension
    workdir = tempfile.mkdtemp(prefix="auzolan-validate-")
    try:
        if report.schema is None:
            raise ValidationError(_("Le schéma de ce rapport a été supprimé."))
        local = os.path.join(workdir, f"source.{fmt or 'csv'}")
        with version.file.open("rb") as source, open(local, "wb") as out:
            shutil.copyfileobj(source, out, length=1024 * 1024)
        if progress:
            progress(10, 100, _("Validation du fichier…"))
        previous = Table.objects.filter(resource_id=version.resource_id).exclude(sheet="").order_by("-created_at")
        sheet = previous.values_list("sheet", flat=True).first()
        result = _validate_file(local, fmt, schema_descriptor(report.schema), sheet=sheet).as_dict()
    except ApplicationError as error:
        _finish(report, state=ValidationReport.State.FAILED, error=error.message)
        raise
    except Exception:
        _finish(
            report,
            state=ValidationReport.State.FAILED,
            error=_("Une erreur inattendue est survenue pendant la validation. L'équipe technique est prévenue."),
        )
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _finish(report, state=ValidationReport.State.DONE, result=result)
    report.refresh_from_db()
    return report


def _finish(report: ValidationReport, *, state: str, result: dict | None = None, error: str = "") -> None:
    from auzolan.catalog.quality import refresh_quality

    with transaction.atomic():
        fields = {"state": state, "error": error, "finished_at": timezone.now()}
        if result is not None:
            fields.update(report=result, valid=bool(result["valid"]), error_count=int(result["stats"]["errors"]))
        ValidationReport.objects.filter(pk=report.pk).update(**fields)
        dataset = Dataset.objects.filter(pk=report.version.resource.dataset_id).first()
        if dataset is not None:
            refresh_quality(dataset)


# --- The quality criterion (registered in DatastoreConfig.ready) -------------------------------------------


def schema_conformance(dataset: Dataset, resources: list[Resource]) -> dict:
    """{"ok", "advice", "links"} of the quality criterion "schema": every current tabular version has a latest
    report against the declared schema, and it is valid."""
    ids = [r.current_version_id for r in resources if r.current_version_id]
    versions = {
        v.pk: v for v in ResourceVersion.objects.filter(pk__in=ids).only("pk", "number", "original_name", "file")
    }
    tabular = [
        (r, versions[r.current_version_id]) for r in resources if is_validatable(versions.get(r.current_version_id))
    ]
    if not tabular:
        return {
            "ok": False,
            "advice": _(
                "Déposez un fichier tabulaire (CSV, XLSX ou ODS) qui suit le schéma déclaré : il sera validé "
                "automatiquement."
            ),
            "links": [],
        }
    latest = latest_reports(v.pk for _r, v in tabular)
    pending, failing, links = [], [], []
    for resource, version in tabular:
        report = latest.get(version.pk)
        if report is None or report.schema_id != dataset.schema_id or not report.is_finished:
            pending.append(resource)
        elif report.state == ValidationReport.State.FAILED or not report.valid:
            failing.append(resource)
            if report.state == ValidationReport.State.FAILED:
                text = _("« %(title)s » : la validation a échoué") % {"title": resource.title}
            else:
                text = ngettext(
                    "« %(title)s » : %(count)d erreur de conformité",
                    "« %(title)s » : %(count)d erreurs de conformité",
                    report.error_count,
                ) % {"title": resource.title, "count": report.error_count}
            links.append({"label": text, "url": report_url(dataset, resource, version)})
    advice = []
    if failing:
        advice.append(
            ngettext(
                "Cette ressource ne suit pas le schéma déclaré : %(titles)s. Corrigez le fichier d'après le rapport "
                "de validation, puis déposez une nouvelle version.",
                "Ces ressources ne suivent pas le schéma déclaré : %(titles)s. Corrigez les fichiers d'après les "
                "rapports de validation, puis déposez de nouvelles versions.",
                len(failing),
            )
            % {"titles": ", ".join(f"« {r.title} »" for r in failing)}
        )
    if pending:
        advice.append(
            _("La validation est en cours pour : %(titles)s.")
            % {"titles": ", ".join(f"« {r.title} »" for r in pending)}
        )
    return {"ok": not failing and not pending, "advice": " ".join(advice), "links": links}
