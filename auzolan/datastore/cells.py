"""What a cell of a French authority's table holds besides a plain value: placeholders for a missing value, units,
identifiers that look like numbers. Constants and SQL fragments for the ingestion's typing (`ingestion/casts.py`), and
the test the chart builder uses to never sum an identifier.

- Placeholders (`N/A`, `-`, `nd`, `n.d.`, `s.o.`, `NC`, Excel's `#N/A`…) are missing values in a typed column: the
  column gets the type of its other cells, the placeholders load as empty cells and the load report counts them.
  In a text column they stay as written.
- Units written after a number (`1 234,5 €`, `12 %`, `3 k€`, `250 m²`) are stripped; the column's unit goes to the
  data dictionary. A column in one unit keeps its numbers as written (`3 k€` is 3 with the unit k€: the figures
  match the source document); a column mixing multiples of one unit (€, k€, M€; kWh, MWh, GWh) is converted to the
  base unit (€, kWh). Units of different kinds (€ and %) leave the column as text.
- Identifiers (SIRET, SIREN, INSEE codes, postal codes, phone numbers, `idAttribuant`…) stay text: by name, by
  value (14 digits; 9 digits passing the Luhn check; `+` and 8 to 15 digits; a leading zero) and, in a spreadsheet,
  when the cells are text. A column named exactly `id` (a row number) stays an integer but is an identifier too:
  never summed nor averaged.
"""

from __future__ import annotations

import re
import unicodedata

#: Missing-value markers, compared in lower case after trimming.
PLACEHOLDERS = (
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "#n/d",
    "-",
    "--",
    "–",
    "—",
    "nd",
    "n.d.",
    "n.d",
    "nc",
    "n.c.",
    "nr",
    "n.r.",
    "so",
    "s.o.",
    "s/o",
    "sans objet",
    "non disponible",
    "non communiqué",
    "non renseigné",
    "?",
    "/",
    ".",
    "...",
    "…",
    "#valeur!",
    "#div/0!",
    "#ref!",
    "#nom?",
    "#nombre!",
)

#: Units as written (lower case) → the unit recorded.
UNITS = {
    "€": "€",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "k€": "k€",
    "keur": "k€",
    "m€": "M€",
    "meur": "M€",
    "%": "%",
    "m²": "m²",
    "m2": "m²",
    "m³": "m³",
    "m3": "m³",
    "km": "km",
    "ha": "ha",
    "kg": "kg",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
}
#: Recorded unit → (base unit, factor): multiples of one unit mixed in a column are converted to the base.
MULTIPLES = {
    "€": ("€", 1),
    "k€": ("€", 1_000),
    "M€": ("€", 1_000_000),
    "kWh": ("kWh", 1),
    "MWh": ("kWh", 1_000),
    "GWh": ("kWh", 1_000_000),
}
SPACES = " \u00a0\u202f"


def unit_re(recorded: tuple[str, ...] | None = None) -> str:
    """A number, optional spaces, a unit at the end (any unit, or the spellings of the `recorded` units), case
    insensitive. Group 1: the number, group 2: the unit as written."""
    spelled = [u for u, r in UNITS.items() if recorded is None or r in recorded]
    alternatives = "|".join(re.escape(u) for u in sorted(spelled, key=len, reverse=True))
    return "(?i)^(.*[0-9])[" + SPACES + "]*(" + alternatives + ")$"


UNIT_RE = unit_re()


def lit(text: str) -> str:
    """A SQL string literal of a constant of the datastore (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def placeholder_sql(value: str) -> str:
    """SQL condition: the (trimmed, non-NULL) text `value` is a placeholder."""
    return f"lower({value}) IN ({', '.join(lit(p) for p in PLACEHOLDERS)})"


def unit_sql(value: str) -> str:
    """SQL: the recorded unit of a text `value` ending with a unit after a number, '' otherwise."""
    spelled = f"lower(regexp_extract({value}, {lit(UNIT_RE)}, 2))"
    cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in UNITS.items())
    return f"(CASE {spelled} {cases} ELSE '' END)"


def bare_sql(value: str, recorded: tuple[str, ...] | None = None) -> str:
    """SQL: the number part of a text `value` that ends with a unit (any, or one of the `recorded` units), or
    `value` itself."""
    pattern = lit(unit_re(recorded))
    return f"(CASE WHEN regexp_matches({value}, {pattern}) THEN regexp_extract({value}, {pattern}, 1) ELSE {value} END)"


def unit_choice(units: list[str]) -> tuple[str, dict[str, int]] | None:
    """The column's unit and the factor of each unit found ({} when nothing is converted), or None when the units
    do not mix (€ and %): the column is then text."""
    found = sorted(set(units))
    if not found:
        return "", {}
    if len(found) == 1:
        return found[0], {}
    bases = {MULTIPLES.get(u, (u, 1))[0] for u in found}
    if len(bases) != 1 or not all(u in MULTIPLES for u in found):
        return None
    base = bases.pop()
    return base, {u: MULTIPLES[u][1] for u in found}


def factor_sql(value: str, factors: dict[str, int]) -> str:
    """SQL: the factor that converts the unit of a text `value` to the base unit."""
    spelled = f"lower(regexp_extract({value}, {lit(unit_re(tuple(factors)))}, 2))"
    cases = " ".join(f"WHEN {lit(k)} THEN {factors[v]}" for k, v in UNITS.items() if v in factors)
    return f"(CASE {spelled} {cases} ELSE 1 END)"


def luhn_sql(value: str, length: int) -> str:
    """SQL: the `length` digits of `value` pass the Luhn check (SIREN, SIRET); only call it on such a value."""
    digits = f"TRY_CAST(substr({value}, {length + 1} - i, 1) AS INTEGER)"
    doubled = f"(CASE WHEN 2 * {digits} > 9 THEN 2 * {digits} - 9 ELSE 2 * {digits} END)"
    each = f"lambda i: CASE WHEN i % 2 = 0 THEN {doubled} ELSE {digits} END"
    return f"(list_sum(list_transform(range(1, {length + 1}), {each})) % 10 = 0)"


# --- Identifiers by name -------------------------------------------------------------------------------------

#: Words that make a column an identifier wherever they are in its name.
IDENTIFIER_WORDS = {
    "siret",
    "siren",
    "insee",
    "codeinsee",
    "cog",
    "codgeo",
    "depcom",
    "postal",
    "codepostal",
    "zip",
    "zipcode",
    "cedex",
    "telephone",
    "tel",
    "phone",
    "fax",
    "identifiant",
    "rna",
    "finess",
    "uai",
    "iban",
    "nir",
    "matricule",
    "id",
}
#: Words that make a column an identifier when its name starts with them ("code commune", "numéro de dossier",
#: "cp"; not "année de référence", "effectif CP").
IDENTIFIER_FIRST_WORDS = {"code", "numero", "ref", "reference", "cp"}


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)  # idAttribuant → id Attribuant
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def identifier_name(name: str) -> str:
    """'row-number' for a column named exactly `id`, 'identifier' for a name that says identifier, else ''."""
    words = _words(name)
    if words == ["id"]:
        return "row-number"
    if words and (words[0] in IDENTIFIER_FIRST_WORDS or IDENTIFIER_WORDS.intersection(words)):
        return "identifier"
    return ""


def is_identifier(column: dict) -> bool:
    """The chart builder's test: a column to count or group by, never to sum or average."""
    return bool(column.get("identifier")) or bool(identifier_name(column.get("name", "")))
