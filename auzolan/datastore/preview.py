"""The public preview of a resource's table: the helpers of the page (auzolan/datastore/views/preview.py) and the
"Aperçu des données" line added to each resource of the catalogue's dataset page (slot "dataset_resource" of
core.registry, registered in hooks.py).

Everything goes through the one query engine (`auzolan.datastore.query`): the page's GET parameters are the data
API's (`sort`, `q`, `col__contains`, `col__gte`, `col__not`, `col`…), plus `page` (20 rows a page, an offset
underneath), so that the links to the API and to the CSV export carry exactly the same filters.

Filters for tables with many columns: a compact form (column, condition, value; `filtre_*` parameters that the page
turns into the API's `col__op=value` by a redirect, French numbers and dates accepted), the active filters as chips
that each remove one, and the full per-column form folded in a <details>. Values are written the page language's way
(`display`): grouped thousands and decimal comma as the charts write them; codes and years as stored.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auzolan.catalog.models import Resource
from auzolan.core.errors import ValidationError
from auzolan.datastore import query
from auzolan.datastore.models import Table

PAGE_SIZE = 20
#: Page numbers shown around the current one in the pagination.
WINDOW = 2
RANGE_TYPES = {"integer", "number", "date", "datetime"}
PAGE_PARAM = "page"


def preview_url(dataset, resource) -> str:
    return reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})


# --- Parameters -----------------------------------------------------------------------------------------------


def query_params(params: QueryDict) -> QueryDict:
    """The request's parameters for the query engine: without `page` nor empty values (an empty filter field)."""
    out = QueryDict(mutable=True)
    for key in params:
        if key == PAGE_PARAM:
            continue
        for value in params.getlist(key):
            if str(value).strip():
                out.appendlist(key, value.strip())
    return out


def page_number(params: QueryDict) -> int:
    raw = str(params.get(PAGE_PARAM) or "").strip()
    if not raw:
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1 or number > 10_000_000:
        raise ValidationError(_("Le numéro de page doit être un nombre entier positif."), field=PAGE_PARAM)
    return number


def build_query(params: QueryDict) -> tuple[query.Query, int]:
    """The engine's Query for one page of the preview, and the page number. Raises ValidationError (French)."""
    number = page_number(params)
    cleaned = query_params(params)
    for reserved in ("limit", "offset", "cursor", "fields"):
        cleaned.pop(reserved, None)
    parsed = query.parse_params(cleaned)
    parsed.limit = PAGE_SIZE
    parsed.offset = (number - 1) * PAGE_SIZE
    return parsed, number


def _url(base: str, params: QueryDict, **changes) -> str:
    out = params.copy()
    for key, value in changes.items():
        out.pop(key, None)
        if value not in (None, ""):
            out[key] = value
    encoded = out.urlencode()
    return f"{base}?{encoded}" if encoded else base


def api_urls(resource: Resource, params: QueryDict) -> dict:
    """The data API page and the exports (CSV, XLSX, JSON, Parquet) of the same filtered, sorted rows. The exports go
    through the preview's export page (views/exports.py): the file at once when small, a progress page when large."""
    cleaned = query_params(params)
    for reserved in ("limit", "offset", "cursor", "format", "raw"):
        cleaned.pop(reserved, None)
    base = f"/api/v1/resources/{resource.identifier}/data"
    encoded = cleaned.urlencode()
    links = {"api": f"{base}?{encoded}" if encoded else base}
    export = reverse("datastore:export", kwargs={"slug": resource.dataset.slug, "resource": resource.identifier})
    for fmt in ("csv", "xlsx", "json", "parquet"):
        links[fmt] = f"{export}?{urlencode({'format': fmt})}" + (f"&{encoded}" if encoded else "")
    return links


# --- Page parts -----------------------------------------------------------------------------------------------


def current_sort(params: QueryDict) -> tuple[str, bool]:
    """The first sort key of the page (`col` or `-col`): (column, descending); ("", False) if none."""
    keys = query._list(params.get("sort"))
    if not keys:
        return "", False
    key = keys[0]
    return (key[1:], True) if key.startswith("-") else (key, False)


