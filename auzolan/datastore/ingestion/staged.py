"""The staged load: every column as text in a disk-backed work database (`staging`), the types inferred on a sample,
then one guarded typed `COPY` to Parquet (see `load_staged`).

The path of JSON, GeoJSON and Parquet files, and of the CSV files the direct path hands over. Slower than the direct
path, it numbers the rows a type chosen by the editor rejects (`_reject`) and infers again on the whole column a type
that a cell outside the sample misfits (`_widen_missed`).
"""

from __future__ import annotations

import logging
import os

import duckdb
from django.utils.translation import gettext as _

from auzolan.datastore import cells, reading
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.ingestion import casts, csv_reader, result
from auzolan.datastore.models import Table

logger = logging.getLogger(__name__)


def _stage(con, prepared: reading.Prepared) -> None:
    """Create the `staging` table (text columns); the broken CSV lines are in `reject_errors`."""
    if prepared.csv_path:
        sql = f"CREATE TABLE staging AS SELECT * FROM {csv_reader.CSV_SOURCE}"  # noqa: S608
        params = csv_reader.csv_params(prepared)
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
        result.fail(_("Le fichier ne contient aucune colonne."))
    con.execute(f"CREATE TABLE staging AS SELECT {', '.join(selects)} FROM raw")  # noqa: S608
    con.execute("DROP TABLE raw")


def _copy(con, target: str, described: list[dict], keep_expr: str, *, chosen=(), guard: bool = False) -> None:
    """Write the typed Parquet: the only full typed pass over the rows.

    With `guard`, a cell that misfits its column's type (`casts.misfit`) raises an error marked `casts.BAD_CELL`
    instead of becoming NULL, and the caller takes the slow path (see `pipeline.load_file`)."""
    selects = []
    for c in described:
        expr = casts.cast_expression(c["name"], c["type"], c["_rules"])
        if guard and c["type"] != "text":
            misfit = casts.misfit(c["name"], c["type"], inferred=c["name"] not in chosen, rules=c["_rules"])
            expr = f"(CASE WHEN {misfit} THEN error({cells.lit(casts.BAD_CELL)}) ELSE {expr} END)"
        selects.append(f"{expr} AS {quote(c['name'])}")
    # A table scan keeps the insertion order (preserve_insertion_order, on by default): no ORDER BY rowid needed.
    con.execute(
        f"COPY (SELECT {', '.join(selects)} FROM staging WHERE {keep_expr}) TO $target ({result.PARQUET_OPTIONS})",  # noqa: S608
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
    parts = [
        f"count(*) FILTER {casts.misfit(c['name'], c['type'], inferred=True, rules=c['_rules'])}" for c in inferred
    ]
    row = con.execute(f"SELECT {', '.join(parts)} FROM staging").fetchone()  # noqa: S608
    missed = [c for c, bad in zip(inferred, row, strict=True) if bad]
    for c, full in zip(missed, casts.infer_counts(con, [c["name"] for c in missed], ""), strict=True):
        counts[columns.index(c["name"])] = full
        before = c["type"]
        casts.retype(c, full, text_cells=c["name"] in text_columns)
        if c["type"] != before:
            warnings.append(result.widened_warning(c["name"], before, c["type"]))


def _reject(
    con, described: list[dict], keep_expr: str, broken: list[int], first: int = 2
) -> tuple[str, int, list[dict]]:
    """Rows with a cell that does not cast to its column's type: (new keep_expr, count, first MAX_REPORTED)."""
    bad_parts = []
    for col in described:
        if col["type"] != "text":
            cast = casts.cast_expression(col["name"], col["type"], col["_rules"])
            bad_parts.append((col, f"({casts.cell_value(col['name'], col['_rules'])} IS NOT NULL AND {cast} IS NULL)"))
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
            f"SELECT rowid, {flags}, {values} FROM staging WHERE {any_bad} ORDER BY rowid LIMIT {result.MAX_REPORTED}"  # noqa: S608
        ).fetchall()
        n = len(bad_parts)
        for row in sample:
            for i, (col, _expr) in enumerate(bad_parts):
                if row[1 + i] and len(rejected) < result.MAX_REPORTED:
                    rejected.append(
                        {
                            "row": result.row_number(row[0], broken, first),
                            "column": col["name"],
                            "value": str(row[1 + n + i])[:200],
                            "type": col["type"],
                            "message": _("« %(value)s » n'est pas un(e) %(type)s valide.")
                            % {"value": str(row[1 + n + i])[:80], "type": Table.ColumnType(col["type"]).label},
                        }
                    )
    return f"{keep_expr} AND NOT ({any_bad})", rejected_rows, rejected


