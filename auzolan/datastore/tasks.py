"""Background jobs of the datastore: the entry points the task workers run (enqueued by `services`).

The work itself lives with its subject: `ingestion.job.run_table_load`, `conformance.run_validation`,
`export_jobs.run_export`.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from auzolan.core.errors import ApplicationError
from auzolan.core.jobs import job_task
from auzolan.datastore import export_jobs
from auzolan.datastore.conformance import run_validation
from auzolan.datastore.ingestion.job import build_row_file, build_text_index, run_table_load
from auzolan.datastore.models import Table, TableExport, ValidationReport


@job_task
def ingest(progress, *, table_id: str) -> dict:
    """Load one resource version into its Parquet table (see ingestion.job.run_table_load)."""
    table = Table.objects.select_related("version", "resource").get(pk=table_id)
    table = run_table_load(table=table, progress=progress)
    build_row_file(table)  # the table is already queryable; its pages read their rows faster once this is done
    build_text_index(table)  # and a full-text q finds its rows without scanning once this is done
    return {
        "message": ngettext("%(rows)d ligne chargée.", "%(rows)d lignes chargées.", table.row_count)
        % {"rows": table.row_count},
        "table": str(table.identifier),
        "rows": table.row_count,
    }


@job_task
def validate_version(progress, *, report_id: str) -> dict:
    """Validate one resource version against its dataset's schema (see conformance.run_validation)."""
    report = ValidationReport.objects.select_related("version", "schema").get(pk=report_id)
    report = run_validation(report=report, progress=progress)
    if report.valid:
        message = _("Le fichier respecte le schéma.")
    else:
        message = ngettext(
            "%(errors)d erreur de conformité au schéma.",
            "%(errors)d erreurs de conformité au schéma.",
            report.error_count,
        ) % {"errors": report.error_count}
    return {"message": message, "report": report.pk, "valid": report.valid, "errors": report.error_count}


@task()
def validate_version_unowned(report_id: str) -> None:
    """The same validation when nobody owns the job (the uploader's account was deleted)."""
    report = ValidationReport.objects.select_related("version", "schema").get(pk=report_id)
    with contextlib.suppress(ApplicationError):  # the message is stored in the report
        run_validation(report=report)


@task()
def export_table(export_id: str) -> None:
    """Produce a background export (see export_jobs.run_export): it takes a place among the N that may run at once,
    or enqueues itself again a few seconds later."""
    if not export_jobs.run_export(export_id=export_id):
        export_enqueue(export_id, delay=export_jobs.WAIT_SECONDS)


def export_enqueue(export_id, *, delay: float = 0) -> None:
    """Queue `export_table` for the export (after `delay` seconds), and note the task on the export."""
    queued = export_table.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay else export_table
    result = queued.enqueue(export_id=str(export_id))
    TableExport.objects.filter(pk=export_id).update(task_result_id=str(result.id))
