"""Participation pages: the methodology guides (public reading; the agency's staff edit them in the page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import can, get_object_for
from auzolan.participation.forms.guides import GuideForm
from auzolan.participation.models import Guide
from auzolan.participation.selectors import guides as selectors
from auzolan.participation.services import guides as services


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
    form = GuideForm(
        request.POST or None,
        initial={name: getattr(guide, name) for name in services.GUIDE_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_update(actor=request.user, guide=guide, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le guide est enregistré."))
            return redirect("participation:guide_detail", slug=guide.slug)
    return render(request, "participation/guides/edit.html", {"guide": guide, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guide_create(request):
    if not can(request.user, "participation.change_guide"):
        raise Http404
    form = GuideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.guide_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le guide est créé."))
            return redirect("participation:guide_detail", slug=guide.slug)
    return render(request, "participation/guides/edit.html", {"guide": None, "form": form})


urlpatterns = [
    path("guides/", guide_list, name="guide_list"),
    path("guides/nouveau/", guide_create, name="guide_create"),
    path("guides/<slug:slug>/", guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/modifier/", guide_edit, name="guide_edit"),
]
