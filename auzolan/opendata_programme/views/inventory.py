"""An organisation's data inventory: candidate datasets, their CSV in the SCDL catalogue schema, and the button that
turns a line into a draft dataset of the catalogue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.opendata_programme import exports, selectors, services
from auzolan.opendata_programme.forms import InventoryLineForm
from auzolan.opendata_programme.models import InventoryLine
from auzolan.opendata_programme.views.common import organisation_for


def _url(organisation) -> str:
    return reverse("opendata_programme:inventory", kwargs={"slug": organisation.slug})


@require_safe
@login_required
def inventory(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.view_inventory")
    return render(
        request,
        "opendata_programme/inventory.html",
        {
            "organisation": organisation,
            "lines": list(selectors.inventory(organisation)),
            "can_change": can(request.user, "opendata_programme.change_inventory", organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def line_create(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.change_inventory")
    form = InventoryLineForm(request.POST or None)
    submitted = submit_form(
        request,
        form,
        lambda data: services.inventory_line_save(actor=request.user, organisation=organisation, **data),
        success=_("La ligne est ajoutée à l'inventaire."),
        redirect_to=_url(organisation),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/line_form.html",
        {"organisation": organisation, "form": submitted.form},
        status=submitted.status,
    )


def _line(request, slug: str, line: int, action: str = "opendata_programme.change_inventory"):
    organisation = organisation_for(request, slug, action)
    return organisation, get_object_or_404(InventoryLine.objects.for_organisation(organisation), pk=line)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def line_edit(request, slug: str, line: int):
    organisation, line = _line(request, slug, line)
    form = InventoryLineForm(request.POST or None, initial=InventoryLineForm.initial_for(line))
    submitted = submit_form(
        request,
        form,
        lambda data: services.inventory_line_save(actor=request.user, line=line, **data),
        success=_("La ligne est enregistrée."),
        redirect_to=_url(organisation),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/line_form.html",
        {"organisation": organisation, "form": submitted.form, "line": line},
        status=submitted.status,
    )


@require_POST
@login_required
def line_delete(request, slug: str, line: int):
    organisation, line = _line(request, slug, line)
    return submit_action(
        request,
        lambda: services.inventory_line_delete(actor=request.user, line=line),
        success=_("La ligne est retirée de l'inventaire."),
        redirect_to=_url(organisation),
    )


@require_POST
@login_required
def line_to_dataset(request, slug: str, line: int):
    organisation, line = _line(request, slug, line)
    return submit_action(
        request,
        lambda: services.inventory_line_to_dataset(actor=request.user, line=line),
        success=_("Le jeu de données est créé en brouillon : complétez-le et ajoutez ses fichiers."),
        redirect_to=lambda dataset: reverse("catalog:dataset_edit", kwargs={"slug": dataset.slug}),
        error_redirect_to=_url(organisation),
    )


@require_safe
@login_required
def inventory_csv(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.view_inventory")
    body = exports.catalogue_csv(
        organisation, selectors.inventory_for_export(organisation), url_of=request.build_absolute_uri
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="catalogue-{organisation.slug}.csv"'
    return response


PREFIX = "organisations/<slug:slug>/programme-open-data/"
urlpatterns = [
    path(PREFIX + "inventaire/", inventory, name="inventory"),
    path(PREFIX + "inventaire.csv", inventory_csv, name="inventory_csv"),
    path(PREFIX + "inventaire/nouvelle-ligne/", line_create, name="line_create"),
    path(PREFIX + "inventaire/<int:line>/modifier/", line_edit, name="line_edit"),
    path(PREFIX + "inventaire/<int:line>/supprimer/", line_delete, name="line_delete"),
    path(PREFIX + "inventaire/<int:line>/creer-le-jeu/", line_to_dataset, name="line_to_dataset"),
]
