"""Ingestion: a tabular resource version becomes a typed Parquet file queried with DuckDB.

The pipeline (`load_file`, pure, no database): `reading.prepare` (sniff the format, encoding and delimiter,
transcode to UTF-8, clean the header) → DuckDB reads every column as text into a disk-backed work database →
one aggregate query per group of columns infers the types (integer, number with a French decimal comma, boolean
oui/non, ISO or French dates and datetimes, "lat,lon" points, text) on a sample (`SAMPLE_HEAD`, `_sample_filter`)
→ the editor's corrected types apply → ONE full typed pass, `COPY (SELECT typed columns) TO parquet`, guarded: a
filled cell that does not fit its column's type aborts it. That is the rare slow path, which gives the same result
as inferring on every row: an INFERRED type that a cell outside the sample misfits is inferred again on the whole
column (text, or a wider type), with a `type-widened` warning, and never rejects a row nor becomes NULL
(`_widen_missed`); a type CHOSEN by the editor rejects the rows whose cell does not cast, reported with their row
number (header = row 1) and left out (`_reject`); then the COPY runs again, unguarded. Nothing is loaded whole in
memory; DuckDB spills to the work directory.

The services (`table_load`, `table_reload`, `run_table_load`, `dictionary_update`) write the `Table` rows: a load
becomes the resource's current table only once ready, in one transaction; a failed load leaves the previous one.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import duckdb
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.permissions import require
from auzolan.core.text import file_extension
from auzolan.datastore import cells, reading, stats
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.models import ColumnDescription, Table

logger = logging.getLogger(__name__)

TYPES = [choice for choice, _label in Table.ColumnType.choices]
MAX_REPORTED = 100
INFER_GROUP = 200  # columns per inference query (500-column files stay fast to plan)
# Types are inferred on a sample: the first SAMPLE_HEAD rows (where headers, units and formats show first) plus a
# systematic sample (every k-th row, k = total // SAMPLE_SPREAD) that covers the rest of the file evenly, so at
# most ~SAMPLE_HEAD + SAMPLE_SPREAD rows whatever the size. Deterministic (same file, same types), unlike a
# random sample. Files of at most SAMPLE_HEAD rows are inferred on every row. 10,000 rather than 50,000: -0.2 s on
# the 1M-row benchmark (same types). A value the head misses costs the direct path a pass aborted at that value, then
# its column is typed on every row from the Parquet file (`_load_direct`): four columns misfit at rows 12,000-15,000
# of the 1M-row file load in 2.0 s instead of 1.4 s.
SAMPLE_HEAD = 10_000
SAMPLE_SPREAD = 50_000
BAD_CELL = "auzolan-bad-cell"  # marker of the error raised by the guarded COPY
SHORT_ROW = "auzolan-short-row"  # marker of the error raised by the guarded COPY at a short row
#: Parquet written by a load. Row groups of 8,192 rows (DuckDB's default is 122,880): a page of the data API reads
#: its rows back by row number, and DuckDB decodes every row group it touches whole (see query.search); on the 1M-row
#: benchmark table a 50-row page costs ~40 ms at 8,192, ~70 ms at 30,720, and 2,048 makes aggregates 3x slower.
#: ZSTD: 8 MB for the 187 MB benchmark CSV. String dictionaries up to 1,000 entries per row group: low-cardinality
#: columns (communes, natures) keep them, high-cardinality ones stop building one early.
PARQUET_OPTIONS = "FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 8192, DICTIONARY_SIZE_LIMIT 1000"
#: How every CSV is read: every column as text (typed by our own rules), short rows padded with NULL, lines with
#: too many cells left out and recorded with their line number (`reject_errors`). Lines of up to 10 MB; the buffer
#: size is given explicitly (32 MB, DuckDB's default): with `max_line_size` alone DuckDB sizes its buffers from it,
#: and the 1M-row benchmark CSV took 1.45 s instead of 1.2 s to copy (fewer, larger buffers for the threads).
#: `nullstr` is a control character no export holds: an empty cell is read as '' and only a cell the reader padded
#: is NULL, which tells the short rows (`_short_expr`); every cast maps '' to NULL (`_v`, `_text`).
CSV_SOURCE = (
    "read_csv($path, auto_detect=false, delim=$delim, quote='\"', escape='\"', header=true, columns=$columns, "
    "null_padding=true, ignore_errors=true, store_rejects=true, max_line_size=10000000, buffer_size=33554432, "
    "nullstr=$nullstr, skip=$skip, parallel={parallel})"
)
PADDED = "\x01"
MAX_LINE_MB = 10
#: Guarded passes of the direct path before it hands over to the staged path (each misfit costs one pass, aborted
#: at the misfit: cheap when it is early). 5: four columns misfitting after the head still load directly (2.0 s on
#: the 1M-row benchmark file, against 4.7 s through the staged path with 3); late misfits cost no more than before.
DIRECT_ATTEMPTS = 5
CANONICAL_NUMBER_RE = r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"
GEO_LAT = re.compile(r"^(lat|latitude|y_?lat|coord_?lat|geo_?lat)$", re.IGNORECASE)
GEO_LON = re.compile(r"^(lon|lng|long|longitude|x_?lon|coord_?lon|geo_?lon)$", re.IGNORECASE)

SPACES = " \u00a0\u202f"
TRUE_WORDS = ("oui", "vrai", "true", "1", "o", "yes")
FALSE_WORDS = ("non", "faux", "false", "0", "n", "no")
BOOL_WORDS = ("oui", "vrai", "true", "non", "faux", "false")
THOUSANDS_RE = f"[+-]?[0-9]{{1,3}}([{SPACES}][0-9]{{3}})+([.,][0-9]+)?"
NUMBER_RE = "[+-]?([0-9]+([.,][0-9]+)?|[.,][0-9]+)"
INTEGER_RE = "[+-]?[0-9]+"
LEADING_ZERO_RE = "[+-]?0[0-9]+([.,][0-9]+)?"  # codes (INSEE, postal, SIRET) stay text
ISO_DATE_RE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
ISO_DATETIME_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
FR_DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %Hh%M")
GEOPOINT_RE = r"[+-]?[0-9]{1,2}(\.[0-9]+)?\s*,\s*[+-]?[0-9]{1,3}(\.[0-9]+)?"

Progress = Callable[[int, int | None, str], None]


def _lit(text: str) -> str:
    """A SQL string literal of a constant of this module (never user input)."""
    return cells.lit(text)


@dataclass(frozen=True)
class Rules:
    """How the cells of a typed column are read besides their type: placeholders are missing values (`missing`),
    a unit after the number is stripped (`units`: the recorded units accepted; `factors`: their conversion to the
    base unit when several multiples are mixed). See `cells`."""

    missing: bool = False
    units: tuple[str, ...] = ()
    factors: tuple[tuple[str, int], ...] = ()


NO_RULES = Rules()


# --- Cast expressions over a text value v (NULL when empty) ---------------------------------------------------


def _v(column: str) -> str:
    return f"NULLIF(trim({quote(column)}), '')"


def _value(column: str, rules: Rules | None) -> str:
    """The trimmed cell, NULL when empty or, in a column with placeholders, a placeholder."""
    v = _v(column)
    if rules and rules.missing:
        return f"(CASE WHEN {cells.placeholder_sql(v)} THEN NULL ELSE {v} END)"
    return v


def _text(column: str) -> str:
    """A text column as stored: the cell as it is, NULL when empty."""
    return f"NULLIF({quote(column)}, '')"


def _digits(v: str) -> str:
    return (
        f"(CASE WHEN regexp_full_match({v}, {_lit(THOUSANDS_RE)}) "
        f"THEN regexp_replace({v}, {_lit('[' + SPACES + ']')}, '', 'g') ELSE {v} END)"
    )


def cast_expression(column: str, type_: str, rules: Rules | None = None) -> str:
    """DuckDB expression casting the text column to `type_`; NULL when the cell is empty or does not cast (or is a
    placeholder, with `rules.missing`). With `rules.units`, a number may end with one of those units."""
    v = _value(column, rules)
    if type_ in ("integer", "number"):
        n = cells.bare_sql(v, rules.units) if rules and rules.units else v
        d = _digits(n)
        if type_ == "integer":
            return f"(CASE WHEN regexp_full_match({d}, {_lit(INTEGER_RE)}) THEN TRY_CAST({d} AS BIGINT) END)"
        number = (
            f"(CASE WHEN regexp_full_match({d}, {_lit(NUMBER_RE)}) THEN TRY_CAST(replace({d}, ',', '.') AS DOUBLE) END)"
        )
        if rules and rules.factors:
            return f"({number} * {cells.factor_sql(v, dict(rules.factors))})"
        return number
    if type_ == "boolean":
        yes = ", ".join(_lit(w) for w in TRUE_WORDS)
        no = ", ".join(_lit(w) for w in FALSE_WORDS)
        return f"(CASE WHEN lower({v}) IN ({yes}) THEN true WHEN lower({v}) IN ({no}) THEN false END)"
    if type_ == "date":
        return (
            f"COALESCE(CASE WHEN regexp_full_match({v}, {_lit(ISO_DATE_RE)}) THEN TRY_CAST({v} AS DATE) END, "
            f"CAST(try_strptime({v}, '%d/%m/%Y') AS DATE))"
        )
    if type_ == "datetime":
        formats = ", ".join(_lit(f) for f in FR_DATETIME_FORMATS)
        return (
            f"COALESCE(CASE WHEN regexp_full_match({v}, {_lit(ISO_DATETIME_RE)}) THEN TRY_CAST({v} AS TIMESTAMP) END, "
            f"try_strptime({v}, [{formats}]), "
            f"CASE WHEN regexp_full_match({v}, {_lit(ISO_DATE_RE)}) THEN TRY_CAST({v} AS TIMESTAMP) END, "
            f"CAST(CAST(try_strptime({v}, '%d/%m/%Y') AS DATE) AS TIMESTAMP))"
        )
    if type_ == "geopoint":
        lat = f"TRY_CAST(trim(split_part({v}, ',', 1)) AS DOUBLE)"
        lon = f"TRY_CAST(trim(split_part({v}, ',', 2)) AS DOUBLE)"
        return (
            f"(CASE WHEN regexp_full_match({v}, {_lit(GEOPOINT_RE)}) AND {lat} BETWEEN -90 AND 90 "
            f"AND {lon} BETWEEN -180 AND 180 THEN struct_pack(lat := {lat}, lon := {lon}) END)"
        )
    return _text(column)


class Counts(NamedTuple):
    """What the inference counts over the distinct filled cells of a column (see `_infer_aggregates`)."""

    filled: int = 0
    integer: int = 0
    number: int = 0
    boolean: int = 0
    words: int = 0
    date: int = 0
    datetime: int = 0
    geopoint: int = 0
    placeholders: int = 0
    unit_number: int = 0  # a number followed by a unit
    unit_integer: int = 0
    units: tuple = ()  # the recorded units of those
    siret: int = 0  # 14 digits
    siren: int = 0  # 9 digits passing the Luhn check
    phone: int = 0  # + and 8 to 15 digits
    digits: int = 0  # digits only
    leading_zero: int = 0  # digits only, starting with 0


def _infer_aggregates(column: str) -> list[str]:
    """The counts of `Counts` over a column `v` of distinct, trimmed, non-empty cells with flags `letter`, `dated`,
    and `u`, `bare` (the unit and the number before it, see `cells`).

    A cell holding an ASCII letter other than h/H/t/T is never an integer, a number, a date, a datetime nor a
    point (the regular expressions admit no letter; `try_strptime` with our numeric formats neither, apart from
    the literal `h` of "14h30"), so the costly casts only run on the other cells (CASE evaluates lazily). Likewise
    a cell without `-` nor `/` (`dated` false) is never a date nor a datetime (every ISO and French format has one)
    and a cell without a comma is never a point: amounts and identifiers skip `try_strptime` altogether. A
    placeholder is none of these either (no digit)."""
    bools = ", ".join(_lit(w) for w in BOOL_WORDS)
    leading_zero = f"regexp_full_match(v, {_lit(LEADING_ZERO_RE)})"
    unit_number = cast_expression("bare", "number")
    return [
        "count(v)",
        f"count(CASE WHEN NOT letter AND NOT {leading_zero} THEN {cast_expression('v', 'integer')} END)",
        f"count(CASE WHEN NOT letter AND NOT {leading_zero} THEN {cast_expression('v', 'number')} END)",
        f"count({cast_expression('v', 'boolean')})",
        f"count(*) FILTER (lower(v) IN ({bools}))",
        f"count(CASE WHEN dated AND NOT letter THEN {cast_expression('v', 'date')} END)",
        f"count(CASE WHEN dated AND NOT letter THEN {cast_expression('v', 'datetime')} END)",
        f"count(CASE WHEN NOT letter AND contains(v, ',') THEN {cast_expression('v', 'geopoint')} END)",
        f"count(*) FILTER ({cells.placeholder_sql('v')})",
        f"count(CASE WHEN u <> '' THEN {unit_number} END)",
        f"count(CASE WHEN u <> '' AND NOT regexp_full_match(bare, {_lit(LEADING_ZERO_RE)}) "
        f"THEN {cast_expression('bare', 'integer')} END)",
        f"list(DISTINCT u) FILTER (u <> '' AND {unit_number} IS NOT NULL)",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '[0-9]{14}'))",
        "count(CASE WHEN NOT letter AND regexp_full_match(v, '[0-9]{9}') "
        f"THEN CASE WHEN {cells.luhn_sql('v', 9)} THEN 1 END END)",
        r"count(*) FILTER (NOT letter AND regexp_full_match(v, '\+[0-9]{8,15}'))",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '[0-9]+'))",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '0[0-9]+'))",
    ]


def _sample_filter(total: int) -> str:
    """WHERE clause of the inference sample over `staging` ('' = every row)."""
    if total <= SAMPLE_HEAD:
        return ""
    return f"WHERE rowid < {SAMPLE_HEAD} OR rowid % {max(1, total // SAMPLE_SPREAD)} = 0"


def _infer_counts(
    con, columns: list[str], where: str, *, source: str = "staging", params: dict | None = None
) -> list[Counts]:
    """The inference counts of each column (see `_choose`), over the rows of `source` kept by `where`.

    Counted over the DISTINCT filled cells of each column (one UNPIVOT, then one grouped aggregate): whether a cell
    fits a type depends on its text alone, so `_choose` decides the same as over every row (it compares each count
    with the first and tests the fifth for zero), for a fraction of the casts (a commune column of 50,000 rows
    has a few dozen distinct cells)."""
    counts: dict[str, tuple[int, ...]] = {}
    for start in range(0, len(columns), INFER_GROUP):
        group = ", ".join(quote(c) for c in columns[start : start + INFER_GROUP])
        sql = (
            f"SELECT name, {', '.join(_infer_aggregates('v'))} FROM ("  # noqa: S608
            f"SELECT name, v, letter, dated, u, CASE WHEN u <> '' THEN {cells.bare_sql('v')} END AS bare FROM ("
            f"SELECT name, v, regexp_matches(v, '[a-gi-su-zA-GI-SU-Z]') AS letter, "
            f"(contains(v, '-') OR contains(v, '/')) AS dated, "
            f"{cells.unit_sql('v')} AS u FROM ("
            f"SELECT DISTINCT name, NULLIF(trim(value), '') AS v FROM "
            f"(UNPIVOT (SELECT {group} FROM {source} {where}) ON {group} INTO NAME name VALUE value)"
            ") WHERE v IS NOT NULL)) GROUP BY name"
        )
        for name, *row in con.execute(sql, params or {}).fetchall():
            row[11] = tuple(sorted(row[11] or ()))
            counts[name] = Counts(*row)
    return [counts.get(c, Counts()) for c in columns]


def _misfit(column: str, type_: str, *, inferred: bool, rules: Rules | None = None) -> str:
    """Condition true when the cell is filled (a placeholder counts as empty with `rules.missing`) and does not fit
    `type_`.

    For an inferred integer or number, a number with a leading zero (a code) also misfits: on the whole column
    the inference would have chosen text for it."""
    v = _value(column, rules)
    condition = f"{cast_expression(column, type_, rules)} IS NULL"
    if inferred and type_ in ("integer", "number"):
        condition += f" OR regexp_full_match({v}, {_lit(LEADING_ZERO_RE)})"
    return f"({v} IS NOT NULL AND ({condition}))"


def _copy(con, target: str, described: list[dict], keep_expr: str, *, chosen=(), guard: bool = False) -> None:
    """Write the typed Parquet: the only full typed pass over the rows.

    With `guard`, a cell that misfits its column's type (`_misfit`) raises an error marked BAD_CELL instead of
    becoming NULL, and the caller takes the slow path (see `load_file`)."""
    selects = []
    for c in described:
        expr = cast_expression(c["name"], c["type"], c["_rules"])
        if guard and c["type"] != "text":
            misfit = _misfit(c["name"], c["type"], inferred=c["name"] not in chosen, rules=c["_rules"])
            expr = f"(CASE WHEN {misfit} THEN error({_lit(BAD_CELL)}) ELSE {expr} END)"
        selects.append(f"{expr} AS {quote(c['name'])}")
    # A table scan keeps the insertion order (preserve_insertion_order, on by default): no ORDER BY rowid needed.
    con.execute(
        f"COPY (SELECT {', '.join(selects)} FROM staging WHERE {keep_expr}) TO $target ({PARQUET_OPTIONS})",  # noqa: S608
        {"target": target},
    )


def _widen_missed(con, described, chosen, counts, columns, warnings, text_columns=frozenset()) -> None:
    """Inferred types that a cell outside the sample misfits: infer those columns again on every row.

    The sample can miss a rare value (a "1,5" in a column of integers, a "01000" among postal codes, a word among
    dates, a placeholder or a unit). Such a cell never rejects its row nor becomes NULL: its column gets the type
    the whole-column inference gives (the result of the former whole-file inference: text, or a wider type such as
    number, or the same type reading placeholders or units), with a `type-widened` warning when the type changed.
    Only the editor's chosen types reject rows."""
    inferred = [c for c in described if c["type"] != "text" and c["name"] not in chosen]
    if not inferred:
        return
    parts = [f"count(*) FILTER {_misfit(c['name'], c['type'], inferred=True, rules=c['_rules'])}" for c in inferred]
    row = con.execute(f"SELECT {', '.join(parts)} FROM staging").fetchone()  # noqa: S608
    missed = [c for c, bad in zip(inferred, row, strict=True) if bad]
    for c, full in zip(missed, _infer_counts(con, [c["name"] for c in missed], ""), strict=True):
        counts[columns.index(c["name"])] = full
        before = c["type"]
        _retype(c, full, text_cells=c["name"] in text_columns)
        if c["type"] != before:
            warnings.append(_widened_warning(c["name"], before, c["type"]))


