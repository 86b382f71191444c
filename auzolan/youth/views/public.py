"""Public pages of youth: the partners directory, a partner's page (and its presentation, edited by the partner's
administrators), and "Ce que disent les jeunes"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_form
from auzolan.participation.charts import survey_result_charts
from auzolan.youth import selectors, services
from auzolan.youth.forms import DirectoryFilterForm, PartnerTextForm


@require_safe
def directory(request):
    form = DirectoryFilterForm(request.GET or None, kinds=selectors.directory_kinds())
    status = 200
    filters = selectors.DirectoryFilters()
    if request.GET:
        if form.is_valid():
            filters = selectors.DirectoryFilters(
                kind=form.cleaned_data["type"], collaboration=form.cleaned_data["collaboration"]
            )
        else:
            status = 400
    return render(
        request,
        "youth/directory.html",
        {
            "form": form,
            "partnerships": list(selectors.public_partnerships(filters)) if status == 200 else [],
            "filtered": bool(filters.kind or filters.collaboration),
            "can_manage": can(request.user, "youth.manage"),
        },
        status=status,
    )


@require_safe
def partner_detail(request, slug: str):
    partnership = get_object_for(
        request.user, "youth.view_partnership", selectors.partnership_queryset(), organisation__slug=slug
    )
    return render(
        request,
        "youth/partner_detail.html",
        {
            "partnership": partnership,
            "organisation": partnership.organisation,
            "sessions": selectors.partner_sessions(partnership),
            "can_manage": can(request.user, "youth.change_partnership", partnership),
            "can_edit_own": can(request.user, "youth.edit_own_partnership", partnership),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partner_edit(request, slug: str):
    """A partner's administrators edit their presentation (the public text and the contact); staff decide the
    rest in their own form."""
    partnership = get_object_for(
        request.user, "youth.edit_own_partnership", selectors.partnership_queryset(), organisation__slug=slug
    )
    back = reverse("youth:partner_detail", args=[slug]) if partnership.is_public else reverse("accounts:dashboard")
    submitted = submit_form(
        request,
        PartnerTextForm(request.POST or None, initial=PartnerTextForm.initial_for(partnership)),
        lambda data: services.partnership_update_by_partner(actor=request.user, partnership=partnership, **data),
        success=_("Votre présentation est enregistrée."),
        redirect_to=back,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "youth/partner_edit.html",
        {"form": submitted.form, "partnership": partnership, "organisation": partnership.organisation, "back": back},
        status=submitted.status,
    )


@require_safe
def youth_voice(request):
    surveys = []
    for entry in selectors.youth_voice():
        results = entry["results"]
        surveys.append({**entry, "items": survey_result_charts(results), "threshold": results["threshold"]})
    return render(
        request,
        "youth/youth_voice.html",
        {"surveys": surveys, "can_manage": can(request.user, "youth.manage")},
    )


urlpatterns = [
    path("partenaires/", directory, name="directory"),
    path("partenaires/<slug:slug>/", partner_detail, name="partner_detail"),
    path("partenaires/<slug:slug>/presentation/", partner_edit, name="partner_edit"),
    path("ce-que-disent-les-jeunes/", youth_voice, name="youth_voice"),
]
