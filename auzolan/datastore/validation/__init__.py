"""Validation of tabular files against Table Schemas (SCDL), with frictionless's error codes.

`validate(path, schema)` reads a CSV file (large UTF-8 files through DuckDB, see `columnar`, others row
by row); `validate_rows(rows, schema)` takes a header and rows of strings
from any reader. Both return a `Report` whose `as_dict()` is the shape of the command, the API and the pages.
"""

from __future__ import annotations

from auzolan.datastore.validation import columnar
from auzolan.datastore.validation.engine import validate_rows
from auzolan.datastore.validation.report import Report
from auzolan.datastore.validation.sources import open_csv


def validate(
    source, schema: dict, *, encoding: str | None = None, delimiter: str | None = None, max_errors: int | None = 1000
) -> Report:
    """Validate a CSV file (a path) against a Table Schema descriptor; every error is counted, the first
    `max_errors` (None: all) are listed with their message."""
    table = open_csv(source, encoding=encoding, delimiter=delimiter)
    try:
        report = columnar.try_validate(
            source, schema, encoding=table.encoding, dialect=table.rows.dialect, max_errors=max_errors
        )
        if report is None:  # the file or the schema needs the row engine (same errors, slower)
            report = validate_rows(table.rows, schema, max_errors=max_errors)
    finally:
        table.close()
    report.encoding = table.encoding
    report.delimiter = table.delimiter
    return report


__all__ = ["Report", "validate", "validate_rows"]