def _widened_warning(column: str, before: str, after: str) -> dict:
    return {
        "code": "type-widened",
        "column": column,
        "message": _(
            "La colonne « %(column)s » contient des valeurs qui ne sont pas de type %(before)s : "
            "elle est chargée en type %(after)s."
        )
        % {"column": column, "before": Table.ColumnType(before).label, "after": Table.ColumnType(after).label},
    }


def _reject(
    con, described: list[dict], keep_expr: str, broken: list[int], first: int = 2
) -> tuple[str, int, list[dict]]:
    """Rows with a cell that does not cast to its column's type: (new keep_expr, count, first MAX_REPORTED)."""
    bad_parts = []
    for col in described:
        if col["type"] != "text":
            cast = cast_expression(col["name"], col["type"], col["_rules"])
            bad_parts.append((col, f"({_value(col['name'], col['_rules'])} IS NOT NULL AND {cast} IS NULL)"))
    rejected_rows = 0
    rejected: list[dict] = []
    if not bad_parts:
        return keep_expr, 0, []
    any_bad = " OR ".join(expr for _col, expr in bad_parts)
    rejected_rows = con.execute(f"SELECT count(*) FROM staging WHERE {any_bad}").fetchone()[0]  # noqa: S608
    if rejected_rows:
        flags = ", ".join(f"{expr} AS b{i}" for i, (_col, expr) in enumerate(bad_parts))
        values = ", ".join(f"{quote(col['name'])} AS v{i}" for i, (col, _e) in enumerate(bad_parts))
        sample = con.execute(
            f"SELECT rowid, {flags}, {values} FROM staging WHERE {any_bad} ORDER BY rowid LIMIT {MAX_REPORTED}"  # noqa: S608
        ).fetchall()
        n = len(bad_parts)
        for row in sample:
            for i, (col, _expr) in enumerate(bad_parts):
                if row[1 + i] and len(rejected) < MAX_REPORTED:
                    rejected.append(
                        {
                            "row": _row_number(row[0], broken, first),
                            "column": col["name"],
                            "value": str(row[1 + n + i])[:200],
                            "type": col["type"],
                            "message": _("« %(value)s » n'est pas un(e) %(type)s valide.")
                            % {"value": str(row[1 + n + i])[:80], "type": Table.ColumnType(col["type"]).label},
                        }
                    )
    return f"{keep_expr} AND NOT ({any_bad})", rejected_rows, rejected


