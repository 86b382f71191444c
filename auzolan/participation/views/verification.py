"""Participation pages: residency (declared or checked on the census list) and the census upload of communes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_form
from auzolan.participation.forms.verification import CensusCheckForm, CensusUploadForm, ResidencyDeclareForm
from auzolan.participation.models import Process, Residency
from auzolan.participation.selectors.processes import manageable_organisations, process_detail_queryset
from auzolan.participation.services import verification as services
from auzolan.participation.views.common import get_process


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def residency(request, slug: str):
    process = get_process(request, slug, queryset=process_detail_queryset())
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
    # Two forms on the page: the one the button named is the one sent.
    submitted = None
    if action == "declare":
        submitted = submit_form(
            request,
            declare_form,
            lambda data: services.residency_declare(user=request.user, process=process, **data),
            success=_("Votre résidence est enregistrée."),
            redirect_to=process.get_absolute_url(),
        )
    elif action == "census" and census_form is not None:
        submitted = submit_form(
            request,
            census_form,
            lambda data: services.residency_verify_census(user=request.user, process=process, values=data),
            success=_("Votre résidence est vérifiée sur la liste de la commune."),
            redirect_to=process.get_absolute_url(),
            on_error=lambda error: census_form.add_error(None, error.message),  # never says which value was wrong
        )
    if submitted and submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
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
    submitted = submit_form(
        request,
        form,
        lambda data: services.census_upload(
            actor=request.user,
            organisation=organisation,
            file=data["file"],
            identifiers=data["identifiers"],
            replaces=form.replaces(),
        ),
        success=lambda census: (
            ngettext(
                "La liste est enregistrée : %(count)s habitant, conservé uniquement sous forme d'empreinte.",
                "La liste est enregistrée : %(count)s habitants, conservés uniquement sous forme d'empreintes.",
                census.entries_count,
            )
            % {"count": census.entries_count}
        ),
        redirect_to=reverse("participation:census", kwargs={"org_slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/verification/census.html",
        {
            "organisation": organisation,
            "form": submitted.form,
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
