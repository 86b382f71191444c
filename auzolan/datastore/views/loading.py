"""The status of a resource's latest load, polled by the publisher's resource page (static/js/table-loading.js).

Editors of the dataset only (`catalog.change_dataset`); anyone else gets the API's JSON 404.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core.errors import NotFound
from auzolan.core.permissions import get_object_for
from auzolan.datastore import loading


def _not_found() -> JsonResponse:
    error = NotFound(_("Ressource introuvable."), code="not-found")
    return JsonResponse({"error": error.as_dict()}, status=error.status)


@require_safe
def table_loading_status(request, slug: str, resource):
    try:
        dataset = get_object_for(
            request.user, "catalog.change_dataset", catalog_selectors.publish_dataset_queryset(), slug=slug
        )
        resource = Resource.objects.get(dataset=dataset, identifier=resource)
    except (Http404, Resource.DoesNotExist):
        return _not_found()
    section = loading.status(request, resource)
    if section is None:
        return _not_found()
    response = JsonResponse(loading.as_json(request, resource, section))
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path(
        "publier/<slug:slug>/ressources/<uuid:resource>/table/etat/",
        table_loading_status,
        name="table_loading_status",
    ),
]