def _choose(counts: Counts) -> str:
    """The type of a column from its counts (placeholders aside): see `_decide` for units and identifiers."""
    return _decide("", counts)[0]


def _decide(name: str, counts: Counts, *, text_cells: bool = False) -> tuple[str, Rules, bool, str]:
    """(type, rules, identifier, why) of a column from its inference counts, its name, and whether its cells are
    text in a spreadsheet. `why` is 'identifier' when a column of integers is kept as text because it holds
    identifiers, 'units' when its unit or units did not mix."""
    c = counts
    values = c.filled - c.placeholders  # placeholders are missing values in a typed column
    identifier = bool(values) and (
        c.siret == values
        or c.siren == values
        or c.phone == values
        or (c.leading_zero and c.digits == values)
        or (text_cells and c.digits == values)
    )
    by_name = cells.identifier_name(name)
    identifier = identifier or bool(by_name)
    missing = c.placeholders > 0
    type_, rules, why = "text", NO_RULES, ""
    if not values:
        pass
    elif c.boolean == values and c.words:
        type_ = "boolean"
    elif c.integer == values:
        type_ = "integer"
    elif c.number == values:
        type_ = "number"
    elif c.unit_number and c.number + c.unit_number == values:
        choice = cells.unit_choice(list(c.units))
        if choice is None:
            why = "units"
        else:
            _unit_name, factors = choice
            whole = c.integer + c.unit_integer == values and not factors
            type_ = "integer" if whole else "number"
            rules = Rules(units=c.units, factors=tuple(sorted(factors.items())))
    elif c.date == values:
        type_ = "date"
    elif c.datetime == values:
        type_ = "datetime"
    elif c.geopoint == values:
        type_ = "geopoint"
    if type_ == "integer" and not rules.units and identifier and by_name != "row-number":
        type_, why = "text", "identifier"
    if type_ != "text" and missing:
        rules = Rules(missing=True, units=rules.units, factors=rules.factors)
    return type_, rules, identifier, why


def _unit(rules: Rules) -> str:
    if not rules.units:
        return ""
    choice = cells.unit_choice(list(rules.units))
    return choice[0] if choice else ""


def _describe(name: str, label, counts: Counts, *, wanted: str | None, text_cells: bool = False) -> tuple[dict, bool]:
    """The column's entry in `Table.columns` (with the private `_rules` and `_why`, see `_public`), and whether its
    type was chosen by the editor (`wanted`)."""
    inferred, rules, identifier, why = _decide(name, counts, text_cells=text_cells)
    type_ = wanted if wanted in TYPES else inferred
    chosen = type_ == wanted
    if type_ == "text":
        rules = NO_RULES
    elif chosen:
        # The editor's type always reads placeholders as missing values and, for a number, the units found.
        units, factors = rules.units, rules.factors
        if type_ != inferred:
            choice = cells.unit_choice(list(counts.units)) if type_ in ("integer", "number") else None
            units = counts.units if choice and not (type_ == "integer" and choice[1]) else ()
            factors = tuple(sorted(choice[1].items())) if choice and type_ == "number" else ()
        rules = Rules(missing=True, units=units, factors=factors)
    column = {
        "name": name,
        "original_label": str(label),
        "type": type_,
        "inferred_type": inferred,
        "label": "",
        "description": "",
        "unit": _unit(rules),
        "identifier": identifier,
        "_rules": rules,
        "_why": why if type_ == inferred else "",
    }
    return column, chosen


def _retype(column: dict, counts: Counts, *, text_cells: bool = False) -> None:
    """Infer an inferred column again (on every row): its type, rules, unit and identifier flag."""
    type_, rules, identifier, why = _decide(column["name"], counts, text_cells=text_cells)
    column.update(type=type_, inferred_type=type_, _rules=rules, unit=_unit(rules), identifier=identifier, _why=why)


def _public(columns: list[dict]) -> list[dict]:
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in columns]


# --- The pipeline ------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    parquet_path: str
    row_count: int
    columns: list[dict]
    report: dict
    warnings: list[dict] = field(default_factory=list)


