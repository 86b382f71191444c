"""The public preview of a resource's table: rows (20 a page), sort, filters per column, full-text search and the
column statistics. Public when the dataset is (`catalog.view_dataset`), a 404 otherwise; a clear 409 page while the
table is not ready. Bad parameters show the query engine's message in a notice (status 400), never a 500.
Server-rendered: GET forms and links, no JavaScript needed.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core.errors import ApplicationError
from auzolan.core.permissions import get_object_for
from auzolan.datastore import preview, query, selectors, stats
from auzolan.datastore.models import Table


@require_safe
def table_preview(request, slug: str, resource):
    dataset = get_object_for(request.user, "catalog.view_dataset", catalog_selectors.dataset_page_queryset(), slug=slug)
    resource = get_object_or_404(Resource, dataset=dataset, identifier=resource)
    table = selectors.current_table(resource)
    context = {"dataset": dataset, "resource": resource, "table": table}
    if table is None:
        latest = selectors.latest_table(resource)
        if latest is None:
            raise Http404
        context["latest"] = latest
        return render(request, "datastore/preview/not_ready.html", context, status=409)

    columns = selectors.table_columns(table)
    base = request.path
    error, page, number = "", None, 1
    try:
        parsed, number = preview.build_query(request.GET)
        page = query.search(table, parsed)
    except ApplicationError as exc:
        error = exc.message
    table_stats = stats.ensure_stats(table)
    total = page.total if page else 0
    context.update(
        {
            "columns": columns,
            "headers": preview.headers(columns, base, request.GET),
            "filters": preview.filter_fields(columns, request.GET),
            "active_filters": preview.active_filter_count(request.GET),
            "q": request.GET.get("q", ""),
            "sort": request.GET.get("sort", ""),
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
            "links": preview.api_urls(resource, request.GET),
            "clear_url": base,
            "is_ready": table.state == Table.State.READY,
        }
    )
    return render(request, "datastore/preview/preview.html", context, status=400 if error else 200)


urlpatterns = [
    path("donnees/<slug:slug>/ressources/<uuid:resource>/apercu/", table_preview, name="preview"),
]