def headers(columns: list[dict], base: str, params: QueryDict) -> list[dict]:
    """One sortable header per column: label, `aria-sort` value and the link that sorts by it (or reverses it)."""
    cleaned = query_params(params)
    sorted_by, descending = current_sort(params)
    out = []
    for column in columns:
        name = column["name"]
        active = name == sorted_by
        if active:
            aria, next_sort = ("descending", name) if descending else ("ascending", f"-{name}")
        else:
            aria, next_sort = "", name
        out.append(
            {
                "name": name,
                "label": column.get("label") or name,
                "type": column.get("type", "text"),
                "aria_sort": aria,
                "url": _url(base, cleaned, sort=next_sort),
                "next_descending": next_sort.startswith("-"),
            }
        )
    return out


def filter_fields(columns: list[dict], params: QueryDict) -> list[dict]:
    """The full per-column form: "contient" for text columns, from/to for numbers and dates (the first value of each
    parameter; `full_form_hidden` carries the others)."""

    def first(name: str) -> str:
        values = [v for v in params.getlist(name) if str(v).strip()]
        return values[0].strip() if values else ""

    out = []
    for index, column in enumerate(columns):
        name = column["name"]
        type_ = column.get("type", "text")
        label = column.get("label") or name
        if type_ in RANGE_TYPES:
            input_type = "date" if type_ == "date" else "text"
            out.append(
                {
                    "kind": "range",
                    "label": label,
                    "input_type": input_type,
                    "inputmode": "decimal" if type_ in ("integer", "number") else "",
                    "min_name": f"{name}__gte",
                    "min_value": first(f"{name}__gte"),
                    "min_id": f"filter-{index}-min",
                    "max_name": f"{name}__lte",
                    "max_value": first(f"{name}__lte"),
                    "max_id": f"filter-{index}-max",
                    "hint": _("AAAA-MM-JJ") if type_ == "datetime" else "",  # a date field has its own picker
                }
            )
        else:
            out.append(
                {
                    "kind": "contains",
                    "label": label,
                    "name": f"{name}__contains",
                    "value": first(f"{name}__contains"),
                    "id": f"filter-{index}",
                }
            )
    return out


def full_form_hidden(fields: list[dict], params: QueryDict) -> list[tuple[str, str]]:
    """The active filters the full form has no field for (`col__not`, `col=`…, a second value): hidden inputs, so
    that submitting the form keeps them."""
    shown = {}
    for field in fields:
        if field["kind"] == "range":
            shown[field["min_name"]] = field["min_value"]
            shown[field["max_name"]] = field["max_value"]
        else:
            shown[field["name"]] = field["value"]
    hidden = []
    for key, value in filter_pairs(params):
        if shown.get(key) == value:
            shown[key] = None  # its field holds it (once)
        else:
            hidden.append((key, value))
    return hidden


# --- Filters: the compact form, the chips, the full form ----------------------------------------------------

#: The compact form's parameters. They never reach the query: the page redirects to the same URL with the data API's
#: `col__op=value` instead, so that links, the API and the exports keep one set of parameters.
ADD_COLUMN = "filtre_colonne"
ADD_CONDITION = "filtre_condition"
ADD_VALUE = "filtre_valeur"
ADD_PARAMS = (ADD_COLUMN, ADD_CONDITION, ADD_VALUE)
ORDERED_TYPES = frozenset(RANGE_TYPES)
DATE_TYPES = frozenset({"date", "datetime"})
SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


@dataclass(frozen=True)
class Condition:
    """A choice of the compact form: the engine's operator, the column types it applies to (None: every type) and,
    for "est vide" / "n'est pas vide", the value it sends itself."""

    code: str
    label: str
    operator: str
    types: frozenset | None = None
    fixed: str = ""


