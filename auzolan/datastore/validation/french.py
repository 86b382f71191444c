"""The French checks that Validata adds to Table Schema, declared in a schema's `custom_checks`.

Each check keeps Validata's error code (`french-siret-value`, `one-of-required`, `compare-columns-value`...).
As in Validata, a check is skipped when one of its columns is absent from the file, and an empty cell is
left to the `required` constraint. Unknown checks are reported as warnings, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from auzolan.core.validators import LA_POSTE_SIREN, ascii_digits, luhn_valid
from auzolan.datastore.validation.messages import gettext_noop
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
    if not ascii_digits(value, 14):
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in value) % 5 == 0
    return luhn_valid(value)


def siren_valid(value: str) -> bool:
    return ascii_digits(value, 9) and luhn_valid(value)


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


# --- The same checks in SQL (DuckDB), for the columnar path -------------------------------------------------
#
# Each function takes a SQL expression of type VARCHAR and returns a boolean SQL expression that is exactly the
# Python check above for every value made of printable ASCII characters (`PRINTABLE_ASCII_SQL`): there, `\d` is
# [0-9], `str.strip()` removes only spaces (like DuckDB's `trim`), `lower()` and NFKD change nothing but ASCII
# letters. Other values (rare) are judged in Python, one distinct value at a time.

PRINTABLE_ASCII_SQL = "regexp_full_match({c}, '[ -~]*')"


def _digits_key_sql(number: str, length: int) -> str:
    """True when `number` (the integer of `length` ASCII digits) has a valid Luhn key (digits read arithmetically)."""
    terms = []
    for power in range(length):  # power 0 is the rightmost digit, which is not doubled
        digit = f"({number} // {10**power} % 10)"
        terms.append(f"({digit} * 2 - 9 * ({digit} > 4)::INTEGER)" if power % 2 else digit)
    return f"(({' + '.join(terms)}) % 10 = 0)"


def _digit_sum_sql(number: str, length: int) -> str:
    return "(" + " + ".join(f"({number} // {10**power} % 10)" for power in range(length)) + ")"


# `number` is `c` read as an integer: TRY_CAST(c AS BIGINT), or a column computed once when the test runs on many
# values (DuckDB does not share the cast between the 14 digits otherwise: three times slower).


def siret_sql(c: str, number: str | None = None) -> str:
    number = number or f"TRY_CAST({c} AS BIGINT)"
    return (
        f"CASE WHEN regexp_full_match({c}, '[0-9]{{14}}') THEN "
        f"CASE WHEN starts_with({c}, '{LA_POSTE_SIREN}') THEN {_digit_sum_sql(number, 14)} % 5 = 0 "
        f"ELSE {_digits_key_sql(number, 14)} END ELSE false END"
    )


def siren_sql(c: str, number: str | None = None) -> str:
    number = number or f"TRY_CAST({c} AS BIGINT)"
    return f"CASE WHEN regexp_full_match({c}, '[0-9]{{9}}') THEN {_digits_key_sql(number, 9)} ELSE false END"


def actes_sql(c: str, number: str | None = None) -> str:
    items = ", ".join(f"'{item}'" for item in sorted(ACTES))
    return f"lower(trim({c})) IN ({items})"


def insee_sql(c: str, number: str | None = None) -> str:
    return f"regexp_full_match({c}, '(?:[013-9][0-9]|2[AB1-9])[0-9]{{3}}')"


def postal_sql(c: str, number: str | None = None) -> str:
    return f"regexp_full_match({c}, '(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{{3}}')"


def phone_sql(c: str, number: str | None = None) -> str:
    """PHONE without its look-ahead (RE2 has none): a foreign number is one whose prefix is not followed by 33."""
    text = f"trim({c})"
    french = r"(?:(?:\+|00)33 ?|0)[1-9](?:[ .-]?[0-9]{2}){4}"
    foreign = r"(?:\+|00)[0-9][0-9 .-]{6,18}"
    return (
        f"(regexp_full_match({text}, '{french}') OR "
        f"(regexp_full_match({text}, '{foreign}') AND NOT regexp_matches({text}, '^(?:\\+|00)33')))"
    )


GPS_SIMPLE_SQL = r"regexp_full_match({c}, '-?[0-9]{{1,3}}(\.[0-9]{{1,15}})?, ?-?[0-9]{{1,3}}(\.[0-9]{{1,15}})?')"


def gps_sql(c: str, number: str | None = None) -> str:
    """Exact on "lon, lat" written as plain decimals (the others go to Python, see `sql_domain`)."""
    lon = f"CAST(split_part({c}, ',', 1) AS DOUBLE)"
    lat = f"CAST(trim(split_part({c}, ',', 2)) AS DOUBLE)"
    boxes = " OR ".join(
        f"({lon} BETWEEN {x1} AND {x2} AND {lat} BETWEEN {y1} AND {y2})" for x1, y1, x2, y2 in FRANCE_BOXES
    )
    return f"CASE WHEN {GPS_SIMPLE_SQL.format(c=c)} THEN ({boxes}) ELSE false END"


def year_interval_sql(c: str, allow_year_only: bool) -> str:
    return (
        f"CASE WHEN regexp_full_match({c}, '[0-9]{{4}}') THEN {str(allow_year_only).lower()} "
        f"WHEN regexp_full_match({c}, '[0-9]{{4}}/[0-9]{{4}}') "
        f"THEN CAST(substr({c}, 6, 4) AS INTEGER) > CAST(substr({c}, 1, 4) AS INTEGER) ELSE false END"
    )


_SQL_OF = {
    siret_valid: siret_sql,
    siren_valid: siren_sql,
    actes_valid: actes_sql,
    insee_valid: insee_sql,
    postal_valid: postal_sql,
    phone_valid: phone_sql,
    gps_valid: gps_sql,
}
#: The SQL form of each value check, by the name a schema declares.
SQL_CHECKS = {name: _SQL_OF[function] for name, function in VALUE_CHECKS.items()}


# --- The checks declared in a schema -------------------------------------------------------------------------

ALIASES = {"siret": "french-siret-value", "siren": "french-siren-value"}
COLUMN_PAIRS = {"compare-columns-value", "sum-columns-value", "cohesive-columns-value"}


@dataclass(frozen=True)
class Check:
    """One supported item of `custom_checks`: its name as declared, its error code and its parameters."""

    name: str
    kind: str
    column: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_valid(self):
        """The Python test of a value check (looked up at call time)."""
        if self.name == "year-interval-value":
            allow = str(self.params.get("allow-year-only", "")).lower() in ("yes", "true")
            return lambda value: year_interval_valid(value, allow)
        return VALUE_CHECKS[self.name]

    def sql(self, c: str, number: str | None = None) -> str:
        """The SQL test of a value check, exact on the values of `sql_domain` (`number`: see `siret_sql`)."""
        if self.name == "year-interval-value":
            allow = str(self.params.get("allow-year-only", "")).lower() in ("yes", "true")
            return year_interval_sql(c, allow)
        return SQL_CHECKS[self.name](c, number)

    def sql_domain(self, c: str) -> str:
        """The values whose SQL verdict is exact (the others are judged in Python)."""
        if SQL_CHECKS.get(self.name) is gps_sql:
            return GPS_SIMPLE_SQL.format(c=c)
        return PRINTABLE_ASCII_SQL.format(c=c)

    @property
    def on_values(self) -> bool:
        return self.name in VALUE_CHECKS or self.name == "year-interval-value"


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_checks(declared) -> list[Check | str]:
    """The items of a schema's `custom_checks`, in order: a `Check` when supported, else the name (a warning)."""
    result: list[Check | str] = []
    for item in declared if isinstance(declared, list) else []:
        if not isinstance(item, dict):
            continue
        name = item.get("name", "")
        params = item.get("params") if isinstance(item.get("params"), dict) else {}
        column = _text(params.get("column")) or _text(params.get("column1"))
        supported = column is not None and (
            (isinstance(name, str) and name in VALUE_CHECKS)
            or name == "year-interval-value"
            or (name == "one-of-required" and _text(params.get("column2")))
            or (name == "compare-columns-value" and params.get("op") in OPERATORS and _text(params.get("column2")))
            or (name == "sum-columns-value" and _names(params.get("columns")))
            or (name == "cohesive-columns-value" and _names(params.get("othercolumns")))
        )
        if supported:
            result.append(Check(name=name, kind=ALIASES.get(name, name), column=column, params=params))
        else:
            result.append(name if isinstance(name, str) else str(name))
    return result


