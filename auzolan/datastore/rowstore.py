"""The row file of a table: its rows in file order, in small compressed blocks, for reading a page's rows by number.

Why: a page of the data API or of `datastore_search` finds its row numbers in the Parquet file (filters and sort
read only their columns), then needs those rows whole. Read back from Parquet, a sorted page's rows fall in as many
row groups as rows, and DuckDB decodes each touched group whole, every column: ~40 ms for 100 rows of the 1M-row
benchmark table. From this file it is one seek and one small block per row: ~1–3 ms.

Format (little-endian), written once and never changed (a new table gets a new file):
- `MAGIC`, then blocks of `BLOCK_ROWS` rows: each a zlib-compressed JSON document `[row, row, …]`, a row being the
  list of its values in the order of `columns` (stored in the footer);
- the offsets of the blocks (`uint64` each), then the footer: the JSON of `{"columns": [...], "rows": n}`, its length
  and the offset of the offsets (`uint64` × 2), and `MAGIC` again.

Values keep the Python type DuckDB gives them: JSON's own types (str, int, float with NaN/Infinity, bool, None) as
they are; dates, times, timestamps, decimals and bytes as a one-key object tagged by type ({"d": "2024-05-01"}), so
a page read from here is the same as a page read from the Parquet file (tested). Knows no model.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import struct
import uuid
import zlib
from collections.abc import Iterable

MAGIC = b"AUZROWS1"
BLOCK_ROWS = 16
_FOOTER = struct.Struct("<QQ")


class RowFileError(Exception):
    """The file is not a row file, or not the one expected (truncated, other columns)."""


def _encode(value):
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"h": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": bytes(value).hex()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, dt.timedelta):
        return {"i": [value.days, value.seconds, value.microseconds]}
    return {"j": value}  # lists and dicts (nested types), as JSON


_DECODERS = {
    "t": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "h": dt.time.fromisoformat,
    "n": decimal.Decimal,
    "b": bytes.fromhex,
    "u": uuid.UUID,
    "i": lambda parts: dt.timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "j": lambda value: value,
}


def _decode(value):
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        return _DECODERS[tag](raw)
    return value


def write(rows: Iterable[tuple], columns: list[str], target: str) -> int:
    """Write `rows` (tuples in the order of `columns`, in file order) to `target` (through `target.part`, renamed
    when complete). Returns the number of rows."""
    offsets: list[int] = []
    count = 0
    part = target + ".part"
    with open(part, "wb") as out:
        out.write(MAGIC)
        block: list[list] = []

        def flush():
            offsets.append(out.tell())
            text = json.dumps(block, separators=(",", ":"), ensure_ascii=False)
            out.write(zlib.compress(text.encode("utf-8"), 1))
            block.clear()

        for row in rows:
            block.append([_encode(value) for value in row])
            count += 1
            if len(block) == BLOCK_ROWS:
                flush()
        if block:
            flush()
        offsets_at = out.tell()
        offsets.append(offsets_at)  # the end of the last block
        out.write(struct.pack(f"<{len(offsets)}Q", *offsets))
        footer = json.dumps({"columns": columns, "rows": count}).encode("utf-8")
        out.write(footer)
        out.write(_FOOTER.pack(len(footer), offsets_at))
        out.write(MAGIC)
    os.replace(part, target)
    return count


def write_from_parquet(con, parquet_path: str, target: str, *, batch: int = 8192) -> int:
    """The row file of a Parquet file, read in file order through a DuckDB connection. The row numbers are read
    too and checked, so that a row is never stored under another's number."""
    cursor = con.execute("SELECT *, file_row_number FROM read_parquet(?, file_row_number=true)", [parquet_path])
    names = [d[0] for d in cursor.description][:-1]

    def rows():
        expected = 0
        while chunk := cursor.fetchmany(batch):
            for record in chunk:
                if record[-1] != expected:
                    raise RowFileError(f"rows out of file order at {expected}")
                expected += 1
                yield record[:-1]

    return write(rows(), names, target)


def read(path: str, numbers: list[int], columns: list[str]) -> dict[int, tuple]:
    """The rows with these numbers (0-based, as `file_row_number`), as tuples in the order of `columns`. Raises
    RowFileError when the file is not a complete row file of these columns, or a number is out of range."""
    with open(path, "rb") as file:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        if size < len(MAGIC) * 2 + _FOOTER.size:
            raise RowFileError("too short")
        file.seek(size - len(MAGIC) - _FOOTER.size)
        footer_length, offsets_at = _FOOTER.unpack(file.read(_FOOTER.size))
        if file.read(len(MAGIC)) != MAGIC:
            raise RowFileError("no end marker")
        file.seek(size - len(MAGIC) - _FOOTER.size - footer_length)
        footer = json.loads(file.read(footer_length))
        stored = footer["columns"]
        try:
            positions = [stored.index(name) for name in columns]
        except ValueError:
            raise RowFileError("other columns") from None
        total = footer["rows"]
        if any(not 0 <= number < total for number in numbers):
            raise RowFileError("row number out of range")
        found: dict[int, tuple] = {}
        for block_number in sorted({n // BLOCK_ROWS for n in numbers}):
            file.seek(offsets_at + 8 * block_number)
            start, end = struct.unpack("<QQ", file.read(16))
            file.seek(start)
            block = json.loads(zlib.decompress(file.read(end - start)))
            first = block_number * BLOCK_ROWS
            for number in numbers:
                if number // BLOCK_ROWS == block_number:
                    values = block[number - first]
                    found[number] = tuple(_decode(values[p]) for p in positions)
    return found
