"""Reading the messy tabular files of French local authorities.

Whatever the upload (CSV/TSV in UTF-8 with or without BOM, Windows-1252 or Latin-1, any of `;` `,` tab `|` as
delimiter; XLSX, XLS, ODS with several sheets and merged header cells; a JSON array of objects; a GeoJSON
FeatureCollection; Parquet), `prepare()` hands back a `Prepared` source that DuckDB reads as text columns:

- a UTF-8 CSV (the original file when it already is UTF-8, else a transcoded copy written in a streaming way,
  never the whole file in memory) with its delimiter and the cleaned header, or
- a DuckDB relation (`read_parquet` / `read_json`) for the self-describing formats.

Header names are cleaned deterministically: empty ones become `colonne_<n>`, duplicates (compared without case,
as DuckDB does) become `<name>_2`, `<name>_3`...; every change is reported. Nothing here downloads anything:
DuckDB reads UTF-8 only without its extensions, so other encodings are transcoded in Python first.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from xml.etree.ElementTree import iterparse

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from python_calamine import CalamineWorkbook

from auzolan.core.errors import ValidationError
from auzolan.core.inputs import JSONTooDeep, load_json
from auzolan.core.text import file_extension

CHUNK = 1024 * 1024
SNIFF_BYTES = 256 * 1024
SNIFF_LINES = 50
#: A head is read on past SNIFF_BYTES until it holds two whole lines, up to this (DuckDB's longest line, 10 MB, and
#: some).
HEAD_MAX_BYTES = 12 * 1024 * 1024
NEWLINES_RE = re.compile(rb"\r\n|\r|\n")
DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
# Bytes that Windows-1252 leaves undefined: a file holding them is Latin-1 (0x80-0x9F are then C1 controls).
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
C1_RANGE = frozenset(range(0x80, 0xA0))

#: calamine holds a whole sheet in memory (~80 bytes per cell: 1.3 GB for 1,000,000 rows x 16 columns, measured by
#: bench/memory.py); a sheet larger than this is refused before it is read, pointing to CSV (streamed at any size).
SPREADSHEET_MAX_CELLS = 6_000_000
#: Without a declared size, cells are estimated from the sheet's uncompressed XML (>= ~30 bytes per cell) or, for
#: binary workbooks (XLS, XLSB), from the file (>= ~10 bytes per cell).
XML_BYTES_PER_CELL = 30
BINARY_BYTES_PER_CELL = 10
TEXT_FORMATS = {"csv", "tsv", "txt"}
SPREADSHEET_FORMATS = {"xlsx", "xls", "ods", "xlsm", "xlsb"}
TABULAR_FORMATS = TEXT_FORMATS | SPREADSHEET_FORMATS | {"json", "geojson", "parquet"}

ProgressCallback = Callable[[int, int], None]


class ReadError(ValidationError):
    """The file cannot be read as a table; the message says what is wrong and how to fix it."""

    code = "unreadable-file"


@dataclass
class Prepared:
    """A tabular source ready for DuckDB, all columns read as text."""

    format: str
    columns: list[str]  # cleaned, unique names, in file order
    labels: list[str]  # the header as found in the file
    csv_path: str | None = None  # a UTF-8 CSV with one header line
    delimiter: str = ","
    relation: str | None = None  # SQL of a DuckDB table function with one parameter `$path`
    relation_path: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)
    encoding_verified: bool = True  # False: only the head was checked (prepare_text's quick_encoding)
    skip: int = 0  # lines of the CSV above its header (a title, notes), skipped by the reader
    head: list[dict] = field(default_factory=list)  # the first rows of the source, for the editor (`_head_sample`)
    first_line: int = 2  # line (or sheet row) of the source where the first data row is: header = first_line - 1
    #: Columns whose digits-only cells are text in the source (a spreadsheet cell formatted as text, a JSON string):
    #: identifiers, kept as text.
    text_columns: set[str] = field(default_factory=set)

    def cleanup(self) -> None:
        for path in self.temporary:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def report(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter if self.csv_path and self.format in TEXT_FORMATS else None,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "header_row": self.first_line - 1,
            "head": self.head,
        }


# --- Header names ------------------------------------------------------------------------------------------


def clean_header(labels: Iterable[object]) -> tuple[list[str], list[dict]]:
    """Unique, non-empty column names for a header row, and the warnings for each renamed column."""
    names: list[str] = []
    warnings: list[dict] = []
    taken: set[str] = set()
    for index, raw in enumerate(labels, start=1):
        label = " ".join(str(raw if raw is not None else "").replace("\ufeff", "").split())
        base = label or f"colonne_{index}"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.casefold())
        names.append(name)
        if not label:
            warnings.append(
                {
                    "code": "empty-label",
                    "column": name,
                    "position": index,
                    "message": _("La colonne %(n)d n'a pas de nom : elle s'appelle « %(name)s ».")
                    % {"n": index, "name": name},
                }
            )
        elif name != label:
            warnings.append(
                {
                    "code": "duplicate-label",
                    "column": name,
                    "position": index,
                    "message": _("Le nom « %(label)s » est en double (colonne %(n)d) : elle s'appelle « %(name)s ».")
                    % {"label": label, "n": index, "name": name},
                }
            )
    return names, warnings


# --- The header row ----------------------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 30
TITLE_LENGTH = 25
NUMERIC_CELL = re.compile(r"^[+-]?[0-9][0-9 .,\u00a0\u202f/:%€-]*$")


def find_header(rows: list[list[str]]) -> int:
    """Index of the header among the first rows of a table that may have a title and notes above it.

    The header is the first row (of HEADER_SEARCH_ROWS) whose cells are mostly distinct texts (not numbers or
    dates) and that is not a title or a note: a row that fills less than 60 % of the widest row's cells is one when
    it holds a single cell or a sentence (a cell of TITLE_LENGTH characters or more); a row that fills more must
    fill 80 % of the rows that follow it. A header with a few unnamed columns (`nom;prénom;;`) stays the header. When
    no row qualifies, the first non-empty one (a file without header)."""
    filled = [sum(1 for c in row if str(c).strip()) for row in rows[:HEADER_SEARCH_ROWS]]
    first = next((i for i, n in enumerate(filled) if n), 0)
    width = max(filled, default=0)
    if width < 2:
        return first
    for i, n in enumerate(filled):
        if not n:
            continue
        cells_ = [str(c).strip() for c in rows[i] if str(c).strip()]
        sparse = n < max(2, 0.6 * width)
        if sparse and (n == 1 or any(len(c) >= TITLE_LENGTH for c in cells_)):
            continue  # a title or a note
        texts = [c for c in cells_ if not NUMERIC_CELL.match(c)]
        if len(texts) < 0.5 * n or len({c.casefold() for c in cells_}) < 0.5 * n:
            continue
        following = sorted(f for f in filled[i + 1 : i + 6] if f)
        if not sparse and following and n < 0.8 * following[len(following) // 2]:
            continue
        return i
    return first


def _header_warning(header_line: int, skipped: list[tuple[int, str]], chosen: bool) -> dict:
    shown = " ; ".join(f"{line} : « {text[:60]} »" for line, text in skipped[:3])
    if chosen:
        message = _("Les noms des colonnes sont pris sur la ligne %(line)d, comme demandé.") % {"line": header_line}
    else:
        message = _(
            "Les noms des colonnes sont sur la ligne %(line)d : les lignes au-dessus (titre, notes) ne sont pas "
            "chargées. Choisissez une autre ligne sur cette page si ce n'est pas la bonne."
        ) % {"line": header_line}
    if shown:
        message += " " + _("Lignes ignorées : %(lines)s.") % {"lines": shown}
    return {"code": "header-row", "line": header_line, "message": message}


def _head_sample(rows: list[tuple[int, list[str]]]) -> list[dict]:
    """The first rows of the source as the editor sees them, to choose the header row: line number and cells."""
    return [
        {"line": line, "cells": [str(c)[:40] for c in cells_[:8]] + (["…"] if len(cells_) > 8 else [])}
        for line, cells_ in rows[:15]
    ]


# --- Text files --------------------------------------------------------------------------------------------


def detect_encoding(path: str) -> str:
    """'utf-8-sig', 'utf-8', 'windows-1252' or 'iso-8859-1', checked over the whole file (streaming).

    Strict UTF-8 first (a Latin-1 accent is almost never valid UTF-8). Otherwise Windows-1252, the usual export of
    French office software, unless the file holds bytes Windows-1252 leaves undefined (then Latin-1). The two only
    differ on 0x80-0x9F: Windows-1252 puts € ’ œ … there, Latin-1 control characters.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    high: set[int] = set()
    utf8 = True
    with open(path, "rb") as file:
        first = file.read(3)
        bom = first == codecs.BOM_UTF8
        file.seek(0)
        while chunk := file.read(CHUNK):
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8:
                high.update(C1_RANGE.intersection(chunk))
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        return "utf-8-sig" if bom else "utf-8"
    if high & CP1252_UNDEFINED:
        return "iso-8859-1"
    return "windows-1252"