def _fail(message: str, code: str = "unusable-file") -> None:
    raise reading.ReadError(message, code=code)


def _stage(con, prepared: reading.Prepared) -> None:
    """Create the `staging` table (text columns); the broken CSV lines are in `reject_errors`."""
    if prepared.csv_path:
        sql = f"CREATE TABLE staging AS SELECT * FROM {CSV_SOURCE}"  # noqa: S608
        params = _csv_params(prepared)
        try:
            con.execute(sql.format(parallel="true"), params)
        except duckdb.Error as error:
            if "parallel" not in str(error):
                raise
            # Quoted line breaks with short rows: DuckDB's parallel scanner gives up, the serial one does not.
            con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
            con.execute(sql.format(parallel="false"), params)
        return
    con.execute(f"CREATE TABLE raw AS SELECT * FROM {prepared.relation}", {"path": prepared.relation_path})  # noqa: S608
    described = con.execute("DESCRIBE raw").fetchall()
    labels = [row[0] for row in described]
    names, warnings = reading.clean_header(labels)
    prepared.columns, prepared.labels = names, labels
    prepared.warnings.extend(warnings)
    selects = []
    for (label, type_, *_rest), name in zip(described, names, strict=True):
        if type_ == "VARCHAR":  # a JSON string, a Parquet text column: digits-only values there are identifiers
            prepared.text_columns.add(name)
        nested = type_.startswith(("STRUCT", "MAP")) or type_.endswith("]")
        expr = f"CAST(to_json({quote(label)}) AS VARCHAR)" if nested else f"CAST({quote(label)} AS VARCHAR)"
        selects.append(f"{expr} AS {quote(name)}")
    if not selects:
        _fail(_("Le fichier ne contient aucune colonne."))
    con.execute(f"CREATE TABLE staging AS SELECT {', '.join(selects)} FROM raw")  # noqa: S608
    con.execute("DROP TABLE raw")


def _row_number(rowid: int, broken: list[int], first: int = 2) -> int:
    """Line of the file (header = first - 1, 1 when the header is the first line) of a staging row, counting the
    broken lines left out before it."""
    number = rowid + first
    for line in broken:
        if line <= number:
            number += 1
        else:
            break
    return number


BROKEN_MESSAGES = {
    "TOO MANY COLUMNS": gettext_noop("Plus de cellules que la ligne des noms de colonnes."),
    "LINE SIZE OVER MAXIMUM": gettext_noop("Ligne trop longue (plus de 10 Mo)."),
}
BROKEN_OTHER = gettext_noop("Ligne mal formée (guillemets ou encodage).")


def _broken(con, prepared: reading.Prepared) -> tuple[list[int], list[dict]]:
    """The lines the CSV reader left out (`reject_errors`, one row per error: a line with three extra cells has
    three), each once: (sorted line numbers in the source, the first MAX_REPORTED as report entries)."""
    rows = con.execute(
        "SELECT line, min(error_type), min(csv_line) FROM reject_errors GROUP BY line ORDER BY line"
    ).fetchall()
    # The reader numbers the lines of the file it reads (skipped ones included); a spreadsheet's CSV starts at its
    # header, which is row first_line - 1 of the sheet.
    shift = prepared.first_line - 2 - prepared.skip
    lines = [int(line) + shift for line, _type, _csv in rows]
    sample = [
        {"row": number, "message": _(BROKEN_MESSAGES.get(error_type, BROKEN_OTHER)), "csv": (csv or "")[:200]}
        for (_line, error_type, csv), number in zip(rows[:MAX_REPORTED], lines, strict=False)
    ]
    return lines, sample


def _fail_without_rows(broken_sample: list[dict]) -> None:
    """No row loaded but lines were left out: say why (a line too long, or the separator and quotes)."""
    long = next((b for b in broken_sample if b["message"] == _(BROKEN_MESSAGES["LINE SIZE OVER MAXIMUM"])), None)
    if long:
        _fail(
            _(
                "La ligne %(line)d est trop longue (plus de %(mb)d Mo sans fin de ligne) : aucune ligne ne peut être "
                "chargée. Vérifiez les fins de ligne et les guillemets du fichier (un guillemet ouvert et jamais "
                "fermé fait d'un fichier une seule ligne)."
            )
            % {"line": long["row"], "mb": MAX_LINE_MB}
        )
    _fail(
        _(
            "Aucune ligne n'a le même nombre de colonnes que la ligne des noms (ligne %(line)d : « %(csv)s »). "
            "Vérifiez le séparateur et les guillemets du fichier (un texte qui contient le séparateur doit être "
            "entre guillemets), puis déposez-le de nouveau."
        )
        % {"line": broken_sample[0]["row"], "csv": broken_sample[0]["csv"][:80]}
    )


def _short_expr(prepared: reading.Prepared, columns: list[str]) -> str:
    """True on a row the CSV reader padded: its last named column is NULL (an empty cell is '', see CSV_SOURCE)
    and it is not blank. Padding of unnamed trailing columns only (`a;b;;` above `1;2`) is not a short row."""
    labels = prepared.labels
    named = [c for i, c in enumerate(columns) if i < len(labels) and str(labels[i] or "").strip()]
    if not prepared.csv_path or len(columns) < 2:
        return "false"
    last = (named or columns)[-1]
    blank = f"COALESCE({', '.join(_v(c) for c in columns)}) IS NULL"
    # CASE: the blank test (every column) only runs on the rows whose last named cell is missing.
    return f"(CASE WHEN {quote(last)} IS NULL THEN NOT ({blank}) ELSE false END)"


def _scan_short(con, prepared: reading.Prepared, columns: list[str], short_expr: str, execute) -> tuple[int, list[int]]:
    """(count, first MAX_REPORTED record numbers) of the short rows of the whole CSV: one more scan, in file order
    (a table's rowid). It reads two columns, not all (the CSV reader then materialises only those): the last named
    one (padded: a short row) and the first (filled: not blank). Only if a padded row has an empty first cell is
    the file scanned again with the exact test (`short_expr`, every column)."""
    labels = prepared.labels
    named = [c for i, c in enumerate(columns) if i < len(labels) and str(labels[i] or "").strip()]
    last, first = quote((named or columns)[-1]), _v(columns[0])
    execute(
        f"CREATE TEMP TABLE flags AS SELECT CASE WHEN {last} IS NULL THEN {first} IS NULL END AS doubt "  # noqa: S608
        f"FROM {CSV_SOURCE}"
    )
    if con.execute("SELECT count(*) FILTER (doubt) FROM flags").fetchone()[0]:
        con.execute("DROP TABLE flags")
        execute(f"CREATE TEMP TABLE flags AS SELECT CASE WHEN {short_expr} THEN false END AS doubt FROM {CSV_SOURCE}")  # noqa: S608
    count, rowids = con.execute(
        f"SELECT count(*), list(rowid ORDER BY rowid)[1:{MAX_REPORTED}] FROM flags WHERE NOT doubt"  # noqa: S608
    ).fetchone()
    con.execute("DROP TABLE flags")
    return count, rowids or []


def _short_report(count: int, rowids: list[int], broken: list[int], first: int) -> tuple[dict, list[dict]]:
    """The report's `short_rows` and `short_lines` (the first MAX_REPORTED), and the warning."""
    lines = [_row_number(r, broken, first) for r in rowids[:MAX_REPORTED]]
    report = {"short_rows": count, "short_lines": lines}
    if not count:
        return report, []
    shown = ", ".join(str(n) for n in lines[:20]) + ("…" if count > 20 else "")
    warning = {
        "code": "short-rows",
        "message": ngettext(
            "%(n)d ligne a moins de cellules que la ligne des noms de colonnes : ses dernières cellules sont "
            "vides (ligne %(lines)s).",
            "%(n)d lignes ont moins de cellules que la ligne des noms de colonnes : leurs dernières cellules sont "
            "vides (lignes %(lines)s).",
            count,
        )
        % {"n": count, "lines": shown},
    }
    return report, [warning]


def _csv_params(prepared: reading.Prepared) -> dict:
    columns = dict.fromkeys(prepared.columns, "VARCHAR")
    return {
        "path": prepared.csv_path,
        "delim": prepared.delimiter,
        "columns": columns,
        "nullstr": PADDED,
        "skip": prepared.skip,
    }


