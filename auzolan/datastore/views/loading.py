"""The loading of an uploaded file, shown where the upload happened: the "publish_resource" page section of the
catalogue's resource page for publishers (registered in hooks.py), and the status that its script polls
(static/js/table-loading.js).

While the latest load runs: its state, percentage and message (the job's), the table still online; once it is ready:
its figures and links; when it failed: the reason, the table still online and the link to the load report.

The polled status is for the editors of the dataset only (`catalog.change_dataset`); anyone else gets the API's JSON
404.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource
from auzolan.core.errors import NotFound
from auzolan.core.permissions import get_object_for
from auzolan.datastore import preview, selectors
from auzolan.datastore.models import Table

TEMPLATE = "datastore/ingestion/_resource_loading.html"
BODY_TEMPLATE = "datastore/ingestion/_resource_loading_body.html"


def status(request, resource: Resource) -> dict | None:
    """What the block shows about the resource's latest load (the page section's context, `section`), or None when
    the resource has never been loaded as a table (not a file, not tabular)."""
    if resource.kind != Resource.Kind.FILE:
        return None
    latest = selectors.latest_table(resource)
    if latest is None:
        return None
    current = latest if latest.is_current else selectors.current_table(resource)
    job = latest.job
    finished = latest.is_finished
    dataset = resource.dataset
    args = [dataset.slug, resource.identifier]
    return {
        "state": latest.state,
        "state_label": str(latest.get_state_display()),
        "finished": finished,
        "version": latest.version.number,
        "percent": 100 if latest.state == Table.State.READY else (job.percent if job else None),
        "progress_done": job.progress_done if job else 0,
        "progress_total": job.progress_total if job else 0,
        "message": job.message if job and not finished else "",
        "error": latest.error if latest.state == Table.State.FAILED else "",
        "current": {
            "rows": current.row_count,
            "columns": len(current.columns),
            "version": current.version.number,
        }
        if current
        else None,
        "status_url": reverse("datastore:table_loading_status", args=args),
        "report_url": reverse("datastore:table_status", args=args),
        "preview_url": preview.preview_url(dataset, resource) if current else "",
        "refresh_url": request.get_full_path() if request is not None else "",
    }


def announcement(section: dict) -> str:
    """What a screen reader hears when the load ends while the page is open."""
    if section["state"] == Table.State.FAILED:
        return _("Le chargement a échoué : %(error)s") % {"error": section["error"]}
    rows = section["current"]["rows"] if section["current"] else 0
    return _("Chargement terminé : la table a %(rows)s lignes.") % {
        "rows": number_format(rows, use_l10n=True, force_grouping=True)
    }


def as_json(request, resource: Resource, section: dict) -> dict:
    """The polled status: state, progress and message; once finished the block's new content (`html`), the
    preview line of the page's header (`preview_html`) and the sentence to announce."""
    out = {
        key: section[key]
        for key in ("state", "state_label", "finished", "percent", "progress_done", "progress_total", "message")
    }
    if section["finished"]:
        context = {"section": section, "resource": resource}
        out["html"] = render_to_string(BODY_TEMPLATE, context, request)
        line = preview.resource_section(request, resource)
        out["preview_html"] = (
            render_to_string("datastore/preview/_resource_preview.html", {"section": line, "resource": resource})
            if line
            else ""
        )
        out["announcement"] = announcement(section)
    return out


# --- The polled status --------------------------------------------------------------------------------------------


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
    section = status(request, resource)
    if section is None:
        return _not_found()
    response = JsonResponse(as_json(request, resource, section))
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path(
        "publier/<slug:slug>/ressources/<uuid:resource>/table/etat/",
        table_loading_status,
        name="table_loading_status",
    ),
]