def transcode(path: str, encoding: str, progress: ProgressCallback | None = None) -> str:
    """Copy `path` to a temporary UTF-8 file, chunk by chunk. Returns the new path."""
    total = os.path.getsize(path)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="auzolan-utf8-")
    done = 0
    with open(path, "rb") as source, os.fdopen(handle, "wb") as out:
        while chunk := source.read(CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8"))
            done += len(chunk)
            if progress:
                progress(done, total)
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def line_endings(path: str) -> set[str]:
    """The kinds of line endings of a file ('crlf', 'lf', 'cr'), streaming. Used only after DuckDB refused a file:
    its CSV reader takes the line ending of the first line and refuses any other (two exports joined, a line
    edited by hand)."""
    kinds: set[str] = set()
    carry = b""
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            if carry:
                chunk = chunk[:-1]
            crlf = chunk.count(b"\r\n")
            if crlf:
                kinds.add("crlf")
            if chunk.count(b"\n") > crlf:
                kinds.add("lf")
            if chunk.count(b"\r") > crlf:
                kinds.add("cr")
    if carry:
        kinds.add("cr")
    return kinds


def normalise_line_endings(prepared: Prepared) -> bool:
    """When the prepared CSV mixes line endings, replace it with a copy where every one is a line feed (streaming;
    a line break inside a quoted cell becomes a line feed too), with a warning. False when there was nothing to do."""
    if not prepared.csv_path or len(line_endings(prepared.csv_path)) < 2:
        return False
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="auzolan-lf-")
    carry = b""
    with open(prepared.csv_path, "rb") as source, os.fdopen(handle, "wb") as out:
        while chunk := source.read(CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            out.write(NEWLINES_RE.sub(b"\n", chunk[:-1] if carry else chunk))
        out.write(b"\n" if carry else b"")
    prepared.csv_path = target
    prepared.temporary.append(target)
    prepared.warnings.append(
        {
            "code": "line-endings",
            "message": _(
                "Le fichier mélange plusieurs sortes de fins de ligne (Windows, Unix ou Mac), comme quand deux "
                "exports sont mis bout à bout ou qu'une ligne a été modifiée à la main : elles ont été uniformisées "
                "avant le chargement."
            ),
        }
    )
    return True


def head_is_utf8(path: str, size: int = CHUNK) -> str | None:
    """'utf-8-sig' or 'utf-8' when the first `size` bytes are valid UTF-8 (a character cut at the end is fine),
    else None. Only the head: the reader of the rest must report a byte of another encoding (DuckDB's CSV reader
    rejects such a line as `INVALID ENCODING`), see `prepare_text(quick_encoding=True)`."""
    with open(path, "rb") as file:
        head = file.read(size)
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=len(head) < size)
    except UnicodeDecodeError:
        return None
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _head_text(path: str, encoding: str) -> str:
    """The first SNIFF_BYTES of the file, or more when they hold fewer than two whole lines (a header of thousands
    of columns, a very long first record): read on, up to HEAD_MAX_BYTES."""
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES)
        while len(head) < HEAD_MAX_BYTES and len(NEWLINES_RE.findall(head.lstrip(b"\r\n"), 0)) < 2:
            more = file.read(SNIFF_BYTES)
            if not more:
                break
            head += more
    text = head.decode(encoding, errors="ignore")
    return text.lstrip("\ufeff")


