"""Column types of a load: how a text cell is cast to a type, and how each column's type is chosen.

Every cell is read as text (`csv_reader`, `staged`); `cast_expression` is the DuckDB expression that casts it to one of
the types of `Table.ColumnType` (integer, number with a French decimal comma, boolean oui/non, ISO or French dates and
datetimes, "lat,lon" points), NULL when it does not fit. The inference counts, over the distinct cells of a sample
(`SAMPLE_HEAD`, `sample_filter`), how many fit each type (`infer_counts`); `describe` turns the counts, the column's
name and the editor's choice into the column's entry of `Table.columns` (with its `Rules`: placeholders, units).
`misfit` and `guarded` are the checks of the guarded typed pass (a cell that does not fit its column stops it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from auzolan.datastore import cells
from auzolan.datastore.duck import quote
from auzolan.datastore.models import Table

TYPES = [choice for choice, _label in Table.ColumnType.choices]

INFER_GROUP = 200  # columns per inference query (500-column files stay fast to plan)
# Types are inferred on a sample: the first SAMPLE_HEAD rows (where headers, units and formats show first) plus a
# systematic sample (every k-th row, k = total // SAMPLE_SPREAD) that covers the rest of the file evenly, so at
# most ~SAMPLE_HEAD + SAMPLE_SPREAD rows whatever the size. Deterministic (same file, same types), unlike a
# random sample. Files of at most SAMPLE_HEAD rows are inferred on every row. 10,000 rather than 50,000: -0.2 s on
# the 1M-row benchmark (same types). A value the head misses costs the direct path a pass aborted at that value, then
# its column is typed on every row from the Parquet file (`load_direct`): four columns misfit at rows 12,000-15,000
# of the 1M-row file load in 2.0 s instead of 1.4 s.
SAMPLE_HEAD = 10_000
SAMPLE_SPREAD = 50_000

BAD_CELL = "auzolan-bad-cell"  # marker of the error raised by the guarded COPY

CANONICAL_NUMBER_RE = r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"

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


def trimmed(column: str) -> str:
    """The trimmed cell, NULL when empty."""
    return f"NULLIF(trim({quote(column)}), '')"


def cell_value(column: str, rules: Rules | None) -> str:
    """The trimmed cell, NULL when empty or, in a column with placeholders, a placeholder."""
    v = trimmed(column)
    if rules and rules.missing:
        return f"(CASE WHEN {cells.placeholder_sql(v)} THEN NULL ELSE {v} END)"
    return v


def text_cell(column: str) -> str:
    """A text column as stored: the cell as it is, NULL when empty."""
    return f"NULLIF({quote(column)}, '')"


def _digits(v: str) -> str:
    return (
        f"(CASE WHEN regexp_full_match({v}, {cells.lit(THOUSANDS_RE)}) "
        f"THEN regexp_replace({v}, {cells.lit('[' + SPACES + ']')}, '', 'g') ELSE {v} END)"
    )


def cast_expression(column: str, type_: str, rules: Rules | None = None) -> str:
    """DuckDB expression casting the text column to `type_`; NULL when the cell is empty or does not cast (or is a
    placeholder, with `rules.missing`). With `rules.units`, a number may end with one of those units."""
    v = cell_value(column, rules)
    if type_ in ("integer", "number"):
        n = cells.bare_sql(v, rules.units) if rules and rules.units else v
        d = _digits(n)
        if type_ == "integer":
            return f"(CASE WHEN regexp_full_match({d}, {cells.lit(INTEGER_RE)}) THEN TRY_CAST({d} AS BIGINT) END)"
        number = (
            f"(CASE WHEN regexp_full_match({d}, {cells.lit(NUMBER_RE)}) "
            f"THEN TRY_CAST(replace({d}, ',', '.') AS DOUBLE) END)"
        )
        if rules and rules.factors:
            return f"({number} * {cells.factor_sql(v, dict(rules.factors))})"
        return number
    if type_ == "boolean":
        yes = ", ".join(cells.lit(w) for w in TRUE_WORDS)
        no = ", ".join(cells.lit(w) for w in FALSE_WORDS)
        return f"(CASE WHEN lower({v}) IN ({yes}) THEN true WHEN lower({v}) IN ({no}) THEN false END)"
    if type_ == "date":
        return (
            f"COALESCE(CASE WHEN regexp_full_match({v}, {cells.lit(ISO_DATE_RE)}) THEN TRY_CAST({v} AS DATE) END, "
            f"CAST(try_strptime({v}, '%d/%m/%Y') AS DATE))"
        )
    if type_ == "datetime":
        formats = ", ".join(cells.lit(f) for f in FR_DATETIME_FORMATS)
        return (
            f"COALESCE(CASE WHEN regexp_full_match({v}, {cells.lit(ISO_DATETIME_RE)}) "
            f"THEN TRY_CAST({v} AS TIMESTAMP) END, "
            f"try_strptime({v}, [{formats}]), "
            f"CASE WHEN regexp_full_match({v}, {cells.lit(ISO_DATE_RE)}) THEN TRY_CAST({v} AS TIMESTAMP) END, "
            f"CAST(CAST(try_strptime({v}, '%d/%m/%Y') AS DATE) AS TIMESTAMP))"
        )
    if type_ == "geopoint":
        lat = f"TRY_CAST(trim(split_part({v}, ',', 1)) AS DOUBLE)"
        lon = f"TRY_CAST(trim(split_part({v}, ',', 2)) AS DOUBLE)"
        return (
            f"(CASE WHEN regexp_full_match({v}, {cells.lit(GEOPOINT_RE)}) AND {lat} BETWEEN -90 AND 90 "
            f"AND {lon} BETWEEN -180 AND 180 THEN struct_pack(lat := {lat}, lon := {lon}) END)"
        )
    return text_cell(column)


# --- Inference: the counts of each type over a sample ---------------------------------------------------------


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
    bools = ", ".join(cells.lit(w) for w in BOOL_WORDS)
    leading_zero = f"regexp_full_match(v, {cells.lit(LEADING_ZERO_RE)})"
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
        f"count(CASE WHEN u <> '' AND NOT regexp_full_match(bare, {cells.lit(LEADING_ZERO_RE)}) "
        f"THEN {cast_expression('bare', 'integer')} END)",
        f"list(DISTINCT u) FILTER (u <> '' AND {unit_number} IS NOT NULL)",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '[0-9]{14}'))",
        "count(CASE WHEN NOT letter AND regexp_full_match(v, '[0-9]{9}') "
        f"THEN CASE WHEN {cells.luhn_sql('v', 9)} THEN 1 END END)",
        r"count(*) FILTER (NOT letter AND regexp_full_match(v, '\+[0-9]{8,15}'))",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '[0-9]+'))",
        "count(*) FILTER (NOT letter AND regexp_full_match(v, '0[0-9]+'))",
    ]


def sample_filter(total: int) -> str:
    """WHERE clause of the inference sample over `staging` ('' = every row)."""
    if total <= SAMPLE_HEAD:
        return ""
    return f"WHERE rowid < {SAMPLE_HEAD} OR rowid % {max(1, total // SAMPLE_SPREAD)} = 0"


def infer_counts(
    con, columns: list[str], where: str, *, source: str = "staging", params: dict | None = None
) -> list[Counts]:
    """The inference counts of each column (see `_decide`), over the rows of `source` kept by `where`.

    Counted over the DISTINCT filled cells of each column (one UNPIVOT, then one grouped aggregate): whether a cell
    fits a type depends on its text alone, so `_decide` decides the same as over every row (it compares each count
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


# --- The guarded pass: a filled cell that does not fit its type --------------------------------------------


def misfit(column: str, type_: str, *, inferred: bool, rules: Rules | None = None) -> str:
    """Condition true when the cell is filled (a placeholder counts as empty with `rules.missing`) and does not fit
    `type_`.

    For an inferred integer or number, a number with a leading zero (a code) also misfits: on the whole column
    the inference would have chosen text for it."""
    v = cell_value(column, rules)
    condition = f"{cast_expression(column, type_, rules)} IS NULL"
    if inferred and type_ in ("integer", "number"):
        condition += f" OR regexp_full_match({v}, {cells.lit(LEADING_ZERO_RE)})"
    return f"({v} IS NOT NULL AND ({condition}))"


def guarded(column: str, type_: str, *, inferred: bool, marker: str, rules: Rules = NO_RULES) -> str:
    """`cast_expression` that raises `marker` on a filled cell that misfits (`misfit`), cheap on canonical cells.

    A cell already in canonical form (an integer or an ISO date that survives a round trip through its type, a
    plain decimal number without leading zero, a boolean word in lower case) takes one cast; the same value as
    `cast_expression`, never a misfit. Any other cell goes through the full rules (spaces, case, decimal commas,
    thousands separators, French dates, leading zeros)."""
    full = (
        f"(CASE WHEN {misfit(column, type_, inferred=inferred, rules=rules)} THEN error({cells.lit(marker)}) "
        f"ELSE {cast_expression(column, type_, rules)} END)"
    )
    q = quote(column)
    sql_type = {"integer": "BIGINT", "date": "DATE", "datetime": "TIMESTAMP"}.get(type_)
    if sql_type:
        canonical = f"CAST(TRY_CAST({q} AS {sql_type}) AS VARCHAR) = {q}"
        fast = f"TRY_CAST({q} AS {sql_type})"
    elif type_ == "number":
        canonical = f"regexp_full_match({q}, {cells.lit(CANONICAL_NUMBER_RE)})"
        fast = f"TRY_CAST({q} AS DOUBLE)"
    elif type_ == "boolean":
        # A cell that is exactly one of the words (lower case, no spaces) needs neither trim nor lower (-0.05 s on
        # the 1M-row benchmark's oui/non column).
        canonical = f"{q} IN ({', '.join(cells.lit(w) for w in TRUE_WORDS + FALSE_WORDS)})"
        fast = f"{q} IN ({', '.join(cells.lit(w) for w in TRUE_WORDS)})"
    else:
        return full
    return f"(CASE WHEN {q} IS NULL OR {q} = '' THEN NULL WHEN {canonical} THEN {fast} ELSE {full} END)"


# --- The type of a column ------------------------------------------------------------------------------------


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


def describe(name: str, label, counts: Counts, *, wanted: str | None, text_cells: bool = False) -> tuple[dict, bool]:
    """The column's entry in `Table.columns` (with the private `_rules` and `_why`, see `public_columns`), and
    whether its type was chosen by the editor (`wanted`)."""
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


def retype(column: dict, counts: Counts, *, text_cells: bool = False) -> None:
    """Infer an inferred column again (on every row): its type, rules, unit and identifier flag."""
    type_, rules, identifier, why = _decide(column["name"], counts, text_cells=text_cells)
    column.update(type=type_, inferred_type=type_, _rules=rules, unit=_unit(rules), identifier=identifier, _why=why)


def public_columns(columns: list[dict]) -> list[dict]:
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in columns]