CONDITIONS = (
    Condition("contains", gettext_lazy("contient"), "contains", frozenset({"text"})),
    Condition("exact", gettext_lazy("est égal à"), "exact"),
    Condition("not", gettext_lazy("est différent de"), "not"),
    Condition("gte", gettext_lazy("est supérieur ou égal à (à partir du, pour une date)"), "gte", ORDERED_TYPES),
    Condition("lte", gettext_lazy("est inférieur ou égal à (jusqu'au, pour une date)"), "lte", ORDERED_TYPES),
    Condition("gt", gettext_lazy("est supérieur à (après le, pour une date)"), "gt", ORDERED_TYPES),
    Condition("lt", gettext_lazy("est inférieur à (avant le, pour une date)"), "lt", ORDERED_TYPES),
    Condition("isnull", gettext_lazy("est vide"), "isnull", fixed="true"),
    Condition("notnull", gettext_lazy("n'est pas vide"), "isnull", fixed="false"),
)
_CONDITIONS = {c.code: c for c in CONDITIONS}


def is_adding(params: QueryDict) -> bool:
    return any(str(params.get(name) or "").strip() for name in ADD_PARAMS)


def without_added(params: QueryDict) -> QueryDict:
    """A copy of the parameters without the compact form's (a QueryDict stays a QueryDict)."""
    out = params.copy()
    for name in ADD_PARAMS:
        out.pop(name, None)
    return out


def _api_value(column: dict, text: str) -> str:
    """The value typed in the form (French numbers and dates accepted) as the data API reads it."""
    type_ = column.get("type", "text")
    name = column.get("label") or column["name"]
    try:
        if type_ == "integer":
            return str(int(SPACES.sub("", text)))
        if type_ == "number":
            number = decimal.Decimal(SPACES.sub("", text).replace(",", "."))
            if not number.is_finite() or not math.isfinite(float(number)):
                raise ValueError(text)
            return str(number)
        if type_ == "date":
            return _french_date(text).isoformat()
        if type_ == "datetime":
            return _french_datetime(text).isoformat()
        if type_ == "boolean":
            lowered = text.strip().lower()
            if lowered in ("oui", "vrai", "true", "1", "yes"):
                return "true"
            if lowered in ("non", "faux", "false", "0", "no"):
                return "false"
            raise ValueError(text)
    except (ValueError, decimal.InvalidOperation):
        expected = {
            "integer": _("un nombre entier, par exemple 1 234"),
            "number": _("un nombre, par exemple 1 234,5"),
            "date": _("une date JJ/MM/AAAA, par exemple 25/11/2026"),
            "datetime": _("une date et heure JJ/MM/AAAA HH:MM, par exemple 25/11/2026 14:30"),
            "boolean": _("oui ou non"),
        }[type_]
        raise ValidationError(
            _("« %(value)s » ne convient pas à la colonne « %(name)s » : écrivez %(expected)s.")
            % {"value": text[:100], "name": name, "expected": expected},
            field=ADD_VALUE,
        ) from None
    return text


def _french_date(text: str) -> dt.date:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _french_datetime(text: str) -> dt.datetime:
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


def added_filter_url(base: str, params: QueryDict, columns: list[dict]) -> str:
    """The page's URL with the compact form's filter written as the data API's parameter (`col__op=value`), the
    other parameters kept and the page number dropped. Raises ValidationError (French, naming the form's field)."""
    by_name = {c["name"]: c for c in columns}
    column = by_name.get(str(params.get(ADD_COLUMN) or "").strip())
    if column is None:
        raise ValidationError(_("Choisissez une colonne de la table."), field=ADD_COLUMN)
    condition = _CONDITIONS.get(str(params.get(ADD_CONDITION) or "").strip())
    if condition is None:
        raise ValidationError(_("Choisissez une condition dans la liste."), field=ADD_CONDITION)
    type_ = column.get("type", "text")
    if condition.types is not None and type_ not in condition.types:
        raise ValidationError(
            _("La condition « %(condition)s » ne s'applique pas à la colonne « %(name)s » (%(type)s).")
            % {
                "condition": condition.label,
                "name": column.get("label") or column["name"],
                "type": dict(Table.ColumnType.choices).get(type_, type_),
            },
            field=ADD_CONDITION,
        )
    if condition.fixed:
        value = condition.fixed
    else:
        text = str(params.get(ADD_VALUE) or "").strip()[:200]
        if not text:
            raise ValidationError(_("Indiquez une valeur pour ce filtre."), field=ADD_VALUE)
        value = _api_value(column, text)
    key = column["name"] if condition.operator == "exact" else f"{column['name']}__{condition.operator}"
    out = without_added(params)
    out.pop(PAGE_PARAM, None)
    if value not in out.getlist(key):
        out.appendlist(key, value)
    encoded = out.urlencode()
    return f"{base}?{encoded}" if encoded else base


