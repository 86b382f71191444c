"""Participation pages: the methodology guides (public reading; the agency's staff edit them in the page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_form
from auzolan.participation.forms.guides import GuideForm
from auzolan.participation.models import Guide
from auzolan.participation.selectors import guides as selectors
from auzolan.participation.services import guides as services


def _detail_url(guide: Guide) -> str:
    return reverse("participation:guide_detail", kwargs={"slug": guide.slug})


@require_safe
def guide_list(request):
    return render(
        request,
        "participation/guides/list.html",
        {"guides": list(selectors.guide_list()), "can_edit": can(request.user, "participation.change_guide")},
    )


@require_safe
def guide_detail(request, slug: str):
    guide = get_object_for(request.user, "participation.view_guide", selectors.guide_detail_queryset(), slug=slug)
    return render(
        request,
        "participation/guides/detail.html",
        {"guide": guide, "can_edit": can(request.user, "participation.change_guide", guide)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guide_edit(request, slug: str):
    guide = get_object_for(request.user, "participation.change_guide", Guide, slug=slug)
    submitted = submit_form(
        request,
        GuideForm(request.POST or None, initial={name: getattr(guide, name) for name in services.GUIDE_FIELDS}),
        lambda data: services.guide_update(actor=request.user, guide=guide, **data),
        success=_("Le guide est enregistré."),
        redirect_to=_detail_url,
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(request, "participation/guides/edit.html", {"guide": guide, "form": submitted.form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guide_create(request):
    if not can(request.user, "participation.change_guide"):
        raise Http404
    submitted = submit_form(
        request,
        GuideForm(request.POST or None),
        lambda data: services.guide_create(actor=request.user, **data),
        success=_("Le guide est créé."),
        redirect_to=_detail_url,
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(request, "participation/guides/edit.html", {"guide": None, "form": submitted.form})


urlpatterns = [
    path("guides/", guide_list, name="guide_list"),
    path("guides/nouveau/", guide_create, name="guide_create"),
    path("guides/<slug:slug>/", guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/modifier/", guide_edit, name="guide_edit"),
]
