"""Ingestion: a tabular resource version becomes a typed Parquet file queried with DuckDB.

The pipeline (`load_file`, pure, no database): `reading.prepare` (sniff the format, encoding and delimiter,
transcode to UTF-8, clean the header) → DuckDB reads every column as text into a disk-backed work database →
one aggregate pass per group of columns infers the types (integer, number with a French decimal comma, boolean
oui/non, ISO or French dates and datetimes, "lat,lon" points, text) → the editor's corrected types apply → cells that
cannot be cast are counted and reported with their row number (header = row 1) and their rows left out → `COPY
(SELECT typed columns) TO parquet`. Nothing is loaded whole in memory; DuckDB spills to the work directory.

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
    """Read, type and write one file to `workdir/table.parquet`. Raises reading.ReadError with a French message."""

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
        total = con.execute("SELECT count(*) FROM staging").fetchone()[0]
        step(55, _("Détection des types de colonnes…"))
        counts: list[tuple[int, ...]] = []
        for start in range(0, len(columns), INFER_GROUP):
            group = columns[start : start + INFER_GROUP]
            aggregates = [a for c in group for a in _infer_aggregates(c)]
            row = con.execute(f"SELECT {', '.join(aggregates)} FROM staging").fetchone()  # noqa: S608
            counts.extend(tuple(row[i * 8 : i * 8 + 8]) for i in range(len(group)))
        blank_expr = f"COALESCE({', '.join(_v(c) for c in columns)}) IS NULL"
        blank_rows = con.execute(f"SELECT count(*) FROM staging WHERE {blank_expr}").fetchone()[0]  # noqa: S608

        warnings = list(prepared.warnings)
        kept: list[int] = []
        for index, (column, label) in enumerate(zip(columns, prepared.labels, strict=False)):
            empty_label = not str(label or "").strip()
            if empty_label and counts[index][0] == 0:
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
        for index in kept:
            column = columns[index]
            inferred = _choose(counts[index])
            wanted = column_types.get(column) or inferred
            if wanted not in TYPES:
                wanted = inferred
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
        geo = _geo_columns(described)

        step(70, _("Vérification des valeurs…"))
        bad_parts = []
        for col in described:
            if col["type"] != "text":
                cast = cast_expression(col["name"], col["type"])
                bad_parts.append((col, f"({_v(col['name'])} IS NOT NULL AND {cast} IS NULL)"))
        rejected_rows = 0
        rejected: list[dict] = []
        keep_expr = f"NOT ({blank_expr})"
        if bad_parts:
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
            keep_expr += f" AND NOT ({any_bad})"
        if rejected_rows and rejected_rows >= total - blank_rows:
            first = rejected[0]
            _fail(
                _(
                    "Aucune ligne ne peut être chargée : la colonne « %(column)s » ne contient pas de valeurs de type "
                    "%(type)s (ligne %(row)d : « %(value)s »). Choisissez un autre type pour cette colonne ou "
                    "corrigez le fichier."
                )
                % {
                    "column": first["column"],
                    "type": Table.ColumnType(first["type"]).label,
                    "row": first["row"],
                    "value": first["value"][:80],
                }
            )

        step(80, _("Écriture du fichier Parquet…"))
        target = os.path.join(workdir, "table.parquet")
        selects = ", ".join(f"{cast_expression(c['name'], c['type'])} AS {quote(c['name'])}" for c in described)
        con.execute(
            f"COPY (SELECT {selects} FROM staging WHERE {keep_expr} ORDER BY rowid) TO $target "  # noqa: S608
            "(FORMAT PARQUET, COMPRESSION ZSTD)",
            {"target": target},
        )
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