def _guarded(column: str, type_: str, *, inferred: bool, marker: str, rules: Rules = NO_RULES) -> str:
    """`cast_expression` that raises `marker` on a filled cell that misfits (`_misfit`), cheap on canonical cells.

    A cell already in canonical form (an integer or an ISO date that survives a round trip through its type, a
    plain decimal number without leading zero, a boolean word in lower case) takes one cast; the same value as
    `cast_expression`, never a misfit. Any other cell goes through the full rules (spaces, case, decimal commas,
    thousands separators, French dates, leading zeros)."""
    full = (
        f"(CASE WHEN {_misfit(column, type_, inferred=inferred, rules=rules)} THEN error({_lit(marker)}) "
        f"ELSE {cast_expression(column, type_, rules)} END)"
    )
    q = quote(column)
    sql_type = {"integer": "BIGINT", "date": "DATE", "datetime": "TIMESTAMP"}.get(type_)
    if sql_type:
        canonical = f"CAST(TRY_CAST({q} AS {sql_type}) AS VARCHAR) = {q}"
        fast = f"TRY_CAST({q} AS {sql_type})"
    elif type_ == "number":
        canonical = f"regexp_full_match({q}, {_lit(CANONICAL_NUMBER_RE)})"
        fast = f"TRY_CAST({q} AS DOUBLE)"
    elif type_ == "boolean":
        # A cell that is exactly one of the words (lower case, no spaces) needs neither trim nor lower (-0.05 s on
        # the 1M-row benchmark's oui/non column).
        canonical = f"{q} IN ({', '.join(_lit(w) for w in TRUE_WORDS + FALSE_WORDS)})"
        fast = f"{q} IN ({', '.join(_lit(w) for w in TRUE_WORDS)})"
    else:
        return full
    return f"(CASE WHEN {q} IS NULL OR {q} = '' THEN NULL WHEN {canonical} THEN {fast} ELSE {full} END)"


def _scanned_rows(con) -> int | None:
    """Records read by the CSV scan of the last statement (profiler), None if the profile does not say."""
    import json

    try:
        profile = json.loads(con.get_profiling_information(format="json"))
    except (duckdb.Error, ValueError):
        return None
    stack = list(profile.get("operator") or profile.get("children") or [])
    while stack:
        node = stack.pop()
        if str((node.get("extra_info") or {}).get("Function", "")).upper() == "READ_CSV":
            rows = node.get("rows_scanned", node.get("operator_cardinality"))
            return int(rows) if rows is not None else None
        stack.extend(node.get("children") or [])
    return None


def _empty_column_warning(column: str, index: int) -> dict:
    return {
        "code": "empty-column",
        "column": column,
        "message": _("La colonne %(n)d, sans nom ni valeur, est ignorée.") % {"n": index + 1},
    }