def sniff_delimiter(text: str) -> str:
    """The delimiter among ; , tab | that splits the first lines into the most regular rows (quotes respected)."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a head may be cut
    sample = "".join(lines[: SNIFF_LINES * 4])
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [row for row in csv.reader(_lines(sample), delimiter=delimiter) if any(c.strip() for c in row)]
        except csv.Error:
            continue
        rows = rows[:SNIFF_LINES]
        if not rows:
            continue
        widths = [len(row) for row in rows]
        # The most common width, the widest on a tie: a title or notes above the header are not the table.
        header = max(set(widths), key=lambda w: (widths.count(w), w))
        if header < 2:
            continue
        regular = sum(1 for w in widths if w == header) / len(widths)
        score = (regular, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _lines(text: str) -> io.StringIO:
    """The text for Python's csv reader, with universal newlines (a file of old Mac line endings, \\r only, would
    otherwise stop it with "new-line character seen in unquoted field")."""
    return io.StringIO(text, newline=None)


def read_header(text: str, delimiter: str) -> list[str]:
    for row in csv.reader(_lines(text), delimiter=delimiter):
        if any(cell.strip() for cell in row):
            return row
    return []


def _head_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The records of a head with the line each starts on (1-based; a quoted line break spans lines), the last
    one left out when the head is cut inside it."""
    lines = _lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    records, start = [], 1
    complete = text.endswith(("\n", "\r"))
    try:
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
            if len(records) >= HEADER_SEARCH_ROWS + 20:
                complete = True
                break
    except csv.Error:
        pass
    if not complete and len(records) > 1:
        records.pop()
    return records


