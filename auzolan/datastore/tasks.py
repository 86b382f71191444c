"""Background jobs of the datastore."""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.core.jobs import job_task


@job_task
def ingest(progress, *, table_id: str) -> dict:
    """Load one resource version into its Parquet table (see ingestion.run_table_load)."""
    from auzolan.datastore.ingestion import run_table_load
    from auzolan.datastore.models import Table

    table = Table.objects.select_related("version", "resource").get(pk=table_id)
    table = run_table_load(table=table, progress=progress)
    return {
        "message": _("%(rows)d lignes chargées.") % {"rows": table.row_count},
        "table": str(table.identifier),
        "rows": table.row_count,
    }