def add_filter_form(columns: list[dict], params: QueryDict, error: ValidationError | None = None) -> dict:
    """The compact form: column and condition choices (with the types each condition applies to, for the script
    that hides the others), the values sent, and the error to show next to its field."""
    types = dict(Table.ColumnType.choices)
    return {
        "columns": [
            {
                "name": c["name"],
                "label": c.get("label") or c["name"],
                "type": c.get("type", "text"),
                "type_label": types.get(c.get("type", "text"), ""),
            }
            for c in columns
        ],
        "conditions": [
            {"code": c.code, "label": c.label, "types": " ".join(sorted(c.types)) if c.types else "", "fixed": c.fixed}
            for c in CONDITIONS
        ],
        "column": str(params.get(ADD_COLUMN) or ""),
        "condition": str(params.get(ADD_CONDITION) or "contains"),
        "value": str(params.get(ADD_VALUE) or ""),
        "error": error.message if error else "",
        "error_field": (error.field or ADD_VALUE) if error else "",
    }


def filter_pairs(params: QueryDict) -> list[tuple[str, str]]:
    """The active column filters as (parameter, value) pairs, in the URL's order."""
    cleaned = query_params(params)
    return [(key, value) for key in cleaned if key not in query.RESERVED for value in cleaned.getlist(key)]


def _split(key: str) -> tuple[str, str]:
    if "__" in key:
        head, _sep, tail = key.rpartition("__")
        if tail in query.OPERATORS:
            return head, tail
    return key, "exact"


def _typed(type_: str, raw: str):
    """A filter's value from the URL as its column's type, for writing it back in words (the raw text if it is not
    one: the query engine reports that error)."""
    text = raw.strip()
    try:
        if type_ == "integer":
            return int(text)
        if type_ == "number":
            return float(text.replace(",", "."))
        if type_ == "date":
            return dt.date.fromisoformat(text)
        if type_ == "datetime":
            return dt.datetime.fromisoformat(text)
    except ValueError:
        return raw
    if type_ == "boolean" and text.lower() in ("true", "1", "oui", "vrai", "yes", "false", "0", "non", "faux", "no"):
        return text.lower() in ("true", "1", "oui", "vrai", "yes")
    return raw


def _chip_value(column: dict | None, operator: str, raw: str) -> str:
    if column is None:
        return raw
    type_, style = column.get("type", "text"), number_style(column)
    parts = query._list(raw) if operator == "in" else [raw]
    return ", ".join(display(_typed(type_, part), type_, style=style) for part in parts)