def prepare_text(
    path: str,
    *,
    progress: ProgressCallback | None = None,
    fmt: str = "csv",
    quick_encoding: bool = False,
    header_row: int | None = None,
) -> Prepared:
    """`quick_encoding`: a file whose first megabyte is UTF-8 is taken as UTF-8 without reading the rest
    (`encoding_verified` False): the caller's reader must check the rest and call `prepare` again without it when
    a byte of another encoding shows (the datastore's direct CSV load does, from DuckDB's rejected lines).
    Otherwise the whole file is checked here (`detect_encoding`, ~1 s per GB)."""
    encoding = head_is_utf8(path) if quick_encoding else None
    verified = encoding is None
    encoding = encoding or detect_encoding(path)
    text = _head_text(path, "utf-8" if encoding.startswith("utf-8") else encoding)
    if not text.strip():
        raise ReadError(_("Le fichier ne contient aucune donnée."))
    delimiter = "\t" if fmt == "tsv" and "\t" in text else sniff_delimiter(text)
    records = _head_records(text, delimiter)
    if header_row:
        found = next((i for i, (line, _row) in enumerate(records) if line == header_row), None)
        if found is None or not any(c.strip() for c in records[found][1]):
            raise ReadError(
                _("La ligne %(line)d du fichier ne contient pas de noms de colonnes.") % {"line": header_row},
                field="header_row",
            )
        index = found
    else:
        index = find_header([row for _line, row in records])
    if not records or not any(c.strip() for c in records[index][1]):
        raise ReadError(_("La première ligne du fichier devrait contenir les noms des colonnes."))
    header_line, labels = records[index]
    columns, warnings = clean_header(labels)
    skipped = [(line, " ".join(c for c in row if c.strip())) for line, row in records[:index] if "".join(row).strip()]
    if skipped or header_row:
        warnings.insert(0, _header_warning(header_line, skipped, bool(header_row)))
    prepared = Prepared(
        format=fmt,
        columns=columns,
        labels=labels,
        delimiter=delimiter,
        encoding=encoding,
        warnings=warnings,
        encoding_verified=verified,
        skip=header_line - 1,
        first_line=header_line + 1,
        head=_head_sample(records),
    )
    if encoding.startswith("utf-8"):
        prepared.csv_path = path  # DuckDB reads UTF-8, with or without BOM, as it is
    else:
        prepared.csv_path = transcode(path, encoding, progress)
        prepared.temporary.append(prepared.csv_path)
        prepared.warnings.append(
            {
                "code": "encoding",
                "message": _("Le fichier est encodé en %(encoding)s : il a été converti en UTF-8.")
                % {"encoding": encoding.upper()},
            }
        )
    return prepared


