"""Background jobs of the datastore."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.core.jobs import job_task


@job_task
def ingest(progress, *, table_id: str) -> dict:
    """Load one resource version into its Parquet table (see ingestion.run_table_load)."""
    from auzolan.datastore.ingestion import run_table_load
    from auzolan.datastore.models import Table

    table = Table.objects.select_related("version", "resource").get(pk=table_id)
    table = run_table_load(table=table, progress=progress)
    return {
        "message": ngettext("%(rows)d ligne chargée.", "%(rows)d lignes chargées.", table.row_count)
        % {"rows": table.row_count},
        "table": str(table.identifier),
        "rows": table.row_count,
    }


@job_task
def validate_version(progress, *, report_id: str) -> dict:
    """Validate one resource version against its dataset's schema (see conformance.run_validation)."""
    from auzolan.datastore.conformance import run_validation
    from auzolan.datastore.models import ValidationReport

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


from django_tasks import task  # noqa: E402


@task()
def validate_version_unowned(report_id: str) -> None:
    """The same validation when nobody owns the job (the uploader's account was deleted)."""
    import contextlib

    from auzolan.core.errors import ApplicationError
    from auzolan.datastore.conformance import run_validation
    from auzolan.datastore.models import ValidationReport

    report = ValidationReport.objects.select_related("version", "schema").get(pk=report_id)
    with contextlib.suppress(ApplicationError):  # the message is stored in the report
        run_validation(report=report)


@task()
def export_table(export_id: str) -> None:
    """Produce a background export (see export_jobs.run_export): it takes a place among the N that may run at once,
    or enqueues itself again a few seconds later."""
    from auzolan.datastore.export_jobs import run_export

    run_export(export_id=export_id)
