"""DuckDB's CSV reader as every load configures it (the direct and the staged path alike): `CSV_SOURCE` and its
parameters (`csv_params`), the test of a short row (`short_expr`), and the lines the reader left out (`broken_lines`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from auzolan.datastore import reading
from auzolan.datastore.duck import quote
from auzolan.datastore.ingestion.casts import trimmed
from auzolan.datastore.ingestion.result import MAX_REPORTED, fail

#: How every CSV is read: every column as text (typed by our own rules), short rows padded with NULL, lines with
#: too many cells left out and recorded with their line number (`reject_errors`). Lines of up to 10 MB; the buffer
#: size is given explicitly (32 MB, DuckDB's default): with `max_line_size` alone DuckDB sizes its buffers from it,
#: and the 1M-row benchmark CSV took 1.45 s instead of 1.2 s to copy (fewer, larger buffers for the threads).
#: `nullstr` is a control character no export holds: an empty cell is read as '' and only a cell the reader padded
#: is NULL, which tells the short rows (`short_expr`); every cast maps '' to NULL (`casts.trimmed`, `casts.text_cell`).
CSV_SOURCE = (
    "read_csv($path, auto_detect=false, delim=$delim, quote='\"', escape='\"', header=true, columns=$columns, "
    "null_padding=true, ignore_errors=true, store_rejects=true, max_line_size=10000000, buffer_size=33554432, "
    "nullstr=$nullstr, skip=$skip, parallel={parallel})"
)
PADDED = "\x01"
MAX_LINE_MB = 10

BROKEN_MESSAGES = {
    "TOO MANY COLUMNS": gettext_noop("Plus de cellules que la ligne des noms de colonnes."),
    "LINE SIZE OVER MAXIMUM": gettext_noop("Ligne trop longue (plus de 10 Mo)."),
}
BROKEN_OTHER = gettext_noop("Ligne mal formée (guillemets ou encodage).")


def broken_lines(con, prepared: reading.Prepared) -> tuple[list[int], list[dict]]:
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


def fail_without_rows(broken_sample: list[dict]) -> None:
    """No row loaded but lines were left out: say why (a line too long, or the separator and quotes)."""
    long = next((b for b in broken_sample if b["message"] == _(BROKEN_MESSAGES["LINE SIZE OVER MAXIMUM"])), None)
    if long:
        fail(
            _(
                "La ligne %(line)d est trop longue (plus de %(mb)d Mo sans fin de ligne) : aucune ligne ne peut être "
                "chargée. Vérifiez les fins de ligne et les guillemets du fichier (un guillemet ouvert et jamais "
                "fermé fait d'un fichier une seule ligne)."
            )
            % {"line": long["row"], "mb": MAX_LINE_MB}
        )
    fail(
        _(
            "Aucune ligne n'a le même nombre de colonnes que la ligne des noms (ligne %(line)d : « %(csv)s »). "
            "Vérifiez le séparateur et les guillemets du fichier (un texte qui contient le séparateur doit être "
            "entre guillemets), puis déposez-le de nouveau."
        )
        % {"line": broken_sample[0]["row"], "csv": broken_sample[0]["csv"][:80]}
    )


def short_expr(prepared: reading.Prepared, columns: list[str]) -> str:
    """True on a row the CSV reader padded: its last named column is NULL (an empty cell is '', see CSV_SOURCE)
    and it is not blank. Padding of unnamed trailing columns only (`a;b;;` above `1;2`) is not a short row."""
    labels = prepared.labels
    named = [c for i, c in enumerate(columns) if i < len(labels) and str(labels[i] or "").strip()]
    if not prepared.csv_path or len(columns) < 2:
        return "false"
    last = (named or columns)[-1]
    blank = f"COALESCE({', '.join(trimmed(c) for c in columns)}) IS NULL"
    # CASE: the blank test (every column) only runs on the rows whose last named cell is missing.
    return f"(CASE WHEN {quote(last)} IS NULL THEN NOT ({blank}) ELSE false END)"


def csv_params(prepared: reading.Prepared) -> dict:
    columns = dict.fromkeys(prepared.columns, "VARCHAR")
    return {
        "path": prepared.csv_path,
        "delim": prepared.delimiter,
        "columns": columns,
        "nullstr": PADDED,
        "skip": prepared.skip,
    }