# --- Spreadsheets ------------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(value)


DIGITS = re.compile(r"^\s*[+-]?[0-9]+\s*$")


def _sheet_rows(sheet, note: Callable[[int, set[int]], None] | None = None) -> Iterator[list[str]]:
    """The sheet's rows as text, in absolute coordinates (row 0, column 0 = A1), like `to_python(skip_empty_area=False)`
    but one row at a time. calamine's `iter_rows` starts at row 0 but at the first used column: pad it.
    `note(row, columns)` hears of the columns of a row holding a cell typed as text that is digits only (a code
    entered as text)."""
    pad = sheet.start[1] if sheet.start else 0
    offset = [""] * pad
    for r, row in enumerate(sheet.iter_rows()):
        if note is not None:
            digits = {pad + i for i, v in enumerate(row) if isinstance(v, str) and DIGITS.match(v)}
            if digits:
                note(r, digits)
        yield offset + [_cell_text(v) for v in row]


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _estimated_cells(path: str, fmt: str) -> int:
    """Cells of the largest sheet, without reading the sheets: an XLSX's declared `<dimension>`, else its XML size;
    an ODS's content size; an XLS or XLSB's file size."""
    if fmt in ("xls", "xlsb") or not zipfile.is_zipfile(path):
        return os.path.getsize(path) // BINARY_BYTES_PER_CELL
    largest = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename == "content.xml":  # ODS: every sheet in one part
                largest = max(largest, info.file_size // XML_BYTES_PER_CELL)
            elif info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                estimate = info.file_size // XML_BYTES_PER_CELL
                with archive.open(info) as part:
                    head = part.read(4096).decode("utf-8", errors="replace")
                found = re.search(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', head)
                if found and found.group(3):
                    rows = int(found.group(4)) - int(found.group(2)) + 1
                    columns = _column_number(found.group(3)) - _column_number(found.group(1)) + 1
                    estimate = max(rows * columns, 0)
                largest = max(largest, estimate)
    return largest


def _column_number(letters: str) -> int:
    n = 0
    for char in letters:
        n = n * 26 + ord(char) - 64
    return n


def _merged_ranges(sheet) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # not every format exposes them
        return []


def prepare_spreadsheet(
    path: str, *, fmt: str, sheet: str | int | None = None, header_row: int | None = None
) -> Prepared:
    """Write the chosen sheet (by name or 0-based index; default: the first non-empty one) as a UTF-8 CSV.

    Merged header cells are filled with their value across the merged range; a header spread over several rows
    by vertical merges (a group label above sub-labels) gives labels such as "Budget 2026".
    """
    cells = _estimated_cells(path, fmt)
    if cells > SPREADSHEET_MAX_CELLS:
        raise ReadError(
            _(
                "Ce classeur est trop grand pour être chargé (environ %(cells)s cellules dans une feuille, au plus "
                "%(max)s). Enregistrez la feuille au format CSV : un CSV se charge quelle que soit sa taille."
            )
            % {"cells": _thousands(cells), "max": _thousands(SPREADSHEET_MAX_CELLS)}
        )
    try:
        workbook = CalamineWorkbook.from_path(path)
    except Exception as error:
        raise ReadError(
            _("Le classeur ne peut pas être lu (%(error)s). Enregistrez-le de nouveau au format XLSX ou CSV.")
            % {"error": str(error)[:200]}
        ) from None
    names = list(workbook.sheet_names)
    chosen = None
    if sheet not in (None, ""):
        if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            index = int(sheet)
            if not 0 <= index < len(names):
                raise ReadError(_("Le classeur n'a pas de feuille numéro %(n)s.") % {"n": index + 1}, field="sheet")
            chosen = names[index]
        elif sheet in names:
            chosen = sheet
        else:
            raise ReadError(
                _("Le classeur n'a pas de feuille « %(name)s ». Feuilles : %(sheets)s.")
                % {"name": sheet, "sheets": ", ".join(names)},
                field="sheet",
            )
    candidates = [chosen] if chosen else names
    head_digits: dict[int, set[int]] = {}
    text_digits: set[int] = set()
    in_head = [True]

    def note(row: int, columns_: set[int]) -> None:
        if in_head[0]:
            head_digits[row] = columns_
        else:
            text_digits.update(columns_)

    for name in candidates:
        data = workbook.get_sheet_by_name(name)
        head_digits.clear()
        rows = _sheet_rows(data, note)  # text rows, one at a time (the sheet itself is in calamine's memory)
        head: list[list[str]] = []
        for row in rows:  # up to the first non-empty row, then HEADER_SEARCH_ROWS more to find the header
            head.append(row)
            if len(head) > max(HEADER_SEARCH_ROWS, header_row or 0) and any(
                c.strip() for c in head[-HEADER_SEARCH_ROWS]
            ):
                break  # HEADER_SEARCH_ROWS rows from the first non-empty one, and the chosen header row
        if any(c.strip() for row in head for c in row):
            break
    else:
        raise ReadError(_("Le classeur ne contient aucune donnée."))
    merged = _merged_ranges(data) if fmt != "ods" else _ods_merged_ranges(path, name)
    # Horizontal merges of the head (a title across the table, a group label over sub-labels) fill their row for the
    # header's detection, so that "Budget" over 2025 and 2026 counts as two cells.
    widened = [list(row) for row in head]
    for (r0, c0), (_r1, c1) in merged:
        if r0 < len(widened):
            for c in range(c0 + 1, min(c1, len(widened[r0]) - 1) + 1):
                if not widened[r0][c]:
                    widened[r0][c] = widened[r0][c0]
    first = next(i for i, row in enumerate(head) if any(c.strip() for c in row))
    if header_row:
        start = header_row - 1
        if start >= len(head) or not any(c.strip() for c in head[start]):
            raise ReadError(
                _("La ligne %(line)d de la feuille ne contient pas de noms de colonnes.") % {"line": header_row},
                field="header_row",
            )
    else:
        start = first + find_header(widened[first:])
    width = max(len(row) for row in head)
    for row in head:
        row.extend([""] * (width - len(row)))
    # Merged header cells may reach a few rows below the header row (a group label over sub-labels).
    header_end = start
    for (r0, _c0), (r1, _c1) in merged:
        if r0 == start and r1 > header_end:
            header_end = max(header_end, min(r1, start + 4))
    header_end = min(header_end, len(head) - 1)
    for (r0, c0), (r1, c1) in merged:
        if r0 < start or r0 > header_end or c0 >= width:
            continue
        value = head[r0][c0]
        for r in range(r0, min(r1, header_end) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if not head[r][c]:
                    head[r][c] = value
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(start, header_end + 1):
            part = head[r][c].strip()
            if part and part not in parts:
                parts.append(part)
        labels.append(" ".join(parts))
    columns, warnings = clean_header(labels)
    skipped = [(r + 1, " ".join(c for c in head[r] if c.strip())) for r in range(first, start) if any(head[r])]
    if skipped or header_row:
        warnings.insert(0, _header_warning(start + 1, skipped, bool(header_row)))
    # Data: the rows after the header, vertical merges filled down (the value of a merged cell in each row it spans).
    downs = [((r0, c0), r1) for (r0, c0), (r1, _c1) in merged if r0 > header_end and r1 > r0 and c0 < width]
    fills: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), r1 in downs:
        fills.setdefault(r0, []).append((c0, r1))
    pending: dict[int, list[tuple[int, str]]] = {}
    filled_cells, filled_columns = 0, set()
    in_head[0] = False
    for r, digit_columns in head_digits.items():
        if r > header_end:
            text_digits.update(digit_columns)
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="auzolan-sheet-")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for r, row in enumerate(chain(head[header_end + 1 :], rows), start=header_end + 1):
            for c0, r1 in fills.pop(r, ()):
                value = row[c0] if c0 < len(row) else ""
                for below in range(r + 1, r1 + 1):
                    pending.setdefault(below, []).append((c0, value))
            for c, value in pending.pop(r, ()):
                if c < len(row) and not row[c] and value:
                    row[c] = value
                    filled_cells += 1
                    filled_columns.add(c)
            writer.writerow(row)
    if filled_cells:
        names_filled = ", ".join(f"« {columns[c]} »" for c in sorted(filled_columns) if c < len(columns))
        warnings.append(
            {
                "code": "merged-cells",
                "message": ngettext(
                    "%(n)d cellule fusionnée verticalement a reçu la valeur de la cellule fusionnée (colonne "
                    "%(columns)s).",
                    "%(n)d cellules fusionnées verticalement ont reçu la valeur de la cellule fusionnée (colonnes "
                    "%(columns)s).",
                    filled_cells,
                )
                % {"n": filled_cells, "columns": names_filled},
            }
        )
    if len(names) > 1:
        warnings.append(
            {
                "code": "sheet",
                "message": _("Le classeur a %(n)d feuilles : la feuille « %(name)s » est chargée.")
                % {"n": len(names), "name": name},
            }
        )
    return Prepared(
        format=fmt,
        columns=columns,
        labels=labels,
        csv_path=target,
        delimiter=",",
        encoding=None,
        sheet=name,
        sheets=names,
        warnings=warnings,
        temporary=[target],
        first_line=header_end + 2,
        head=_head_sample([(r + 1, row) for r, row in enumerate(head) if any(c.strip() for c in row)]),
        text_columns={columns[c] for c in text_digits if c < len(columns)},
    )


def _ods_merged_ranges(path: str, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges of an ODS sheet (calamine gives none for ODS): the cells with `table:number-rows-spanned` or
    `table:number-columns-spanned`, read from content.xml in a streaming way."""
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    name_attr, rows_rep = f"{{{table_ns}}}name", f"{{{table_ns}}}number-rows-repeated"
    cols_rep = f"{{{table_ns}}}number-columns-repeated"
    rows_span, cols_span = f"{{{table_ns}}}number-rows-spanned", f"{{{table_ns}}}number-columns-spanned"
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    inside, row, col = False, -1, 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            # expat >= 2.4 refuses entity expansion attacks and ElementTree resolves no external entity; the file's
            # size was bounded before (`_estimated_cells`).
            for event, element in iterparse(content, events=("start", "end")):  # noqa: S314
                tag = element.tag
                if tag == f"{{{table_ns}}}table":
                    if event == "start":
                        inside = element.get(name_attr) == sheet
                    elif inside:
                        break
                    continue
                if not inside:
                    if event == "end":
                        element.clear()
                    continue
                if tag == f"{{{table_ns}}}table-row":
                    if event == "start":
                        row, col = row + 1, 0
                    else:
                        row += int(element.get(rows_rep, "1")) - 1
                        element.clear()
                elif tag in (f"{{{table_ns}}}table-cell", f"{{{table_ns}}}covered-table-cell") and event == "start":
                    spans = int(element.get(rows_span, "1")), int(element.get(cols_span, "1"))
                    if spans != (1, 1):
                        ranges.append(((row, col), (row + spans[0] - 1, col + spans[1] - 1)))
                    col += int(element.get(cols_rep, "1"))
    except (KeyError, zipfile.BadZipFile, SyntaxError):
        return []
    return ranges


# --- JSON, GeoJSON, Parquet --------------------------------------------------------------------------------


def _geometry_wkt(geometry: dict | None) -> str:
    """WKT of a GeoJSON geometry (the spatial extension of DuckDB is not available)."""
    if not geometry:
        return ""

    def point(p):
        return " ".join(_num(v) for v in p[:2])

    def ring(coords):
        return "(" + ", ".join(point(p) for p in coords) + ")"

    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            return f"POINT ({point(coords)})"
        if kind == "MultiPoint":
            return "MULTIPOINT (" + ", ".join(f"({point(p)})" for p in coords) + ")"
        if kind == "LineString":
            return "LINESTRING " + ring(coords)
        if kind == "MultiLineString":
            return "MULTILINESTRING (" + ", ".join(ring(line) for line in coords) + ")"
        if kind == "Polygon":
            return "POLYGON (" + ", ".join(ring(r) for r in coords) + ")"
        if kind == "MultiPolygon":
            return "MULTIPOLYGON (" + ", ".join("(" + ", ".join(ring(r) for r in poly) + ")" for poly in coords) + ")"
        if kind == "GeometryCollection":
            parts = [_geometry_wkt(g) for g in geometry.get("geometries") or []]
            return "GEOMETRYCOLLECTION (" + ", ".join(parts) + ")"
    except (TypeError, IndexError):
        return ""
    return ""


def _num(value) -> str:
    return repr(float(value)).removesuffix(".0") if isinstance(value, (int, float)) else str(value)


def _json_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return _cell_text(value)


def prepare_geojson(path: str, *, data: dict | None = None) -> Prepared:
    if data is None:
        with open(path, "rb") as file:
            data = load_json(file)
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ReadError(_("Ce fichier GeoJSON n'est pas une collection d'objets (FeatureCollection)."))
    keys: list[str] = []
    seen: set[str] = set()
    for feature in features:
        for key in (feature.get("properties") or {}) if isinstance(feature, dict) else {}:
            if key not in seen:
                seen.add(key)
                keys.append(key)
    points = any(isinstance(f, dict) and (f.get("geometry") or {}).get("type") == "Point" for f in features)
    labels = [*keys, "geometry", "geometry_wkt", *(["longitude", "latitude"] if points else [])]
    columns, warnings = clean_header(labels)
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="auzolan-geojson-")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for feature in features:
            if not isinstance(feature, dict):
                continue
            properties = feature.get("properties") or {}
            geometry = feature.get("geometry")
            row = [_json_cell(properties.get(key)) for key in keys]
            row += [json.dumps(geometry, ensure_ascii=False) if geometry else "", _geometry_wkt(geometry)]
            if points:
                coords = (geometry or {}).get("coordinates") if (geometry or {}).get("type") == "Point" else None
                row += [_num(coords[0]), _num(coords[1])] if coords and len(coords) >= 2 else ["", ""]
            writer.writerow(row)
    return Prepared(
        format="geojson",
        columns=columns,
        labels=labels,
        csv_path=target,
        encoding="utf-8",
        warnings=warnings,
        temporary=[target],
    )


def prepare_json(path: str) -> Prepared:
    """A JSON array of objects (read by DuckDB's built-in json reader), or a GeoJSON FeatureCollection."""
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES).lstrip(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"{"):
        with open(path, "rb") as file:
            try:
                data = load_json(file)
            except JSONTooDeep as error:
                raise ReadError(error.message) from None
            except ValueError:
                raise ReadError(_("Le fichier JSON est mal formé.")) from None
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            return prepare_geojson(path, data=data)
        raise ReadError(
            _(
                "Le fichier JSON doit être une liste d'objets ([{…}, {…}]) "
                "ou une collection GeoJSON (FeatureCollection)."
            )
        )
    if not head.startswith(b"["):
        raise ReadError(_("Le fichier JSON doit être une liste d'objets ([{…}, {…}])."))
    return Prepared(
        format="json",
        columns=[],
        labels=[],
        relation="read_json($path, format='array', sample_size=-1, maximum_object_size=67108864)",
        relation_path=path,
        encoding="utf-8",
    )


def prepare_parquet(path: str) -> Prepared:
    return Prepared(format="parquet", columns=[], labels=[], relation="read_parquet($path)", relation_path=path)


# --- Entry point -------------------------------------------------------------------------------------------


def detect_format(name: str, path: str) -> str:
    ext = file_extension(name)
    with open(path, "rb") as file:
        magic = file.read(8)
    if magic.startswith(b"PAR1"):
        return "parquet"
    if ext in TABULAR_FORMATS:
        return ext
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def prepare(
    path: str,
    *,
    name: str = "",
    sheet: str | int | None = None,
    progress: ProgressCallback | None = None,
    quick_encoding: bool = False,
    header_row: int | None = None,
) -> Prepared:
    """`header_row`: the line (or sheet row, 1-based) of the column names; None: detected (`find_header`)."""
    fmt = detect_format(name or path, path)
    if fmt in TEXT_FORMATS:
        return prepare_text(path, progress=progress, fmt=fmt, quick_encoding=quick_encoding, header_row=header_row)
    if fmt in SPREADSHEET_FORMATS:
        return prepare_spreadsheet(path, fmt=fmt, sheet=sheet, header_row=header_row)
    if fmt in ("json", "geojson"):
        return prepare_json(path)
    if fmt == "parquet":
        return prepare_parquet(path)
    raise ReadError(_("Ce format de fichier n'est pas un tableau que la plateforme sait charger."))
