"""Exports of a filtered, sorted table result: CSV, JSON (an array), Parquet or XLSX, streamed.

CSV, JSON and Parquet: DuckDB writes the result with `COPY (SELECT …) TO` a temporary file (it streams row groups,
spilling if needed). XLSX: DuckDB writes it only through a downloaded extension, and the platform downloads nothing at
run time, so XlsxWriter writes it in `constant_memory` mode (each row goes to a temporary XML file as soon as the next
one starts; the zip is built at the end) from the same SELECT, read in batches of `XLSX_BATCH` rows. An XLSX sheet
holds at most 1,048,576 rows (header included), and writing cells in Python is slow (~10,000 rows of 16 columns a
second), so a result above 1,048,576 rows or `XLSX_MAX_CELLS` cells is refused before anything is written, pointing to
filters, fewer columns, CSV or Parquet. Cells are typed (numbers, dates and date-times as Excel dates with a format,
booleans, text); text is always written as a string, never as a formula (`=…`, `+…`, `-…`, `@…` stay text), and a
text longer than Excel's 32,767 characters is truncated with a visible mark and a note on a second sheet.

Either way the file is then sent with a FileResponse that reads it in chunks. It is unlinked as soon as it is opened,
so it disappears when the response is closed. Memory stays bounded whatever the number of rows (measured by
`bench/memory.py`, figures in docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import tempfile
import time
from xml.sax.saxutils import escape as xml_escape

import duckdb
from django.http import FileResponse
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.datastore.duck import connect
from auzolan.datastore.models import Table
from auzolan.datastore.query import Query, export_sql, run, timeout_seconds

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "csv": ("(FORMAT csv, HEADER true)", "text/csv; charset=utf-8"),
    "json": ("(FORMAT json, ARRAY true)", "application/json"),
    "parquet": ("(FORMAT parquet, COMPRESSION zstd)", "application/vnd.apache.parquet"),
    "xlsx": (None, XLSX_CONTENT_TYPE),  # written by XlsxWriter, not by COPY
}
#: Exports may run this many times the query timeout.
EXPORT_TIMEOUT_FACTOR = 12

#: Excel's limits: rows of a sheet (header included), columns, UTF-16 code units of a cell.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL = 32_767
#: XLSX is written cell by cell in Python (~10,000 rows of 16 columns per second): above this many cells the export
#: would outlast the request (12 query timeouts), so it is refused at once with the formats that have no such cost.
XLSX_MAX_CELLS = 3_000_000
#: Rows fetched from DuckDB at a time.
XLSX_BATCH = 2_000
#: Above this many cells the zip container uses ZIP64 (an uncompressed sheet could pass 4 GB).
XLSX_ZIP64_CELLS = 20_000_000
#: Characters that XML 1.0 forbids; XlsxWriter escapes the control characters (`_xHHHH_`), not these two.
_XML_ILLEGAL = re.compile("[\ufffe\uffff]")
#: Excel's serial day 61 is 1900-03-01 (day 60 is the fictitious 1900-02-29); before it, dates are written as text.
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_EXCEL_FIRST_DATE = dt.date(1900, 3, 1)
_EXCEL_EPOCH_DATETIME = dt.datetime(1899, 12, 30)  # a naive reference for naive DuckDB timestamps


def export_file(table: Table, query: Query, fmt: str) -> str:
    """Write the result to a temporary file and return its path (the caller removes it)."""
    if fmt not in FORMATS:
        raise ValidationError(
            _("Format d'export inconnu : %(fmt)s. Formats : %(valid)s.") % {"fmt": fmt, "valid": ", ".join(FORMATS)},
            field="format",
        )
    sql, params, names = export_sql(table, query)
    options, _content_type = FORMATS[fmt]
    handle, target = tempfile.mkstemp(prefix="auzolan-export-", suffix=f".{fmt}")
    os.close(handle)
    workdir = tempfile.mkdtemp(prefix="auzolan-export-spill-")
    con = connect(temp_directory=workdir, threads=2)
    timeout = timeout_seconds() * EXPORT_TIMEOUT_FACTOR
    try:
        if fmt == "xlsx":
            types = {c["name"]: c.get("type", "text") for c in table.columns}
            _write_xlsx(con, sql, params, names, [types.get(n, "text") for n in names], target, workdir, timeout)
        else:
            literal = "'" + target.replace("'", "''") + "'"  # our own temporary path
            run(con, f"COPY ({sql}) TO {literal} {options}", params, timeout=timeout)
    except BaseException:
        os.unlink(target)
        raise
    finally:
        con.close()
        _remove_tree(workdir)
    return target


# --- XLSX ----------------------------------------------------------------------------------------------------


def _write_xlsx(con, sql, params, names, types, target, workdir, timeout) -> None:
    """Count the rows (refuse above Excel's limit), then write the typed cells batch by batch, under one deadline."""
    started = time.monotonic()
    (count,) = run(con, f"SELECT count(*) FROM ({sql})", params, timeout=timeout, fetch=lambda c: c.fetchone())  # noqa: S608
    if count + 1 > XLSX_MAX_ROWS or len(names) > XLSX_MAX_COLUMNS:
        raise ValidationError(
            _(
                "Le résultat compte %(rows)s lignes et %(columns)s colonnes : un fichier XLSX en contient au plus "
                "%(max_rows)s (en-tête compris) et %(max_columns)s. Ajoutez des filtres, ou exportez en CSV ou en "
                "Parquet, qui n'ont pas de limite."
            )
            % {
                "rows": f"{count:,}".replace(",", "\u202f"),
                "columns": len(names),
                "max_rows": f"{XLSX_MAX_ROWS:,}".replace(",", "\u202f"),
                "max_columns": f"{XLSX_MAX_COLUMNS:,}".replace(",", "\u202f"),
            },
            code="too-large",
            field="format",
        )
    if count * max(1, len(names)) > XLSX_MAX_CELLS:
        raise ValidationError(
            _(
                "Le résultat compte %(rows)s lignes de %(columns)s colonnes : au-delà de %(max_cells)s cellules, un "
                "fichier XLSX serait trop long à produire. Ajoutez des filtres ou choisissez moins de colonnes, ou "
                "exportez en CSV ou en Parquet (sans limite, et que les tableurs savent ouvrir pour le CSV)."
            )
            % {
                "rows": f"{count:,}".replace(",", "\u202f"),
                "columns": len(names),
                "max_cells": f"{XLSX_MAX_CELLS:,}".replace(",", "\u202f"),
            },
            code="too-large",
            field="format",
        )
    # The deadline counts from the start (count included), checked between batches; `run`'s own timer only stops a
    # DuckDB statement that would block past it (and names the limit in its message).
    run(
        con,
        sql,
        params,
        timeout=timeout,
        fetch=lambda cursor: _fill_workbook(cursor, names, types, target, workdir, count, started + timeout),
    )


def _fill_workbook(cursor, names, types, target, workdir, count, deadline) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "tmpdir": workdir,
            "use_zip64": count * max(len(names), 1) > XLSX_ZIP64_CELLS,
            "nan_inf_to_errors": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        truncated = _fill_sheet(workbook, cursor, names, types, deadline)
    except BaseException:
        for sheet in workbook.worksheets():  # no zip of a half-written sheet: just close its temporary file
            if sheet.row_data_fh:
                sheet.row_data_fh.close()
        raise
    if truncated:
        notes = workbook.add_worksheet(_("Notes"))
        notes.set_column(0, 0, 100)
        notes.write_string(
            0,
            0,
            _(
                "%(n)d cellules dépassaient la limite d'Excel de 32 767 caractères : leur texte est coupé et "
                "finit par « %(mark)s ». Le texte complet est dans les exports CSV, JSON et Parquet."
            )
            % {"n": truncated, "mark": _truncated_mark()},
        )
    workbook.close()  # writes the zip


def _truncated_mark() -> str:
    return _("[…tronqué]")


def _fill_sheet(workbook, cursor, names, types, deadline) -> int:
    sheet = workbook.add_worksheet(_("Données"))
    bold = workbook.add_format({"bold": True})
    formats = {
        "integer": workbook.add_format({"num_format": "0"}),  # not 1.23457E+13 for a 14-digit identifier
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
    }
    widths = {"integer": 12, "number": 14, "boolean": 8, "date": 12, "datetime": 20}
    for col, (name, type_) in enumerate(zip(names, types, strict=True)):
        sheet.set_column(col, col, min(max(widths.get(type_, 24), len(name) + 2), 60))
    sheet.freeze_panes(1, 0)
    for col, name in enumerate(names):
        sheet.write_string(0, col, _fit_text(name, "")[0], bold)

    mark = _truncated_mark()
    truncated = 0
    write_string, write_number, write_boolean = sheet.write_string, sheet.write_number, sheet.write_boolean
    date_format, datetime_format = formats["date"], formats["datetime"]
    column_formats = [formats.get(t) if t == "integer" else None for t in types]
    row = 0
    while True:
        if time.monotonic() > deadline:
            raise duckdb.InterruptException("interrupted")  # `run` turns it into the timeout error
        batch = cursor.fetchmany(XLSX_BATCH)
        if not batch:
            break
        for values in batch:
            row += 1
            for col, value in enumerate(values):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    if len(value) > XLSX_MAX_CELL // 2 or value[:3] == "<r>" or _XML_ILLEGAL.search(value):
                        value, cut = _fit_text(value, mark)
                        truncated += cut
                    write_string(row, col, value)
                elif kind is bool:
                    write_boolean(row, col, value)
                elif kind is int:
                    if abs(value) < 2**53:
                        write_number(row, col, value, column_formats[col])
                    else:  # a double would round it
                        write_string(row, col, str(value))
                elif kind is float:
                    write_number(row, col, value)
                elif kind is dt.date:
                    if value >= _EXCEL_FIRST_DATE:
                        write_number(row, col, value.toordinal() - _EXCEL_EPOCH, date_format)
                    else:
                        write_string(row, col, value.isoformat())
                elif kind is dt.datetime:
                    naive = value.replace(tzinfo=None)
                    if naive.date() >= _EXCEL_FIRST_DATE:
                        serial = (naive - _EXCEL_EPOCH_DATETIME) / dt.timedelta(days=1)
                        write_number(row, col, serial, datetime_format)
                    else:
                        write_string(row, col, naive.isoformat(sep=" "))
                elif kind is decimal.Decimal:
                    write_number(row, col, float(value))
                else:  # geopoints, lists, structs, times: their text
                    value, cut = _fit_text(_text(value), mark)
                    truncated += cut
                    write_string(row, col, value)
    if row:
        sheet.autofilter(0, 0, row, len(names) - 1)
    return truncated


def _text(value) -> str:
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _fit_text(text: str, mark: str) -> tuple[str, int]:
    """The text as XlsxWriter must receive it to write it verbatim, cut to Excel's 32,767 UTF-16 units (then ending
    with `mark`); 1 if it was cut. In constant_memory mode XlsxWriter writes a string of the form `<r>…</r>` as raw
    rich-text XML: such a text is escaped and wrapped in a run here, so that it shows as typed (never as markup)."""
    text = _clean(text)
    cut = 0
    encoded = text.encode("utf-16-le")
    if len(encoded) // 2 > XLSX_MAX_CELL:
        keep = (XLSX_MAX_CELL - len(mark.encode("utf-16-le")) // 2 - 1) * 2
        text, cut = encoded[:keep].decode("utf-16-le", errors="ignore") + mark, 1
    if text.startswith("<r>") and text.endswith("</r>"):
        text = f'<r><t xml:space="preserve">{xml_escape(text)}</t></r>'
    return text, cut


# --- Files ---------------------------------------------------------------------------------------------------


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
