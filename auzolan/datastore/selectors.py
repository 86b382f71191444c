"""Reads of the datastore. `query_table` delegates to `auzolan.datastore.query`, the one query engine over a table's
Parquet file: the preview, the data API, exports and the CKAN `datastore_search` all go through it.

User input never becomes SQL text: values travel as DuckDB prepared parameters, and identifiers are taken only from
the table's stored column list (then quoted).
"""

from __future__ import annotations

import os
import tempfile

from django.core.files.storage import default_storage

from auzolan.catalog.models import Resource
from auzolan.datastore import query
from auzolan.datastore.models import ColumnDescription, Table
from auzolan.datastore.query import Filter  # noqa: F401  (re-exported for callers)


def current_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource, is_current=True).select_related("version").first()


def latest_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource).select_related("version", "job").order_by("-created_at").first()


def table_columns(table: Table) -> list[dict]:
    """The table's columns with the data dictionary's current labels, descriptions and units (the unit found at
    load unless the editor gave one). Tables loaded before units and identifiers were kept get '' and False."""
    dictionary = {d.name: d for d in ColumnDescription.objects.filter(resource_id=table.resource_id)}
    columns = []
    for column in table.columns:
        entry = dictionary.get(column["name"])
        columns.append(
            {
                **column,
                "label": entry.label if entry else column.get("label", ""),
                "description": entry.description if entry else column.get("description", ""),
                "unit": (entry.unit if entry and entry.unit else "") or column.get("unit", ""),
                "identifier": column.get("identifier", False),
            }
        )
    return columns


def parquet_path(table: Table) -> str:
    """A local path DuckDB can read (the storage's own path when local, else a cached copy)."""
    try:
        return default_storage.path(table.parquet)
    except NotImplementedError:
        target = os.path.join(tempfile.gettempdir(), "auzolan-tables", f"{table.identifier.hex}.parquet")
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with default_storage.open(table.parquet, "rb") as source, open(target + ".part", "wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
            os.replace(target + ".part", target)
        return target


def query_table(table: Table, **options) -> tuple[list[dict], int]:
    """Rows (dicts) of a ready table and the total matching count: see `auzolan.datastore.query.query_table`."""
    return query.query_table(table, **options)
