"""Participation pages: reporting content, and the moderation queue of a process for its organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation.forms.moderation import ModerationActionForm, ReportForm
from auzolan.participation.models import Comment, Process, Proposal, UserBlock
from auzolan.participation.selectors import moderation as selectors
from auzolan.participation.services import moderation as services
from auzolan.participation.services.comments import comment_url
from auzolan.participation.views.common import get_process

MODERATE = "participation.moderate"


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
    process = get_process(request, slug, action="participation.report")
    target = _target(process, kind, pk)
    if target.is_hidden:
        messages.info(request, _("Ce contenu est déjà masqué en attendant la modération."))
        return redirect(_target_url(target))
    submitted = submit_form(
        request,
        ReportForm(request.POST or None),
        lambda data: services.report_create(actor=request.user, target=target, **data),
        success=_("Merci : votre signalement est transmis aux modérateurs."),
        redirect_to=_target_url(target),
    )
    if submitted.response:
        return submitted.response
    # As before, every refusal answers 400, a second report of the same content (a Conflict) included.
    return render(
        request,
        "participation/moderation/report.html",
        {"process": process, "target": target, "kind": kind, "form": submitted.form, "target_url": _target_url(target)},
        status=400 if submitted.error else submitted.status,
    )


@require_safe
@login_required
def queue(request, slug: str):
    process = get_process(request, slug, action=MODERATE)
    data = selectors.moderation_queue(process=process)
    return render(request, "participation/moderation/queue.html", {"process": process, **data})


@require_POST
@login_required
def moderate(request, slug: str, kind: str, pk: int):
    process = get_process(request, slug, action=MODERATE)
    target = _target(process, kind, pk)
    form = ModerationActionForm(request.POST)
    back = reverse("participation:moderation_queue", kwargs={"slug": process.slug})
    if not form.is_valid():
        messages.error(request, _("Choisissez une action."))
        return redirect(back)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if action == "hide":
        return submit_action(
            request,
            lambda: services.content_hide(actor=request.user, target=target, reason=reason),
            success=_("Le contenu est masqué."),
            redirect_to=back,
        )
    if action == "restore":
        return submit_action(
            request,
            lambda: services.content_restore(actor=request.user, target=target),
            success=_("Le contenu est visible et ses signalements sont clos."),
            redirect_to=back,
        )
    return submit_action(
        request,
        lambda: services.user_block(
            actor=request.user, organisation=process.organisation, user=target.author, reason=reason
        ),
        success=_("L'auteur est bloqué pour les démarches de l'organisation."),
        redirect_to=back,
    )


@require_POST
@login_required
def unblock(request, slug: str, pk: int):
    process = get_process(request, slug, action=MODERATE)
    try:
        block = UserBlock.objects.select_related("organisation").get(organisation=process.organisation, pk=pk)
    except UserBlock.DoesNotExist:
        raise Http404 from None
    return submit_action(
        request,
        lambda: services.user_unblock(actor=request.user, block=block),
        success=_("La personne peut de nouveau participer."),
        redirect_to=reverse("participation:moderation_queue", kwargs={"slug": process.slug}),
    )


urlpatterns = [
    path("<slug:slug>/<str:kind>/<int:pk>/signaler/", report, name="report"),
    path("gerer/<slug:slug>/moderation/", queue, name="moderation_queue"),
    path("gerer/<slug:slug>/moderation/<str:kind>/<int:pk>/", moderate, name="moderate"),
    path("gerer/<slug:slug>/moderation/blocages/<int:pk>/lever/", unblock, name="unblock"),
]
