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

Formula injection (auzolan.core.spreadsheets, the one definition shared with the participation CSV files): CSV is meant
for spreadsheets, so a text cell (and a column name) that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading `'`, in DuckDB's SELECT (vectorised, text columns only: numbers, dates and booleans are never altered);
`raw=true` keeps the bytes, for machines. JSON and Parquet are machine formats, typed: never altered. XLSX writes such
a text as a text cell, never a formula: shown exactly as typed, whatever `raw`. (There is no TSV export; one would be
read by spreadsheets like CSV and would have to do the same.)

Size: an export whose cost (`export_cost`: rows × columns × the format's `CELL_COST`) is above
`DATASTORE_EXPORT_INLINE_CELLS` is not produced during the request but as a background job
(auzolan.datastore.export_jobs), which calls `export_file` with its own longer time limit and a progress callback.

Inline, the file is sent with a FileResponse that reads it in chunks. It is unlinked as soon as it is opened,
so it disappears when the response is closed. Memory stays bounded whatever the number of rows (measured by
`bench/memory.py`, figures in docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

import duckdb
from django.conf import settings
from django.http import FileResponse, QueryDict
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.core.spreadsheets import FORMULA_PREFIXES, NEUTRALISING_PREFIX, neutralise
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.models import Table
from auzolan.datastore.query import Query, count, export_sql, parse_params, run, timeout_seconds

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "csv": ("(FORMAT csv, HEADER true)", "text/csv; charset=utf-8"),
    "json": ("(FORMAT json, ARRAY true)", "application/json"),
    "parquet": ("(FORMAT parquet, COMPRESSION zstd)", "application/vnd.apache.parquet"),
    "xlsx": (None, XLSX_CONTENT_TYPE),  # written by XlsxWriter, not by COPY
}
#: Formats read by spreadsheets, where text that looks like a formula is neutralised unless `raw` is asked.
SPREADSHEET_TEXT_FORMATS = {"csv"}
#: Exports produced during the request may run this many times the query timeout.
EXPORT_TIMEOUT_FACTOR = 12
#: A background export's time limit (a 1,000,000-row XLSX of 16 columns takes about 2 minutes), and its DuckDB threads.
JOB_TIMEOUT = 15 * 60
JOB_THREADS = 1
#: What writing one cell costs, relative to CSV written by DuckDB's COPY (bench/exports.py, on 1,000,000 rows of 16
#: columns sorted: CSV and Parquet ~5 million cells a second, JSON about half as fast, XLSX written cell by cell in
#: Python ~40 times slower). `rows × columns × cost` above DATASTORE_EXPORT_INLINE_CELLS: a background job.
CELL_COST = {"csv": 1, "json": 2, "parquet": 1, "xlsx": 40}

#: Excel's limits: rows of a sheet (header included), columns, UTF-16 code units of a cell.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL = 32_767
#: XLSX is written cell by cell in Python (~10,000 rows of 16 columns per second): above this many cells (~5 minutes,
#: in a background job) the export is refused at once with the formats that have no such cost.
XLSX_MAX_CELLS = 50_000_000
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


# --- What is asked -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSpec:
    """An export as asked: the query (filters, search, sort, fields), the format, and `raw` (no neutralisation)."""

    query: Query
    fmt: str
    raw: bool = False


def parse_format(value) -> str:
    fmt = str(value or "csv").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError(
            _("Format d'export inconnu : %(fmt)s. Formats : %(valid)s.")
            % {"fmt": fmt[:20], "valid": ", ".join(FORMATS)},
            field="format",
        )
    return fmt


def parse_raw(value) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "false", "0", "non", "faux", "no"):
        return False
    if text in ("true", "1", "oui", "vrai", "yes"):
        return True
    raise ValidationError(
        _("Le paramètre raw attend true (les cellules telles quelles) ou false (par défaut)."), field="raw"
    )


def parse_spec(params: Mapping) -> ExportSpec:
    """The export asked by request parameters: `format`, `raw` and the data API's query parameters (400 if bad)."""
    fmt = parse_format(params.get("format"))
    raw = parse_raw(params.get("raw"))
    rest = QueryDict(mutable=True)
    for key in params:
        if key not in ("format", "raw"):
            rest.setlist(key, params.getlist(key) if hasattr(params, "getlist") else [params[key]])
    query = parse_params(rest)
    query.limit, query.offset, query.cursor = 0, 0, ""  # an export has every matching row
    return ExportSpec(query=query, fmt=fmt, raw=raw)


