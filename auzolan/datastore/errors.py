"""DuckDB's errors in French, for people: never the engine's own English text, its internal type names or a path.

`explain(error)` returns a code and a French message; the few cases that help someone fix a request (an unknown
column, table or function, a value that does not convert) name what was wrong, the others say what kind of problem
it was."""

from __future__ import annotations

import re

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_COLUMN = re.compile(r'Referenced column "([^"]{1,100})" not found')
_TABLE = re.compile(r"Table with name ([\w.]{1,100}) does not exist")
_FUNCTION = re.compile(r"Function with name ([\w.]{1,100}) does not exist")
_NEAR = re.compile(r'syntax error at or near "([^"]{1,60})"')
_CONVERT = re.compile(r"Could not convert string '([^']{0,100})' to (\w+)")
_INTEGER = gettext_lazy("entier")
_NUMBER = gettext_lazy("nombre")
_BOOLEAN = gettext_lazy("booléen")
_TYPES = {
    "INT8": _INTEGER,
    "INT16": _INTEGER,
    "INT32": _INTEGER,
    "INT64": _INTEGER,
    "INT128": _INTEGER,
    "UINT8": _INTEGER,
    "UINT16": _INTEGER,
    "UINT32": _INTEGER,
    "UINT64": _INTEGER,
    "DOUBLE": _NUMBER,
    "FLOAT": _NUMBER,
    "DECIMAL": _NUMBER,
    "DATE": gettext_lazy("date"),
    "TIMESTAMP": gettext_lazy("date et heure"),
    "BOOL": _BOOLEAN,
    "BOOLEAN": _BOOLEAN,
}


def explain(error: duckdb.Error) -> tuple[str, str]:
    """(code, French message) for a DuckDB error."""
    text = str(error)
    if isinstance(error, duckdb.ConversionException):
        match = _CONVERT.search(text)
        if match:
            kind = _TYPES.get(match.group(2).upper(), _("valeur du type attendu"))
            return "conversion-error", _("La valeur « %(value)s » ne peut pas être lue comme %(type)s.") % {
                "value": match.group(1),
                "type": kind,
            }
        return "conversion-error", _(
            "Une valeur ne peut pas être convertie dans le type demandé (nombre trop grand, date impossible…)."
        )
    if isinstance(error, duckdb.OutOfRangeException):
        return "out-of-range", _("Un calcul dépasse les limites de son type (nombre trop grand).")
    if isinstance(error, duckdb.InvalidInputException):
        return "invalid-value", _("Une valeur fournie est invalide ou trop grande.")
    if isinstance(error, duckdb.ParserException):
        near = _NEAR.search(text)
        if near:
            return "syntax-error", _("La requête contient une erreur de syntaxe près de « %(near)s ».") % {
                "near": near.group(1)
            }
        if "expression depth" in text:
            return "syntax-error", _("La requête imbrique trop d'expressions : simplifiez-la.")
        return "syntax-error", _("La requête contient une erreur de syntaxe.")
    if isinstance(error, duckdb.BinderException | duckdb.CatalogException):
        for pattern, message in (
            (_COLUMN, _("Colonne inconnue : « %(name)s ».")),
            (_TABLE, _("Table inconnue : « %(name)s ».")),
            (_FUNCTION, _("Fonction inconnue : « %(name)s ».")),
        ):
            match = pattern.search(text)
            if match:
                return "unknown-name", message % {"name": match.group(1)}
        return "invalid-query", _(
            "Requête impossible à évaluer : vérifiez les noms de colonnes, les fonctions et les types des valeurs."
        )
    if isinstance(error, duckdb.IOException):
        return "unreadable", _("Les données de cette table sont momentanément illisibles : réessayez plus tard.")
    return "query-error", _("La requête n'a pas pu être exécutée.")
