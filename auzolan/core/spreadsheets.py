"""Files meant for spreadsheets: the one definition of a text that a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets read a CSV cell that starts with `=`, `+`, `-` or `@` as a formula (`@` is
Excel's implicit intersection), and some of them skip a leading tab or carriage return before deciding: a cell
`=HYPERLINK("http://…?"&A1)` or `+cmd|' /C calc'!A0` received in an open data file would run on the reader's
machine (CSV injection, OWASP). Every export meant for a spreadsheet uses this definition:

- CSV files (the datastore's exports, built in DuckDB's SELECT from `FORMULA_PREFIXES`; the participation CSV files,
  through `neutralise`) put a single quote before such a text, which spreadsheets show as text;
- XLSX files (the datastore's exports) write them as text cells, never as formulas (nothing to add: the cell type
  says it is text), so they are shown exactly as typed.

Numbers are never text here: a negative amount (-12.5) in a numeric column is written as a number, unchanged.
"""

from __future__ import annotations

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: What goes before such a text so that a spreadsheet shows it as text.
NEUTRALISING_PREFIX = "'"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """The text as a spreadsheet must receive it in a CSV cell: with a leading quote when it could run as a formula."""
    return NEUTRALISING_PREFIX + text if is_formula_like(text) else text
