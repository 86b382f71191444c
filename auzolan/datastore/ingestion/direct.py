"""The direct load: the CSV straight into the typed Parquet file, by one guarded `COPY` (see `load_direct`).

The fast path of every CSV (and of spreadsheets, which `reading` writes as CSV). It hands over to the staged path
(returns None) when a cell misfits a type the editor chose, after `DIRECT_ATTEMPTS` misfits, or on a DuckDB error.
"""

from __future__ import annotations

import json
import logging
import os
import re

import duckdb
from django.utils.translation import gettext as _

from auzolan.datastore import cells, reading
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.ingestion import casts, csv_reader, result

logger = logging.getLogger(__name__)

SHORT_ROW = "auzolan-short-row"  # marker of the error raised by the guarded COPY at a short row

#: Guarded passes of the direct path before it hands over to the staged path (each misfit costs one pass, aborted
#: at the misfit: cheap when it is early). 5: four columns misfitting after the head still load directly (2.0 s on
#: the 1M-row benchmark file, against 4.7 s through the staged path with 3); late misfits cost no more than before.
DIRECT_ATTEMPTS = 5


def _scan_short(con, prepared: reading.Prepared, columns: list[str], short_expr: str, execute) -> tuple[int, list[int]]:
    """(count, first MAX_REPORTED record numbers) of the short rows of the whole CSV: one more scan, in file order
    (a table's rowid). It reads two columns, not all (the CSV reader then materialises only those): the last named
    one (padded: a short row) and the first (filled: not blank). Only if a padded row has an empty first cell is
    the file scanned again with the exact test (`short_expr`, every column)."""
    labels = prepared.labels
    named = [c for i, c in enumerate(columns) if i < len(labels) and str(labels[i] or "").strip()]
    last, first = quote((named or columns)[-1]), casts.trimmed(columns[0])
    execute(
        f"CREATE TEMP TABLE flags AS SELECT CASE WHEN {last} IS NULL THEN {first} IS NULL END AS doubt "  # noqa: S608
        f"FROM {csv_reader.CSV_SOURCE}"
    )
    if con.execute("SELECT count(*) FILTER (doubt) FROM flags").fetchone()[0]:
        con.execute("DROP TABLE flags")
        execute(
            f"CREATE TEMP TABLE flags AS SELECT CASE WHEN {short_expr} THEN false END AS doubt "  # noqa: S608
            f"FROM {csv_reader.CSV_SOURCE}"
        )
    count, rowids = con.execute(
        f"SELECT count(*), list(rowid ORDER BY rowid)[1:{result.MAX_REPORTED}] FROM flags WHERE NOT doubt"  # noqa: S608
    ).fetchone()
    con.execute("DROP TABLE flags")
    return count, rowids or []


def _scanned_rows(con) -> int | None:
    """Records read by the CSV scan of the last statement (profiler), None if the profile does not say."""
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


