"""What a resource may be given: an uploaded file (its format, name and content) or a remote address.

The services call these before anything is written: `check_upload` refuses a file that is empty, too big, of a
format the catalogue does not take, or whose content lies about its extension; `file_digest` reads it chunk by
chunk for its size and SHA-256; `clean_url` checks a remote resource's address. Every refusal is a
`ValidationError` on the field concerned, with a French message.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import zipfile
from urllib.parse import urlparse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from auzolan.catalog.uploads import megabytes, upload_max_bytes
from auzolan.core.errors import ValidationError
from auzolan.core.inputs import load_json
from auzolan.core.text import file_extension

# --- Formats -----------------------------------------------------------------------------------------------

#: extension -> MIME type stored with the version.
ALLOWED_EXTENSIONS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "txt": "text/plain",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "parquet": "application/vnd.apache.parquet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
TEXT_EXTENSIONS = {"csv", "tsv", "txt"}
SNIFF_BYTES = 64 * 1024
JSON_FULL_PARSE_MAX = 5 * 1024 * 1024  # JSON files up to this size are parsed entirely
CHUNK_SIZE = 1024 * 1024
EXECUTABLE_MAGICS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BOM = codecs.BOM_UTF8


# --- Uploaded files ----------------------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """A safe file name that keeps its (lower-case) extension."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, ext = os.path.splitext(base)
    try:
        stem = get_valid_filename(stem)
    except Exception:  # Django raises SuspiciousFileOperation on names like ".."
        stem = ""
    stem = stem.strip("._-")[:150] or "fichier"
    return f"{stem}{ext.lower()}"


def _refuse(message: str, code: str = "invalid-file") -> None:
    raise ValidationError(message, field="file", code=code)


def _read_head(file, size: int = SNIFF_BYTES) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head or b""


def _strip_start(head: bytes) -> bytes:
    if head.startswith(BOM):
        head = head[len(BOM) :]
    return head.lstrip()


def _looks_like_html(head: bytes) -> bool:
    start = _strip_start(head)[:200].lower()
    return start.startswith(HTML_STARTS) or (start.startswith(b"<!--") and b"<html" in head[:4096].lower())


def _decodes_as_text(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _check_zip(file, ext: str) -> None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if ext == "xlsx" and not ("[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)):
                _refuse(_("Ce fichier n'est pas un classeur Excel (.xlsx) valide."))
            ods_type = b"application/vnd.oasis.opendocument.spreadsheet"
            if ext == "ods" and ("mimetype" not in names or not archive.read("mimetype").startswith(ods_type)):
                _refuse(_("Ce fichier n'est pas un classeur OpenDocument (.ods) valide."))
    except (zipfile.BadZipFile, OSError, KeyError):
        _refuse(_("L'archive est illisible ou incomplète."))
    finally:
        file.seek(0)


def _check_json(file, head: bytes, size: int, ext: str) -> None:
    if not _strip_start(head).startswith((b"{", b"[")):
        _refuse(_("Ce fichier ne contient pas de JSON : il doit commencer par { ou [."))
    if size > JSON_FULL_PARSE_MAX:
        return
    file.seek(0)
    raw = file.read()
    file.seek(0)
    try:
        data = load_json(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        _refuse(_("Ce fichier JSON est invalide : %(error)s.") % {"error": error})
    if ext == "geojson" and not (isinstance(data, dict) and "type" in data):
        _refuse(_("Ce fichier GeoJSON doit être un objet avec un membre « type » (FeatureCollection…)."))


def check_upload(file, name: str) -> tuple[str, str]:
    """Refuse files that are empty, too big, of a format we do not take, or whose content lies about it.

    Returns (safe file name, lower-case format). Reads at most a few kilobytes (JSON files up to 5 Mo whole).
    """
    filename = clean_filename(name)
    ext = file_extension(filename)
    size = file.size if getattr(file, "size", None) is not None else None
    if ext not in ALLOWED_EXTENSIONS:
        _refuse(
            _("Le format « %(ext)s » n'est pas accepté. Formats acceptés : %(list)s.")
            % {"ext": ext or _("sans extension"), "list": ", ".join(sorted(ALLOWED_EXTENSIONS))},
            "bad-extension",
        )
    limit = upload_max_bytes()
    if size is not None and size > limit:
        _refuse(
            _("Le fichier pèse %(size)s Mo : la limite est de %(limit)s Mo.")
            % {"size": megabytes(size), "limit": megabytes(limit)},
            "too-big",
        )
    head = _read_head(file)
    if not head or size == 0:
        _refuse(_("Le fichier est vide."), "empty")
    if head.startswith(EXECUTABLE_MAGICS) or _looks_like_html(head):
        _refuse(
            _("Le contenu de ce fichier (programme ou page web) ne correspond pas à l'extension « %(ext)s ».")
            % {"ext": ext},
            "content-mismatch",
        )
    mismatch = _("Le contenu de ce fichier ne correspond pas à l'extension « %(ext)s ».") % {"ext": ext}
    if ext in TEXT_EXTENSIONS:
        if b"\x00" in head or not _decodes_as_text(head):
            _refuse(
                mismatch + " " + _("Un fichier texte doit être encodé en UTF-8 ou Windows-1252."), "content-mismatch"
            )
    elif ext in ("json", "geojson"):
        _check_json(file, head, size or 0, ext)
    elif ext == "xml":
        if not _strip_start(head).startswith(b"<"):
            _refuse(mismatch, "content-mismatch")
    elif ext == "pdf":
        if not head.startswith(b"%PDF-"):
            _refuse(mismatch, "content-mismatch")
    elif ext in ("zip", "xlsx", "ods"):
        if not head.startswith(ZIP_MAGIC):
            _refuse(mismatch, "content-mismatch")
        _check_zip(file, ext)
    elif ext == "xls":
        if not head.startswith(OLE2_MAGIC):
            _refuse(mismatch, "content-mismatch")
    elif ext == "parquet":
        file.seek(-4, os.SEEK_END)
        tail = file.read(4)
        file.seek(0)
        if not head.startswith(b"PAR1") or tail != b"PAR1":
            _refuse(mismatch, "content-mismatch")
    return filename, ext


def file_digest(file) -> tuple[int, str]:
    """Size and SHA-256, reading the file chunk by chunk (never whole in memory)."""
    limit = upload_max_bytes()
    sha, size = hashlib.sha256(), 0
    file.seek(0)
    for chunk in file.chunks(CHUNK_SIZE) if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK_SIZE), b""):
        size += len(chunk)
        if size > limit:
            _refuse(_("Le fichier dépasse la limite de %(limit)s Mo.") % {"limit": megabytes(limit)}, "too-big")
        sha.update(chunk)
    file.seek(0)
    if size == 0:
        _refuse(_("Le fichier est vide."), "empty")
    return size, sha.hexdigest()


# --- Remote addresses --------------------------------------------------------------------------------------


def clean_url(url: str) -> str:
    """The address of a remote resource (a remote file, an API, documentation): http or https only."""
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Indiquez l'adresse de la ressource."), field="url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        message = _("Adresse invalide : elle doit commencer par https:// ou http://.")
        raise ValidationError(message, field="url") from None
    return url


def format_from_url(url: str) -> str:
    """The format a remote file's address announces by its extension ("" when none we know)."""
    ext = file_extension(urlparse(url).path)
    return ext if ext in ALLOWED_EXTENSIONS or ext in ("html", "shp", "gpkg", "rdf", "ttl") else ""
