"""Validation of a file handed in by someone (command, public page, API): resolve the schema, validate, forget the file.

Nothing is written: the uploaded file is read from its temporary copy, which is deleted at once.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from auzolan.catalog.schemas import check_table_schema, schemas_for
from auzolan.core.errors import NotFound, ValidationError
from auzolan.datastore.validation import Report, validate


def public_schemas() -> list:
    """The schemas anyone may validate against: the catalogue shipped with the platform (SCDL)."""
    return [schema for schema in schemas_for(organisations=[]) if schema.organisation_id is None]


def schema_by_name(name: str) -> dict:
    for schema in public_schemas():
        if schema.name == name:
            descriptor = dict(schema.descriptor)
            descriptor.setdefault("name", schema.name)
            descriptor.setdefault("title", schema.title)
            return descriptor
    raise NotFound(_("Le schéma « %(name)s » n'existe pas dans le catalogue.") % {"name": name}, field="schema")


def schema_from_path(path: str) -> dict:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ValidationError(
            _("Le schéma %(path)s ne peut pas être lu : %(error)s") % {"path": path, "error": error.strerror},
            field="schema",
        ) from error
    return check_table_schema(raw)


def resolve_schema(name_or_path: str) -> dict:
    """A catalogue schema name (scdl/subventions) or the path of a JSON file."""
    if name_or_path.endswith(".json") or (os.sep in name_or_path and Path(name_or_path).exists()):
        return schema_from_path(name_or_path)
    return schema_by_name(name_or_path)


def validate_upload(*, file, schema_name: str = "", schema_file=None) -> Report:
    """Validate an uploaded CSV file against a catalogue schema or an uploaded schema; the file is not kept."""
    if file is None:
        raise ValidationError(_("Déposez le fichier CSV à valider."), field="file")
    if schema_file is not None:
        schema = check_table_schema(schema_file)
    elif schema_name:
        schema = schema_by_name(schema_name)
    else:
        raise ValidationError(_("Choisissez un schéma du catalogue ou déposez le vôtre (JSON)."), field="schema")
    path = getattr(file, "temporary_file_path", None)
    if path is not None:
        return validate(path(), schema)
    handle, temporary = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        return validate(temporary, schema)
    finally:
        os.unlink(temporary)


def report_json(report: Report) -> Iterator[str]:
    """The report as JSON text, in pieces: the listed errors are written one per line as they are described,
    so that a report listing every error of a large file (--max-errors 0) is never held whole in memory."""
    head = json.dumps(report.as_dict(errors=False), ensure_ascii=False, indent=2)
    yield head[: -len("\n}")] + ',\n  "errors": ['
    separator = "\n    "
    for error in report.iter_errors():
        yield separator + json.dumps(error, ensure_ascii=False)
        separator = ",\n    "
    yield ("]" if separator == "\n    " else "\n  ]") + "\n}\n"
