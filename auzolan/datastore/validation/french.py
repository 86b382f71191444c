"""The French checks that Validata adds to Table Schema, declared in a schema's `custom_checks`.

Each check keeps Validata's error code (`french-siret-value`, `one-of-required`, `compare-columns-value`...).
As in Validata, a check is skipped when one of its columns is absent from the file, and an empty cell is
left to the `required` constraint. Unknown checks are reported as warnings, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from auzolan.core.validators import LA_POSTE_SIREN, luhn_valid
from auzolan.datastore.validation.positions import positions

INSEE_COMMUNE = re.compile(r"^(?:[013-9]\d|2[AB1-9])\d{3}$")
POSTAL_CODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$")
PHONE = re.compile(r"^(?:(?:\+|00)33 ?|0)[1-9](?:[ .-]?\d{2}){4}$|^(?:\+|00)(?!33)\d[\d .-]{6,18}$")
YEAR_INTERVAL = re.compile(r"^(\d{4})(?:/(\d{4}))?$")
ACTES = {
    "commande publique",
    "urbanisme",
    "domaine et patrimoine",
    "fonction publique",
    "institutions et vie politique",
    "libertes publiques et pouvoirs de police",
    "finances locales",
    "domaines de competences par themes",
    "autres domaines de competences",
}
# Bounding boxes (lon min, lat min, lon max, lat max): metropolitan France and Corsica, then the DROM.
FRANCE_BOXES = (
    (-5.5, 41.2, 10.0, 51.2),
    (-61.9, 15.8, -60.9, 16.6),  # Guadeloupe
    (-61.3, 14.3, -60.7, 14.9),  # Martinique
    (-54.7, 2.0, -51.5, 5.9),  # Guyane
    (55.1, -21.5, 55.9, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.5, 46.7, -56.1, 47.2),  # Saint-Pierre-et-Miquelon
)


def siret_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in value) % 5 == 0
    return luhn_valid(value)


def siren_valid(value: str) -> bool:
    return len(value) == 9 and value.isdigit() and luhn_valid(value)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in text if not unicodedata.combining(char))


def actes_valid(value: str) -> bool:
    return _plain(value) in ACTES


def insee_valid(value: str) -> bool:
    return INSEE_COMMUNE.match(value) is not None


def postal_valid(value: str) -> bool:
    return POSTAL_CODE.match(value) is not None


def phone_valid(value: str) -> bool:
    return PHONE.match(value.strip()) is not None


def gps_valid(value: str) -> bool:
    try:
        text = value.strip().strip("[]")
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        return False
    return any(x1 <= lon <= x2 and y1 <= lat <= y2 for x1, y1, x2, y2 in FRANCE_BOXES)


def year_interval_valid(value: str, allow_year_only: bool) -> bool:
    match = YEAR_INTERVAL.match(value)
    if not match:
        return False
    if match.group(2) is None:
        return allow_year_only
    return int(match.group(2)) > int(match.group(1))


VALUE_CHECKS = {
    "french-siret-value": siret_valid,
    "siret": siret_valid,
    "french-siren-value": siren_valid,
    "siren": siren_valid,
    "nomenclature-actes-value": actes_valid,
    "nomenclature-acte": actes_valid,
    "code-commune-insee": insee_valid,
    "french-insee-code-value": insee_valid,
    "code-postal": postal_valid,
    "french-postal-code-value": postal_valid,
    "phone-number-value": phone_valid,
    "french-gps-coordinates": gps_valid,
}


def _empty(plan, value) -> bool:
    return not isinstance(value, str) or value in plan.missing


def _value_check(kind: str, column: str, is_valid):
    cache: dict[str, bool] = {}

    def run(named, rows):
        if column not in named:
            return
        plan, values = named[column]
        bad = set()
        for value in set(values):
            if _empty(plan, value):
                continue
            ok = cache.get(value)
            if ok is None:
                if len(cache) > 100_000:
                    cache.clear()
                ok = cache[value] = is_valid(value)
            if not ok:
                bad.add(value)
        if bad:
            for offset, value in positions(values, bad):
                yield offset, kind, column, value, ""

    return run


def _one_of_required(column1: str, column2: str):
    def run(named, rows):
        if column1 not in named or column2 not in named:
            return
        plan1, values1 = named[column1]
        plan2, values2 = named[column2]
        specials1, specials2 = plan1.specials, plan2.specials
        if not (set(values1) & specials1 and set(values2) & specials2):
            return
        for offset, (first, second) in enumerate(zip(values1, values2, strict=True)):
            if first in specials1 and second in specials2:
                yield offset, "one-of-required", column1, "", ""

    return run


def _typed(plan, value):
    if _empty(plan, value):
        return None
    parsed = plan.lookup(value)[0]
    if parsed is None:
        return None
    if isinstance(parsed, str):
        try:
            return Decimal(parsed.strip())
        except InvalidOperation:
            return parsed
    return parsed


OPERATORS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}


def _compare(column: str, op: str, column2: str):
    compare = OPERATORS[op]

    def run(named, rows):
        if column not in named or column2 not in named:
            return
        plan1, values1 = named[column]
        plan2, values2 = named[column2]
        for offset, (first, second) in enumerate(zip(values1, values2, strict=True)):
            a, b = _typed(plan1, first), _typed(plan2, second)
            if a is None or b is None:
                continue
            try:
                ok = compare(a, b)
            except TypeError:
                continue
            if not ok:
                yield offset, "compare-columns-value", column, first, f"{column} {op} {column2}"

    return run


def _sum(column: str, columns: list[str]):
    def run(named, rows):
        if column not in named or any(name not in named for name in columns):
            return
        plan, values = named[column]
        parts = [named[name] for name in columns]
        for offset, value in enumerate(values):
            total = _typed(plan, value)
            if total is None:
                continue
            terms = [_typed(part_plan, part_values[offset]) for part_plan, part_values in parts]
            if any(term is None for term in terms):
                continue
            try:
                ok = sum(terms) == total
            except TypeError:
                continue
            if not ok:
                yield offset, "sum-columns-value", column, value, f"{column} = {' + '.join(columns)}"

    return run


def _cohesive(column: str, others: list[str]):
    names = [column, *others]

    def run(named, rows):
        if any(name not in named for name in names):
            return
        columns = [named[name] for name in names]
        for offset in range(len(columns[0][1])):
            filled = [not _empty(plan, values[offset]) for plan, values in columns]
            if any(filled) and not all(filled):
                yield offset, "cohesive-columns-value", column, columns[0][1][offset], ", ".join(names)

    return run


def _year_interval(column: str, allow_year_only: bool):
    return _value_check("year-interval-value", column, lambda value: year_interval_valid(value, allow_year_only))


def compile_checks(declared: list, by_name: dict, warnings: list[str]) -> list:
    """Turn a schema's `custom_checks` into functions `(columns by name, rows) -> errors`."""
    checks = []
    for item in declared if isinstance(declared, list) else []:
        if not isinstance(item, dict):
            continue
        name = item.get("name", "")
        params = item.get("params") or {}
        column = params.get("column") or params.get("column1")
        try:
            if name in VALUE_CHECKS and column:
                kind = "french-siret-value" if name == "siret" else "french-siren-value" if name == "siren" else name
                checks.append(_value_check(kind, column, VALUE_CHECKS[name]))
            elif name == "one-of-required" and column and params.get("column2"):
                checks.append(_one_of_required(column, params["column2"]))
            elif name == "compare-columns-value" and params.get("op") in OPERATORS:
                checks.append(_compare(column, params["op"], params["column2"]))
            elif name == "sum-columns-value" and isinstance(params.get("columns"), list):
                checks.append(_sum(column, params["columns"]))
            elif name == "cohesive-columns-value" and isinstance(params.get("othercolumns"), list):
                checks.append(_cohesive(column, params["othercolumns"]))
            elif name == "year-interval-value" and column:
                checks.append(_year_interval(column, str(params.get("allow-year-only", "")).lower() in ("yes", "true")))
            else:
                raise KeyError(name)
        except KeyError:
            warnings.append(
                _("Le contrôle « %(check)s » n'est pas pris en charge : il n'a pas été exécuté.") % {"check": name}
            )
    return checks


