"""Agency staff's pages: partnerships, the actions that followed youth surveys, and the button that publishes the
directory as open data (`youth.manage`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.youth import opendata, selectors, services
from auzolan.youth.forms import ActionCreateForm, ActionForm, PartnershipCreateForm, PartnershipForm
from auzolan.youth.models import Action


def _require_staff(request) -> None:
    if not can(request.user, "youth.manage"):
        raise Http404


def _home_url() -> str:
    return reverse("youth:manage_home")


@require_safe
@login_required
def manage_home(request):
    _require_staff(request)
    return render(
        request,
        "youth/manage/home.html",
        {
            "partnerships": selectors.managed_partnerships(),
            "actions": selectors.managed_actions(),
            "open_data": selectors.directory_open_data(),
        },
    )


@require_POST
@login_required
def directory_publish(request):
    _require_staff(request)
    return submit_action(
        request,
        lambda: opendata.directory_publish_by_staff(actor=request.user),
        success=_("L'annuaire des partenaires est publié en données ouvertes (une nouvelle version s'il a changé)."),
        redirect_to=_home_url(),
    )


def _form_page(request, submitted, *, title: str, delete_url: str = ""):
    if submitted.response:
        return submitted.response
    return render(
        request,
        "youth/manage/form.html",
        {"form": submitted.form, "title": title, "delete_url": delete_url},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partnership_create(request):
    _require_staff(request)
    submitted = submit_form(
        request,
        PartnershipCreateForm(request.POST or None),
        lambda data: services.partnership_create(actor=request.user, **data),
        success=_("Le partenariat est enregistré."),
        redirect_to=_home_url(),
    )
    return _form_page(request, submitted, title=_("Nouveau partenaire"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partnership_edit(request, pk: int):
    partnership = get_object_for(request.user, "youth.change_partnership", selectors.partnership_queryset(), pk=pk)
    submitted = submit_form(
        request,
        PartnershipForm(request.POST or None, initial=PartnershipForm.initial_for(partnership)),
        lambda data: services.partnership_update(actor=request.user, partnership=partnership, **data),
        success=_("Le partenariat est enregistré."),
        redirect_to=_home_url(),
    )
    title = _("Partenariat : %(name)s") % {"name": partnership.organisation.name}
    return _form_page(
        request, submitted, title=title, delete_url=reverse("youth:partnership_delete", args=[partnership.pk])
    )


@require_POST
@login_required
def partnership_delete(request, pk: int):
    partnership = get_object_for(request.user, "youth.change_partnership", selectors.partnership_queryset(), pk=pk)
    return submit_action(
        request,
        lambda: services.partnership_delete(actor=request.user, partnership=partnership),
        success=_("Le partenariat est supprimé (l'organisation reste sur la plateforme)."),
        redirect_to=_home_url(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_create(request):
    _require_staff(request)
    submitted = submit_form(
        request,
        ActionCreateForm(request.POST or None, surveys=selectors.youth_surveys()),
        lambda data: services.action_create(actor=request.user, **data),
        success=_("L'action est enregistrée."),
        redirect_to=_home_url(),
    )
    return _form_page(request, submitted, title=_("Nouvelle action publique"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_edit(request, pk: int):
    action = get_object_for(request.user, "youth.change_action", Action, pk=pk)
    submitted = submit_form(
        request,
        ActionForm(request.POST or None, initial=ActionForm.initial_for(action), surveys=selectors.youth_surveys()),
        lambda data: services.action_update(actor=request.user, action=action, **data),
        success=_("L'action est enregistrée."),
        redirect_to=_home_url(),
    )
    title = _("Action : %(title)s") % {"title": action.title}
    return _form_page(request, submitted, title=title, delete_url=reverse("youth:action_delete", args=[action.pk]))


@require_POST
@login_required
def action_delete(request, pk: int):
    action = get_object_for(request.user, "youth.change_action", Action, pk=pk)
    return submit_action(
        request,
        lambda: services.action_delete(actor=request.user, action=action),
        success=_("L'action est supprimée."),
        redirect_to=_home_url(),
    )


urlpatterns = [
    path("gerer/", manage_home, name="manage_home"),
    path("gerer/donnees-ouvertes/", directory_publish, name="directory_publish"),
    path("gerer/partenaires/nouveau/", partnership_create, name="partnership_create"),
    path("gerer/partenaires/<int:pk>/", partnership_edit, name="partnership_edit"),
    path("gerer/partenaires/<int:pk>/supprimer/", partnership_delete, name="partnership_delete"),
    path("gerer/actions/nouvelle/", action_create, name="action_create"),
    path("gerer/actions/<int:pk>/", action_edit, name="action_edit"),
    path("gerer/actions/<int:pk>/supprimer/", action_delete, name="action_delete"),
]
