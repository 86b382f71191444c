"""What the datastore adds to the CKAN Action API (`catalog.ckan`): the action `datastore_search` and the resource
key `datastore_active`, both registered in `hooks.py`.

`datastore_search` reads a resource's current table through the one query engine (`datastore.query`): CKAN's
parameters are turned into its `Query` (filters, full text, fields, sort, limit, offset), and its page into CKAN's
answer: the request echoed, `fields` (`_id` first), `records` (objects or lists) with `_id` (the row's number in the
file, from 1), `total`, `total_was_estimated` and `_links`. Limits: `limit` at most 1000 (the engine's bound; CKAN
allows 32,000), default 100.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.catalog.ckan import params
from auzolan.catalog.ckan.actions import Context, not_found, search_limits
from auzolan.catalog.ckan.params import ActionError
from auzolan.catalog.models import Resource
from auzolan.core import ratelimit
from auzolan.core.inputs import MAX_OFFSET
from auzolan.core.permissions import can
from auzolan.datastore import query as engine
from auzolan.datastore import selectors
from auzolan.datastore.models import Table

LIMIT_DEFAULT = 100
LIMIT_MAX = engine.MAX_LIMIT
ROW_ID = "_id"
#: The engine's column types → CKAN's (PostgreSQL's names, as the CKAN datastore reports them).
TYPES = {"integer": "int", "number": "numeric", "date": "date", "datetime": "timestamp", "boolean": "bool"}


def datastore_active(resources: list[Resource]) -> dict[int, dict]:
    """`datastore_active`: whether the resource has a table ready to query (one query for the whole list)."""
    ids = [r.pk for r in resources]
    ready = set(
        Table.objects.filter(resource_id__in=ids, is_current=True, state=Table.State.READY).values_list(
            "resource_id", flat=True
        )
    )
    return {pk: {"datastore_active": pk in ready} for pk in ids}


def _table(context: Context, key: str) -> tuple[Resource, Table]:
    if not key:
        raise ActionError(_("Ce paramètre est obligatoire."), field="resource_id")
    try:
        identifier = uuid.UUID(key)
    except ValueError:
        raise not_found(_("Ressource introuvable : %(id)s.") % {"id": key[:100]}) from None
    resource = Resource.objects.select_related("dataset").filter(Q(identifier=identifier)).first()
    if resource is None or not can(context.user, "catalog.view_dataset", resource.dataset):
        raise not_found(_("Ressource introuvable : %(id)s.") % {"id": key[:100]})
    table = selectors.current_table(resource)
    if table is None or table.state != Table.State.READY:
        raise not_found(_("Cette ressource n'a pas de table interrogeable dans le datastore."))
    return resource, table


def _filters(data: dict, columns: set[str]) -> tuple[dict, list[engine.Filter]]:
    raw = params.json_object(data, "filters")
    filters = []
    for name, value in raw.items():
        if name not in columns:
            raise ActionError(
                _("Colonne inconnue dans filters : %(name)s.") % {"name": str(name)[:100]}, field="filters"
            )
        if isinstance(value, list):
            if len(value) > params.MAX_LIST or any(isinstance(v, (list, dict)) for v in value):
                raise ActionError(_("Une liste de filters contient des valeurs invalides."), field="filters")
            filters.append(engine.Filter(name, "in", [v for v in value if v is not None]))
        elif isinstance(value, dict):
            raise ActionError(
                _("Les opérateurs de filters ne sont pas pris en charge : donnez une valeur ou une liste."),
                field="filters",
            )
        elif value is None:
            filters.append(engine.Filter(name, "isnull", "true"))
        else:
            filters.append(engine.Filter(name, "exact", value))
    return raw, filters


def _q(data: dict, columns: set[str]) -> tuple[object, str, list[engine.Filter]]:
    """`q` as a text over every text column, or as {column: text} (each a contains filter)."""
    raw = data.get("q")
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    raw = params.decoded(raw, "q") if isinstance(raw, str) and raw.strip().startswith("{") else raw
    if isinstance(raw, dict):
        filters = []
        for name, value in raw.items():
            if name not in columns or isinstance(value, (dict, list)):
                raise ActionError(_("Colonne inconnue dans q : %(name)s.") % {"name": str(name)[:100]}, field="q")
            filters.append(engine.Filter(name, "contains", str(value)[: engine.MAX_TEXT_LENGTH]))
        return raw, "", filters
    text = params.text(data, "q", max_length=engine.MAX_TEXT_LENGTH).strip()
    return text, text, []


def _sort(data: dict) -> list[str]:
    keys = []
    for part in params.string_list(data, "sort", comma=True):
        words = part.split()
        descending = len(words) >= 2 and words[1].lower() == "desc"
        if len(words) > 4 or (len(words) >= 2 and words[1].lower() not in ("asc", "desc")):
            raise ActionError(
                _("Tri illisible : « %(sort)s » (attendu : colonne asc|desc).") % {"sort": part[:60]}, field="sort"
            )
        if words[0].strip('"') == ROW_ID:
            if descending:
                raise ActionError(_("Le tri décroissant sur _id n'est pas pris en charge."), field="sort")
            break  # the engine's last key is the row number: _id asc is its own order
        keys.append(f"{'-' if descending else ''}{words[0].strip(chr(34))}")
    return keys


def _links(resource_id: str, data: dict, offset: int, limit: int) -> dict:
    path = reverse("ckan:action", kwargs={"name": "datastore_search"})
    kept = {k: v for k, v in data.items() if k not in ("offset", "resource_id", "id") and isinstance(v, (str, int))}
    start = f"{path}?{urlencode({'resource_id': resource_id, **kept})}"
    following = urlencode({"resource_id": resource_id, **kept, "offset": offset + limit})
    links = {"start": start, "next": f"{path}?{following}"}
    if offset:
        links["prev"] = f"{path}?{urlencode({'resource_id': resource_id, **kept, 'offset': max(0, offset - limit)})}"
    return links


def datastore_search(context: Context, data: dict) -> dict:
    """Rows of a resource's table, filtered, searched, sorted and paged.

    :param resource_id: the identifier of the resource (`id` also accepted)
    :type resource_id: string
    :param filters: equality per column: `{"commune": "Bayonne"}`; a list is "one of": `{"annee": [2023, 2024]}`
    :type filters: dictionary
    :param q: words searched in the text columns (a row matches when every word begins one of its words, in any
        text column; case and accents ignored), or `{"column": "text"}` (a text contained in that column)
    :type q: string or dictionary
    :param fields: the columns to return (list or comma-separated; all by default)
    :type fields: list or string
    :param sort: `"column, other desc"`
    :type sort: string
    :param limit: rows (default 100, at most 1000)
    :type limit: int
    :param offset: rows to skip
    :type offset: int
    :param include_total: count the matching rows (default true)
    :type include_total: bool
    :param records_format: `objects` (default) or `lists`
    :type records_format: string
    :rtype: dictionary with `fields`, `records`, `total`, `_links`
    """
    with ratelimit.limit(context.request, "ckan-datastore", **search_limits()):
        return _datastore_search(context, data)


def _datastore_search(context: Context, data: dict) -> dict:
    key = (params.text(data, "resource_id", max_length=200) or params.text(data, "id", max_length=200)).strip()
    resource, table = _table(context, key)
    columns = {c["name"] for c in table.columns}
    limit = params.integer(data, "limit", LIMIT_DEFAULT, minimum=0, maximum=LIMIT_MAX)
    offset = params.integer(data, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    include_total = params.boolean(data, "include_total", True)
    records_format = params.text(data, "records_format", "objects", max_length=20) or "objects"
    if records_format not in ("objects", "lists"):
        raise ActionError(
            _("records_format accepte objects ou lists (csv et tsv ne sont pas proposés)."), field="records_format"
        )
    raw_filters, filters = _filters(data, columns)
    raw_q, text, q_filters = _q(data, columns)
    fields = [f for f in params.string_list(data, "fields", comma=True) if f != ROW_ID] or None
    sort = _sort(data)
    query = engine.Query(
        filters=[*filters, *q_filters], sort=sort, fields=fields, q=text, limit=max(limit, 1), offset=offset
    )
    page = engine.search(table, query, count=include_total)
    names = [f["name"] for f in page.fields]
    rows = page.rows[:limit]
    numbers = page.row_numbers[:limit]
    out_fields = [{"id": ROW_ID, "type": "int"}] + [
        {
            "id": field["name"],
            "type": TYPES.get(field["type"], "text"),
            "info": {
                "label": field["given_label"],
                "notes": field["description"],
                "unit": field["unit"],
            },
        }
        for field in page.fields
    ]
    if records_format == "lists":
        records = [[number + 1, *(row[n] for n in names)] for row, number in zip(rows, numbers, strict=True)]
    else:
        records = [{ROW_ID: number + 1, **row} for row, number in zip(rows, numbers, strict=True)]
    result = {
        "resource_id": str(resource.identifier),
        "fields": out_fields,
        "records": records,
        "records_format": records_format,
        "limit": limit,
        "offset": offset,
        "include_total": include_total,
        "_links": _links(str(resource.identifier), data, offset, limit),
    }
    if raw_filters:
        result["filters"] = raw_filters
    if raw_q:
        result["q"] = raw_q
    if sort:
        result["sort"] = ", ".join(params.string_list(data, "sort", comma=True))
    if include_total:
        result["total"] = page.total
        result["total_was_estimated"] = page.total_estimated
    return result
