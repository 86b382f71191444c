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
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.core.inputs import JSONTooDeep, load_json

CHUNK = 1024 * 1024
SNIFF_BYTES = 256 * 1024
SNIFF_LINES = 50
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
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES)
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
            rows = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(c.strip() for c in row)]
        except csv.Error:
            continue
        rows = rows[:SNIFF_LINES]
        if not rows:
            continue
        widths = [len(row) for row in rows]
        header = widths[0]
        if header < 2:
            continue
        regular = sum(1 for w in widths if w == header) / len(widths)
        score = (regular, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_header(text: str, delimiter: str) -> list[str]:
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if any(cell.strip() for cell in row):
            return row
    return []


def prepare_text(
    path: str, *, progress: ProgressCallback | None = None, fmt: str = "csv", quick_encoding: bool = False
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
    labels = read_header(text, delimiter)
    if not labels:
        raise ReadError(_("La première ligne du fichier devrait contenir les noms des colonnes."))
    columns, warnings = clean_header(labels)
    prepared = Prepared(
        format=fmt,
        columns=columns,
        labels=labels,
        delimiter=delimiter,
        encoding=encoding,
        warnings=warnings,
        encoding_verified=verified,
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


def _sheet_rows(sheet) -> Iterator[list[str]]:
    """The sheet's rows as text, in absolute coordinates (row 0, column 0 = A1), like `to_python(skip_empty_area=False)`
    but one row at a time. calamine's `iter_rows` starts at row 0 but at the first used column: pad it."""
    offset = [""] * (sheet.start[1] if sheet.start else 0)
    for row in sheet.iter_rows():
        yield offset + [_cell_text(v) for v in row]


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _estimated_cells(path: str, fmt: str) -> int:
    """Cells of the largest sheet, without reading the sheets: an XLSX's declared `<dimension>`, else its XML size;
    an ODS's content size; an XLS or XLSB's file size."""
    import re
    import zipfile

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


def prepare_spreadsheet(path: str, *, fmt: str, sheet: str | int | None = None) -> Prepared:
    """Write the chosen sheet (by name or 0-based index; default: the first non-empty one) as a UTF-8 CSV.

    Merged header cells are filled with their value across the merged range; a header spread over several rows
    by vertical merges (a group label above sub-labels) gives labels such as "Budget 2026".
    """
    from python_calamine import CalamineWorkbook

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
    for name in candidates:
        data = workbook.get_sheet_by_name(name)
        rows = _sheet_rows(data)  # text rows, one at a time (the sheet itself is in calamine's memory)
        head: list[list[str]] = []
        for row in rows:
            head.append(row)
            if any(c.strip() for c in row):
                break
        else:
            continue
        break
    else:
        raise ReadError(_("Le classeur ne contient aucune donnée."))
    start = len(head) - 1
    width = len(head[-1])
    # Merged header cells may reach a few rows below the first non-empty one: keep those rows at hand.
    header_last = start
    for (r0, _c0), (r1, _c1) in _merged_ranges(data):
        if r0 == start:
            header_last = max(header_last, min(r1, start + 4))
    for row in rows:
        if len(head) > header_last:
            head.append(row)  # the first data row, needed below only if the header stops before it
            break
        head.append(row)
    text_rows = head
    # Merged cells: coordinates are absolute, as are the rows of _sheet_rows (row 0, column 0 = A1).
    header_end = start
    for (r0, c0), (r1, c1) in _merged_ranges(data):
        if r0 == start and r1 > header_end and c1 - c0 >= 0:
            header_end = max(header_end, r1)
    header_end = min(header_end, start + 4, len(text_rows) - 1)
    for (r0, c0), (r1, c1) in _merged_ranges(data):
        if r0 > header_end or r1 < start or r0 >= len(text_rows):
            continue
        value = text_rows[r0][c0] if c0 < width else ""
        for r in range(r0, min(r1, header_end) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if not text_rows[r][c]:
                    text_rows[r][c] = value
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(start, header_end + 1):
            part = text_rows[r][c].strip()
            if part and part not in parts:
                parts.append(part)
        labels.append(" ".join(parts))
    columns, warnings = clean_header(labels)
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="auzolan-sheet-")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(text_rows[header_end + 1 :])
        writer.writerows(rows)  # the rest of the sheet, streamed
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
    )


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
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
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
) -> Prepared:
    fmt = detect_format(name or path, path)
    if fmt in TEXT_FORMATS:
        return prepare_text(path, progress=progress, fmt=fmt, quick_encoding=quick_encoding)
    if fmt in SPREADSHEET_FORMATS:
        return prepare_spreadsheet(path, fmt=fmt, sheet=sheet)
    if fmt in ("json", "geojson"):
        return prepare_json(path)
    if fmt == "parquet":
        return prepare_parquet(path)
    raise ReadError(_("Ce format de fichier n'est pas un tableau que la plateforme sait charger."))
