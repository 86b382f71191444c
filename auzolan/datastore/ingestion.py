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

import duckdb
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.permissions import require
from auzolan.datastore import reading, stats
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.models import ColumnDescription, Table

logger = logging.getLogger(__name__)

TYPES = [choice for choice, _label in Table.ColumnType.choices]
MAX_REPORTED = 100
INFER_GROUP = 40  # columns per inference query (500-column files stay fast to plan)
# Types are inferred on a sample: the first SAMPLE_HEAD rows (where headers, units and formats show first) plus a
# systematic sample (every k-th row, k = total // SAMPLE_SPREAD) that covers the rest of the file evenly, so at
# most ~SAMPLE_HEAD + SAMPLE_SPREAD rows whatever the size. Deterministic (same file, same types), unlike a
# random sample. Files of at most SAMPLE_HEAD rows are inferred on every row.
SAMPLE_HEAD = 50_000
SAMPLE_SPREAD = 50_000
BAD_CELL = "auzolan-bad-cell"  # marker of the error raised by the guarded COPY
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
    return "'" + text.replace("'", "''") + "'"


# --- Cast expressions over a text value v (NULL when empty) ---------------------------------------------------


def _v(column: str) -> str:
    return f"NULLIF(trim({quote(column)}), '')"


def _digits(v: str) -> str:
    return (
        f"(CASE WHEN regexp_full_match({v}, {_lit(THOUSANDS_RE)}) "
        f"THEN regexp_replace({v}, {_lit('[' + SPACES + ']')}, '', 'g') ELSE {v} END)"
    )


def cast_expression(column: str, type_: str) -> str:
    """DuckDB expression casting the text column to `type_`; NULL when the cell is empty or does not cast."""
    v = _v(column)
    if type_ == "integer":
        d = _digits(v)
        return f"(CASE WHEN regexp_full_match({d}, {_lit(INTEGER_RE)}) THEN TRY_CAST({d} AS BIGINT) END)"
    if type_ == "number":
        d = _digits(v)
        return (
            f"(CASE WHEN regexp_full_match({d}, {_lit(NUMBER_RE)}) THEN TRY_CAST(replace({d}, ',', '.') AS DOUBLE) END)"
        )
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
    return quote(column)


def _infer_aggregates(column: str) -> list[str]:
    v = _v(column)
    bools = ", ".join(_lit(w) for w in BOOL_WORDS)
    return [
        f"count({v})",
        f"count({cast_expression(column, 'integer')}) FILTER (NOT regexp_full_match({v}, {_lit(LEADING_ZERO_RE)}))",
        f"count({cast_expression(column, 'number')}) FILTER (NOT regexp_full_match({v}, {_lit(LEADING_ZERO_RE)}))",
        f"count({cast_expression(column, 'boolean')})",
        f"count(*) FILTER (lower({v}) IN ({bools}))",
        f"count({cast_expression(column, 'date')})",
        f"count({cast_expression(column, 'datetime')})",
        f"count({cast_expression(column, 'geopoint')})",
    ]


def _sample_filter(total: int) -> str:
    """WHERE clause of the inference sample over `staging` ('' = every row)."""
    if total <= SAMPLE_HEAD:
        return ""
    return f"WHERE rowid < {SAMPLE_HEAD} OR rowid % {max(1, total // SAMPLE_SPREAD)} = 0"


def _infer_counts(con, columns: list[str], where: str) -> list[tuple[int, ...]]:
    """The 8 inference counts of each column (see `_choose`), over the rows of `staging` kept by `where`."""
    counts: list[tuple[int, ...]] = []
    for start in range(0, len(columns), INFER_GROUP):
        group = columns[start : start + INFER_GROUP]
        aggregates = [a for c in group for a in _infer_aggregates(c)]
        row = con.execute(f"SELECT {', '.join(aggregates)} FROM staging {where}").fetchone()  # noqa: S608
        counts.extend(tuple(row[i * 8 : i * 8 + 8]) for i in range(len(group)))
    return counts


def _misfit(column: str, type_: str, *, inferred: bool) -> str:
    """Condition true when the cell is filled and does not fit `type_`.

    For an inferred integer or number, a number with a leading zero (a code) also misfits: on the whole column
    the inference would have chosen text for it."""
    v = _v(column)
    condition = f"{cast_expression(column, type_)} IS NULL"
    if inferred and type_ in ("integer", "number"):
        condition += f" OR regexp_full_match({v}, {_lit(LEADING_ZERO_RE)})"
    return f"({v} IS NOT NULL AND ({condition}))"


