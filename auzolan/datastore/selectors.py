"""Reads of the datastore: a resource's tables, the validation reports of its versions, a background export.

The rows of a table are read by the one query engine over its Parquet file (`auzolan.datastore.query`), which also
describes the table's columns with the data dictionary (`query.table_columns`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.errors import NotFound
from auzolan.core.permissions import can
from auzolan.datastore.models import Table, TableExport, ValidationReport


def current_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource, is_current=True).select_related("version").first()


def latest_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource).select_related("version", "job").order_by("-created_at").first()


def latest_reports(version_ids) -> dict[int, ValidationReport]:
    """The latest validation report of each version (one query)."""
    latest: dict[int, ValidationReport] = {}
    reports = ValidationReport.objects.filter(version_id__in=list(version_ids)).order_by(
        "version_id", "-created_at", "-pk"
    )
    for report in reports:
        latest.setdefault(report.version_id, report)
    return latest


def latest_report(version: ResourceVersion) -> ValidationReport | None:
    return ValidationReport.objects.filter(version=version).order_by("-created_at", "-pk").first()


def visible_export(actor, export_id) -> TableExport:
    """The export, if it exists and the actor may see its dataset now (else NotFound: the same as never existed)."""
    export = TableExport.objects.select_related("table__resource__dataset__organisation").filter(pk=export_id).first()
    if export is None or not can(actor, "catalog.view_dataset", export.table.resource.dataset):
        raise NotFound(_("Export introuvable."))
    return export