def chip_label(column: dict | None, name: str, operator: str, raw: str) -> str:
    """A filter in words: "montant est supérieur ou égal à 1 000", "date avant le 01/01/2025"…"""
    label = (column.get("label") or column["name"]) if column else name
    value = _chip_value(column, operator, raw)
    type_ = column.get("type", "text") if column else "text"
    quoted = type_ == "text"
    if operator == "isnull":
        empty = raw.strip().lower() in ("true", "1")
        template = _("%(column)s est vide") if empty else _("%(column)s n'est pas vide")
        return template % {"column": label}
    dated = type_ in DATE_TYPES
    templates = {
        "contains": _("%(column)s contient « %(value)s »"),
        "exact": _("%(column)s est égal à « %(value)s »") if quoted else _("%(column)s est égal à %(value)s"),
        "not": _("%(column)s est différent de « %(value)s »") if quoted else _("%(column)s est différent de %(value)s"),
        "in": _("%(column)s est l'une des valeurs : %(value)s"),
        "gte": _("%(column)s à partir du %(value)s") if dated else _("%(column)s est supérieur ou égal à %(value)s"),
        "lte": _("%(column)s jusqu'au %(value)s") if dated else _("%(column)s est inférieur ou égal à %(value)s"),
        "gt": _("%(column)s après le %(value)s") if dated else _("%(column)s est supérieur à %(value)s"),
        "lt": _("%(column)s avant le %(value)s") if dated else _("%(column)s est inférieur à %(value)s"),
    }
    return templates[operator] % {"column": label, "value": value}


def filter_chips(columns: list[dict], base: str, params: QueryDict) -> list[dict]:
    """One chip per active filter: its words and the URL of the page without it (page number dropped)."""
    by_name = {c["name"]: c for c in columns}
    cleaned = query_params(params)
    chips = []
    for key, value in filter_pairs(params):
        name, operator = _split(key)
        rest = cleaned.copy()
        rest.setlist(key, [v for v in cleaned.getlist(key) if v != value])
        if not rest.getlist(key):
            rest.pop(key)
        encoded = rest.urlencode()
        chips.append(
            {
                "label": chip_label(by_name.get(name), name, operator, value),
                "url": f"{base}?{encoded}" if encoded else base,
            }
        )
    return chips


def without_filters_url(base: str, params: QueryDict) -> str:
    """The page with the search, the sort and the chart kept, every column filter removed."""
    kept = QueryDict(mutable=True)
    for key, values in query_params(params).lists():
        if key in query.RESERVED:
            kept.setlist(key, values)
    encoded = kept.urlencode()
    return f"{base}?{encoded}" if encoded else base


def active_filter_count(params: QueryDict) -> int:
    cleaned = query_params(params)
    return sum(1 for key in cleaned if key not in query.RESERVED)


def pagination(base: str, params: QueryDict, number: int, total: int) -> dict:
    """Page links (first, a window around the current page, last), previous/next. Stable URLs (`?page=N`)."""
    last = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    cleaned = query_params(params)

    def link(n: int) -> str:
        return _url(base, cleaned, page=str(n) if n > 1 else None)

    wanted = {1, last, *range(max(1, number - WINDOW), min(last, number + WINDOW) + 1)}
    items, previous = [], 0
    for n in sorted(wanted):
        if previous and n > previous + 1:
            items.append({"number": 0, "url": ""})
        items.append({"number": n, "url": link(n)})
        previous = n
    return {
        "items": items if last > 1 else [],
        "number": number,
        "last": last,
        "previous_url": link(number - 1) if number > 1 else "",
        "next_url": link(number + 1) if number < last else "",
    }


def stats_rows(columns: list[dict], stats: dict) -> list[dict]:
    """The statistics panel: one row per column (label, type, filled, missing, distinct, min, max, top values)."""
    types = dict(Table.ColumnType.choices)
    per_column = (stats or {}).get("columns", {})
    rows = []
    for column in columns:
        entry = per_column.get(column["name"])
        if entry is None:
            continue
        rows.append(
            {
                "label": column.get("label") or column["name"],
                "type": types.get(column.get("type", "text"), column.get("type", "")),
                "filled": entry.get("filled", 0),
                "missing": entry.get("missing", 0),
                "distinct": entry.get("distinct", 0),
                "min": display(entry.get("min"), column.get("type", "text"), style=number_style(column)),
                "max": display(entry.get("max"), column.get("type", "text"), style=number_style(column)),
                "top": [{"value": value, "count": count} for value, count in entry.get("top", [])],
                "numeric": column.get("type", "text") in query.NUMERIC,
            }
        )
    return rows