def _copy(con, target: str, described: list[dict], keep_expr: str, *, chosen=(), guard: bool = False) -> None:
    """Write the typed Parquet: the only full typed pass over the rows.

    With `guard`, a cell that misfits its column's type (`_misfit`) raises an error marked BAD_CELL instead of
    becoming NULL, and the caller takes the slow path (see `load_file`)."""
    selects = []
    for c in described:
        expr = cast_expression(c["name"], c["type"])
        if guard and c["type"] != "text":
            misfit = _misfit(c["name"], c["type"], inferred=c["name"] not in chosen)
            expr = f"(CASE WHEN {misfit} THEN error({_lit(BAD_CELL)}) ELSE {expr} END)"
        selects.append(f"{expr} AS {quote(c['name'])}")
    # A table scan keeps the insertion order (preserve_insertion_order, on by default): no ORDER BY rowid needed.
    con.execute(
        f"COPY (SELECT {', '.join(selects)} FROM staging WHERE {keep_expr}) TO $target "  # noqa: S608
        "(FORMAT PARQUET, COMPRESSION ZSTD)",
        {"target": target},
    )


def _widen_missed(con, described, chosen, counts, columns, warnings) -> None:
    """Inferred types that a cell outside the sample misfits: infer those columns again on every row.

    The sample can miss a rare value (a "1,5" in a column of integers, a "01000" among postal codes, a word among
    dates). Such a cell never rejects its row nor becomes NULL: its column gets the type the whole-column
    inference gives (the result of the former whole-file inference: text, or a wider type such as number), with
    a `type-widened` warning. Only the editor's chosen types reject rows."""
    inferred = [c for c in described if c["type"] != "text" and c["name"] not in chosen]
    if not inferred:
        return
    parts = [f"count(*) FILTER {_misfit(c['name'], c['type'], inferred=True)}" for c in inferred]
    row = con.execute(f"SELECT {', '.join(parts)} FROM staging").fetchone()  # noqa: S608
    missed = [c for c, bad in zip(inferred, row, strict=True) if bad]
    for c, full in zip(missed, _infer_counts(con, [c["name"] for c in missed], ""), strict=True):
        counts[columns.index(c["name"])] = full
        before, c["type"] = c["type"], _choose(full)
        c["inferred_type"] = c["type"]
        warnings.append(
            {
                "code": "type-widened",
                "column": c["name"],
                "message": _(
                    "La colonne « %(column)s » contient des valeurs qui ne sont pas de type %(before)s : "
                    "elle est chargée en type %(after)s."
                )
                % {
                    "column": c["name"],
                    "before": Table.ColumnType(before).label,
                    "after": Table.ColumnType(c["type"]).label,
                },
            }
        )


def _reject(con, described: list[dict], keep_expr: str, broken: list[int]) -> tuple[str, int, list[dict]]:
    """Rows with a cell that does not cast to its column's type: (new keep_expr, count, first MAX_REPORTED)."""
    bad_parts = []
    for col in described:
        if col["type"] != "text":
            cast = cast_expression(col["name"], col["type"])
            bad_parts.append((col, f"({_v(col['name'])} IS NOT NULL AND {cast} IS NULL)"))
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
                            "row": _row_number(row[0], broken),
                            "column": col["name"],
                            "value": str(row[1 + n + i])[:200],
                            "type": col["type"],
                            "message": _("« %(value)s » n'est pas un(e) %(type)s valide.")
                            % {"value": str(row[1 + n + i])[:80], "type": Table.ColumnType(col["type"]).label},
                        }
                    )
    return f"{keep_expr} AND NOT ({any_bad})", rejected_rows, rejected


def _choose(counts: tuple[int, ...]) -> str:
    filled, integer, number, boolean, words, date, datetime_, geopoint = counts
    if not filled:
        return "text"
    if boolean == filled and words:
        return "boolean"
    if integer == filled:
        return "integer"
    if number == filled:
        return "number"
    if date == filled:
        return "date"
    if datetime_ == filled:
        return "datetime"
    if geopoint == filled:
        return "geopoint"
    return "text"


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


