"""Pages of harvest sources (organisation editors and agency staff): the list, a source's page with its runs and
the "Prévisualiser" and "Moissonner maintenant" buttons, the source form, a run's page with its errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.harvest import selectors, services
from auzolan.harvest.forms import SourceCreateForm, SourceForm
from auzolan.harvest.models import HarvestRun, HarvestSource


def _source(request, pk: int, action: str = "harvest.view_source") -> HarvestSource:
    sources = HarvestSource.objects.select_related("organisation", "created_by")
    return get_object_for(request.user, action, sources, pk=pk)


@require_safe
@login_required
def source_list(request):
    sources = list(selectors.visible_sources(request.user))
    can_add = selectors.organisations_for_sources(request.user).exists()
    return render(
        request,
        "harvest/source_list.html",
        {"sources": sources, "can_add": can_add, "sees_all": can(request.user, "harvest.view_all_sources")},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def source_create(request):
    organisations = selectors.organisations_for_sources(request.user)
    initial = {}
    current = getattr(request, "organisation", None)  # a lazy object: None when the person acts for no organisation
    if current and organisations.filter(pk=current.pk).exists():
        initial["organisation"] = current.pk
    form = SourceCreateForm(request.POST or None, organisations=organisations, initial=initial)
    submitted = submit_form(
        request,
        form,
        lambda data: services.source_create(actor=request.user, **form.cleaned_source()),
        success=_("La source est enregistrée. Prévisualisez la moisson avant de la lancer."),
        redirect_to=lambda source: source.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return render(request, "harvest/source_form.html", {"form": submitted.form}, status=submitted.status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def source_edit(request, pk: int):
    source = _source(request, pk, "harvest.change_source")
    form = SourceForm(request.POST or None, initial=SourceForm.initial_for(source))
    submitted = submit_form(
        request,
        form,
        lambda data: services.source_update(actor=request.user, source=source, **form.cleaned_source()),
        success=_("La source est enregistrée."),
        redirect_to=source.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "harvest/source_form.html", {"form": submitted.form, "source": source}, status=submitted.status
    )


@require_safe
@login_required
def source_detail(request, pk: int):
    source = _source(request, pk)
    return render(
        request,
        "harvest/source_detail.html",
        {
            "source": source,
            "runs": selectors.source_runs(source),
            "records": selectors.source_record_counts(source),
            "can_change": can(request.user, "harvest.change_source", source),
            "can_run": can(request.user, "harvest.run_source", source),
        },
    )


def _start(request, pk: int, *, dry_run: bool):
    source = _source(request, pk, "harvest.run_source")
    return submit_action(
        request,
        lambda: services.harvest_start(actor=request.user, source=source, dry_run=dry_run),
        success=_("La prévisualisation est lancée.") if dry_run else _("La moisson est lancée."),
        redirect_to=lambda run: run.get_absolute_url(),
        error_redirect_to=source.get_absolute_url(),
    )


@require_POST
@login_required
def source_preview(request, pk: int):
    return _start(request, pk, dry_run=True)


@require_POST
@login_required
def source_harvest(request, pk: int):
    return _start(request, pk, dry_run=False)


@require_POST
@login_required
def source_delete(request, pk: int):
    source = _source(request, pk, "harvest.change_source")
    return submit_action(
        request,
        lambda: services.source_delete(actor=request.user, source=source),
        success=_("La source est supprimée ; les jeux de données moissonnés restent dans le catalogue."),
        redirect_to=reverse("harvest:source_list"),
    )


@require_safe
@login_required
def run_detail(request, pk: int):
    runs = HarvestRun.objects.select_related("source__organisation", "started_by")
    run = get_object_for(request.user, "harvest.view_source", runs, pk=pk)
    return render(request, "harvest/run_detail.html", {"run": run, "source": run.source})


urlpatterns = [
    path("moissonnage/", source_list, name="source_list"),
    path("moissonnage/nouvelle/", source_create, name="source_create"),
    path("moissonnage/<int:pk>/", source_detail, name="source_detail"),
    path("moissonnage/<int:pk>/modifier/", source_edit, name="source_edit"),
    path("moissonnage/<int:pk>/supprimer/", source_delete, name="source_delete"),
    path("moissonnage/<int:pk>/previsualiser/", source_preview, name="source_preview"),
    path("moissonnage/<int:pk>/moissonner/", source_harvest, name="source_harvest"),
    path("moissonnage/executions/<int:pk>/", run_detail, name="run_detail"),
]
