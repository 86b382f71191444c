"""Exports of a filtered, sorted table result: CSV, JSON (an array) or Parquet, streamed.

DuckDB writes the result with `COPY (SELECT …) TO` a temporary file (it streams row groups, spilling if needed), then
the file is sent with a FileResponse that reads it in chunks. The file is unlinked as soon as it is opened, so it
disappears when the response is closed. Memory stays bounded whatever the number of rows.

XLSX is not offered: DuckDB writes it only through a downloaded extension, and the platform downloads nothing at run
time (a streamed XLSX writer would be a new dependency).
"""

from __future__ import annotations

import os
import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.datastore.duck import connect
from auzolan.datastore.models import Table
from auzolan.datastore.query import Query, export_sql, run, timeout_seconds

FORMATS = {
    "csv": ("(FORMAT csv, HEADER true)", "text/csv; charset=utf-8"),
    "json": ("(FORMAT json, ARRAY true)", "application/json"),
    "parquet": ("(FORMAT parquet, COMPRESSION zstd)", "application/vnd.apache.parquet"),
}
#: Exports may run this many times the query timeout.
EXPORT_TIMEOUT_FACTOR = 12


def export_file(table: Table, query: Query, fmt: str) -> str:
    """Write the result to a temporary file and return its path (the caller removes it)."""
    if fmt not in FORMATS:
        raise ValidationError(
            _("Format d'export inconnu : %(fmt)s. Formats : %(valid)s.") % {"fmt": fmt, "valid": ", ".join(FORMATS)},
            field="format",
        )
    sql, params, _names = export_sql(table, query)
    options, _content_type = FORMATS[fmt]
    handle, target = tempfile.mkstemp(prefix="auzolan-export-", suffix=f".{fmt}")
    os.close(handle)
    workdir = tempfile.mkdtemp(prefix="auzolan-export-spill-")
    con = connect(temp_directory=workdir, threads=2)
    try:
        literal = "'" + target.replace("'", "''") + "'"  # our own temporary path
        run(con, f"COPY ({sql}) TO {literal} {options}", params, timeout=timeout_seconds() * EXPORT_TIMEOUT_FACTOR)
    except BaseException:
        os.unlink(target)
        raise
    finally:
        con.close()
        _remove_tree(workdir)
    return target


def _remove_tree(path: str) -> None:
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    os.rmdir(path)


def export_response(table: Table, query: Query, fmt: str, *, filename: str) -> FileResponse:
    path = export_file(table, query, fmt)
    file = open(path, "rb")  # noqa: SIM115  (closed by the response)
    os.unlink(path)  # the open file stays readable; nothing is left on disk after the response
    response = FileResponse(file, as_attachment=True, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt][1])
    return response