def describe(error: dict, field: dict) -> str:
    kind = error["type"]
    cell = error.get("cell", "")
    note = error.get("note", "")
    messages = {
        "french-siret-value": gettext_noop(
            "Numéro SIRET non valide : « %(cell)s » doit compter 14 chiffres et sa clé de contrôle (Luhn) doit être juste. Vérifiez-le sur annuaire-entreprises.data.gouv.fr."  # noqa: E501
        ),
        "french-siren-value": gettext_noop(
            "Numéro SIREN non valide : « %(cell)s » doit compter 9 chiffres et sa clé de contrôle (Luhn) doit être juste."  # noqa: E501
        ),
        "one-of-required": gettext_noop(
            "Renseignez au moins l'une des deux colonnes (identifiant SIRET ou numéro RNA par exemple)."
        ),
        "compare-columns-value": gettext_noop(
            "La valeur « %(cell)s » ne respecte pas la comparaison attendue : %(note)s."
        ),
        "sum-columns-value": gettext_noop("La valeur « %(cell)s » n'est pas la somme attendue : %(note)s."),
        "cohesive-columns-value": gettext_noop(
            "Les colonnes %(note)s doivent être toutes renseignées ou toutes vides."
        ),
        "year-interval-value": gettext_noop(
            "« %(cell)s » n'est pas une année (AAAA) ou une période (AAAA/AAAA, la seconde année après la première)."
        ),
        "nomenclature-actes-value": gettext_noop(
            "« %(cell)s » n'est pas une matière de la nomenclature ACTES (par exemple « Commande publique », « Urbanisme », « Finances locales »)."  # noqa: E501
        ),
        "code-commune-insee": gettext_noop(
            "« %(cell)s » n'est pas un code commune INSEE (5 caractères, par exemple 64102 ou 2A004)."
        ),
        "french-insee-code-value": gettext_noop(
            "« %(cell)s » n'est pas un code commune INSEE (5 caractères, par exemple 64102 ou 2A004)."
        ),
        "code-postal": gettext_noop("« %(cell)s » n'est pas un code postal français (5 chiffres, par exemple 64100)."),
        "french-postal-code-value": gettext_noop(
            "« %(cell)s » n'est pas un code postal français (5 chiffres, par exemple 64100)."
        ),
        "phone-number-value": gettext_noop(
            "« %(cell)s » n'est pas un numéro de téléphone valide (par exemple 05 59 00 00 00 ou +33 5 59 00 00 00)."
        ),
        "french-gps-coordinates": gettext_noop(
            "« %(cell)s » n'est pas un point en France : écrivez « longitude, latitude » (par exemple -1.47, 43.48), sans les inverser."  # noqa: E501
        ),
    }
    template = _(messages[kind]) if kind in messages else _("Erreur « %(kind)s » sur la valeur « %(cell)s ».")
    return template % {"cell": cell, "note": note, "kind": kind}


#: The error codes of the French checks (frictionless does not run them).
FRENCH_CODES = {
    "french-siret-value",
    "french-siren-value",
    "one-of-required",
    "compare-columns-value",
    "sum-columns-value",
    "cohesive-columns-value",
    "year-interval-value",
    "nomenclature-actes-value",
    "code-commune-insee",
    "french-insee-code-value",
    "code-postal",
    "french-postal-code-value",
    "phone-number-value",
    "french-gps-coordinates",
}
