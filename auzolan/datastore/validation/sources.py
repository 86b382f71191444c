"""Reading a CSV file into a header and rows of strings, as frictionless does (same sniffing of the dialect).

The engine consumes any iterator of rows of strings; other readers (XLSX, ODS) can feed it the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError

SAMPLE_LINES = 100
DELIMITERS = ",\t;|"
ENCODING_PROBE_BYTES = 1024 * 1024

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class TableSource:
    rows: Iterator[list[str]]
    encoding: str
    delimiter: str
    file: io.TextIOBase | None = None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the first megabyte decodes as UTF-8, Windows-1252 otherwise."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the probe is fine
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def open_csv(path, *, encoding: str | None = None, delimiter: str | None = None) -> TableSource:
    try:
        with open(path, "rb") as raw:
            head = raw.read(ENCODING_PROBE_BYTES)
    except OSError as error:
        raise ValidationError(_("Le fichier ne peut pas être lu : %(error)s") % {"error": error.strerror}) from error
    if encoding is None:
        encoding = detect_encoding(head)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise ValidationError(_("Encodage inconnu : %(encoding)s.") % {"encoding": encoding}) from error
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
    text = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115 - closed by the caller
    return from_text(text, encoding=encoding, delimiter=delimiter)


def from_text(text, *, encoding: str = "utf-8", delimiter: str | None = None) -> TableSource:
    """Rows of a CSV text stream; the dialect is sniffed on the first 100 lines like frictionless does."""
    sample = []
    for line in text:
        sample.append(line)
        if len(sample) >= SAMPLE_LINES:
            break
    try:
        dialect = csv.Sniffer().sniff("".join(sample), delimiter or DELIMITERS)
    except csv.Error:
        dialect = csv.excel()
    if dialect.quotechar == "'":
        dialect.quotechar = '"'
    if delimiter:
        dialect.delimiter = delimiter

    rows = csv.reader(chain(sample, text), dialect=dialect)
    return TableSource(rows=rows, encoding=encoding, delimiter=dialect.delimiter, file=text)
