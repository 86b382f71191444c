"""Participation pages: reporting content, and the moderation queue of a process for its organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import can
from auzolan.participation.forms.moderation import ModerationActionForm, ReportForm
from auzolan.participation.models import Comment, Process, Proposal, UserBlock
from auzolan.participation.selectors import moderation as selectors
from auzolan.participation.services import moderation as services
from auzolan.participation.services.comments import comment_url
from auzolan.participation.views.common import get_process


def _target(process: Process, kind: str, pk: int):
    model = {"proposition": Proposal, "commentaire": Comment}.get(kind)
    if model is None:
        raise Http404
    try:
        target = model.objects.select_related("author").get(process=process, pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    target.process = process
    return target


def _target_url(target) -> str:
    return comment_url(target) if isinstance(target, Comment) else target.get_absolute_url()


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report(request, slug: str, kind: str, pk: int):
    process = get_process(request, slug)
    if not can(request.user, "participation.report", process):
        raise Http404
    target = _target(process, kind, pk)
    if target.is_hidden:
        messages.info(request, _("Ce contenu est déjà masqué en attendant la modération."))
        return redirect(_target_url(target))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                actor=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Merci : votre signalement est transmis aux modérateurs."))
            return redirect(_target_url(target))
    return render(
        request,
        "participation/moderation/report.html",
        {"process": process, "target": target, "kind": kind, "form": form, "target_url": _target_url(target)},
        status=400 if request.method == "POST" else 200,
    )


def _moderated_process(request, slug: str) -> Process:
    process = get_process(request, slug)
    if not can(request.user, "participation.moderate", process):
        raise Http404
    return process


@require_safe
@login_required
def queue(request, slug: str):
    process = _moderated_process(request, slug)
    data = selectors.moderation_queue(process=process)
    return render(request, "participation/moderation/queue.html", {"process": process, **data})


@require_POST
@login_required
def moderate(request, slug: str, kind: str, pk: int):
    process = _moderated_process(request, slug)
    target = _target(process, kind, pk)
    form = ModerationActionForm(request.POST)
    back = reverse("participation:moderation_queue", kwargs={"slug": process.slug})
    if not form.is_valid():
        messages.error(request, _("Choisissez une action."))
        return redirect(back)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "hide":
            services.content_hide(actor=request.user, target=target, reason=reason)
            messages.success(request, _("Le contenu est masqué."))
        elif action == "restore":
            services.content_restore(actor=request.user, target=target)
            messages.success(request, _("Le contenu est visible et ses signalements sont clos."))
        else:
            services.user_block(
                actor=request.user, organisation=process.organisation, user=target.author, reason=reason
            )
            messages.success(request, _("L'auteur est bloqué pour les démarches de l'organisation."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(back)


@require_POST
@login_required
def unblock(request, slug: str, pk: int):
    process = _moderated_process(request, slug)
    try:
        block = UserBlock.objects.select_related("organisation").get(organisation=process.organisation, pk=pk)
    except UserBlock.DoesNotExist:
        raise Http404 from None
    services.user_unblock(actor=request.user, block=block)
    messages.success(request, _("La personne peut de nouveau participer."))
    return redirect("participation:moderation_queue", slug=process.slug)


urlpatterns = [
    path("<slug:slug>/<str:kind>/<int:pk>/signaler/", report, name="report"),
    path("gerer/<slug:slug>/moderation/", queue, name="moderation_queue"),
    path("gerer/<slug:slug>/moderation/<str:kind>/<int:pk>/", moderate, name="moderate"),
    path("gerer/<slug:slug>/moderation/blocages/<int:pk>/lever/", unblock, name="unblock"),
]