def _stage(con, prepared: reading.Prepared) -> list[int]:
    """Create the `staging` table (text columns). Returns the sorted row numbers of broken CSV lines."""
    if prepared.csv_path:
        sql = (
            "CREATE TABLE staging AS SELECT * FROM read_csv($path, auto_detect=false, delim=$delim, quote='\"', "
            "escape='\"', header=true, columns=$columns, null_padding=true, ignore_errors=true, store_rejects=true, "
            "max_line_size=10000000, parallel={parallel})"
        )
        params = {
            "path": prepared.csv_path,
            "delim": prepared.delimiter,
            "columns": dict.fromkeys(prepared.columns, "VARCHAR"),
        }
        try:
            con.execute(sql.format(parallel="true"), params)
        except duckdb.Error as error:
            if "parallel" not in str(error):
                raise
            # Quoted line breaks with short rows: DuckDB's parallel scanner gives up, the serial one does not.
            con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
            con.execute(sql.format(parallel="false"), params)
        return sorted({int(r[0]) for r in con.execute("SELECT DISTINCT line FROM reject_errors").fetchall()})
    con.execute(f"CREATE TABLE raw AS SELECT * FROM {prepared.relation}", {"path": prepared.relation_path})  # noqa: S608
    described = con.execute("DESCRIBE raw").fetchall()
    labels = [row[0] for row in described]
    names, warnings = reading.clean_header(labels)
    prepared.columns, prepared.labels = names, labels
    prepared.warnings.extend(warnings)
    selects = []
    for (label, type_, *_rest), name in zip(described, names, strict=True):
        nested = type_.startswith(("STRUCT", "MAP")) or type_.endswith("]")
        expr = f"CAST(to_json({quote(label)}) AS VARCHAR)" if nested else f"CAST({quote(label)} AS VARCHAR)"
        selects.append(f"{expr} AS {quote(name)}")
    if not selects:
        _fail(_("Le fichier ne contient aucune colonne."))
    con.execute(f"CREATE TABLE staging AS SELECT {', '.join(selects)} FROM raw")  # noqa: S608
    con.execute("DROP TABLE raw")
    return []


def _row_number(rowid: int, broken: list[int]) -> int:
    """Row number in the file (header = 1) of a staging row, counting the broken lines left out before it."""
    number = rowid + 2
    for line in broken:
        if line <= number:
            number += 1
        else:
            break
    return number


