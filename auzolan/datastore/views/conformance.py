"""The validation report of a resource version against its dataset's schema, and the "Valider à nouveau" button.

The report page is public when the dataset is (`catalog.view_dataset`); asking again is for editors
(`catalog.change_dataset`), a 404 for anyone else. `resource_section` adds the conformance line of each resource
to the catalogue's pages (slot "dataset_resource" of core.registry, registered in hooks.py).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action
from auzolan.datastore import conformance, selectors, services
from auzolan.datastore.views.validation import report_context


def _version(dataset, resource_id, number: int) -> tuple[Resource, ResourceVersion]:
    resource = get_object_or_404(Resource, dataset=dataset, identifier=resource_id)
    version = get_object_or_404(ResourceVersion.objects.select_related("uploaded_by"), resource=resource, number=number)
    return resource, version


@require_safe
def validation_report(request, slug: str, resource, number: int):
    dataset = get_object_for(request.user, "catalog.view_dataset", catalog_selectors.dataset_page_queryset(), slug=slug)
    resource, version = _version(dataset, resource, number)
    validation = selectors.latest_report(version)
    if validation is None and not (dataset.schema_id and conformance.is_validatable(version)):
        raise Http404  # nothing was, nor will be, validated
    report = validation.report if validation is not None and validation.state == "done" else None
    can_edit = can(request.user, "catalog.change_dataset", dataset)
    follow_job = (
        validation is not None
        and validation.job_id is not None
        and not validation.is_finished
        and request.user.is_authenticated
        and validation.job.owner_id == request.user.pk
    )
    context = {
        "dataset": dataset,
        "resource": resource,
        "version": version,
        "validation": validation,
        **report_context(report),
        "stale": validation is not None and validation.schema_id != dataset.schema_id,
        "can_edit": can_edit and dataset.schema_id is not None and conformance.is_validatable(version),
        "follow_job": follow_job,
        "is_current": resource.current_version_id == version.pk,
    }
    return render(request, "datastore/validation/version_report.html", context)


@require_POST
@login_required
def validation_restart(request, slug: str, resource, number: int):
    dataset = get_object_for(
        request.user, "catalog.change_dataset", catalog_selectors.publish_dataset_queryset(), slug=slug
    )
    resource, version = _version(dataset, resource, number)
    return submit_action(
        request,
        lambda: services.version_validate(actor=request.user, version=version),
        success=_("La validation est relancée."),
        redirect_to=conformance.report_url(dataset, resource, version),
    )


# --- The conformance line of a resource on the catalogue's pages -------------------------------------------


def resource_section(request, resource) -> dict | None:
    """{"state", "errors", "url"} for a file resource of a dataset that declares a schema; None hides the line.

    The reports of all the dataset's current versions are read once per request (one query per dataset page)."""
    if resource.kind != Resource.Kind.FILE or not resource.current_version_id:
        return None
    dataset = resource.dataset
    if not dataset.schema_id or not conformance.is_validatable(resource.current_version):
        return None
    cache = getattr(request, "_auzolan_conformance", None)
    if cache is None:
        cache = request._auzolan_conformance = {}
    if dataset.pk not in cache:
        ids = Resource.objects.filter(dataset_id=dataset.pk, current_version__isnull=False).values_list(
            "current_version_id", flat=True
        )
        cache[dataset.pk] = selectors.latest_reports(ids)
    report = cache[dataset.pk].get(resource.current_version_id)
    if report is None or report.schema_id != dataset.schema_id or not report.is_finished:
        state = "pending"
    elif report.state == report.State.FAILED:
        state = "failed"
    else:
        state = "valid" if report.valid else "invalid"
    return {
        "state": state,
        "errors": report.error_count if report is not None else 0,
        "url": conformance.report_url(dataset, resource, resource.current_version),
    }


urlpatterns = [
    path(
        "donnees/<slug:slug>/ressources/<uuid:resource>/v<int:number>/validation/",
        validation_report,
        name="validation_report",
    ),
    path(
        "donnees/<slug:slug>/ressources/<uuid:resource>/v<int:number>/validation/relancer/",
        validation_restart,
        name="validation_restart",
    ),
]