def _neutralised_select(name: str, type_: str) -> str:
    """A column of a CSV for spreadsheets: text that could run as a formula gets a leading quote (vectorised in
    DuckDB; numbers, dates, booleans untouched), and so does a column name that could."""
    column = quote(name)
    alias = quote(neutralise(name))
    if type_ != "text":
        return f"{column} AS {alias}"
    starts = ", ".join(_literal(prefix) for prefix in FORMULA_PREFIXES)
    return (
        f"CASE WHEN left({column}, 1) IN ({starts}) THEN {_literal(NEUTRALISING_PREFIX)} || {column} "
        f"ELSE {column} END AS {alias}"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def compile_spec(table: Table, spec: ExportSpec) -> tuple[str, list, list[str]]:
    """The SELECT of the export (400 on an unknown column or a bad value), its parameters and column names."""
    neutralised = spec.fmt in SPREADSHEET_TEXT_FORMATS and not spec.raw
    return export_sql(table, spec.query, select_item=_neutralised_select if neutralised else None)


# --- Size: during the request, or in the background ------------------------------------------------------------


def export_cost(rows: int, columns: int, fmt: str) -> int:
    return rows * max(1, columns) * CELL_COST[fmt]


def inline_budget() -> int:
    return int(getattr(settings, "DATASTORE_EXPORT_INLINE_CELLS", 4_000_000))


@dataclass(frozen=True)
class Size:
    rows: int
    columns: int
    estimated: bool
    inline: bool


def measure(table: Table, spec: ExportSpec) -> Size:
    """How large the export is and whether it is produced during the request. The table's row count decides when it
    is small enough whatever the filters; otherwise the matching rows are counted (cached, estimated above 100,000).
    An XLSX known to exceed Excel's limits is refused here, before any job is queued."""
    _sql, _params, names = compile_spec(table, spec)
    columns = len(names)
    if export_cost(table.row_count, columns, spec.fmt) <= inline_budget():
        return Size(rows=table.row_count, columns=columns, estimated=False, inline=True)
    rows, estimated = count(table, spec.query)
    if spec.fmt == "xlsx" and not estimated:
        check_xlsx_size(rows, columns)
    return Size(rows, columns, estimated, inline=export_cost(rows, columns, spec.fmt) <= inline_budget())


# --- Writing the file ------------------------------------------------------------------------------------------


def export_file(
    table: Table,
    spec: ExportSpec,
    *,
    timeout: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int = 2,
) -> str:
    """Write the result to a temporary file and return its path (the caller removes it). `progress(done, total)`
    is called about once a second (rows written, out of the result's rows). `threads`: DuckDB's (a background
    export takes 1, leaving the other core to the web workers)."""
    sql, params, names = compile_spec(table, spec)
    fmt = spec.fmt
    options, _content_type = FORMATS[fmt]
    handle, target = tempfile.mkstemp(prefix="auzolan-export-", suffix=f".{fmt}")
    os.close(handle)
    workdir = tempfile.mkdtemp(prefix="auzolan-export-spill-")
    con = connect(temp_directory=workdir, threads=threads)
    timeout = timeout if timeout is not None else timeout_seconds() * EXPORT_TIMEOUT_FACTOR
    try:
        if fmt == "xlsx":
            types = {c["name"]: c.get("type", "text") for c in table.columns}
            _write_xlsx(
                con, sql, params, names, [types.get(n, "text") for n in names], target, workdir, timeout, progress
            )
        else:
            copy = f"COPY ({sql}) TO {_literal(target)} {options}"  # our own temporary path
            if progress is None:
                run(con, copy, params, timeout=timeout)
            else:
                rows = run(con, f"SELECT count(*) FROM ({sql})", params, timeout=timeout, fetch=_first)  # noqa: S608
                _copy_with_progress(con, copy, params, timeout, progress, rows)
    except BaseException:
        os.unlink(target)
        raise
    finally:
        con.close()
        _remove_tree(workdir)
    return target


def _first(cursor):
    return cursor.fetchone()[0]


def _copy_with_progress(con, copy: str, params: list, timeout: float, progress, rows: int) -> None:
    """Run the COPY in a thread while this one reports DuckDB's own progress of the statement (a percentage of the
    work, turned into rows), so that the job's database writes stay on the task's thread."""
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    outcome: dict = {}

    def work() -> None:
        try:
            run(con, copy, params, timeout=timeout)
        except BaseException as error:  # re-raised on the task's thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="datastore-export-copy", daemon=True)
    worker.start()
    try:
        while True:
            worker.join(PROGRESS_EVERY)
            if not worker.is_alive():
                break
            share = con.query_progress()
            if share >= 0:
                progress(min(rows, round(rows * share / 100)), rows)
    except BaseException:  # a report failed (the database went away): stop the COPY before the connection closes
        con.interrupt()
        worker.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    progress(rows, rows)


#: Seconds between two progress reports of a background export.
PROGRESS_EVERY = 1.0


def check_xlsx_size(count: int, columns: int) -> None:
    """Refuse a result above Excel's limits (rows, columns) or above XLSX_MAX_CELLS, naming the alternatives."""
    if count + 1 > XLSX_MAX_ROWS or columns > XLSX_MAX_COLUMNS:
        raise ValidationError(
            _(
                "Le résultat compte %(rows)s lignes et %(columns)s colonnes : un fichier XLSX en contient au plus "
                "%(max_rows)s (en-tête compris) et %(max_columns)s. Ajoutez des filtres, ou exportez en CSV ou en "
                "Parquet, qui n'ont pas de limite."
            )
            % {
                "rows": _thousands(count),
                "columns": columns,
                "max_rows": _thousands(XLSX_MAX_ROWS),
                "max_columns": _thousands(XLSX_MAX_COLUMNS),
            },
            code="too-large",
            field="format",
        )
    if count * max(1, columns) > XLSX_MAX_CELLS:
        raise ValidationError(
            _(
                "Le résultat compte %(rows)s lignes de %(columns)s colonnes : au-delà de %(max_cells)s cellules, un "
                "fichier XLSX serait trop long à produire. Ajoutez des filtres ou choisissez moins de colonnes, ou "
                "exportez en CSV ou en Parquet (sans limite, et que les tableurs savent ouvrir pour le CSV)."
            )
            % {"rows": _thousands(count), "columns": columns, "max_cells": _thousands(XLSX_MAX_CELLS)},
            code="too-large",
            field="format",
        )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


# --- XLSX ----------------------------------------------------------------------------------------------------


def _write_xlsx(con, sql, params, names, types, target, workdir, timeout, progress) -> None:
    """Count the rows (refuse above Excel's limit), then write the typed cells batch by batch, under one deadline."""
    started = time.monotonic()
    (count,) = run(con, f"SELECT count(*) FROM ({sql})", params, timeout=timeout, fetch=lambda c: c.fetchone())  # noqa: S608
    check_xlsx_size(count, len(names))
    # The deadline counts from the start (count included), checked between batches; `run`'s own timer only stops a
    # DuckDB statement that would block past it (and names the limit in its message).
    run(
        con,
        sql,
        params,
        timeout=timeout,
        fetch=lambda cursor: _fill_workbook(cursor, names, types, target, workdir, count, started + timeout, progress),
    )


def _fill_workbook(cursor, names, types, target, workdir, count, deadline, progress) -> None:
    # Lazy: XlsxWriter takes 35-100 ms to import and only XLSX exports need it, not every web process and worker.
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
        truncated = _fill_sheet(workbook, cursor, names, types, deadline, _throttled(progress, count))
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


def _throttled(progress, total: int):
    """`progress(rows)` for the sheet: reports to the job at most once every PROGRESS_EVERY seconds."""
    last = [time.monotonic()]

    def report(rows: int) -> None:
        if progress is not None and (rows == total or time.monotonic() - last[0] >= PROGRESS_EVERY):
            last[0] = time.monotonic()
            progress(rows, total)

    return report


def _fill_sheet(workbook, cursor, names, types, deadline, report) -> int:
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
        report(row)
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
    report(row)
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


def filename_for(resource) -> str:
    """The download's name without extension: the dataset's slug and the resource's short identifier."""
    return f"{resource.dataset.slug[:60] or 'export'}-{resource.identifier.hex[:8]}"


def stored_response(file, fmt: str, *, filename: str) -> FileResponse:
    """A file already written (a background export in Django's storage), streamed in chunks."""
    return FileResponse(file, as_attachment=True, filename=filename, content_type=FORMATS[fmt][1])


def export_response(table: Table, spec: ExportSpec, *, filename: str) -> FileResponse:
    """The export produced now and streamed (for a size within DATASTORE_EXPORT_INLINE_CELLS)."""
    path = export_file(table, spec)
    file = open(path, "rb")  # noqa: SIM115  (closed by the response)
    os.unlink(path)  # the open file stays readable; nothing is left on disk after the response
    return stored_response(file, spec.fmt, filename=f"{filename}.{spec.fmt}")
