"""Publishing pages of the datastore: the load report of a resource's table, and its data dictionary.

Editors only (`catalog.change_dataset` on the dataset); a 404 for anyone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core.errors import ApplicationError
from auzolan.core.permissions import get_object_for
from auzolan.datastore import query, selectors, services
from auzolan.datastore.models import Table


def _columns_from_post(post, columns: list[dict], found: dict[str, str]) -> tuple[dict, dict]:
    """Corrected types and the data dictionary from the form. A unit equal to the one found at load (`found`) is
    stored empty: the next load's unit then applies."""
    types, dictionary = {}, {}
    for index, column in enumerate(columns):
        name = column["name"]
        wanted = post.get(f"type_{index}", "")
        if wanted and wanted != column["type"]:
            types[name] = wanted
        dictionary[name] = {
            "label": post.get(f"label_{index}", ""),
            "description": post.get(f"description_{index}", ""),
        }
        if f"unit_{index}" in post:
            unit = " ".join(post.get(f"unit_{index}", "").split())
            dictionary[name]["unit"] = "" if unit == found.get(name, "") else unit
    return types, dictionary


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def table_status(request, slug: str, resource):
    dataset = get_object_for(
        request.user, "catalog.change_dataset", catalog_selectors.publish_dataset_queryset(), slug=slug
    )
    resource = get_object_or_404(
        Resource.objects.select_related("current_version"), dataset=dataset, identifier=resource
    )
    latest = selectors.latest_table(resource)
    current = selectors.current_table(resource)
    columns = query.table_columns(current) if current else []
    error = ""
    if request.method == "POST":
        version = resource.current_version
        try:
            if version is None:
                raise ApplicationError(_("Cette ressource n'a pas de fichier à charger."))
            found = {c["name"]: c.get("unit", "") for c in current.columns} if current else {}
            types, dictionary = _columns_from_post(request.POST, columns, found)
            if dictionary:
                services.dictionary_update(actor=request.user, resource=resource, columns=dictionary)
            header_row = request.POST.get("header_row", "").strip()
            current_header = str(current.header_row) if current and current.header_row else ""
            reload_wanted = (
                bool(types)
                or request.POST.get("sheet", "") != (current.sheet if current else "")
                or ("header_row" in request.POST and header_row != current_header)
            )
            if reload_wanted or "reload" in request.POST:
                services.table_reload(
                    actor=request.user,
                    version=version,
                    sheet=request.POST.get("sheet", ""),
                    column_types=types,
                    header_row=header_row if "header_row" in request.POST else current_header,
                )
                messages.success(request, _("Le chargement de la table est relancé."))
            else:
                messages.success(request, _("Le dictionnaire des données est enregistré."))
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("datastore:table_status", slug=dataset.slug, resource=resource.identifier)
    rows = []
    if current:
        try:
            rows, _total = query.query_table(current, limit=10)
        except ApplicationError:
            rows = []
    return render(
        request,
        "datastore/ingestion/table_status.html",
        {
            "dataset": dataset,
            "resource": resource,
            "latest": latest,
            "current": current,
            "columns": columns,
            "preview_rows": [[row[c["name"]] for c in columns] for row in rows],
            "type_choices": Table.ColumnType.choices,
            "sheets": (current.report.get("sheets") if current else None) or [],
            "missing_values": [
                (column, form, count)
                for column, forms in ((current.report.get("missing_values") if current else None) or {}).items()
                for form, count in forms.items()
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


urlpatterns = [
    path("publier/<slug:slug>/ressources/<uuid:resource>/table/", table_status, name="table_status"),
]
