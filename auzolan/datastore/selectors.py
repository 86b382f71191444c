"""Reads of the datastore. `query_table` is the one query function over a table's Parquet file: the preview, the
data API, exports and the CKAN `datastore_search` all go through it.

User input never becomes SQL text: values travel as DuckDB prepared parameters, and identifiers are taken only from
the table's stored column list (then quoted).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import duckdb
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource
from auzolan.core.errors import ValidationError
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.models import ColumnDescription, Table

OPERATORS = {
    "exact": "{col} = ?",
    "not": "{col} IS DISTINCT FROM ?",
    "gt": "{col} > ?",
    "gte": "{col} >= ?",
    "lt": "{col} < ?",
    "lte": "{col} <= ?",
    "contains": "CAST({col} AS VARCHAR) ILIKE '%' || ? || '%' ESCAPE '\\'",
    "in": "list_contains(?, {col})",
    "isnull": None,
}
MAX_LIMIT = 1000


def current_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource, is_current=True).select_related("version").first()


def latest_table(resource: Resource) -> Table | None:
    return Table.objects.filter(resource=resource).select_related("version", "job").order_by("-created_at").first()


def table_columns(table: Table) -> list[dict]:
    """The table's columns with the data dictionary's current labels and descriptions."""
    dictionary = {d.name: d for d in ColumnDescription.objects.filter(resource_id=table.resource_id)}
    columns = []
    for column in table.columns:
        entry = dictionary.get(column["name"])
        columns.append(
            {
                **column,
                "label": entry.label if entry else column.get("label", ""),
                "description": entry.description if entry else column.get("description", ""),
            }
        )
    return columns


@dataclass(frozen=True)
class Filter:
    column: str
    operator: str
    value: object = None


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


def _column(names: set[str], name: str) -> str:
    if name not in names:
        raise ValidationError(_("Colonne inconnue : %(name)s.") % {"name": name}, field="column")
    return quote(name)


def query_table(
    table: Table,
    *,
    filters: list[Filter] | tuple = (),
    sort: list[str] | tuple = (),
    fields: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """Rows (dicts) of a ready table and the total matching count. `sort`: names, `-name` for descending."""
    if table.state != Table.State.READY or not table.parquet:
        raise ValidationError(_("Cette table n'est pas encore chargée."), code="not-ready")
    names = {c["name"] for c in table.columns}
    selected = [c["name"] for c in table.columns] if not fields else list(fields)
    select = ", ".join(_column(names, name) for name in selected)
    where, params = [], []
    for item in filters:
        col = _column(names, item.column)
        if item.operator not in OPERATORS:
            raise ValidationError(_("Opérateur de filtre inconnu : %(op)s.") % {"op": item.operator}, field="filter")
        if item.operator == "isnull":
            where.append(f"{col} IS NULL" if item.value in (True, "true", "1", 1) else f"{col} IS NOT NULL")
            continue
        if item.operator == "contains":
            value = str(item.value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        elif item.operator == "in":
            value = [str(v) for v in (item.value if isinstance(item.value, (list, tuple)) else [item.value])]
            col = f"CAST({col} AS VARCHAR)"
        else:
            value = item.value
        where.append(OPERATORS[item.operator].format(col=col))
        params.append(value)
    order = []
    for key in sort:
        descending = key.startswith("-")
        order.append(f"{_column(names, key.lstrip('-'))} {'DESC' if descending else 'ASC'} NULLS LAST")
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    source = "read_parquet(?)"
    where_sql = f" WHERE {' AND '.join(where)}" if where else ""
    con = connect()
    try:
        path = parquet_path(table)
        order_sql = f" ORDER BY {', '.join(order)}" if order else ""
        try:
            total = con.execute(f"SELECT count(*) FROM {source}{where_sql}", [path, *params]).fetchone()[0]  # noqa: S608
            cursor = con.execute(
                f"SELECT {select} FROM {source}{where_sql}{order_sql} LIMIT {limit} OFFSET {offset}",  # noqa: S608
                [path, *params],
            )
        except duckdb.Error as error:  # a value that does not compare with the column's type
            raise ValidationError(_("Valeur de filtre invalide pour cette colonne."), field="filter") from error
        keys = [d[0] for d in cursor.description]
        rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return rows, total
