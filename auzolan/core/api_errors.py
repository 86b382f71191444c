"""The API's parameter errors in French: pydantic's error list becomes one message, the field at fault and, per
field, its messages (`{"error": {"code": "invalid", "message", "field", "details": {field: [messages]}}}`)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

#: Where a parameter comes from, first in pydantic's `loc`.
SOURCES = {"query", "path", "body", "form", "file", "header", "cookie"}
_CHOICES_PATTERN = re.compile(r"^\^\(([\w|-]+)\)\$$")


def _choices(ctx: dict) -> str:
    expected = str(ctx.get("expected", ""))
    parts = re.split(r", | or ", expected)
    return ", ".join(part.strip().strip("'\"") for part in parts if part.strip())


def _message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("ce paramètre est obligatoire.")
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("un nombre entier est attendu.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"):
        return _("un nombre est attendu.")
    if kind in ("bool_parsing", "bool_type"):
        return _("true ou false est attendu.")
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        bound = next(iter(ctx.values()), "")
        return {
            "less_than_equal": _("la valeur doit être inférieure ou égale à %(bound)s."),
            "less_than": _("la valeur doit être inférieure à %(bound)s."),
            "greater_than_equal": _("la valeur doit être supérieure ou égale à %(bound)s."),
            "greater_than": _("la valeur doit être supérieure à %(bound)s."),
        }[kind] % {"bound": bound}
    if kind == "string_too_long":
        return _("%(max)s caractères au plus.") % {"max": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("%(min)s caractères au moins.") % {"min": ctx.get("min_length", "")}
    if kind == "too_long":
        return _("%(max)s éléments au plus.") % {"max": ctx.get("max_length", "")}
    if kind == "too_short":
        return _("%(min)s éléments au moins.") % {"min": ctx.get("min_length", "")}
    if kind == "string_pattern_mismatch":
        match = _CHOICES_PATTERN.match(str(ctx.get("pattern", "")))
        if match:
            values = ", ".join(v or "(vide)" for v in match.group(1).split("|"))
            return _("valeur non reconnue ; valeurs possibles : %(values)s.") % {"values": values}
        return _("valeur non reconnue.")
    if kind in ("enum", "literal_error"):
        return _("valeur non reconnue ; valeurs possibles : %(values)s.") % {"values": _choices(ctx)}
    if kind in ("uuid_parsing", "uuid_type", "uuid_version"):
        return _("un identifiant UUID est attendu (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, en hexadécimal).")
    if kind in ("string_type", "string_unicode", "string_sub_type"):
        return _("un texte est attendu.")
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return _("une liste est attendue.")
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return _("un objet JSON est attendu.")
    if kind.startswith("datetime"):
        return _("une date et heure AAAA-MM-JJTHH:MM:SS est attendue.")
    if kind.startswith("date"):
        return _("une date AAAA-MM-JJ est attendue.")
    if kind == "json_invalid":
        return _("JSON invalide.")
    if kind in ("recursion_loop",):
        return _("structure imbriquée trop profondément.")
    return _("valeur invalide.")


def _field(loc) -> str:
    parts = list(loc or [])
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source in ("body", "form") and len(parts) > 1:
            parts.pop(0)  # the operation's name for the whole body
    return ".".join(str(part) for part in parts) or "body"


def french_validation_error(errors: list[dict]) -> dict:
    """The `error` object of a 422: French messages per field, the first one in `message` and `field`."""
    details: dict[str, list[str]] = {}
    for error in errors:
        details.setdefault(_field(error.get("loc")), []).append(_message(error))
    if not details:
        return {"code": "invalid", "message": _("Paramètres invalides.")}
    field, messages = next(iter(details.items()))
    others = sum(len(m) for m in details.values()) - 1
    first = messages[0].rstrip(".") if others else messages[0]
    message = _("Paramètre « %(field)s » : %(error)s") % {"field": field, "error": first}
    if others:
        message += " " + _("(et %(count)d autre(s) erreur(s), voir details).") % {"count": others}
    return {"code": "invalid", "message": message, "field": field, "details": details}
