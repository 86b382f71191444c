"""The preview's export links: the file at once when it is small, else a page that follows its preparation.

`…/apercu/export/?format=…&<the preview's filters>` streams a small export as the data API does; a large one
(auzolan.datastore.export_jobs) is queued (or the same one found) and the browser is sent (303) to
`…/apercu/exports/<id>/`, which shows the progress (polled by static/js/auzolan.js; without JavaScript, a refresh
link) and the download button once ready. Public when the dataset is (`catalog.view_dataset`, checked again on the
progress page and at the download), a 404 otherwise. Bad parameters: a page with the French message (400), never a
500; too many exports in preparation: a page with the message (429, Retry-After).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core import ratelimit
from auzolan.core.errors import ApplicationError
from auzolan.core.permissions import get_object_for
from auzolan.datastore import export_jobs, exports, selectors, services


def _resource(request, slug: str, identifier) -> Resource:
    """The resource, when the caller may see its dataset (404 otherwise)."""
    dataset = get_object_for(request.user, "catalog.view_dataset", catalog_selectors.dataset_page_queryset(), slug=slug)
    return get_object_or_404(Resource.objects.select_related("dataset"), dataset=dataset, identifier=identifier)


@require_safe
def table_export(request, slug: str, resource):
    resource = _resource(request, slug, resource)
    table = selectors.current_table(resource)
    context = {"dataset": resource.dataset, "resource": resource, "table": table}
    if table is None:
        latest = selectors.latest_table(resource)
        if latest is None:
            raise Http404
        return render(request, "datastore/preview/not_ready.html", {**context, "latest": latest}, status=409)
    try:
        spec = exports.parse_spec(request.GET)
        size = exports.measure(table, spec)
        filename = exports.filename_for(resource)
        if size.inline:
            return exports.export_response(table, spec, filename=filename)
        export = services.export_request(
            actor=request.user,
            table=table,
            spec=spec,
            size=size,
            filename=filename,
            requester=ratelimit.requester(request),
        )
    except ApplicationError as error:
        response = render(
            request, "datastore/exports/refused.html", {**context, "error": error.message}, status=error.status
        )
        if getattr(error, "retry_after", None):
            response["Retry-After"] = str(error.retry_after)
        return response
    response = redirect(export_jobs.page_url(export))
    response.status_code = 303  # See Other: the progress page of the export asked
    return response


@require_safe
def export_status(request, slug: str, resource, export):
    resource = _resource(request, slug, resource)
    try:
        found = selectors.visible_export(request.user, export)
    except ApplicationError:
        raise Http404 from None
    if found.table.resource_id != resource.pk:
        raise Http404
    succeeded = found.state == found.State.SUCCEEDED
    kwargs = {"slug": resource.dataset.slug, "resource": resource.identifier}
    context = {
        "dataset": resource.dataset,
        "resource": resource,
        "export": found,
        "job": found,
        "job_url": export_jobs.status_url(found),
        "download_url": export_jobs.download_url(found) if succeeded else "",
        "retry_url": reverse("datastore:export", kwargs=kwargs) + "?" + urlencode(export_jobs.request_params(found)),
        "preview_url": reverse("datastore:preview", kwargs=kwargs),
    }
    response = render(request, "datastore/exports/status.html", context)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("donnees/<slug:slug>/ressources/<uuid:resource>/apercu/export/", table_export, name="export"),
    path(
        "donnees/<slug:slug>/ressources/<uuid:resource>/apercu/exports/<uuid:export>/",
        export_status,
        name="export_status",
    ),
]
