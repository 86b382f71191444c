"""The public preview of a resource's table: rows (20 a page), sort, filters per column, full-text search, the
column statistics, a chart builder (auzolan.datastore.charts) and a map of the table's positions
(auzolan.datastore.maps). Public when the dataset is (`catalog.view_dataset`), a 404 otherwise; a clear 409 page while
the table is not ready. Bad parameters show the query engine's or the chart's message in a notice (status 400), never
a 500. Server-rendered: GET forms and links, no JavaScript needed; the map itself is drawn by JavaScript from
`…/apercu/carte.json`, the list of positions is its alternative.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core.errors import ApplicationError, Conflict, NotFound, ValidationError
from auzolan.core.permissions import get_object_for
from auzolan.datastore import charts, maps, preview, query, selectors, stats
from auzolan.datastore.models import Table


def _resource(request, slug: str, identifier):
    dataset = get_object_for(request.user, "catalog.view_dataset", catalog_selectors.dataset_page_queryset(), slug=slug)
    resource = get_object_or_404(Resource, dataset=dataset, identifier=identifier)
    return dataset, resource


def _kept(params) -> list[tuple[str, str]]:
    """The current search, filters and sort as (name, value) pairs for a form's hidden inputs."""
    cleaned = preview.query_params(params)
    return [(key, value) for key in cleaned for value in cleaned.getlist(key)]


@require_safe
def table_preview(request, slug: str, resource):
    dataset, resource = _resource(request, slug, resource)
    table = selectors.current_table(resource)
    context = {"dataset": dataset, "resource": resource, "table": table}
    if table is None:
        latest = selectors.latest_table(resource)
        if latest is None:
            raise Http404
        context["latest"] = latest
        return render(request, "datastore/preview/not_ready.html", context, status=409)

    columns = query.table_columns(table)
    base = request.path
    # The compact "add a filter" form becomes the data API's parameter by a redirect, so the URL stays the API's.
    add_error = None
    if preview.is_adding(request.GET):
        try:
            return redirect(preview.added_filter_url(base, request.GET, columns))
        except ValidationError as exc:
            add_error = exc
    # The chart's and the compact form's parameters are not column filters: the rows, the links and the map see the
    # others only.
    params = preview.without_added(charts.without_chart(request.GET))
    error, page, number, parsed = "", None, 1, None
    try:
        parsed, number = preview.build_query(params)
        page = query.search(table, parsed)
    except ApplicationError as exc:
        error = exc.message
    table_stats = stats.ensure_stats(table)
    total = page.total if page else 0
    filters = preview.filter_fields(columns, params)
    chart, chart_error = None, ""
    if charts.is_requested(request.GET) and parsed is not None:
        try:
            wanted = charts.parse(request.GET, columns)
            chart = charts.build(table, columns, wanted, parsed, api_base=f"/api/v1/resources/{resource.identifier}")
        except ApplicationError as exc:
            chart_error = exc.message
    context.update(
        {
            "columns": columns,
            "headers": preview.headers(columns, base, request.GET),
            "filters": filters,
            "filters_hidden": preview.full_form_hidden(filters, params),
            "filter_pairs": preview.filter_pairs(params),
            "filter_chips": preview.filter_chips(columns, base, params),
            "without_filters_url": preview.without_filters_url(base, params),
            "add_filter": preview.add_filter_form(columns, request.GET, add_error),
            "active_filters": preview.active_filter_count(params),
            "q": params.get("q", ""),
            "sort": params.get("sort", ""),
            "error": error,
            "page": page,
            "rows": preview.cells(page.rows, columns) if page else [],
            "total": total,
            "total_estimated": bool(page and page.total_estimated),
            "first_row": (page.offset + 1) if page and page.rows else 0,
            "last_row": (page.offset + len(page.rows)) if page else 0,
            "pagination": preview.pagination(base, request.GET, number, total) if page else None,
            "stats": preview.stats_rows(columns, table_stats),
            "stats_approximate": bool(table_stats.get("distinct_approximate")),
            "links": preview.api_urls(resource, params),
            "clear_url": base,
            "is_ready": table.state == Table.State.READY,
            "chart_form": {
                **charts.form_choices(columns),
                "kind": request.GET.get("chart", "bar"),
                "group_by": request.GET.get("chart_by", ""),
                "agg": request.GET.get("chart_agg", "count"),
                "kept": _kept(params),
            },
            "chart_kept": [(name, request.GET.get(name)) for name in charts.PARAMS if request.GET.get(name)],
            "chart": chart,
            "chart_error": chart_error,
            "map": _map_context(request, table, columns, parsed, params, _map_source(dataset, table, columns))
            if parsed is not None
            else None,
        }
    )
    failed = error or chart_error or add_error
    return render(request, "datastore/preview/preview.html", context, status=400 if failed else 200)


def _map_source(dataset, table: Table, columns: list[dict]) -> maps.Source | None:
    """Where the table's positions are: the dataset's declared schema first, then the columns' types and names."""
    distinct = {name: entry.get("distinct", 0) for name, entry in (table.stats or {}).get("columns", {}).items()}
    schema = dataset.schema.descriptor if dataset.schema_id and dataset.schema else None
    return maps.detect(columns, schema=schema, distinct=distinct)


def _map_context(
    request, table: Table, columns: list[dict], parsed: query.Query, params, source: maps.Source | None
) -> dict | None:
    if source is None:
        return None
    try:
        positions, total = maps.first_positions(table, source, parsed)
    except ApplicationError as exc:
        return {"error": exc.message, "positions": [], "total": 0}
    encoded = params.urlencode()
    data_url = request.path + "carte.json" + (f"?{encoded}" if encoded else "")
    labels = {c["name"]: c.get("label") or c["name"] for c in columns}
    return {
        "error": "",
        "kind": source.kind,
        "positions": positions,
        "total": total,
        "list_size": maps.LIST_SIZE,
        "max_points": maps.MAX_SHAPES if source.kind == "geometry" else maps.MAX_POINTS,
        "data_url": data_url,
        "label_column": labels.get(source.label, ""),
        "tiles": maps.tile_settings(),
    }


@require_safe
def table_map_data(request, slug: str, resource):
    """The positions of the preview's map as GeoJSON (same filters and search as the page); JSON errors."""
    dataset, resource = _resource(request, slug, resource)
    table = selectors.current_table(resource)
    if table is None:
        if selectors.latest_table(resource) is None:
            raise Http404
        return _json_error(
            Conflict(_("Cette table n'est pas encore chargée : réessayez dans un instant."), code="not-ready")
        )
    columns = query.table_columns(table)
    source = _map_source(dataset, table, columns)
    if source is None:
        return _json_error(NotFound(_("Cette table n'a pas de colonne de position géographique."), code="no-positions"))
    try:
        parsed, _number = preview.build_query(charts.without_chart(request.GET))
        data = maps.features(table, source, parsed)
    except ApplicationError as exc:
        return _json_error(exc)
    response = JsonResponse(data)
    response["Cache-Control"] = "private, max-age=60"
    return response


def _json_error(error: ApplicationError) -> JsonResponse:
    """The API's error shape: {"error": {"code", "message", "field"?}} with the error's status."""
    return JsonResponse({"error": error.as_dict()}, status=error.status)


urlpatterns = [
    path("donnees/<slug:slug>/ressources/<uuid:resource>/apercu/", table_preview, name="preview"),
    path("donnees/<slug:slug>/ressources/<uuid:resource>/apercu/carte.json", table_map_data, name="preview_map_data"),
]