def _load_direct(prepared: reading.Prepared, *, workdir: str, column_types: dict, step) -> LoadResult | None:
    """The CSV straight into the typed Parquet file, in one guarded statement; None to hand over to the staged path.

    1. The first SAMPLE_HEAD records (a LIMIT: the scan stops there) give the types (`_choose`); a file that
       fits in them is inferred on every row, as in the staged path.
    2. `COPY (SELECT guarded casts FROM read_csv(...) WHERE NOT blank) TO parquet`: every cell is checked
       (`_guarded`). Columns the head left empty, and a column whose inferred type a later cell misfits (the pass
       stops, and runs again with that column as text), are written as text: the Parquet keeps their raw cells.
       A misfit in a column whose type the editor chose hands over to the staged path, which numbers the
       rejected rows.
    3. Those text columns are typed on every row from the Parquet file (one column each, cheap), with the
       `type-widened` warning for a misfit; an empty unnamed column is dropped. Only then, and only if a type or
       a column changed, the Parquet file is rewritten from itself.
    The total and blank counts come from the same pass (records scanned by the CSV reader, rows written): the
    result equals the staged path's, whole-file inference included.
    """
    target = os.path.join(workdir, "table.parquet")
    columns, labels = prepared.columns, prepared.labels
    params = _csv_params(prepared)
    con = connect(temp_directory=os.path.join(workdir, "spill"))
    parallel = "true"

    def execute(sql: str, extra: dict | None = None):
        nonlocal parallel
        con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
        try:
            return con.execute(sql.replace("{parallel}", parallel), {**params, **(extra or {})})
        except duckdb.Error as error:
            if "parallel" not in str(error) or parallel == "false":
                raise
            # Quoted line breaks with short rows: DuckDB's parallel scanner gives up, the serial one does not.
            parallel = "false"
            con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
            return con.execute(sql.replace("{parallel}", parallel), {**params, **(extra or {})})

    try:
        step(40, _("Détection des types de colonnes…"))
        try:
            execute(f"CREATE TEMP TABLE head AS SELECT * FROM {CSV_SOURCE} LIMIT {SAMPLE_HEAD}")  # noqa: S608
        except duckdb.Error as error:
            logger.info("Direct load of %s handed over: %s", prepared.csv_path, error)
            return None
        complete = con.execute("SELECT count(*) FROM head").fetchone()[0] < SAMPLE_HEAD
        counts = _infer_counts(con, columns, "", source="head")
        short_expr = _short_expr(prepared, columns)
        head_short = [r[0] for r in con.execute(f"SELECT rowid FROM head WHERE {short_expr} ORDER BY rowid").fetchall()]  # noqa: S608
        con.execute("DROP TABLE head")
        # Short rows after the head: a big file without any in its head is guarded (the pass stops at the first one,
        # then they are counted by one more scan); one that has some in its head is scanned after the pass.
        scan_short = not complete and bool(head_short)

        warnings = list(prepared.warnings)
        described: list[dict] = []
        chosen: set[str] = set()
        pending: set[str] = set()  # written as text, typed on the whole column after the pass
        unnamed: dict[str, int] = {}  # unnamed columns empty in the head: dropped if empty everywhere
        for index, column in enumerate(columns):
            label = labels[index] if index < len(labels) else column
            if not str(label or "").strip() and counts[index][0] == 0:
                if complete:
                    warnings.append(_empty_column_warning(column, index))
                    continue
                unnamed[column] = index
            entry, is_chosen = _describe(
                column,
                label if index < len(labels) else column,
                counts[index],
                wanted=column_types.get(column),
                text_cells=column in prepared.text_columns,
            )
            if is_chosen:
                chosen.add(column)
            if column not in chosen and not complete and counts[index][0] == 0:
                pending.add(column)
            described.append(entry)
        if not described:
            _fail(_("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes."))

        step(55, _("Chargement des lignes…"))
        blank_expr = f"COALESCE({', '.join(_v(c) for c in columns)}) IS NULL"
        widened: dict[str, str] = {}  # column -> the head's type that a later cell misfit
        con.execute("SET enable_profiling = 'no_output'")
        for _attempt in range(DIRECT_ATTEMPTS):
            selects = []
            for i, c in enumerate(described):
                if c["type"] == "text" or c["name"] in pending:
                    expr = _text(c["name"])
                else:
                    marker = f"{BAD_CELL}:{i}:"
                    expr = _guarded(
                        c["name"], c["type"], inferred=c["name"] not in chosen, marker=marker, rules=c["_rules"]
                    )
                selects.append(f"{expr} AS {quote(c['name'])}")
            keep = f"NOT ({blank_expr})"
            if not complete and not scan_short and short_expr != "false":
                keep = (
                    f"(CASE WHEN {blank_expr} THEN false WHEN {short_expr} THEN error({_lit(SHORT_ROW)}) ELSE true END)"
                )
            sql = (
                f"COPY (SELECT {', '.join(selects)} FROM {CSV_SOURCE} WHERE {keep}) "  # noqa: S608
                f"TO $target ({PARQUET_OPTIONS})"
            )
            try:
                written = execute(sql, {"target": target}).fetchone()[0]
                break
            except duckdb.Error as error:
                if SHORT_ROW in str(error):
                    scan_short = True
                    continue
                found = re.search(re.escape(BAD_CELL) + r":(\d+):", str(error))
                if not found:
                    logger.info("Direct load of %s handed over: %s", prepared.csv_path, error)
                    return None
                missed = described[int(found.group(1))]
                if missed["name"] in chosen:
                    return None  # rows to reject: the staged path numbers them
                widened[missed["name"]] = missed["type"]
                pending.add(missed["name"])
        else:
            return None
        total = _scanned_rows(con)
        con.execute("PRAGMA disable_profiling")
        if (
            not prepared.encoding_verified
            and con.execute("SELECT count(*) FROM reject_errors WHERE error_type = 'INVALID ENCODING'").fetchone()[0]
        ):
            logger.info("%s is not UTF-8 after its first megabyte: examined, then loaded again", prepared.csv_path)
            return None
        broken_lines, broken_sample = _broken(con, prepared)
        broken = len(broken_lines)
        if total is None or total < written:
            total = execute(f"SELECT count(*) FROM {CSV_SOURCE}").fetchone()[0]  # noqa: S608
        blank_rows = total - written
        if written <= 0 and broken:
            _fail_without_rows(broken_sample)
        if scan_short:
            step(80, _("Repérage des lignes incomplètes…"))
            short_count, short_ids = _scan_short(con, prepared, columns, short_expr, execute)
        else:
            short_count, short_ids = len(head_short), head_short
        if broken and broken > max(10, (total + broken) // 2):
            _fail(
                _(
                    "%(n)d lignes sur %(total)d n'ont pas le même nombre de colonnes que la ligne des noms. "
                    "Vérifiez le séparateur et les guillemets du fichier (un texte qui contient le séparateur doit "
                    "être entre guillemets), puis déposez-le de nouveau."
                )
                % {"n": broken, "total": total + broken}
            )

        if pending or unnamed:
            step(85, _("Vérification des valeurs…"))
            retype = [c for c in described if c["name"] in pending]
            full_counts = _infer_counts(
                con, [c["name"] for c in retype], "", source="read_parquet($p)", params={"p": target}
            )
            dropped: set[str] = set()
            widened_warnings: list[dict] = []  # after the empty-column ones, as in the staged path
            for c, full in zip(retype, full_counts, strict=True):
                if c["name"] in unnamed and full[0] == 0:
                    dropped.add(c["name"])
                    warnings.append(_empty_column_warning(c["name"], unnamed[c["name"]]))
                    continue
                _retype(c, full, text_cells=c["name"] in prepared.text_columns)
                if c["name"] in widened and widened[c["name"]] != c["type"]:
                    widened_warnings.append(_widened_warning(c["name"], widened[c["name"]], c["type"]))
            for name in unnamed:  # an unnamed column of the editor's type, filled nowhere
                if name not in pending:
                    filled = con.execute(
                        f"SELECT count({quote(name)}) FROM read_parquet($p)",  # noqa: S608
                        {"p": target},
                    ).fetchone()[0]
                    if not filled:
                        dropped.add(name)
                        warnings.append(_empty_column_warning(name, unnamed[name]))
            warnings.extend(widened_warnings)
            described = [c for c in described if c["name"] not in dropped]
            if not described:
                _fail(_("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes."))
            if dropped or any(c["type"] != "text" for c in retype if c["name"] not in dropped):
                selects = [
                    (cast_expression(c["name"], c["type"], c["_rules"]) if c["name"] in pending else quote(c["name"]))
                    + f" AS {quote(c['name'])}"
                    for c in described
                ]
                rewritten = os.path.join(workdir, "table-typed.parquet")
                written = con.execute(
                    f"COPY (SELECT {', '.join(selects)} FROM read_parquet($p)) TO $target ({PARQUET_OPTIONS})",  # noqa: S608
                    {"p": target, "target": rewritten},
                ).fetchone()[0]
                os.replace(rewritten, target)

        missing = _missing_counts(con, described, f"{CSV_SOURCE} WHERE NOT ({blank_expr})", execute=execute)
        report = _report(
            prepared,
            described,
            warnings,
            missing=missing,
            rows_read=total + broken,
            loaded=written,
            blank_rows=blank_rows,
            rejected_rows=broken,
            rejected=broken_sample,
            broken_lines=broken_lines,
            short=(short_count, short_ids or []),
        )
        step(95, _("Enregistrement…"))
        return LoadResult(
            parquet_path=target, row_count=written, columns=_public(described), report=report, warnings=warnings
        )
    finally:
        con.close()


def _missing_counts(con, described: list[dict], source: str, execute=None) -> dict[str, dict[str, int]]:
    """Placeholders loaded as missing values: {column: {placeholder as written: count}}, over the rows of `source`
    (one more scan, only when a typed column has placeholders)."""
    columns = [c["name"] for c in described if c["_rules"].missing]
    if not columns:
        return {}
    group = ", ".join(quote(c) for c in columns)
    sql = (
        f"SELECT name, trim(value) AS form, count(*) FROM (UNPIVOT (SELECT {group} FROM {source}) "  # noqa: S608
        f"ON {group} INTO NAME name VALUE value) WHERE {cells.placeholder_sql('trim(value)')} "
        "GROUP BY ALL ORDER BY name, form"
    )
    found: dict[str, dict[str, int]] = {}
    for name, form, count in (execute or con.execute)(sql).fetchall():
        found.setdefault(name, {})[form] = int(count)
    return {c: found[c] for c in columns if c in found}


def _column_warnings(described: list[dict], missing: dict[str, dict[str, int]]) -> list[dict]:
    warnings = []
    for c in described:
        name = c["name"]
        if c.get("_why") == "identifier":
            message = _(
                "La colonne « %(column)s » contient des identifiants (SIRET, SIREN, code INSEE, code postal, "
                "téléphone…) : elle reste en texte, chiffres gardés tels quels, et ne sera jamais additionnée."
            )
            warnings.append({"code": "identifier", "column": name, "message": message % {"column": name}})
        elif c.get("_why") == "units":
            message = _("La colonne « %(column)s » mélange des unités différentes : elle reste en texte.")
            warnings.append({"code": "units-mixed", "column": name, "message": message % {"column": name}})
        rules = c["_rules"]
        if c["type"] != "text" and rules.units:
            if rules.factors:
                written = ", ".join(sorted({cells.UNITS[u] for u in cells.UNITS if cells.UNITS[u] in rules.units}))
                message = _(
                    "La colonne « %(column)s » mélange %(units)s : les valeurs sont converties en %(unit)s, son "
                    "unité dans le dictionnaire des données."
                ) % {"column": name, "units": written, "unit": c["unit"]}
                warnings.append({"code": "unit-converted", "column": name, "message": message})
            else:
                message = _(
                    "La colonne « %(column)s » est en %(unit)s : l'unité est retirée des valeurs, qui restent telles "
                    "qu'écrites, et notée dans le dictionnaire des données."
                ) % {"column": name, "unit": c["unit"]}
                warnings.append({"code": "unit", "column": name, "message": message})
        if missing.get(name):
            forms = missing[name]
            total = sum(forms.values())
            message = ngettext(
                "La colonne « %(column)s » : %(n)d valeur notée comme manquante (%(forms)s) est chargée comme une "
                "cellule vide.",
                "La colonne « %(column)s » : %(n)d valeurs notées comme manquantes (%(forms)s) sont chargées comme des "
                "cellules vides.",
                total,
            ) % {"column": name, "n": total, "forms": ", ".join(f"« {f} » × {n}" for f, n in forms.items())}
            warnings.append({"code": "missing-values", "column": name, "message": message})
    return warnings


def _report(
    prepared: reading.Prepared,
    described: list[dict],
    warnings: list[dict],
    *,
    rows_read: int,
    loaded: int,
    blank_rows: int,
    rejected_rows: int,
    rejected: list[dict],
    broken_lines: list[int],
    short: tuple[int, list[int]],
    missing: dict[str, dict[str, int]],
) -> dict:
    """The load report (the same on both paths); adds the warnings on columns (identifiers, units, placeholders),
    short rows and an empty table."""
    warnings.extend(_column_warnings(described, missing))
    short_report, short_warnings = _short_report(*short, broken_lines, prepared.first_line)
    warnings.extend(short_warnings)
    if not loaded:
        warnings.append(
            {
                "code": "empty-table",
                "message": _(
                    "Le fichier ne contient aucune ligne de données sous la ligne des noms de colonnes : la table "
                    "est vide et ses colonnes sont de type texte."
                ),
            }
        )
    kept = {c["name"] for c in described}
    return {
        **prepared.report(),
        "rows_read": rows_read,
        "rows_loaded": loaded,
        "blank_rows": blank_rows,
        "rejected_rows": rejected_rows,
        "rejected": rejected[:MAX_REPORTED],
        "broken_lines": len(broken_lines),
        **short_report,
        "missing_values": missing,
        "renamed_columns": [
            w for w in warnings if w.get("code") in ("empty-label", "duplicate-label") and w["column"] in kept
        ],
        "warnings": warnings,
        "geo": _geo_columns(described),
    }


def load_file(
    path: str,
    *,
    name: str = "",
    workdir: str,
    sheet: str | int | None = None,
    header_row: int | None = None,
    column_types: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Read, type and write one file to `workdir/table.parquet`. Raises reading.ReadError with a French message.

    Types are inferred on a sample (files of more than SAMPLE_HEAD rows) and checked by the one full pass that
    writes the Parquet. Rule for a cell that misfits: in a column whose type the editor chose (`column_types`),
    its row is rejected (reported with its line number); in a column whose type was inferred, the column is
    inferred again on every row and loaded with that type, with a `type-widened` warning, no row rejected.

    CSV sources (and spreadsheets, written as CSV by `reading`) take the direct path (`_load_direct`: the CSV is
    read straight into the Parquet file by one statement); the staged path (`_load_staged`) serves the other
    formats and the cases the direct path hands over (a cell that misfits an editor's type, repeated misfits,
    a DuckDB error). Both give the same table and report.
    """

    def step(percent: int, message: str) -> None:
        if progress:
            progress(percent, 100, message)

    def transcoding(done: int, total: int) -> None:
        if progress and total:
            progress(int(40 * done / total), 100, _("Conversion en UTF-8…"))

    column_types = column_types or {}
    step(1, _("Lecture du fichier…"))
    # A text file whose first megabyte is UTF-8 is read as UTF-8 straight away: DuckDB's reader checks every other
    # line (a byte of another encoding rejects it as INVALID ENCODING), and only then is the whole file examined
    # (and transcoded) before trying again. Saves a Python pass over the file (~0.2 s per 190 MB).
    prepared = reading.prepare(
        path, name=name, sheet=sheet, progress=transcoding, quick_encoding=True, header_row=header_row
    )
    try:
        if prepared.csv_path:
            result = _load_direct(prepared, workdir=workdir, column_types=column_types, step=step)
            if result is not None:
                return result
            if not prepared.encoding_verified:
                prepared.cleanup()
                prepared = reading.prepare(path, name=name, sheet=sheet, progress=transcoding, header_row=header_row)
                if prepared.encoding_verified and not prepared.encoding.startswith("utf-8"):
                    result = _load_direct(prepared, workdir=workdir, column_types=column_types, step=step)
                    if result is not None:
                        return result
            # DuckDB's reader takes the line ending of the first line and refuses any other: checked (a scan of the
            # file) only on this slower path, and the file read again with one kind of line ending.
            if reading.normalise_line_endings(prepared):
                result = _load_direct(prepared, workdir=workdir, column_types=column_types, step=step)
                if result is not None:
                    return result
        return _load_staged(prepared, name=name, workdir=workdir, column_types=column_types, step=step)
    finally:
        prepared.cleanup()


def _load_staged(prepared: reading.Prepared, *, name: str, workdir: str, column_types: dict, step) -> LoadResult:
    """Stage every column as text in a disk-backed work database, infer on a sample, one guarded typed COPY."""
    database = os.path.join(workdir, "work.duckdb")
    for stale in (database, database + ".wal"):
        if os.path.exists(stale):
            os.unlink(stale)
    con = connect(database, temp_directory=os.path.join(workdir, "spill"))
    try:
        step(40, _("Chargement des lignes…"))
        try:
            _stage(con, prepared)
        except duckdb.Error as error:
            logger.info("DuckDB could not read %s: %s", name, error)
            _fail(
                _(
                    "Le fichier ne peut pas être lu comme un tableau. Vérifiez qu'il s'agit bien d'un fichier "
                    "CSV, tableur, JSON ou Parquet, avec les noms des colonnes sur la première ligne."
                )
            )
        columns = prepared.columns
        broken, broken_sample = _broken(con, prepared) if prepared.csv_path else ([], [])
        step(55, _("Détection des types de colonnes…"))
        values = [_v(c) for c in columns]
        blank_expr = f"COALESCE({', '.join(values)}) IS NULL"
        summary = con.execute(
            f"SELECT count(*), count(*) FILTER ({blank_expr}), {', '.join(f'count({v})' for v in values)} "  # noqa: S608
            "FROM staging"
        ).fetchone()
        total, blank_rows, filled = summary[0], summary[1], list(summary[2:])
        sampled = total > SAMPLE_HEAD
        counts = _infer_counts(con, columns, _sample_filter(total))
        if sampled:
            # A column left empty by the sample but filled elsewhere (sparse): infer it on the whole column.
            sparse = [i for i, c in enumerate(counts) if c[0] == 0 and filled[i]]
            for i, row in zip(sparse, _infer_counts(con, [columns[i] for i in sparse], ""), strict=True):
                counts[i] = row

        warnings = list(prepared.warnings)
        kept: list[int] = []
        for index, (column, label) in enumerate(zip(columns, prepared.labels, strict=False)):
            empty_label = not str(label or "").strip()
            if empty_label and filled[index] == 0:
                warnings.append(
                    {
                        "code": "empty-column",
                        "column": column,
                        "message": _("La colonne %(n)d, sans nom ni valeur, est ignorée.") % {"n": index + 1},
                    }
                )
                continue
            kept.append(index)
        if not kept:
            _fail(_("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes."))
        if total - blank_rows <= 0 and broken:
            _fail_without_rows(broken_sample)
        if broken and len(broken) > max(10, (total + len(broken)) // 2):
            _fail(
                _(
                    "%(n)d lignes sur %(total)d n'ont pas le même nombre de colonnes que la ligne des noms. "
                    "Vérifiez le séparateur et les guillemets du fichier (un texte qui contient le séparateur doit "
                    "être entre guillemets), puis déposez-le de nouveau."
                )
                % {"n": len(broken), "total": total + len(broken)}
            )

        described: list[dict] = []
        chosen: set[str] = set()  # columns whose type the editor chose (bad cells reject their rows)
        for index in kept:
            column = columns[index]
            entry, is_chosen = _describe(
                column,
                prepared.labels[index] if index < len(prepared.labels) else column,
                counts[index],
                wanted=column_types.get(column),
                text_cells=column in prepared.text_columns,
            )
            if is_chosen:
                chosen.add(column)
            described.append(entry)

        step(70, _("Écriture du fichier Parquet…"))
        target = os.path.join(workdir, "table.parquet")
        keep_expr = f"NOT ({blank_expr})"
        rejected_rows = 0
        rejected: list[dict] = []
        try:
            # The one full typed pass: any cell that fails its type aborts it (rare: slow path below).
            _copy(con, target, described, keep_expr, chosen=chosen, guard=True)
        except duckdb.Error as error:
            if BAD_CELL not in str(error):
                raise
            step(75, _("Vérification des valeurs…"))
            if sampled:
                _widen_missed(con, described, chosen, counts, columns, warnings, prepared.text_columns)
            keep_expr, rejected_rows, rejected = _reject(con, described, keep_expr, broken, prepared.first_line)
            if rejected_rows and rejected_rows >= total - blank_rows:
                first = rejected[0]
                _fail(
                    _(
                        "Aucune ligne ne peut être chargée : la colonne « %(column)s » ne contient pas de valeurs "
                        "de type %(type)s (ligne %(row)d : « %(value)s »). Choisissez un autre type pour cette "
                        "colonne ou corrigez le fichier."
                    )
                    % {
                        "column": first["column"],
                        "type": Table.ColumnType(first["type"]).label,
                        "row": first["row"],
                        "value": first["value"][:80],
                    }
                )
            step(80, _("Écriture du fichier Parquet…"))
            _copy(con, target, described, keep_expr)
        loaded = con.execute("SELECT count(*) FROM read_parquet($p)", {"p": target}).fetchone()[0]
        short_expr = _short_expr(prepared, columns)
        short_count, short_ids = con.execute(
            f"SELECT count(*), list(rowid ORDER BY rowid)[1:{MAX_REPORTED}] FROM staging WHERE {short_expr}"  # noqa: S608
        ).fetchone()
        report = _report(
            prepared,
            described,
            warnings,
            missing=_missing_counts(con, described, f"staging WHERE {keep_expr}"),
            rows_read=total + len(broken),
            loaded=loaded,
            blank_rows=blank_rows,
            rejected_rows=rejected_rows + len(broken),
            rejected=broken_sample + rejected,
            broken_lines=broken,
            short=(short_count, short_ids or []),
        )
        step(95, _("Enregistrement…"))
        return LoadResult(
            parquet_path=target, row_count=loaded, columns=_public(described), report=report, warnings=warnings
        )
    finally:
        con.close()


def _geo_columns(columns: list[dict]) -> dict:
    lat = next((c["name"] for c in columns if GEO_LAT.match(c["name"]) and c["type"] in ("number", "integer")), None)
    lon = next((c["name"] for c in columns if GEO_LON.match(c["name"]) and c["type"] in ("number", "integer")), None)
    geo = {"latitude": lat, "longitude": lon} if lat and lon else {}
    points = [c["name"] for c in columns if c["type"] == "geopoint"]
    if points:
        geo["point"] = points[0]
    return geo


# --- Services ----------------------------------------------------------------------------------------------


def is_tabular(version: ResourceVersion) -> bool:
    return version.extension in reading.TABULAR_FORMATS


def _dictionary(resource: Resource) -> dict[str, ColumnDescription]:
    return {d.name: d for d in ColumnDescription.objects.filter(resource=resource)}


def _clean_types(column_types: dict[str, str] | None) -> dict[str, str]:
    cleaned = {}
    for name, type_ in (column_types or {}).items():
        if type_ in ("", None):
            continue
        if type_ not in TYPES:
            raise ValidationError(_("Type de colonne inconnu : %(type)s.") % {"type": type_}, field="column_types")
        cleaned[str(name)] = type_
    return cleaned


def _start(
    *, actor, version: ResourceVersion, sheet: str = "", column_types: dict | None = None, header_row=None
) -> Table:
    from auzolan.core.jobs import job_start
    from auzolan.datastore import tasks

    table = Table.objects.create(
        resource=version.resource,
        version=version,
        sheet=sheet or "",
        header_row=header_row,
        requested_types=column_types or {},
        started_by=actor if actor is not None and actor.is_authenticated else None,
    )
    owner = table.started_by or version.uploaded_by
    if owner is not None:
        job = job_start(
            owner=owner,
            kind="datastore.ingest",
            label=_("Chargement de « %(name)s »") % {"name": version.original_name},
            task=tasks.ingest,
            table_id=str(table.pk),
        )
        Table.objects.filter(pk=table.pk).update(job=job)
        table.job = job
    return table


@transaction.atomic
def table_load(*, version: ResourceVersion, actor=None) -> Table | None:
    """Start loading a freshly uploaded version in the background (called on upload, by the catalogue signal)."""
    if not is_tabular(version):
        return None
    previous = Table.objects.filter(resource=version.resource).order_by("-created_at")
    sheet = previous.exclude(sheet="").first()
    latest = previous.first()  # the editor's header row, if any, holds for the next versions
    return _start(
        actor=actor or version.uploaded_by,
        version=version,
        sheet=sheet.sheet if sheet else "",
        header_row=latest.header_row if latest else None,
    )


def _clean_header_row(header_row) -> int | None:
    if header_row in (None, ""):
        return None
    try:
        number = int(str(header_row).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= reading.HEADER_SEARCH_ROWS + 10:
        raise ValidationError(
            _("La ligne des noms de colonnes doit être un numéro de ligne entre 1 et %(max)d.")
            % {"max": reading.HEADER_SEARCH_ROWS + 10},
            field="header_row",
        )
    return number


@transaction.atomic
def table_reload(
    *,
    actor,
    version: ResourceVersion,
    sheet=None,
    column_types: dict[str, str] | None = None,
    header_row: int | str | None = None,
) -> Table:
    """Load the version again, with another sheet, corrected column types (kept in the data dictionary) and/or the
    line of the column names (`header_row`, 1-based in the file or the sheet; None: detected)."""
    resource = version.resource
    require(actor, "catalog.change_dataset", resource.dataset)
    if not is_tabular(version):
        raise ValidationError(_("Ce fichier n'est pas un tableau que la plateforme sait charger."))
    types = _clean_types(column_types)
    header = _clean_header_row(header_row)
    for name, type_ in types.items():
        ColumnDescription.objects.update_or_create(resource=resource, name=name, defaults={"type": type_})
    table = _start(actor=actor, version=version, sheet=str(sheet or ""), column_types=types, header_row=header)
    audit_log(
        actor=actor,
        action="datastore.table.reload",
        obj=resource.dataset,
        organisation=resource.dataset.organisation,
        data={
            "resource": str(resource.identifier),
            "version": version.number,
            "sheet": table.sheet,
            "types": types,
            "header_row": header,
        },
    )
    return table


@transaction.atomic
def dictionary_update(*, actor, resource: Resource, columns: dict[str, dict]) -> None:
    """Labels, descriptions and units of columns (the data dictionary), shown in the preview and the API. A unit
    left out keeps the stored one; an empty unit means the one found at load."""
    require(actor, "catalog.change_dataset", resource.dataset)
    for name, values in columns.items():
        label = " ".join(str(values.get("label") or "").split())[:255]
        description = str(values.get("description") or "").strip()[:2000]
        defaults = {"label": label, "description": description}
        if "unit" in values:
            defaults["unit"] = " ".join(str(values.get("unit") or "").split())[:50]
        ColumnDescription.objects.update_or_create(resource=resource, name=name, defaults=defaults)
    audit_log(
        actor=actor,
        action="datastore.dictionary.update",
        obj=resource.dataset,
        organisation=resource.dataset.organisation,
        data={"resource": str(resource.identifier), "columns": sorted(columns)},
    )


def _copy_to_local(version: ResourceVersion, target: str) -> None:
    with version.file.open("rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)


def local_source(version: ResourceVersion, workdir: str) -> str:
    """A local path of the version's file: the stored file itself when the storage is a local file system (only
    ever read: DuckDB and `reading` open it read-only, a transcoded or converted copy goes to a temporary file),
    else a copy in `workdir` (S3-compatible storage)."""
    try:
        path = version.file.path
    except (NotImplementedError, AttributeError, ValueError):
        path = ""
    if path and os.path.isfile(path):
        return path
    ext = file_extension(version.original_name) or "csv"
    local = os.path.join(workdir, f"source.{ext}")
    _copy_to_local(version, local)
    return local


def run_table_load(*, table: Table, progress: Progress | None = None) -> Table:
    """Do the load of `table` (in the worker, or in the `ingest` command). Raises ApplicationError on failure."""
    Table.objects.filter(pk=table.pk).update(state=Table.State.RUNNING, updated_at=timezone.now())
    version = table.version
    dictionary = _dictionary(table.resource)
    types = {name: d.type for name, d in dictionary.items() if d.type}
    types.update(table.requested_types or {})
    workdir = tempfile.mkdtemp(prefix="auzolan-ingest-")
    stored = ""
    try:
        result = load_file(
            local_source(version, workdir),
            name=version.original_name,
            workdir=workdir,
            sheet=table.sheet or None,
            header_row=table.header_row,
            column_types=types,
            progress=progress,
        )
        for column in result.columns:
            entry = dictionary.get(column["name"])
            if entry:
                column["label"], column["description"] = entry.label, entry.description
        name = f"datastore/{table.resource.identifier}/v{version.number}/{table.identifier.hex}.parquet"
        with open(result.parquet_path, "rb") as file:
            stored = default_storage.save(name, File(file, name=os.path.basename(name)))
        _mark_ready(table, stored, result, stats.safe_compute(result.parquet_path, result.columns, result.row_count))
    except reading.ReadError as error:
        if stored:
            default_storage.delete(stored)
        _mark_failed(table, error.message)
        raise
    except Exception:
        if stored:
            default_storage.delete(stored)
        _mark_failed(
            table, _("Une erreur inattendue est survenue pendant le chargement. L'équipe technique est prévenue.")
        )
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table.refresh_from_db()
    return table


@transaction.atomic
def _mark_ready(table: Table, stored: str, result: LoadResult, column_stats: dict | None = None) -> None:
    current = (
        Table.objects.select_for_update()
        .filter(resource_id=table.resource_id, is_current=True)
        .select_related("version")
        .first()
    )
    newer = current is not None and (current.version.number, current.created_at) > (
        table.version.number,
        table.created_at,
    )
    if current is not None and not newer:
        Table.objects.filter(pk=current.pk).update(is_current=False)
    Table.objects.filter(pk=table.pk).update(
        state=Table.State.READY,
        is_current=not newer,
        parquet=stored,
        row_count=result.row_count,
        columns=result.columns,
        report=result.report,
        stats=column_stats or {},
        error="",
        sheet=result.report.get("sheet") or "",
        finished_at=timezone.now(),
    )


def _mark_failed(table: Table, message: str) -> None:
    Table.objects.filter(pk=table.pk).update(state=Table.State.FAILED, error=message, finished_at=timezone.now())
