"""The fast path of `validate(path, schema)` for large CSV files: DuckDB finds the errors, Python judges only
the distinct values that SQL cannot.

DuckDB's multi-threaded CSV reader loads every cell as text into a temporary table (no typing); a Python
thread meanwhile checks that the two readers see the same records (see below). Then:

1. one scan collects, per column, the distinct values that a SQL test does not prove valid (ASCII regexes for
   numbers, integers, ISO dates and the schema's patterns when RE2 reads them as Python's `re` does, IN-lists
   for enums and booleans, `length`, exact decimal bounds) and counts the rows with a missing or an extra cell;
   values SQL proves unreadable (a superset of Python's number, integer and date readers) are type-errors
   at once; Python judges the others once each with the row engine's rules (`FieldPlan.evaluate`);
2. the French checks (SIRET and SIREN keys, INSEE and postal codes, phones, GPS, ACTES, years; french.py) run in
   SQL on the distinct values of their column, exact on printable ASCII; Python judges the few others;
3. the verdicts, a table, are joined back to the cells (hash joins: linear, never a list scanned per row); with
   missing and extra cells, blank rows and `one-of-required` (SQL filters) they make the table of the errors;
4. the counts come from GROUP BY; only the first `max_errors` errors, in frictionless's order (row, then cell
   errors by field, extra cell, missing cells; the custom checks after the constraints of the same cell, in the
   order the schema declares them), come back to Python to be described.

Every error of these rules is row-local, so the report is exactly the row engine's (tests compare them).
The path is only taken when it is certainly equivalent to Python's `csv` reading of the file; otherwise
`try_validate` returns None and the row engine reads the file (same result, slower):

- the excel dialect (quote `"`, doubled quotes, no escape character, no initial spaces); a file in another
  encoding than UTF-8 (Windows-1252...) is first copied to UTF-8 with the row engine's decoder;
- one record per physical line: no quoted line break, no blank line (DuckDB skips them, Python's `csv` yields
  a row), no lone carriage return, no NUL byte — checked by counting, and DuckDB's record count must equal
  the line count;
- no blank around a quoted cell (`a, "b"`: DuckDB trims it, `csv` keeps it);
- DuckDB reads the file in strict mode without error (a row with 2+ extra cells, a stray quote... fall back);
- no `unique`, `primaryKey`, and among the custom checks only the value checks and `one-of-required` (the
  others compare cells across rows or columns).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb

from auzolan.datastore.validation import french
from auzolan.datastore.validation.engine import CELL, EXTRA, MISSING_CELL, FieldPlan, Validator, check_schema
from auzolan.datastore.validation.report import Report

#: Below this size the row engine is as fast (DuckDB's start-up and the table cost ~50 ms).
MIN_BYTES = 8 * 1024 * 1024
SCAN_BLOCK = 8 * 1024 * 1024
TRANSCODE_CHARS = 4 * 1024 * 1024
QUOTES_ONE_BY_ONE = 20_000  # in a block with more quotes, blanks beside a quote are searched for instead
MEMORY_LIMIT = "700MB"
NULL = "\x01auzolan-null\x01"  # DuckDB's null string: no CSV holds it, so NULL only stands for a padded cell
#: Custom checks come after the constraints of the same cell, in the order the schema declares them.
CUSTOM_ORDER = 100
DECIMAL = "DECIMAL(38, 15)"
#: Regex syntax that Python's `re` and DuckDB's RE2 read differently (`a{,3}`, POSIX classes): judged in Python.
REGEX_UNSAFE = ("{,", "[:", "[=", "[.")
REGEX_UNICODE_SENSITIVE = ("\\D", "\\W", "\\S", "\\b", "\\B", "[^")
IGNORE_CASE = re.compile(r"\(\?[a-zA-Z-]*i")  # (?i) or (?i:...)

# "Surely valid" SQL tests: a value they accept is accepted by the Python reader with no error (ASCII only).
NUMBER_SQL = r"regexp_full_match({c}, '-?[0-9]{{1,15}}(\.[0-9]{{1,15}})?')"
INTEGER_SQL = r"regexp_full_match({c}, '-?[0-9]{{1,18}}')"
DATE_SQL = r"regexp_full_match({c}, '[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])')"
# Supersets of what Python's readers accept, on printable ASCII text (see `_Column._surely_invalid`).
# (Decimal takes underscores anywhere: Decimal("_-1_") is -1; and the letters of e, Infinity, sNaN)
NUMBER_READABLE = r"(?i) *[0-9+\-._einfatys]* *"
INTEGER_READABLE = r" *[+-]?[0-9_]+ *"
DATE_READABLE = r"[0-9]{4}-[0-9]{1,2}-( [0-9]|[0-9]{1,2})"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(column: str, values) -> str:
    values = sorted(values)
    return f"{column} IN ({', '.join(_literal(value) for value in values)})" if values else "false"


def file_is_line_aligned(path, delimiter: str, *, doubled_quotes: bool = True) -> int | None:
    """The number of physical lines when no quote or line ending can make the two readers differ, else None.

    Blank lines and quoted line breaks are caught later (DuckDB's record count differs from the line count).
    Bytes are only counted and searched (C speed), blanks beside a quote looked at one by one.
    """
    separator = delimiter.encode()
    lines = 0
    last = b""
    with open(path, "rb") as raw:
        while True:
            block = raw.read(SCAN_BLOCK)
            if not block:
                break
            # keep whole lines in a block, so that a quote's neighbours are always in the same block
            cut = block.rfind(b"\n") + 1
            if 0 < cut < len(block):
                raw.seek(cut - len(block), os.SEEK_CUR)
                block = block[:cut]
            if b"\x00" in block:
                return None
            lines += block.count(b"\n")
            if block.count(b"\r") != (block.count(b"\r\n") if b"\r" in block else 0):
                return None  # a lone carriage return ends a record for Python's csv
            if b'"' in block:
                if not doubled_quotes and b'""' in block:
                    return None  # without doubled quotes in the sniffed dialect, csv reads "a""b" otherwise
                if _blank_beside_quote(block, separator):
                    return None
            last = block[-1:]
    if last and last != b"\n":
        lines += 1
    return lines


def _blank_beside_quote(block: bytes, separator: bytes) -> bool:
    """Whether a cell starts with blanks then a quote, or ends with a quote then blanks (`a, "b"`, `"a" ,b`):
    DuckDB trims such blanks, Python's csv keeps them. Linear: each quote, or each blank beside a quote when
    quotes are many, is looked at once (bytes.find runs at C speed)."""
    blanks = b"".join(blank for blank in (b" ", b"\t") if blank != separator)
    size = len(block)

    def opens_cell(index: int) -> bool:  # the blanks ending just before `index` start a cell
        while index > 0 and block[index - 1] in blanks:
            index -= 1
        return index == 0 or block[index - 1 : index] in (b"\n", separator)

    def closes_cell(index: int) -> bool:  # the blanks starting at `index` end a cell
        while index < size and block[index] in blanks:
            index += 1
        return index == size or block[index : index + 1] in (b"\r", b"\n", separator)

    if block.count(b'"') <= QUOTES_ONE_BY_ONE:
        index = block.find(b'"')
        while index >= 0:
            if (index and block[index - 1] in blanks and opens_cell(index)) or (
                index + 1 < size and block[index + 1] in blanks and closes_cell(index + 1)
            ):
                return True
            index = block.find(b'"', index + 1)
        return False
    for blank in blanks:
        before, after = bytes((blank, 34)), bytes((34, blank))  # 34 is the quote
        index = block.find(before)
        while index >= 0:
            if opens_cell(index + 1):
                return True
            index = block.find(before, index + 2)
        index = block.find(after)
        while index >= 0:
            if closes_cell(index + 1):
                return True
            index = block.find(after, index + 2)
    return False


def _decimal(limit) -> str | None:
    """A constraint's limit as an exact SQL decimal, or None when it does not fit DECIMAL(38, 15)."""
    if isinstance(limit, bool) or not isinstance(limit, int | Decimal):
        return None
    value = Decimal(limit)
    if not value.is_finite():
        return None
    _sign, digits, exponent = value.as_tuple()
    if exponent < -15 or len(digits) + exponent > 23:
        return None
    return f"CAST('{value:f}' AS {DECIMAL})"


def _regex_sql(connection, regex, c: str) -> str | None:
    """A SQL test of `c` true only when Python's `regex` matches it (None when RE2 cannot say so).

    RE2 and Python's `re` read an ASCII pattern alike on printable ASCII text. On other text they differ only
    through Unicode classes: RE2's \\d, \\w, \\s are ASCII, Python's are Unicode (RE2 accepting means Python
    accepts), but a negated class (`\\D`, `[^\\d]`), a word boundary or case folding could accept in RE2 what
    Python refuses: with those, the test also requires printable ASCII text.
    """
    source = regex.pattern
    if not source.isascii() or any(part in source for part in REGEX_UNSAFE):
        return None
    literal = _literal(source)
    try:
        connection.execute(f"SELECT regexp_full_match('', {literal})")
    except Exception:  # RE2 refuses look-arounds, back references...: Python judges
        return None
    test = f"regexp_full_match({c}, {literal})"
    if any(part in source for part in REGEX_UNICODE_SENSITIVE) or IGNORE_CASE.search(source):
        test = f"{french.PRINTABLE_ASCII_SQL.format(c=c)} AND {test}"
    return test


IDENTITY_FORMATS = ("email", "uri", "uuid", "binary")  # the string formats whose reader is not the identity


class _Column:
    """One column of the cells table: the SQL of what DuckDB proves valid, what Python judges."""

    def __init__(self, plan: FieldPlan, index: int, connection):
        self.plan = plan
        self.index = index
        self.c = f"c{index}"
        self.missing = _in_list(self.c, plan.missing)
        self.empty = f"({self.c} IS NULL OR {self.missing})"
        self.present = f"{self.c} IS NOT NULL AND NOT {self.missing}"
        self.surely_valid = self._surely_valid(connection)
        self.readable = self._readable()

    def surely_invalid(self, c: str) -> str:
        """A SQL test of `c` true only for values the reader cannot read: their only error is a type-error."""
        return f"{french.PRINTABLE_ASCII_SQL.format(c=c)} AND NOT regexp_full_match({c}, {_literal(self.readable)})"

    def _readable(self) -> str | None:
        """A regex of the values the reader may read (None when there is none here): outside, a type-error.

        On printable ASCII text, a superset of what Python accepts: `Decimal` (only signs, digits, underscores,
        points and the letters of e, Infinity and sNaN, blanks around), `int`, and `strptime` with %Y-%m-%d
        (one-digit months and days, a blank before a one-digit day); a value outside it is surely not of the type.
        """
        plan, field = self.plan, self.plan.field
        if plan.type == "number" and not any(k in field for k in ("decimalChar", "groupChar", "bareNumber")):
            return NUMBER_READABLE
        if plan.type == "integer" and field.get("bareNumber", True):
            return INTEGER_READABLE
        if plan.type == "date" and field.get("format", "default") in ("default", "", None):
            return DATE_READABLE
        return None

    def _surely_valid(self, connection) -> str | None:
        """A SQL test true only for values that `plan.evaluate` accepts with no error (None: judge every value)."""
        plan, c = self.plan, self.c
        field = plan.field
        fmt = field.get("format", "default")
        tests = []
        if plan.type == "any" or (plan.type == "string" and fmt not in IDENTITY_FORMATS):
            for name, _check, limit in plan.checks:  # the reader is the identity: the checks see the text
                if name == "enum":
                    tests.append(_in_list(c, [item for item in limit if isinstance(item, str)]))
                elif name == "minLength":
                    tests.append(f"length({c}) >= {limit}")
                elif name == "maxLength":
                    tests.append(f"length({c}) <= {limit}")
                elif name == "pattern":
                    test = _regex_sql(connection, limit, c)
                    if test is None:
                        return None
                    tests.append(test)
                else:  # pragma: no cover - no other constraint applies to text
                    return None
        elif plan.type in ("number", "integer"):
            if plan.type == "number" and any(k in field for k in ("decimalChar", "groupChar", "bareNumber")):
                return None
            if plan.type == "integer" and not field.get("bareNumber", True):
                return None
            tests.append((NUMBER_SQL if plan.type == "number" else INTEGER_SQL).format(c=c))
            operators = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
            for name, _check, limit in plan.checks:
                bound = _decimal(limit)
                if name not in operators or bound is None:
                    return None
                tests.append(f"TRY_CAST({c} AS {DECIMAL}) {operators[name]} {bound}")
        elif plan.type == "date" and fmt in ("default", "", None) and not plan.checks:
            tests.append(DATE_SQL.format(c=c))
        elif plan.type == "boolean" and not plan.checks:
            values = [*field.get("trueValues", ["true", "True", "TRUE", "1"])]
            values += field.get("falseValues", ["false", "False", "FALSE", "0"])
            tests.append(_in_list(c, [value for value in values if isinstance(value, str)]))
        else:
            return None
        if not tests:
            return "true"
        return "coalesce(" + " AND ".join(f"({test})" for test in tests) + ", false)"

    def unproved(self) -> str | None:
        """The condition of the values (not missing ones) that SQL does not prove valid; None when there are none."""
        if self.surely_valid == "true":
            return None
        return self.present + ("" if self.surely_valid is None else f" AND NOT {self.surely_valid}")


class _ValueCheck:
    """A French value check on one column: SQL on the values it judges exactly, Python on the others."""

    def __init__(self, check: french.Check, column: _Column, order: int):
        self.check = check
        self.column = column
        self.order = order
        # on the distinct values `v` of the column and `n`, `v` as an integer (their table is made once per column)
        self.sql_failures = f"{check.sql_domain('v')} AND NOT coalesce({check.sql('v', 'n')}, false)"
        self.python_values = f"NOT {check.sql_domain('v')}"


def _custom(validator: Validator, columns: list[_Column]):
    """(value checks, one-of-required pairs with their order), or None when a check needs the row engine."""
    by_name = {column.plan.name: column for column in columns}
    values, pairs = [], []
    checks = [
        check
        for check in french.parse_checks(validator.schema.get("custom_checks") or [])
        if not isinstance(check, str)
    ]
    for order, check in enumerate(checks, start=CUSTOM_ORDER):
        if check.name in french.COLUMN_PAIRS:
            return None
        if check.column not in by_name:
            continue  # as in the row engine (and Validata): a check on an absent column is skipped
        if check.on_values:
            values.append(_ValueCheck(check, by_name[check.column], order))
        elif check.params["column2"] in by_name:
            pairs.append((by_name[check.column], by_name[check.params["column2"]], order))
    return values, pairs


def try_validate(path, schema: dict, *, encoding: str, dialect, max_errors: int | None, force: bool = False):
    """The report of the fast path, or None when the file or the schema needs the row engine."""
    delimiter = dialect.delimiter
    if dialect.quotechar != '"' or dialect.escapechar or dialect.skipinitialspace:
        return None
    started = time.perf_counter()
    if len(delimiter) != 1 or delimiter in '"\r\n':
        return None
    if not force and os.path.getsize(path) < MIN_BYTES:
        return None
    check_schema(schema)
    if schema.get("primaryKey") or any((field.get("constraints") or {}).get("unique") for field in schema["fields"]):
        return None
    if any(
        check.name in french.COLUMN_PAIRS
        for check in french.parse_checks(schema.get("custom_checks") or [])
        if not isinstance(check, str)
    ):
        return None
    with open(path, encoding=encoding, errors="replace", newline="") as text:
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        try:
            header = next(reader, None)
        except csv.Error:
            return None
        if header is None or reader.line_num != 1:
            return None
    with tempfile.TemporaryDirectory(prefix="auzolan-validate-") as work:
        if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
            path = utf8_copy(path, encoding, Path(work) / "utf-8.csv")
        # The line scan (Python, one core) runs while DuckDB reads the file (its execute releases the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(file_is_line_aligned, path, delimiter, doubled_quotes=dialect.doublequote)
            return _validate(
                duckdb,
                path,
                schema,
                header=header,
                delimiter=delimiter,
                scan=scan,
                max_errors=max_errors,
                started=started,
                spill=work,
            )


def utf8_copy(path, encoding: str, target: Path) -> Path:
    """The file transcoded to UTF-8, character for character (the row engine reads it with the same decoder:
    `errors="replace"`, newlines untouched), so that DuckDB, which reads UTF-8 only, sees the same cells."""
    with (
        open(path, encoding=encoding, errors="replace", newline="") as source,
        open(target, "w", encoding="utf-8", newline="") as out,
    ):
        while chunk := source.read(TRANSCODE_CHARS):
            out.write(chunk)
    return target


def _validate(duckdb, path, schema, *, header, delimiter, scan, max_errors, started, spill) -> Report | None:
    validator = Validator(schema, max_errors=max_errors)
    validator.start(header)
    width = len(validator.plans)
    cells_columns = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(width + 1))
    connection = duckdb.connect()
    try:
        connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        connection.execute(f"SET temp_directory = {_literal(spill)}")
        connection.execute("SET preserve_insertion_order = true")
        try:
            connection.execute(
                "CREATE TEMP TABLE cells AS SELECT * FROM read_csv(?, columns = {"  # noqa: S608 - column numbers
                + cells_columns
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
        if total != scan.result():
            return None
        columns = [_Column(plan, index, connection) for index, plan in enumerate(validator.plans)]
        custom = _custom(validator, columns)
        if custom is None:  # pragma: no cover - refused above
            return None
        _find_errors(connection, validator, columns, *custom)
    finally:
        connection.close()
    report: Report = validator.report
    report.finish(rows=total - 1, seconds=time.perf_counter() - started)
    return report


def _errors(order, number, seq, kind, cell, where, constraint="NULL", source="cells", row="rowid") -> str:
    """A SELECT of error rows; every argument is SQL written by this module (numbers, quoted literals)."""
    return f"SELECT {row}, {order}, {number}, {seq}, {kind}, {constraint}, {cell} FROM {source} WHERE {where}"  # noqa: S608


def _find_errors(connection, validator: Validator, columns: list[_Column], values: list[_ValueCheck], pairs) -> None:
    """Count every error of the rows in DuckDB and list the first ones in the report."""
    connection.execute(
        "CREATE TEMP TABLE verdicts (col INTEGER, value VARCHAR, ord INTEGER, kind VARCHAR, cons VARCHAR)"
    )
    verdicts: dict[tuple, list[str]] = defaultdict(list)  # Python's: (column, order, kind, constraint) -> values
    structure = _judge_values(connection, columns, verdicts)
    _french_checks(connection, values, verdicts)
    for (index, order, kind, constraint), judged in verdicts.items():
        connection.execute(
            f"INSERT INTO verdicts SELECT {index}, unnest($1::VARCHAR[]), {order}, $2, $3",
            [judged, kind, constraint],
        )
    if _error_table(connection, columns, pairs, *structure):
        _fill_report(connection, validator.report, columns)


def _judge_values(connection, columns: list[_Column], verdicts: dict) -> tuple[int, int, int]:
    """The verdicts on the values of the cells (Python's in `verdicts`, SQL's in the table); the numbers of
    rows with an extra cell, of short rows and of blank rows."""
    width = len(columns)
    # One scan: which structural errors occur, and the distinct values that SQL does not prove valid. Where a
    # SQL test also proves values invalid (numbers, integers, dates), those go to the verdicts without Python
    # (a column of amounts written "1 234,56": a million distinct values), the others come to Python.
    judge = [column for column in columns if column.unproved() is not None]
    in_scan = [column for column in judge if not column.readable]
    aggregates = [
        f"count(*) FILTER (WHERE c{width} IS NOT NULL)",
        f"count(*) FILTER (WHERE c{width - 1} IS NULL)",
        *(f"list(DISTINCT {column.c}) FILTER (WHERE {column.unproved()})" for column in in_scan),
    ]
    found = connection.execute(f"SELECT {', '.join(aggregates)} FROM cells WHERE rowid > 0").fetchone()  # noqa: S608
    extra, short = found[:2]
    candidates = dict(zip(in_scan, found[2:], strict=True))
    # in a WHERE clause the conjunction stops at the first filled cell; in a FILTER it is evaluated whole (4× slower)
    blank = " AND ".join(column.empty for column in columns)
    blanks = connection.execute(f"SELECT count(*) FROM cells WHERE rowid > 0 AND {blank}").fetchone()[0]  # noqa: S608
    for column in judge:
        if not column.readable:
            continue
        table = f"candidates_{column.index}"
        connection.execute(
            f"CREATE TEMP TABLE {table} AS SELECT DISTINCT {column.c} AS v FROM cells "  # noqa: S608
            f"WHERE rowid > 0 AND {column.unproved()}"
        )
        connection.execute(
            f"INSERT INTO verdicts SELECT {column.index}, v, 0, 'type-error', NULL FROM {table} "  # noqa: S608
            f"WHERE {column.surely_invalid('v')}"
        )
        candidates[column] = connection.execute(
            f"SELECT list(v) FROM {table} WHERE NOT ({column.surely_invalid('v')})"  # noqa: S608
        ).fetchone()[0]
    # Python judges the other values, and the missing values, once each, with the row engine's rules.
    for column in columns:
        for value in [*(candidates.get(column) or ()), *column.plan.missing]:
            for order, (_where, kind, constraint) in enumerate(column.plan.evaluate(value)[1]):
                verdicts[column.index, order, kind, constraint].append(value)
    return extra, short, blanks


def _french_checks(connection, values: list[_ValueCheck], verdicts: dict) -> None:
    """The French checks, on the distinct values of their column: in SQL, or in Python for the few it cannot."""
    for column in {check.column: None for check in values}:
        distinct = f"distinct_{column.index}"
        connection.execute(
            f"CREATE TEMP TABLE {distinct} AS SELECT v, TRY_CAST(v AS BIGINT) AS n FROM "  # noqa: S608
            f"(SELECT DISTINCT {column.c} AS v FROM cells WHERE rowid > 0 AND {column.present})"
        )
        for check in values:
            if check.column is not column:
                continue
            connection.execute(
                f"INSERT INTO verdicts SELECT {column.index}, v, {check.order}, ?, NULL FROM {distinct} "  # noqa: S608
                f"WHERE {check.sql_failures}",
                [check.check.kind],
            )
            others = connection.execute(f"SELECT list(v) FROM {distinct} WHERE {check.python_values}").fetchone()[0]  # noqa: S608
            is_valid = check.check.is_valid
            bad = [value for value in others or () if not is_valid(value)]
            if bad:
                verdicts[column.index, check.order, check.check.kind, None] = bad


def _error_table(connection, columns: list[_Column], pairs, extra: int, short: int, blanks: int) -> bool:
    """The table of the errors: (row, order in the row, field number, order in the cell, type, constraint, cell).
    False when there is none.

    A blank row has only its blank-row error: the others found on it are deleted at the end (blank rows are
    few, and one DELETE is cheaper than testing every row against the blank condition in each SELECT)."""
    width = len(columns)
    parts = []
    if blanks:
        blank = " AND ".join(column.empty for column in columns)
        parts.append(_errors(CELL, 0, 0, "'blank-row'", "''", f"rowid > 0 AND {blank}"))
    if extra:
        parts.append(_errors(EXTRA, width + 1, 0, "'extra-cell'", f"c{width}", f"rowid > 0 AND c{width} IS NOT NULL"))
    if short:  # the short rows first (few), then their missing cells
        connection.execute(f"CREATE TEMP TABLE short AS SELECT rowid AS r, * FROM cells WHERE c{width - 1} IS NULL")  # noqa: S608
        for column in columns:
            where = f"r > 0 AND {column.c} IS NULL"
            if column.plan.required:
                parts.append(
                    _errors(CELL, column.index + 1, 0, "'constraint-error'", "''", where, "'required'", "short", "r")
                )
            parts.append(
                _errors(MISSING_CELL, column.index + 1, 0, "'missing-cell'", "''", where, source="short", row="r")
            )
    judged_columns = [row[0] for row in connection.execute("SELECT DISTINCT col FROM verdicts ORDER BY col").fetchall()]
    for index in judged_columns:
        source = f"cells JOIN (SELECT * FROM verdicts WHERE col = {index}) AS j ON j.value = cells.c{index}"  # noqa: S608
        parts.append(_errors(CELL, index + 1, "j.ord", "j.kind", "j.value", "rowid > 0", "j.cons", source))
    for one, two, order in pairs:
        parts.append(
            _errors(CELL, one.index + 1, order, "'one-of-required'", "''", f"rowid > 0 AND {one.empty} AND {two.empty}")
        )
    if not parts:
        return False
    connection.execute("CREATE TEMP TABLE errors (r, o, f, s, kind, cons, cell) AS " + " UNION ALL ".join(parts))
    if blanks:
        connection.execute(
            "DELETE FROM errors WHERE kind <> 'blank-row' AND r IN (SELECT r FROM errors WHERE kind = 'blank-row')"
        )
    return True


def _fill_report(connection, report: Report, columns: list[_Column]) -> None:
    """Exact counts from the errors table; the first errors listed, in frictionless's order."""
    names = {column.index + 1: column.plan.name for column in columns}
    for kind, count in connection.execute("SELECT kind, count(*) FROM errors GROUP BY kind").fetchall():
        report.counts[kind] += count
    for number, count in connection.execute(
        f"SELECT f, count(*) FROM errors WHERE f BETWEEN 1 AND {len(columns)} GROUP BY f"  # noqa: S608
    ).fetchall():
        report.by_field[names[number]] += count
    room = report.room
    if room == 0:
        return
    listed = connection.execute(
        "SELECT r, f, kind, cons, cell FROM errors ORDER BY r, o, f, s LIMIT ?", [2**62 if room is None else room]
    )
    while batch := listed.fetchmany(10_000):
        for row, number, kind, constraint, cell in batch:
            report.add(
                kind,
                row=row + 1,
                field_name=names.get(number, ""),
                field_number=number or None,
                cell=cell,
                constraint=constraint,
                count=False,
            )