def load_staged(prepared: reading.Prepared, *, name: str, workdir: str, column_types: dict, step) -> result.LoadResult:
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
            result.fail(
                _(
                    "Le fichier ne peut pas être lu comme un tableau. Vérifiez qu'il s'agit bien d'un fichier "
                    "CSV, tableur, JSON ou Parquet, avec les noms des colonnes sur la première ligne."
                )
            )
        columns = prepared.columns
        broken, broken_sample = csv_reader.broken_lines(con, prepared) if prepared.csv_path else ([], [])
        step(55, _("Détection des types de colonnes…"))
        values = [casts.trimmed(c) for c in columns]
        blank_expr = f"COALESCE({', '.join(values)}) IS NULL"
        summary = con.execute(
            f"SELECT count(*), count(*) FILTER ({blank_expr}), {', '.join(f'count({v})' for v in values)} "  # noqa: S608
            "FROM staging"
        ).fetchone()
        total, blank_rows, filled = summary[0], summary[1], list(summary[2:])
        sampled = total > casts.SAMPLE_HEAD
        counts = casts.infer_counts(con, columns, casts.sample_filter(total))
        if sampled:
            # A column left empty by the sample but filled elsewhere (sparse): infer it on the whole column.
            sparse = [i for i, c in enumerate(counts) if c[0] == 0 and filled[i]]
            for i, row in zip(sparse, casts.infer_counts(con, [columns[i] for i in sparse], ""), strict=True):
                counts[i] = row

        warnings = list(prepared.warnings)
        kept: list[int] = []
        for index, (column, label) in enumerate(zip(columns, prepared.labels, strict=False)):
            empty_label = not str(label or "").strip()
            if empty_label and filled[index] == 0:
                warnings.append(result.empty_column_warning(column, index))
                continue
            kept.append(index)
        if not kept:
            result.fail(
                _("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes.")
            )
        if total - blank_rows <= 0 and broken:
            csv_reader.fail_without_rows(broken_sample)
        if broken and len(broken) > max(10, (total + len(broken)) // 2):
            result.fail(
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
            entry, is_chosen = casts.describe(
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
            if casts.BAD_CELL not in str(error):
                raise
            step(75, _("Vérification des valeurs…"))
            if sampled:
                _widen_missed(con, described, chosen, counts, columns, warnings, prepared.text_columns)
            keep_expr, rejected_rows, rejected = _reject(con, described, keep_expr, broken, prepared.first_line)
            if rejected_rows and rejected_rows >= total - blank_rows:
                first = rejected[0]
                result.fail(
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
        short_expr = csv_reader.short_expr(prepared, columns)
        short_count, short_ids = con.execute(
            f"SELECT count(*), list(rowid ORDER BY rowid)[1:{result.MAX_REPORTED}] FROM staging WHERE {short_expr}"  # noqa: S608
        ).fetchone()
        report = result.build_report(
            prepared,
            described,
            warnings,
            missing=result.missing_counts(con, described, f"staging WHERE {keep_expr}"),
            rows_read=total + len(broken),
            loaded=loaded,
            blank_rows=blank_rows,
            rejected_rows=rejected_rows + len(broken),
            rejected=broken_sample + rejected,
            broken_lines=broken,
            short=(short_count, short_ids or []),
        )
        step(95, _("Enregistrement…"))
        return result.LoadResult(
            parquet_path=target,
            row_count=loaded,
            columns=casts.public_columns(described),
            report=report,
            warnings=warnings,
        )
    finally:
        con.close()
