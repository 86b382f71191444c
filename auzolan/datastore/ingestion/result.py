"""What a load produces, the same on both paths: the Parquet file (`PARQUET_OPTIONS`), the `LoadResult`, and the load
report (`build_report`: rows read, loaded, blank, rejected with their line numbers, short rows, the warnings on
columns, the placeholders read as missing values, the coordinates found). `fail` ends a load that produces nothing,
with the French reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.datastore import cells, reading
from auzolan.datastore.duck import quote
from auzolan.datastore.models import Table

MAX_REPORTED = 100

#: Parquet written by a load. Row groups of 8,192 rows (DuckDB's default is 122,880): a page of the data API reads
#: its rows back by row number, and DuckDB decodes every row group it touches whole (see query.search); on the 1M-row
#: benchmark table a 50-row page costs ~40 ms at 8,192, ~70 ms at 30,720, and 2,048 makes aggregates 3x slower.
#: LZ4 (raw block format): a sorted page's rows fall in ~100 row groups, and decoding them costs ~30 % less than with
#: ZSTD (DuckDB 2.0, measured in docs/performance.md), top-N and aggregates too; the file is ~2.6x larger (41 MB for
#: the 187 MB benchmark CSV, ZSTD 16 MB) — downloads and exports are written apart, still ZSTD.
#: String dictionaries up to 1,000 entries per row group: low-cardinality columns (communes, natures) keep them,
#: high-cardinality ones stop building one early.
PARQUET_OPTIONS = "FORMAT PARQUET, COMPRESSION LZ4_RAW, ROW_GROUP_SIZE 8192, DICTIONARY_SIZE_LIMIT 1000"

GEO_LAT = re.compile(r"^(lat|latitude|y_?lat|coord_?lat|geo_?lat)$", re.IGNORECASE)
GEO_LON = re.compile(r"^(lon|lng|long|longitude|x_?lon|coord_?lon|geo_?lon)$", re.IGNORECASE)


@dataclass
class LoadResult:
    parquet_path: str
    row_count: int
    columns: list[dict]
    report: dict
    warnings: list[dict] = field(default_factory=list)


def fail(message: str, code: str = "unusable-file") -> None:
    """The file gives no table: `message` says why, in French."""
    raise reading.ReadError(message, code=code)


def row_number(rowid: int, broken: list[int], first: int = 2) -> int:
    """Line of the file (header = first - 1, 1 when the header is the first line) of a staging row, counting the
    broken lines left out before it."""
    number = rowid + first
    for line in broken:
        if line <= number:
            number += 1
        else:
            break
    return number


def short_report(count: int, rowids: list[int], broken: list[int], first: int) -> tuple[dict, list[dict]]:
    """The report's `short_rows` and `short_lines` (the first MAX_REPORTED), and the warning."""
    lines = [row_number(r, broken, first) for r in rowids[:MAX_REPORTED]]
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


def empty_column_warning(column: str, index: int) -> dict:
    return {
        "code": "empty-column",
        "column": column,
        "message": _("La colonne %(n)d, sans nom ni valeur, est ignorée.") % {"n": index + 1},
    }


def widened_warning(column: str, before: str, after: str) -> dict:
    return {
        "code": "type-widened",
        "column": column,
        "message": _(
            "La colonne « %(column)s » contient des valeurs qui ne sont pas de type %(before)s : "
            "elle est chargée en type %(after)s."
        )
        % {"column": column, "before": Table.ColumnType(before).label, "after": Table.ColumnType(after).label},
    }


def missing_counts(con, described: list[dict], source: str, execute=None) -> dict[str, dict[str, int]]:
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


def build_report(
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
    short_fields, short_warnings = short_report(*short, broken_lines, prepared.first_line)
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
        **short_fields,
        "missing_values": missing,
        "renamed_columns": [
            w for w in warnings if w.get("code") in ("empty-label", "duplicate-label") and w["column"] in kept
        ],
        "warnings": warnings,
        "geo": _geo_columns(described),
    }


def _geo_columns(columns: list[dict]) -> dict:
    lat = next((c["name"] for c in columns if GEO_LAT.match(c["name"]) and c["type"] in ("number", "integer")), None)
    lon = next((c["name"] for c in columns if GEO_LON.match(c["name"]) and c["type"] in ("number", "integer")), None)
    geo = {"latitude": lat, "longitude": lon} if lat and lon else {}
    points = [c["name"] for c in columns if c["type"] == "geopoint"]
    if points:
        geo["point"] = points[0]
    return geo
