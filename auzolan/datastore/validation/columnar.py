"""The fast path of `validate(path, schema)` for large CSV files: DuckDB reads, Python judges.

DuckDB's multi-threaded CSV reader loads every cell as text into a temporary table (no typing); then, per
column, only the distinct values that a cheap SQL test does not prove valid are pulled into Python and judged
by the same `FieldPlan.evaluate` as the row engine (and by the French value checks). A row is *suspect* when
it holds one of the bad values, has a missing or extra cell, is blank, or fails `one-of-required`; only the
suspect rows come back to Python, and the row engine (`Validator.check_rows`) checks them with their row
numbers. Every error of frictionless's rules is row-local, so the errors are exactly those of the row engine.

The path is only taken when it is certainly equivalent to Python's `csv` reading of the file; otherwise
`try_validate` returns None and the row engine reads the file (same result, slower):

- UTF-8 text, the excel dialect (quote `"`, doubled quotes, no escape character, no initial spaces);
- one record per physical line: no quoted line break, no blank line (DuckDB skips them, Python's `csv` yields
  a row), no lone carriage return, no NUL byte — checked by counting, and DuckDB's record count must equal
  the line count;
- no blank around a quoted cell (`a, "b"`: DuckDB trims it, `csv` keeps it);
- DuckDB reads the file in strict mode without error (a row with 2+ extra cells, a stray quote... fall back);
- no `unique`, `primaryKey`, and only the value checks and `one-of-required` among the custom checks (the
  others compare cells across rows or columns in ways this path does not pre-select).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import time

from auzolan.datastore.validation import french
from auzolan.datastore.validation.engine import Validator, check_schema
from auzolan.datastore.validation.report import Report

#: Below this size the row engine is as fast (DuckDB's start-up and the table cost ~50 ms).
MIN_BYTES = 8 * 1024 * 1024
SCAN_BLOCK = 8 * 1024 * 1024
MEMORY_LIMIT = "700MB"
NULL = "\x01auzolan-null\x01"  # DuckDB's null string: no CSV holds it, so NULL only stands for a padded cell
ROW_CUSTOM = {"one-of-required"}
VALUE_CUSTOM = set(french.VALUE_CHECKS) | {"year-interval-value"}

# "Surely valid" SQL tests: a value they accept is accepted by the Python reader with no error (ASCII only).
NUMBER_SQL = r"regexp_full_match({c}, '-?[0-9]{{1,15}}(\.[0-9]{{1,15}})?')"
INTEGER_SQL = r"regexp_full_match({c}, '-?[0-9]{{1,18}}')"
DATE_SQL = r"regexp_full_match({c}, '[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])')"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(column: str, values) -> str:
    return f"{column} IN ({', '.join(_literal(value) for value in sorted(values))})"


def file_is_line_aligned(path, delimiter: str, *, doubled_quotes: bool = True) -> int | None:
    """The number of physical lines when no quote or line ending can make the two readers differ, else None.

    Blank lines and quoted line breaks are caught later (DuckDB's record count differs from the line count).
    Bytes are only counted (C speed); the quotes are looked at one by one when they are few, by a regex else.
    """
    sep = re.escape(delimiter.encode())
    quote_blank = re.compile(rb"(?:^|[\n" + sep + rb'])[ \t]+"|"[ \t]+(?:$|[\r\n' + sep + rb"])")
    lines = 0
    last = b""
    with open(path, "rb") as raw:
        while True:
            block = raw.read(SCAN_BLOCK)
            if not block:
                break
            # keep whole lines in a block, so that a pattern never straddles two blocks
            cut = block.rfind(b"\n") + 1
            if 0 < cut < len(block):
                raw.seek(cut - len(block), os.SEEK_CUR)
                block = block[:cut]
            if b"\x00" in block:
                return None
            lines += block.count(b"\n")
            if block.count(b"\r") != (block.count(b"\r\n") if b"\r" in block else 0):
                return None  # a lone carriage return ends a record for Python's csv
            quotes = block.count(b'"')
            if quotes:
                if not doubled_quotes and b'""' in block:
                    return None  # without doubled quotes in the sniffed dialect, csv reads "a""b" otherwise
                if quotes > 20_000:
                    if quote_blank.search(block):
                        return None
                else:
                    find = block.find
                    index = find(b'"')
                    while index >= 0:
                        blank = (index and block[index - 1] in b" \t") or block[index + 1 : index + 2] in (b" ", b"\t")
                        if blank and quote_blank.search(block, max(0, index - 4096), index + 4096):
                            return None
                        index = find(b'"', index + 1)
            last = block[-1:]
    if last and last != b"\n":
        lines += 1
    return lines


class _Plan:
    """The SQL side of one column: what DuckDB tests, what Python judges."""

    def __init__(self, plan, index: int):
        self.plan = plan
        self.column = f"c{index}"
        self.value_checks: list = []

    def surely_valid(self) -> str | None:
        """A SQL test true only for values the plan accepts with no error (None: judge every distinct value)."""
        plan, c = self.plan, self.column
        field = plan.field
        fmt = field.get("format", "default")
        specials = plan.missing
        names = {name for name, _check, _limit in plan.checks}
        test = None
        if plan.plain:
            test = "TRUE"
        elif (
            plan.type == "number"
            and not names
            and not any(k in field for k in ("decimalChar", "groupChar", "bareNumber"))
        ):
            test = NUMBER_SQL.format(c=c)
        elif plan.type == "integer" and not names and field.get("bareNumber", True):
            test = INTEGER_SQL.format(c=c)
        elif plan.type == "date" and not names and fmt in ("default", "", None):
            test = DATE_SQL.format(c=c)
        elif plan.type == "string" and fmt == "default" and names == {"enum"}:
            test = _in_list(c, [str(value) for value in plan.checks[0][2]])
        elif plan.type == "string" and fmt == "default" and names and names <= {"minLength", "maxLength"}:
            low = int(plan.constraints.get("minLength") or 0)
            high = plan.constraints.get("maxLength")
            test = f"length({c}) >= {low}" + ("" if high is None else f" AND length({c}) <= {int(high)}")
        if test is None:
            return None
        if self.value_checks:
            return None
        if specials:
            test = f"({test}) AND NOT {_in_list(c, specials)}"
        return test

    def bad_values(self, candidates) -> list[str]:
        plan = self.plan
        bad = []
        for value in candidates:
            if value is None:
                continue
            if plan.evaluate(value)[1]:
                bad.append(value)
                continue
            if value in plan.missing:
                continue
            if any(not is_valid(value) for is_valid in self.value_checks):
                bad.append(value)
        return bad


def _custom_plan(schema: dict):
    """(value checks by column, one-of-required pairs), or None when a custom check needs the row engine."""
    values: dict[str, list] = {}
    pairs = []
    for item in schema.get("custom_checks") or []:
        if not isinstance(item, dict):
            continue
        name = item.get("name", "")
        params = item.get("params") or {}
        column = params.get("column") or params.get("column1")
        if name in VALUE_CUSTOM and column:
            if name == "year-interval-value":
                allow = str(params.get("allow-year-only", "")).lower() in ("yes", "true")
                values.setdefault(column, []).append(
                    lambda value, allow=allow: french.year_interval_valid(value, allow)
                )
            else:
                values.setdefault(column, []).append(french.VALUE_CHECKS[name])
        elif name in ROW_CUSTOM and column and params.get("column2"):
            pairs.append((column, params["column2"]))
        elif name in ("compare-columns-value", "sum-columns-value", "cohesive-columns-value"):
            return None
        # unknown checks: the row engine warns about them and runs nothing
    return values, pairs


def try_validate(path, schema: dict, *, encoding: str, dialect, max_errors: int, force: bool = False):
    """The report of the fast path, or None when the file or the schema needs the row engine."""
    delimiter = dialect.delimiter
    if dialect.quotechar != '"' or dialect.escapechar or dialect.skipinitialspace:
        return None
    try:
        import duckdb
    except ImportError:  # pragma: no cover
        return None
    started = time.perf_counter()
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig") or len(delimiter) != 1 or delimiter in '"\r\n':
        return None
    if not force and os.path.getsize(path) < MIN_BYTES:
        return None
    check_schema(schema)
    if schema.get("primaryKey") or any((field.get("constraints") or {}).get("unique") for field in schema["fields"]):
        return None
    custom = _custom_plan(schema)
    if custom is None:
        return None
    with open(path, encoding=encoding, errors="replace", newline="") as text:
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        try:
            header = next(reader, None)
        except csv.Error:
            return None
        if header is None or reader.line_num != 1:
            return None
    lines = file_is_line_aligned(path, delimiter, doubled_quotes=dialect.doublequote)
    if lines is None:
        return None

    validator = Validator(schema, max_errors=max_errors)
    validator.start(header)
    plans = validator.plans
    width = len(plans)
    values, pairs = custom
    sql_plans = [_Plan(plan, index) for index, plan in enumerate(plans)]
    by_name = {item.plan.name: item for item in sql_plans}
    for name, checks in values.items():
        if name in by_name:
            by_name[name].value_checks = checks

    columns = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(width + 1))
    with tempfile.TemporaryDirectory(prefix="auzolan-validate-") as spill:
        connection = duckdb.connect()
        try:
            connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            connection.execute(f"SET temp_directory = {_literal(spill)}")
            connection.execute("SET preserve_insertion_order = true")
            try:
                connection.execute(
                    "CREATE TEMP TABLE cells AS SELECT * FROM read_csv(?, columns = {"  # noqa: S608 - column numbers and _literal-quoted schema values
                    + columns
                    + "}, header = false, delim = ?, quote = '\"', escape = '\"', null_padding = true, "
                    "nullstr = ?, strict_mode = true, auto_detect = false, parallel = true, "
                    # buffer_size stated: on its own, a large max_line_size makes DuckDB size its read buffers
                    # from it, which slows the scan by a quarter (measured on the 1M-row bench file)
                    "max_line_size = 20000000, buffer_size = 33554432)",
                    [str(path), delimiter, NULL],
                )
            except duckdb.Error:
                return None
            total = connection.execute("SELECT count(*) FROM cells").fetchone()[0]
            if total != lines:
                return None
            # Distinct values not proved valid by SQL, for every column, in one scan.
            selects = []
            for item in sql_plans:
                test = item.surely_valid()
                where = f"rowid > 0 AND {item.column} IS NOT NULL" + ("" if test is None else f" AND NOT ({test})")
                selects.append(f"list(DISTINCT {item.column}) FILTER (WHERE {where})")
            candidates = connection.execute("SELECT " + ", ".join(selects) + " FROM cells").fetchone()  # noqa: S608 - column numbers and _literal-quoted schema values
            conditions = [f"c{width} IS NOT NULL"]
            conditions += [f"{item.column} IS NULL" for item in sql_plans]
            conditions.append(
                "(" + " AND ".join(_in_list(item.column, item.plan.missing or {NULL}) for item in sql_plans) + ")"
            )
            parameters = []
            for item, found in zip(sql_plans, candidates, strict=True):
                bad = item.bad_values(found or ())
                if bad:
                    conditions.append(f"list_contains(?::VARCHAR[], {item.column})")
                    parameters.append(bad)
            for first, second in pairs:
                if first in by_name and second in by_name:
                    one, two = by_name[first], by_name[second]
                    conditions.append(
                        f"(({one.column} IS NULL OR {_in_list(one.column, one.plan.missing or {NULL})}) AND "
                        f"({two.column} IS NULL OR {_in_list(two.column, two.plan.missing or {NULL})}))"
                    )
            cells = ", ".join(f"c{index}" for index in range(width + 1))
            suspects = connection.execute(
                f"SELECT rowid, {cells} FROM cells WHERE rowid > 0 AND ({' OR '.join(conditions)}) ORDER BY rowid",  # noqa: S608 - column numbers and _literal-quoted schema values
                parameters,
            ).fetchall()
        finally:
            connection.close()
    rows = []
    numbers = []
    for record in suspects:
        cells = list(record[1:])
        if None in cells:
            cells = cells[: cells.index(None)]
        rows.append(cells)
        numbers.append(record[0] + 1)
    validator.check_rows(rows, numbers)
    report: Report = validator.report
    report.finish(rows=total - 1, seconds=time.perf_counter() - started)
    return report