def load_direct(prepared: reading.Prepared, *, workdir: str, column_types: dict, step) -> result.LoadResult | None:
    """The CSV straight into the typed Parquet file, in one guarded statement; None to hand over to the staged path.

    1. The first SAMPLE_HEAD records (a LIMIT: the scan stops there) give the types (`casts.describe`); a file that
       fits in them is inferred on every row, as in the staged path.
    2. `COPY (SELECT guarded casts FROM read_csv(...) WHERE NOT blank) TO parquet`: every cell is checked
       (`casts.guarded`). Columns the head left empty, and a column whose inferred type a later cell misfits (the pass
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
    params = csv_reader.csv_params(prepared)
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
            execute(f"CREATE TEMP TABLE head AS SELECT * FROM {csv_reader.CSV_SOURCE} LIMIT {casts.SAMPLE_HEAD}")  # noqa: S608
        except duckdb.Error as error:
            logger.info("Direct load of %s handed over: %s", prepared.csv_path, error)
            return None
        complete = con.execute("SELECT count(*) FROM head").fetchone()[0] < casts.SAMPLE_HEAD
        counts = casts.infer_counts(con, columns, "", source="head")
        short_expr = csv_reader.short_expr(prepared, columns)
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
                    warnings.append(result.empty_column_warning(column, index))
                    continue
                unnamed[column] = index
            entry, is_chosen = casts.describe(
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
            result.fail(
                _("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes.")
            )

        step(55, _("Chargement des lignes…"))
        blank_expr = f"COALESCE({', '.join(casts.trimmed(c) for c in columns)}) IS NULL"
        widened: dict[str, str] = {}  # column -> the head's type that a later cell misfit
        con.execute("SET enable_profiling = 'no_output'")
        for _attempt in range(DIRECT_ATTEMPTS):
            selects = []
            for i, c in enumerate(described):
                if c["type"] == "text" or c["name"] in pending:
                    expr = casts.text_cell(c["name"])
                else:
                    marker = f"{casts.BAD_CELL}:{i}:"
                    expr = casts.guarded(
                        c["name"], c["type"], inferred=c["name"] not in chosen, marker=marker, rules=c["_rules"]
                    )
                selects.append(f"{expr} AS {quote(c['name'])}")
            keep = f"NOT ({blank_expr})"
            if not complete and not scan_short and short_expr != "false":
                keep = (
                    f"(CASE WHEN {blank_expr} THEN false WHEN {short_expr} THEN error({cells.lit(SHORT_ROW)}) "
                    "ELSE true END)"
                )
            sql = (
                f"COPY (SELECT {', '.join(selects)} FROM {csv_reader.CSV_SOURCE} WHERE {keep}) "  # noqa: S608
                f"TO $target ({result.PARQUET_OPTIONS})"
            )
            try:
                written = execute(sql, {"target": target}).fetchone()[0]
                break
            except duckdb.Error as error:
                if SHORT_ROW in str(error):
                    scan_short = True
                    continue
                found = re.search(re.escape(casts.BAD_CELL) + r":(\d+):", str(error))
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
        broken_lines, broken_sample = csv_reader.broken_lines(con, prepared)
        broken = len(broken_lines)
        if total is None or total < written:
            total = execute(f"SELECT count(*) FROM {csv_reader.CSV_SOURCE}").fetchone()[0]  # noqa: S608
        blank_rows = total - written
        if written <= 0 and broken:
            csv_reader.fail_without_rows(broken_sample)
        if scan_short:
            step(80, _("Repérage des lignes incomplètes…"))
            short_count, short_ids = _scan_short(con, prepared, columns, short_expr, execute)
        else:
            short_count, short_ids = len(head_short), head_short
        if broken and broken > max(10, (total + broken) // 2):
            result.fail(
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
            full_counts = casts.infer_counts(
                con, [c["name"] for c in retype], "", source="read_parquet($p)", params={"p": target}
            )
            dropped: set[str] = set()
            widened_warnings: list[dict] = []  # after the empty-column ones, as in the staged path
            for c, full in zip(retype, full_counts, strict=True):
                if c["name"] in unnamed and full[0] == 0:
                    dropped.add(c["name"])
                    warnings.append(result.empty_column_warning(c["name"], unnamed[c["name"]]))
                    continue
                casts.retype(c, full, text_cells=c["name"] in prepared.text_columns)
                if c["name"] in widened and widened[c["name"]] != c["type"]:
                    widened_warnings.append(result.widened_warning(c["name"], widened[c["name"]], c["type"]))
            for name in unnamed:  # an unnamed column of the editor's type, filled nowhere
                if name not in pending:
                    filled = con.execute(
                        f"SELECT count({quote(name)}) FROM read_parquet($p)",  # noqa: S608
                        {"p": target},
                    ).fetchone()[0]
                    if not filled:
                        dropped.add(name)
                        warnings.append(result.empty_column_warning(name, unnamed[name]))
            warnings.extend(widened_warnings)
            described = [c for c in described if c["name"] not in dropped]
            if not described:
                result.fail(
                    _("Le fichier ne contient aucune colonne : la première ligne doit donner les noms des colonnes.")
                )
            if dropped or any(c["type"] != "text" for c in retype if c["name"] not in dropped):
                selects = [
                    (
                        casts.cast_expression(c["name"], c["type"], c["_rules"])
                        if c["name"] in pending
                        else quote(c["name"])
                    )
                    + f" AS {quote(c['name'])}"
                    for c in described
                ]
                rewritten = os.path.join(workdir, "table-typed.parquet")
                written = con.execute(
                    f"COPY (SELECT {', '.join(selects)} FROM read_parquet($p)) TO $target ({result.PARQUET_OPTIONS})",  # noqa: S608
                    {"p": target, "target": rewritten},
                ).fetchone()[0]
                os.replace(rewritten, target)

        missing = result.missing_counts(
            con, described, f"{csv_reader.CSV_SOURCE} WHERE NOT ({blank_expr})", execute=execute
        )
        report = result.build_report(
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
        return result.LoadResult(
            parquet_path=target,
            row_count=written,
            columns=casts.public_columns(described),
            report=report,
            warnings=warnings,
        )
    finally:
        con.close()