def _names(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _empty(plan, value) -> bool:
    """An empty cell is left to the `required` constraint: a missing value, or a cell absent from a short row."""
    return not isinstance(value, str) or value in plan.specials


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


def compile_checks(declared: list, by_name: dict, warnings: list[str]) -> list:
    """Turn a schema's `custom_checks` into functions `(columns by name, rows) -> errors`."""
    checks = []
    for check in parse_checks(declared):
        if isinstance(check, str):
            warnings.append(
                _("Le contrôle « %(check)s » n'est pas pris en charge : il n'a pas été exécuté.") % {"check": check}
            )
            continue
        params = check.params
        if check.on_values:
            checks.append(_value_check(check.kind, check.column, check.is_valid))
        elif check.name == "one-of-required":
            checks.append(_one_of_required(check.column, params["column2"]))
        elif check.name == "compare-columns-value":
            checks.append(_compare(check.column, params["op"], params["column2"]))
        elif check.name == "sum-columns-value":
            checks.append(_sum(check.column, params["columns"]))
        else:
            checks.append(_cohesive(check.column, params["othercolumns"]))
    return checks


MESSAGES = {
    "french-siret-value": gettext_noop(
        "Numéro SIRET non valide : « %(cell)s » doit compter 14 chiffres et sa clé de contrôle (Luhn) doit être juste. Vérifiez-le sur annuaire-entreprises.data.gouv.fr."  # noqa: E501
    ),
    "french-siren-value": gettext_noop(
        "Numéro SIREN non valide : « %(cell)s » doit compter 9 chiffres et sa clé de contrôle (Luhn) doit être juste."
    ),
    "one-of-required": gettext_noop(
        "Renseignez au moins l'une des deux colonnes (identifiant SIRET ou numéro RNA par exemple)."
    ),
    "compare-columns-value": gettext_noop("La valeur « %(cell)s » ne respecte pas la comparaison attendue : %(note)s."),
    "sum-columns-value": gettext_noop("La valeur « %(cell)s » n'est pas la somme attendue : %(note)s."),
    "cohesive-columns-value": gettext_noop("Les colonnes %(note)s doivent être toutes renseignées ou toutes vides."),
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


def describe(error: dict, field: dict, _=gettext) -> str:
    kind = error["type"]
    template = _(MESSAGES[kind]) if kind in MESSAGES else _("Erreur « %(kind)s » sur la valeur « %(cell)s ».")
    return template % {"cell": error.get("cell", ""), "note": error.get("note", ""), "kind": kind}


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
