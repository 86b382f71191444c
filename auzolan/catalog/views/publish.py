"""Publishing pages (agents of member organisations) and the public downloads of uploaded files.

Thin views: parse input, ask permission, call one service or selector, render. Anyone who may not edit the
dataset's organisation gets a 404 (the page does not exist for them).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.catalog import lifecycle, selectors, services
from auzolan.catalog.forms import (
    DatasetForm,
    ResourceCreateForm,
    ResourceEditForm,
    TransitionForm,
    VersionUploadForm,
)
from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.catalog.quality import quality_report
from auzolan.catalog.uploads import limit_upload_size, megabytes, upload_max_bytes
from auzolan.core.errors import ApplicationError, Conflict
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import get_object_for
from auzolan.core.submissions import submit_action, submit_form

PAGE_SIZE = 30


class PublishSlugConverter:
    """A dataset slug under /publier/ — but not the words the other /publier/ pages use."""

    regex = r"(?!(?:nouveau|reutilisations|schemas)/)[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublishSlugConverter, "publish_slug")


def _dataset_for(request, slug: str, action: str = "catalog.change_dataset") -> Dataset:
    return get_object_for(request.user, action, selectors.publish_dataset_queryset(), slug=slug)


def _resource_in(dataset: Dataset, identifier) -> Resource:
    return get_object_or_404(Resource.objects.select_related("current_version"), dataset=dataset, identifier=identifier)


def _quality(dataset: Dataset) -> dict:
    return quality_report(dataset, resources=list(dataset.resources.all()))


def _edit_url(dataset: Dataset) -> str:
    return reverse("catalog:dataset_edit", kwargs={"slug": dataset.slug})


# --- Pages of the publishers --------------------------------------------------------------------------------


@require_safe
@login_required
def publish_home(request):
    organisations = list(selectors.publishable_organisations(user=request.user))
    if not organisations:
        raise Http404
    current = None
    chosen = request.GET.get("organisation", "")
    if chosen:
        current = next((o for o in organisations if o.slug == chosen), None)
    elif request.organisation is not None:
        current = next((o for o in organisations if o.pk == request.organisation.pk), None)
    datasets = selectors.publish_dataset_list(organisations=[current] if current else organisations)
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/publish/home.html",
        {
            "organisations": organisations,
            "current_organisation": current,
            "page": page,
            "datasets": page.object_list,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def dataset_create(request):
    organisations = selectors.publishable_organisations(user=request.user)
    if not organisations.exists():
        raise Http404
    initial = {}
    if request.organisation is not None and organisations.filter(pk=request.organisation.pk).exists():
        initial["organisation"] = request.organisation.pk
    form = DatasetForm(request.POST or None, organisations=organisations, initial=initial)
    submitted = submit_form(
        request,
        form,
        lambda data: services.dataset_create(
            actor=request.user, organisation=data["organisation"], **form.service_values()
        ),
        success=_("Le jeu de données est créé en brouillon. Ajoutez-lui maintenant ses fichiers ou ses adresses."),
        redirect_to=_edit_url,
        duplicate=_("Ce formulaire a déjà été envoyé : le jeu de données n'a pas été créé en double."),
        duplicate_redirect_to=reverse("catalog:publish_home"),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "catalog/publish/dataset_form.html",
        {"form": submitted.form, "dataset": None, "conflict": None},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def dataset_edit(request, slug: str):
    dataset = _dataset_for(request, slug)
    form = DatasetForm(request.POST or None, dataset=dataset)

    def on_error(error: ApplicationError) -> DatasetForm | None:
        if not isinstance(error, Conflict):
            add_service_error(form, error)
            return None
        # Keep what the person typed; the next save is based on the current revision, knowingly.
        data = request.POST.copy()
        data["revision"] = error.extra.get("revision", dataset.revision)
        retyped = DatasetForm(data, dataset=dataset)
        retyped.is_valid()
        return retyped

    submitted = submit_form(
        request,
        form,
        lambda data: services.dataset_update(
            actor=request.user, dataset=dataset, revision=data["revision"], **form.service_values()
        ),
        success=_("Les modifications sont enregistrées."),
        redirect_to=_edit_url(dataset),
        on_error=on_error,
    )
    if submitted.response:
        return submitted.response
    resources = list(dataset.resources.all())
    return render(
        request,
        "catalog/publish/dataset_form.html",
        {
            "form": submitted.form,
            "dataset": dataset,
            "conflict": submitted.error.message if isinstance(submitted.error, Conflict) else None,
            "resources": resources,
            "has_remote_resources": any(resource.is_remote and resource.url for resource in resources),
            "transitions": lifecycle.transitions_from(dataset.state),
        },
        status=submitted.status,
    )


@require_safe
@login_required
def dataset_preview(request, slug: str):
    dataset = _dataset_for(request, slug)
    quality = _quality(dataset)
    return render(
        request,
        "catalog/publish/preview.html",
        {
            "dataset": dataset,
            "resources": list(dataset.resources.all()),
            "quality": quality,
            "quality_percent": round(quality["score"] * 100),
            "transitions": lifecycle.transitions_from(dataset.state),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def dataset_transition(request, slug: str):
    dataset = _dataset_for(request, slug, "catalog.publish_dataset")
    form = TransitionForm(request.POST or request.GET or None)
    transition = lifecycle.transition_between(dataset.state, form.cleaned_data["to"]) if form.is_valid() else None
    if request.method == "POST":
        if transition is None:
            messages.error(request, _("Ce changement d'état n'est pas possible pour ce jeu de données."))
            return redirect(_edit_url(dataset))
        return submit_action(
            request,
            lambda: services.dataset_transition(actor=request.user, dataset=dataset, to=transition.target),
            success=transition.message,
            redirect_to=_edit_url(dataset),
        )
    if transition is None:
        raise Http404
    return render(
        request,
        "catalog/publish/transition.html",
        {"dataset": dataset, "transition": transition, "quality": _quality(dataset)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@limit_upload_size
def resource_create(request, slug: str):
    dataset = _dataset_for(request, slug)
    form = ResourceCreateForm(request.POST or None, request.FILES or None)
    if request.upload_size_limit.refused:
        request.upload_size_limit.add_errors(form)  # nothing was stored; the other fields are kept

    def added(resource: Resource) -> str:
        if resource.kind == Resource.Kind.FILE:
            # Its page follows the loading of the file (the "publish_resource" section).
            return reverse("catalog:resource_edit", kwargs={"slug": dataset.slug, "resource": resource.identifier})
        return _edit_url(dataset)

    submitted = submit_form(
        request,
        form,
        lambda data: services.resource_add(actor=request.user, dataset=dataset, **data),
        success=lambda resource: _("La ressource « %(title)s » est ajoutée.") % {"title": resource.title},
        redirect_to=added,
        duplicate=_("Ce formulaire a déjà été envoyé : la ressource n'a pas été ajoutée en double."),
        duplicate_redirect_to=_edit_url(dataset),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "catalog/publish/resource_create.html",
        {"dataset": dataset, "form": submitted.form, "upload_limit_mb": megabytes(upload_max_bytes())},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@limit_upload_size
def resource_edit(request, slug: str, resource):
    dataset = _dataset_for(request, slug)
    resource = _resource_in(dataset, resource)
    is_upload = request.method == "POST" and "upload" in request.POST
    form = ResourceEditForm(request.POST if request.method == "POST" and not is_upload else None, resource=resource)
    upload_form = VersionUploadForm(request.POST if is_upload else None, request.FILES if is_upload else None)
    here = reverse("catalog:resource_edit", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    # One page, two forms: the resource's description, or a new version of its file (the "upload" button).
    if request.upload_size_limit.refused:
        request.upload_size_limit.add_errors(upload_form if is_upload else form)  # nothing was stored
    if is_upload:
        submitted = submit_form(
            request,
            upload_form,
            lambda data: services.resource_upload_version(actor=request.user, resource=resource, file=data["file"]),
            success=lambda version: _("La version %(n)d est déposée.") % {"n": version.number},
            redirect_to=here,
        )
    else:
        submitted = submit_form(
            request,
            form,
            lambda data: services.resource_update(actor=request.user, resource=resource, **data),
            success=_("La ressource est enregistrée."),
            redirect_to=here,
        )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "catalog/publish/resource_edit.html",
        {
            "dataset": dataset,
            "resource": resource,
            "form": form,
            "upload_form": upload_form if resource.kind == Resource.Kind.FILE else None,
            "versions": selectors.resource_versions(resource=resource),
        },
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def resource_delete(request, slug: str, resource):
    dataset = _dataset_for(request, slug)
    resource = _resource_in(dataset, resource)
    if request.method == "POST":
        return submit_action(
            request,
            lambda: services.resource_delete(actor=request.user, resource=resource),
            success=_("La ressource « %(title)s » est supprimée.") % {"title": resource.title},
            redirect_to=_edit_url(dataset),
        )
    return render(
        request,
        "catalog/publish/resource_delete.html",
        {"dataset": dataset, "resource": resource, "versions_count": resource.versions.count()},
    )


# --- Public downloads -----------------------------------------------------------------------------------------


def _public_resource(request, slug: str, identifier) -> Resource:
    dataset = get_object_for(request.user, "catalog.view_dataset", Dataset.objects.all(), slug=slug)
    return _resource_in(dataset, identifier)


def _file_response(version: ResourceVersion) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=version.original_name)
    if version.mime_type:
        response["Content-Type"] = version.mime_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def resource_download(request, slug: str, resource):
    resource = _public_resource(request, slug, resource)
    if resource.kind != Resource.Kind.FILE:
        if not resource.url:
            raise Http404
        return HttpResponseRedirect(resource.url)
    if resource.current_version is None:
        raise Http404
    return _file_response(resource.current_version)


@require_safe
def version_download(request, slug: str, resource, number: int):
    resource = _public_resource(request, slug, resource)
    version = get_object_or_404(ResourceVersion, resource=resource, number=number)
    return _file_response(version)


urlpatterns = [
    path("publier/", publish_home, name="publish_home"),
    path("publier/nouveau/", dataset_create, name="dataset_create"),
    path("publier/<publish_slug:slug>/", dataset_edit, name="dataset_edit"),
    path("publier/<publish_slug:slug>/apercu/", dataset_preview, name="dataset_preview"),
    path("publier/<publish_slug:slug>/etat/", dataset_transition, name="dataset_transition"),
    path("publier/<publish_slug:slug>/ressources/nouvelle/", resource_create, name="resource_create"),
    path("publier/<publish_slug:slug>/ressources/<uuid:resource>/", resource_edit, name="resource_edit"),
    path("publier/<publish_slug:slug>/ressources/<uuid:resource>/supprimer/", resource_delete, name="resource_delete"),
    path("donnees/<slug:slug>/ressources/<uuid:resource>/telecharger/", resource_download, name="resource_download"),
    path("donnees/<slug:slug>/ressources/<uuid:resource>/v<int:number>/", version_download, name="version_download"),
]