#: Words of a column name that make its integers identifiers or years, never written with grouped thousands
#: (an INSEE code 64102, a year 2025, a SIRET, a postal code, a phone number).
IDENTIFIER_WORDS = {
    "annee",
    "code",
    "codes",
    "cog",
    "cp",
    "exercice",
    "finess",
    "id",
    "identifiant",
    "insee",
    "matricule",
    "millesime",
    "no",
    "num",
    "numero",
    "postal",
    "ref",
    "reference",
    "rna",
    "siren",
    "siret",
    "tel",
    "telephone",
    "uai",
    "uid",
    "year",
}


def _name_words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # idBeneficiaire → id_Beneficiaire
    text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    return set(re.split(r"[^a-z0-9]+", text)) - {""}


def number_style(column: dict) -> str:
    """How a numeric column's values are written: "amount" (grouped thousands, decimal comma) for amounts and
    counts, "code" (as stored: 64102, 2025, 7.5) for identifiers, codes and years; "" for other columns."""
    if column.get("type", "text") not in query.NUMERIC:
        return ""
    return "code" if _name_words(column["name"]) & IDENTIFIER_WORDS else "amount"


def display(value, type_: str = "", *, style: str = "") -> str:
    """A value as written in the page's language (French first): dates JJ/MM/AAAA, numbers with a decimal comma and
    every decimal kept, thousands grouped by a non-breaking space in the "amount" style (as the charts write them),
    codes and years as they are stored in the "code" style, oui/non; "" for a missing value."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and type_ in ("date", "datetime"):
        try:
            value = (dt.datetime if type_ == "datetime" else dt.date).fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        clock = value.strftime("%H:%M:%S" if value.second else "%H:%M")
        return f"{formats.date_format(value, 'SHORT_DATE_FORMAT')} {clock}"
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        value = int(value) if value.is_integer() and abs(value) < 1e15 else decimal.Decimal(repr(value))
    if isinstance(value, (int, decimal.Decimal)):
        if style == "code":
            return str(value)
        return formats.number_format(value, use_l10n=True, force_grouping=style == "amount")
    return str(value)


def iso(value, type_: str = "") -> str:
    """The machine-readable form of a date or date-time value (for `<time datetime>`), "" otherwise."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and type_ in ("date", "datetime"):
        try:
            return (dt.datetime if type_ == "datetime" else dt.date).fromisoformat(value).isoformat()
        except ValueError:
            return ""
    return ""


#: Values up to this length stay on one line in the rows (codes, dates, short names); longer texts wrap.
SHORT_VALUE = 24


def cells(page_rows: list[dict], columns: list[dict]) -> list[list[dict]]:
    """Rows as lists of {"value", "numeric", "iso", "short"} in the column order ("" for missing values)."""
    typed = [(c["name"], c.get("type", "text"), number_style(c)) for c in columns]
    out = []
    for row in page_rows:
        line = []
        for name, type_, style in typed:
            text = display(row.get(name), type_, style=style)
            line.append(
                {
                    "value": text,
                    "numeric": type_ in query.NUMERIC,
                    "iso": iso(row.get(name), type_),
                    "short": len(text) <= SHORT_VALUE,
                }
            )
        out.append(line)
    return out


# --- The line on the catalogue's dataset page --------------------------------------------------------------


def resource_section(request, resource) -> dict | None:
    """{"url", "rows"} for a file resource with a ready current table; None hides the line.

    The current tables of all the dataset's resources are read once per request (one query per dataset page)."""
    if resource.kind != Resource.Kind.FILE or not resource.current_version_id:
        return None
    dataset = resource.dataset
    cache = getattr(request, "_auzolan_preview", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._auzolan_preview = cache
    if dataset.pk not in cache:
        cache[dataset.pk] = dict(
            Table.objects.filter(resource__dataset_id=dataset.pk, is_current=True, state=Table.State.READY).values_list(
                "resource_id", "row_count"
            )
        )
    rows = cache[dataset.pk].get(resource.pk)
    if rows is None:
        return None
    return {"url": preview_url(dataset, resource), "rows": rows}
