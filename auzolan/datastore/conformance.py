"""Conformance of resource versions to the dataset's declared schema: the validation's work and the quality criterion.

A tabular file version (CSV/TSV/TXT, XLSX/XLS/ODS) of a dataset that declares a Table Schema is validated in the
background: on upload, when the dataset's schema changes and when an editor asks again (the services
`validation_start`, `dataset_revalidate`, `version_validate`). The worker runs `run_validation`, which stores the
engine's report (the shape of POST /api/v1/validate) and refreshes the dataset's quality score, whose "schema"
criterion (`schema_conformance`, registered in hooks.py) reads these reports.
"""

from __future__ import annotations

import csv
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
from auzolan.catalog.quality import refresh_quality
from auzolan.core.errors import ApplicationError, ValidationError
from auzolan.datastore import reading, selectors
from auzolan.datastore.models import Table, ValidationReport
from auzolan.datastore.validation import validate, validate_rows

VALIDATED_FORMATS = reading.TEXT_FORMATS | {"xlsx", "xls", "ods"}


def is_validatable(version: ResourceVersion | None) -> bool:
    return version is not None and version.extension in VALIDATED_FORMATS


def schema_descriptor(schema: TableSchema) -> dict:
    descriptor = dict(schema.descriptor or {})
    descriptor.setdefault("name", schema.name)
    descriptor.setdefault("title", schema.title)
    return descriptor


def report_url(dataset: Dataset, resource: Resource, version: ResourceVersion) -> str:
    return reverse(
        "datastore:validation_report",
        kwargs={"slug": dataset.slug, "resource": resource.identifier, "number": version.number},
    )


# --- The work, in the worker -------------------------------------------------------------------------------


def _validate_file(path: str, fmt: str, descriptor: dict, *, sheet: str | None):
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
    with transaction.atomic():
        fields = {"state": state, "error": error, "finished_at": timezone.now()}
        if result is not None:
            fields.update(report=result, valid=bool(result["valid"]), error_count=int(result["stats"]["errors"]))
        ValidationReport.objects.filter(pk=report.pk).update(**fields)
        dataset = Dataset.objects.filter(pk=report.version.resource.dataset_id).first()
        if dataset is not None:
            refresh_quality(dataset)


# --- The quality criterion (registered in hooks.py) -------------------------------------------------------


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
    latest = selectors.latest_reports(v.pk for _r, v in tabular)
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
