"""Participation pages: residency (declared or checked on the census list) and the census upload of communes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import can, get_object_for
from auzolan.participation.forms.verification import CensusCheckForm, CensusUploadForm, ResidencyDeclareForm
from auzolan.participation.models import Process, Residency
from auzolan.participation.selectors.processes import manageable_organisations, process_detail_queryset
from auzolan.participation.services import verification as services


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def residency(request, slug: str):
    process = get_object_for(request.user, "participation.view_process", process_detail_queryset(), slug=slug)
    if process.state != Process.State.PUBLISHED:
        raise Http404
    organisation = process.organisation
    current = (
        Residency.objects.filter(user=request.user, organisation=organisation)
        .select_related("commune", "district")
        .first()
    )
    census = services.active_census(organisation)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    declare_form = ResidencyDeclareForm(request.POST if action == "declare" else None, process=process)
    census_form = None
    if census is not None:
        census_form = CensusCheckForm(request.POST if action == "census" else None, identifiers=census.identifiers)
    if action == "declare" and declare_form.is_valid():
        data = declare_form.cleaned_data
        try:
            services.residency_declare(
                user=request.user,
                process=process,
                postal_code=data["postal_code"],
                commune=data.get("commune"),
                district=data.get("district"),
                certified=data["certified"],
            )
        except ApplicationError as error:
            add_service_error(declare_form, error)
        else:
            messages.success(request, _("Votre résidence est enregistrée."))
            return redirect(process.get_absolute_url())
    elif action == "census" and census_form is not None and census_form.is_valid():
        try:
            services.residency_verify_census(user=request.user, process=process, values=census_form.cleaned_data)
        except ApplicationError as error:
            census_form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre résidence est vérifiée sur la liste de la commune."))
            return redirect(process.get_absolute_url())
    return render(
        request,
        "participation/verification/residency.html",
        {
            "process": process,
            "current": current,
            "declare_form": declare_form,
            "census_form": census_form,
            "attempts_left": services.census_attempts_left(user=request.user, organisation=organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def census(request, org_slug: str):
    organisation = get_object_or_404(manageable_organisations(user=request.user), slug=org_slug)
    if not can(request.user, "participation.manage_census", organisation):
        raise Http404
    current = services.active_census(organisation)
    form = CensusUploadForm(request.POST or None, request.FILES or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            census = services.census_upload(
                actor=request.user,
                organisation=organisation,
                file=form.cleaned_data["file"],
                identifiers=form.cleaned_data["identifiers"],
                replaces=form.replaces(),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "La liste est enregistrée : %(count)s habitant, conservé uniquement sous forme d'empreinte.",
                    "La liste est enregistrée : %(count)s habitants, conservés uniquement sous forme d'empreintes.",
                    census.entries_count,
                )
                % {"count": census.entries_count},
            )
            return redirect("participation:census", org_slug=organisation.slug)
    return render(
        request,
        "participation/verification/census.html",
        {
            "organisation": organisation,
            "form": form,
            "current": current,
            "identifiers_label": services.IDENTIFIER_SETS[current.identifiers][1] if current else "",
            "verified_count": Residency.objects.filter(
                organisation=organisation, method=Residency.Method.CENSUS
            ).count(),
        },
    )


urlpatterns = [
    path("gerer/<slug:org_slug>/recensement/", census, name="census"),
    path("<process_slug:slug>/residence/", residency, name="residency"),
]
