"""Custom Table Schemas of an organisation: checked, named "custom/<organisation>/<title>", audit-logged.

The SCDL schemas ship with the platform (`load_schemas`); an organisation's editors add their own, which only
that organisation's datasets may declare.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.catalog.models import TableSchema
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.inputs import JSONTooDeep, carries_nul, load_json
from auzolan.core.permissions import require

#: The field types of the Table Schema specification (https://specs.frictionlessdata.io/table-schema/).
FIELD_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
)
MAX_DESCRIPTOR_BYTES = 1024 * 1024  # 1 Mo
NAME_MAX = TableSchema._meta.get_field("name").max_length


def _refuse(message: str, field: str = "descriptor") -> None:
    raise ValidationError(message, field=field, code="invalid-schema")


def _too_big() -> None:
    _refuse(_("Le schéma dépasse la taille maximale de 1 Mo."))


def _read_descriptor(descriptor) -> dict:
    """A dict from a dict, JSON text or bytes, or an uploaded JSON file (read up to 1 Mo)."""
    if isinstance(descriptor, dict):
        raw = json.dumps(descriptor).encode()
        if len(raw) > MAX_DESCRIPTOR_BYTES:
            _too_big()
        return descriptor
    if descriptor is None or descriptor == "" or descriptor == b"":
        _refuse(_("Déposez le fichier JSON du schéma ou collez son contenu."))
    if isinstance(descriptor, str):
        raw = descriptor.encode()
    elif isinstance(descriptor, bytes):
        raw = descriptor
    elif hasattr(descriptor, "read"):
        if getattr(descriptor, "size", None) is not None and descriptor.size > MAX_DESCRIPTOR_BYTES:
            _too_big()
        if hasattr(descriptor, "seek"):
            descriptor.seek(0)
        raw = descriptor.read(MAX_DESCRIPTOR_BYTES + 1)
    else:
        _refuse(_("Le schéma doit être un document JSON."))
    if len(raw) > MAX_DESCRIPTOR_BYTES:
        _too_big()
    if not raw.strip():
        _refuse(_("Déposez le fichier JSON du schéma ou collez son contenu."))
    try:
        data = load_json(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        _refuse(_("Le schéma doit être encodé en UTF-8."))
    except JSONTooDeep as error:
        _refuse(error.message)
    except json.JSONDecodeError as error:
        _refuse(
            _("Ce JSON est invalide à la ligne %(line)d, colonne %(column)d : %(error)s.")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        )
    if carries_nul(raw):  # PostgreSQL stores no NUL character in JSON (a 500 when saving)
        _refuse(_("Le schéma contient un caractère nul (\\u0000), qui n'est accepté dans aucun texte."))
    return data


def check_table_schema(descriptor) -> dict:
    """Return the descriptor as a dict if it is a Table Schema; otherwise a French error naming the field at fault."""
    data = _read_descriptor(descriptor)
    if not isinstance(data, dict):
        _refuse(_("Le schéma doit être un objet JSON ({ … }) avec une liste « fields »."))
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields:
        _refuse(_("Le schéma doit avoir une liste « fields » qui décrit au moins une colonne."))
    seen: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            _refuse(_("La colonne n° %(n)d de « fields » doit être un objet JSON.") % {"n": position})
        name = field.get("name")
        if not isinstance(name, str) or not name.strip():
            _refuse(_("La colonne n° %(n)d n'a pas de nom (« name »).") % {"n": position})
        if name in seen:
            _refuse(_("Le nom de colonne « %(name)s » apparaît plusieurs fois.") % {"name": name})
        seen.add(name)
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            message = (
                _("La colonne « %(name)s » n'a pas de type (« type »).")
                if kind is None
                else _("La colonne « %(name)s » a un type inconnu : « %(type)s ».")
            ) % {"name": name, "type": kind}
            _refuse(message + " " + _("Types possibles : %(types)s.") % {"types": ", ".join(FIELD_TYPES)})
        if "constraints" in field and not isinstance(field["constraints"], dict):
            _refuse(
                _("Les contraintes (« constraints ») de la colonne « %(name)s » doivent être un objet JSON.")
                % {"name": name}
            )
    return data


def schema_name(organisation, title: str) -> str:
    prefix = f"custom/{organisation.slug}/"
    return prefix + (slugify(title)[: NAME_MAX - len(prefix)].strip("-") or "schema")


@transaction.atomic
def schema_create(*, actor, organisation, title: str, descriptor, description: str = "") -> TableSchema:
    """Add a custom Table Schema that `organisation`'s datasets may declare."""
    require(actor, "catalog.create_dataset", organisation)
    title = " ".join((title or "").split())
    if not title:
        _refuse(_("Donnez un titre au schéma."), field="title")
    if len(title) > 200:
        _refuse(_("Le titre du schéma ne doit pas dépasser 200 caractères."), field="title")
    data = check_table_schema(descriptor)
    name = schema_name(organisation, title)
    if TableSchema.objects.filter(name=name).exists():
        _refuse(
            _("Votre organisation a déjà un schéma nommé « %(name)s » : choisissez un autre titre.") % {"name": name},
            field="title",
        )
    schema = TableSchema.objects.create(
        name=name,
        title=title,
        version=str(data.get("version") or "")[:30],
        description=(description or "").strip() or str(data.get("description") or ""),
        url="",
        is_scdl=False,
        organisation=organisation,
        descriptor=data,
    )
    audit_log(
        actor=actor,
        action="catalog.schema.created",
        obj=schema,
        organisation=organisation,
        data={"name": name, "title": title, "fields": len(data["fields"])},
    )
    return schema


def schemas_for(*, organisations) -> list[TableSchema]:
    """The SCDL catalogue and the custom schemas of `organisations` (a selector for the pages)."""
    return list(
        TableSchema.objects.filter(Q(organisation__isnull=True) | Q(organisation__in=list(organisations)))
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