def load_file(
    path: str,
    *,
    name: str = "",
    workdir: str,
    sheet: str | int | None = None,
    column_types: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Read, type and write one file to `workdir/table.parquet`. Raises reading.ReadError with a French message.

    Types are inferred on a sample (files of more than SAMPLE_HEAD rows) and checked by the one full pass that
    writes the Parquet. Rule for a cell that misfits: in a column whose type the editor chose (`column_types`),
    its row is rejected (reported with its line number); in a column whose type was inferred, the column is
    inferred again on every row and loaded with that type, with a `type-widened` warning, no row rejected.
    """

    def step(percent: int, message: str) -> None:
        if progress:
            progress(percent, 100, message)

    def transcoding(done: int, total: int) -> None:
        if progress and total:
            progress(int(40 * done / total), 100, _("Conversion en UTF-8…"))

    column_types = column_types or {}
    step(1, _("Lecture du fichier…"))
    prepared = reading.prepare(path, name=name, sheet=sheet, progress=transcoding)
    database = os.path.join(workdir, "work.duckdb")
    for stale in (database, database + ".wal"):
        if os.path.exists(stale):
            os.unlink(stale)
    con = connect(database, temp_directory=os.path.join(workdir, "spill"))
    try:
        step(40, _("Chargement des lignes…"))
        try:
            broken = _stage(con, prepared)
        except duckdb.Error as error:
            logger.info("DuckDB could not read %s: %s", name, error)
            _fail(
                _(
                    "Le fichier ne peut pas être lu comme un tableau. Vérifiez qu'il s'agit bien d'un fichier "
                    "CSV, tableur, JSON ou Parquet, avec les noms des colonnes sur la première ligne."
                )
            )
        columns = prepared.columns
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
        if total - blank_rows <= 0:
            _fail(_("Le fichier ne contient aucune ligne de données sous la ligne des noms de colonnes."))
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
            inferred = _choose(counts[index])
            wanted = column_types.get(column) or inferred
            if wanted not in TYPES:
                wanted = inferred
            elif column_types.get(column):
                chosen.add(column)
            described.append(
                {
                    "name": column,
                    "original_label": str(prepared.labels[index]) if index < len(prepared.labels) else column,
                    "type": wanted,
                    "inferred_type": inferred,
                    "label": "",
                    "description": "",
                }
            )

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
                _widen_missed(con, described, chosen, counts, columns, warnings)
            keep_expr, rejected_rows, rejected = _reject(con, described, keep_expr, broken)
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
        geo = _geo_columns(described)
        loaded = con.execute("SELECT count(*) FROM read_parquet($p)", {"p": target}).fetchone()[0]
        broken_sample = []
        if broken:
            broken_sample = [
                {
                    "row": line,
                    "message": _("Nombre de colonnes différent de la ligne des noms.")[:200],
                    "csv": csv[:200],
                }
                for line, csv in con.execute(
                    f"SELECT line, csv_line FROM reject_errors ORDER BY line LIMIT {MAX_REPORTED}"  # noqa: S608
                ).fetchall()
            ]
        dropped = {w["column"] for w in warnings if w.get("code") == "empty-column"}
        renamed = [
            w for w in warnings if w.get("code") in ("empty-label", "duplicate-label") and w["column"] not in dropped
        ]
        report = {
            **prepared.report(),
            "rows_read": total + len(broken),
            "rows_loaded": loaded,
            "blank_rows": blank_rows,
            "rejected_rows": rejected_rows + len(broken),
            "rejected": (broken_sample + rejected)[:MAX_REPORTED],
            "broken_lines": len(broken),
            "renamed_columns": renamed,
            "warnings": warnings,
            "geo": geo,
        }
        step(95, _("Enregistrement…"))
        return LoadResult(parquet_path=target, row_count=loaded, columns=described, report=report, warnings=warnings)
    finally:
        con.close()
        prepared.cleanup()


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
    name = version.original_name or version.file.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext in reading.TABULAR_FORMATS


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


def _start(*, actor, version: ResourceVersion, sheet: str = "", column_types: dict | None = None) -> Table:
    from auzolan.core.jobs import job_start
    from auzolan.datastore import tasks

    table = Table.objects.create(
        resource=version.resource,
        version=version,
        sheet=sheet or "",
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
    previous = Table.objects.filter(resource=version.resource).exclude(sheet="").order_by("-created_at").first()
    return _start(actor=actor or version.uploaded_by, version=version, sheet=previous.sheet if previous else "")


@transaction.atomic
def table_reload(*, actor, version: ResourceVersion, sheet=None, column_types: dict[str, str] | None = None) -> Table:
    """Load the version again, with another sheet and/or corrected column types (kept in the data dictionary)."""
    resource = version.resource
    require(actor, "catalog.change_dataset", resource.dataset)
    if not is_tabular(version):
        raise ValidationError(_("Ce fichier n'est pas un tableau que la plateforme sait charger."))
    types = _clean_types(column_types)
    for name, type_ in types.items():
        ColumnDescription.objects.update_or_create(resource=resource, name=name, defaults={"type": type_})
    table = _start(actor=actor, version=version, sheet=str(sheet or ""), column_types=types)
    audit_log(
        actor=actor,
        action="datastore.table.reload",
        obj=resource.dataset,
        organisation=resource.dataset.organisation,
        data={"resource": str(resource.identifier), "version": version.number, "sheet": table.sheet, "types": types},
    )
    return table


@transaction.atomic
def dictionary_update(*, actor, resource: Resource, columns: dict[str, dict]) -> None:
    """Labels and descriptions of columns (the data dictionary), shown in the preview and the API."""
    require(actor, "catalog.change_dataset", resource.dataset)
    for name, values in columns.items():
        label = " ".join(str(values.get("label") or "").split())[:255]
        description = str(values.get("description") or "").strip()[:2000]
        ColumnDescription.objects.update_or_create(
            resource=resource, name=name, defaults={"label": label, "description": description}
        )
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
        ext = version.original_name.rsplit(".", 1)[-1].lower() if "." in version.original_name else "csv"
        local = os.path.join(workdir, f"source.{ext}")
        _copy_to_local(version, local)
        result = load_file(
            local,
            name=version.original_name,
            workdir=workdir,
            sheet=table.sheet or None,
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
