"""Public pages of youth: the partners directory, a partner's page, and "Ce que disent les jeunes"."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.participation.charts import survey_result_charts
from auzolan.youth import selectors
from auzolan.youth.forms import DirectoryFilterForm


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
        },
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
    path("ce-que-disent-les-jeunes/", youth_voice, name="youth_voice"),
]
