"""The public preview of a resource's table: the helpers of the page (auzolan/datastore/views/preview.py) and the
"Aperçu des données" line added to each resource of the catalogue's dataset page (slot "dataset_resource" of
core.registry, registered in DatastoreConfig.ready).

Everything goes through the one query engine (`auzolan.datastore.query`): the page's GET parameters are the data
API's (`sort`, `q`, `col__contains`, `col__gte`, `col__lte`), plus `page` (20 rows a page, an offset underneath), so
that the links to the API and to the CSV export carry exactly the same filters.
"""

from __future__ import annotations

import datetime as dt
import decimal
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

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
    """The filter form: "contient" for text columns, min/max for numbers and dates."""
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
                    "min_value": params.get(f"{name}__gte", ""),
                    "min_id": f"filter-{index}-min",
                    "max_name": f"{name}__lte",
                    "max_value": params.get(f"{name}__lte", ""),
                    "max_id": f"filter-{index}-max",
                    "hint": _("AAAA-MM-JJ") if type_ in ("date", "datetime") else "",
                }
            )
        else:
            out.append(
                {
                    "kind": "contains",
                    "label": label,
                    "name": f"{name}__contains",
                    "value": params.get(f"{name}__contains", ""),
                    "id": f"filter-{index}",
                }
            )
    return out


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
                "min": display(entry.get("min"), column.get("type", "text")),
                "max": display(entry.get("max"), column.get("type", "text")),
                "top": [{"value": value, "count": count} for value, count in entry.get("top", [])],
            }
        )
    return rows


def display(value, type_: str = "") -> str:
    """A value as shown in French: dates JJ/MM/AAAA, decimal comma, oui/non; "" for a missing value."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and type_ in ("date", "datetime"):
        try:
            value = (dt.datetime if type_ == "datetime" else dt.date).fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, (float, decimal.Decimal)):
        return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",") if "e" not in str(value) else str(value)
    return str(value)


def cells(page_rows: list[dict], columns: list[dict]) -> list[list[dict]]:
    """Rows as lists of {"value", "numeric"} in the column order ("" for missing values)."""
    typed = [(c["name"], c.get("type", "text")) for c in columns]
    return [
        [{"value": display(row.get(name), type_), "numeric": type_ in query.NUMERIC} for name, type_ in typed]
        for row in page_rows
    ]


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
