"""Participation pages: following a process or a proposal, and the results follow-up (public page, management)."""

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
from auzolan.core.http import safe_next
from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import claim_submission, release_submission
from auzolan.participation.forms.followup import FollowUpCreateForm, FollowUpForm, FollowUpUpdateForm
from auzolan.participation.models import FollowUp, FollowUpUpdate, Process, Project, Proposal
from auzolan.participation.selectors import followup as selectors
from auzolan.participation.services import follows as follow_services
from auzolan.participation.services import followup as services

# --- Following ------------------------------------------------------------------------------------------------


def _back(request, default: str) -> str:
    """The page to go back to: `next` if it is a path of this site (never a view name, another site or garbage)."""
    return safe_next(request, request.POST.get("next", ""), default)


def _public_process(request, slug: str) -> Process:
    return get_object_for(
        request.user, "participation.view_process", Process.objects.select_related("organisation"), slug=slug
    )


def _proposal_of(process: Process, pk: int) -> Proposal:
    proposal = Proposal.objects.filter(process=process, pk=pk, is_hidden=False).first()
    if proposal is None:
        raise Http404
    return proposal


def _follow(request, slug: str, pk: int | None, *, follow: bool):
    process = _public_process(request, slug)
    proposal = _proposal_of(process, pk) if pk is not None else None
    default = proposal.get_absolute_url() if proposal else process.get_absolute_url()
    try:
        if follow:
            follow_services.follow_create(user=request.user, process=process, proposal=proposal)
        else:
            follow_services.follow_delete(user=request.user, process=process, proposal=proposal)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_back(request, default))
    if follow:
        messages.success(
            request,
            _("Vous suivez cette proposition : vous serez prévenu de ses nouvelles.")
            if proposal
            else _("Vous suivez cette démarche : vous serez prévenu de ses étapes, résultats et suites."),
        )
    else:
        messages.success(
            request,
            _("Vous ne suivez plus cette proposition.") if proposal else _("Vous ne suivez plus cette démarche."),
        )
    return redirect(_back(request, default))


@require_POST
@login_required
def follow_process(request, slug: str):
    return _follow(request, slug, None, follow=True)


@require_POST
@login_required
def unfollow_process(request, slug: str):
    return _follow(request, slug, None, follow=False)


@require_POST
@login_required
def follow_proposal(request, slug: str, pk: int):
    return _follow(request, slug, pk, follow=True)


@require_POST
@login_required
def unfollow_proposal(request, slug: str, pk: int):
    return _follow(request, slug, pk, follow=False)


# --- Public follow-up -----------------------------------------------------------------------------------------


@require_safe
def followup_public(request, slug: str):
    process = _public_process(request, slug)
    return render(
        request,
        "participation/followup/public.html",
        {
            "process": process,
            "followups": selectors.followups_for_process(process=process),
            "can_manage": can(request.user, "participation.change_process", process),
        },
    )


# --- Management -----------------------------------------------------------------------------------------------


def _managed_process(request, slug: str) -> Process:
    return get_object_for(
        request.user, "participation.change_process", Process.objects.select_related("organisation"), slug=slug
    )


def _manage_url(process: Process) -> str:
    return reverse("participation:followup_manage", kwargs={"slug": process.slug})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def followup_manage(request, slug: str):
    process = _managed_process(request, slug)
    proposals = list(services.followable_proposals(process).exclude(followups__process=process).order_by("title"))
    projects = list(
        services.followable_projects(process)
        .exclude(followups__process=process)
        .select_related("budget")
        .order_by("title")
    )
    form = FollowUpCreateForm(request.POST or None, proposals=proposals, projects=projects)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.get("submission")
        if not claim_submission(request, token):
            messages.info(request, _("Ce suivi a déjà été enregistré."))
            return redirect(_manage_url(process))
        kind, pk = form.source_parts()
        try:
            followup = services.followup_create(
                actor=request.user,
                process=process,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                proposal=Proposal.objects.filter(process=process, pk=pk).first() if kind == "proposal" else None,
                project=Project.objects.filter(budget__process=process, pk=pk).first() if kind == "project" else None,
            )
        except ApplicationError as error:
            release_submission(request, token)
            add_service_error(form, error)
        else:
            messages.success(request, _("Le suivi est créé. Ajoutez-lui des points d'étape datés."))
            return redirect("participation:followup_edit", slug=process.slug, pk=followup.pk)
    return render(
        request,
        "participation/followup/manage.html",
        {"process": process, "followups": selectors.followups_for_process(process=process), "form": form},
    )


def _managed_followup(request, slug: str, pk: int) -> FollowUp:
    process = _managed_process(request, slug)
    followup = FollowUp.objects.select_related("process", "proposal", "project").filter(process=process, pk=pk).first()
    if followup is None:
        raise Http404
    return followup


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def followup_edit(request, slug: str, pk: int):
    followup = _managed_followup(request, slug, pk)
    process = followup.process
    action = request.POST.get("action") if request.method == "POST" else None
    edit_form = FollowUpForm(
        request.POST if action == "edit" else None,
        initial={
            "title": followup.title,
            "description": followup.description,
            "status": followup.status,
            "progress": followup.progress,
        },
        prefix="item",
    )
    update_form = FollowUpUpdateForm(
        request.POST if action == "update" else None,
        initial={"status": followup.status, "progress": followup.progress},
        prefix="update",
    )
    if action == "edit" and edit_form.is_valid():
        data = edit_form.cleaned_data
        try:
            services.followup_update(
                actor=request.user,
                followup=followup,
                title=data["title"],
                description=data["description"],
                status=data["status"],
                progress=data["progress"],
            )
        except ApplicationError as error:
            add_service_error(edit_form, error)
        else:
            messages.success(request, _("Le suivi est enregistré."))
            return redirect("participation:followup_edit", slug=process.slug, pk=followup.pk)
    if action == "update" and update_form.is_valid():
        data = update_form.cleaned_data
        token = data.get("submission")
        if not claim_submission(request, token):
            messages.info(request, _("Ce point d'étape a déjà été enregistré."))
            return redirect("participation:followup_edit", slug=process.slug, pk=followup.pk)
        try:
            services.followup_update_add(
                actor=request.user,
                followup=followup,
                date=data["date"],
                text=data["text"],
                status=data["status"],
                progress=data["progress"],
            )
        except ApplicationError as error:
            release_submission(request, token)
            add_service_error(update_form, error)
        else:
            messages.success(request, _("Le point d'étape est publié ; les personnes qui suivent sont prévenues."))
            return redirect("participation:followup_edit", slug=process.slug, pk=followup.pk)
    return render(
        request,
        "participation/followup/edit.html",
        {
            "process": process,
            "followup": followup,
            "updates": followup.updates.order_by("-date", "-id"),
            "edit_form": edit_form,
            "update_form": update_form,
        },
    )


@require_POST
@login_required
def followup_delete(request, slug: str, pk: int):
    followup = _managed_followup(request, slug, pk)
    try:
        services.followup_delete(actor=request.user, followup=followup)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le suivi est supprimé."))
    return redirect(_manage_url(followup.process))


@require_POST
@login_required
def followup_update_delete(request, slug: str, pk: int, update_pk: int):
    followup = _managed_followup(request, slug, pk)
    update = FollowUpUpdate.objects.filter(followup=followup, pk=update_pk).first()
    if update is None:
        raise Http404
    try:
        services.followup_update_delete(actor=request.user, update=update)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le point d'étape est supprimé."))
    return redirect("participation:followup_edit", slug=followup.process.slug, pk=followup.pk)


# --- Blocks on the process page, RGPD, the daily check ----------------------------------------------------------


def _follow_section(request, process: Process) -> dict | None:
    if process.state not in services.PUBLIC_STATES:
        return None
    return {"process": process}


def _followup_section(request, process: Process) -> dict | None:
    summary = selectors.followup_summary(process=process)
    can_manage = can(request.user, "participation.change_process", process)
    if not summary["items"] and not can_manage:
        return None
    return {"process": process, "can_manage": can_manage, **summary}


def register() -> None:
    from auzolan.accounts.services import register_deletion_hooks, register_export_section
    from auzolan.core.registry import register_page_section
    from auzolan.notifications.registry import register_daily_check

    register_page_section(
        "participation_process", "participation/followup/_process_follow_section.html", _follow_section, order=5
    )
    register_page_section(
        "participation_process", "participation/followup/_process_followup_section.html", _followup_section, order=80
    )
    register_export_section("participation_follows", follow_services.personal_data_follows)
    register_deletion_hooks(cleanup=follow_services.deletion_cleanup_follows)
    register_daily_check("participation.process_events", services.process_events_notify)


urlpatterns = [
    path("<slug:slug>/suivre/", follow_process, name="follow_process"),
    path("<slug:slug>/ne-plus-suivre/", unfollow_process, name="unfollow_process"),
    path("<slug:slug>/propositions/<int:pk>/suivre/", follow_proposal, name="follow_proposal"),
    path("<slug:slug>/propositions/<int:pk>/ne-plus-suivre/", unfollow_proposal, name="unfollow_proposal"),
    path("<slug:slug>/suivi/", followup_public, name="followup_public"),
    path("gerer/<slug:slug>/suivi/", followup_manage, name="followup_manage"),
    path("gerer/<slug:slug>/suivi/<int:pk>/", followup_edit, name="followup_edit"),
    path("gerer/<slug:slug>/suivi/<int:pk>/supprimer/", followup_delete, name="followup_delete"),
    path(
        "gerer/<slug:slug>/suivi/<int:pk>/points/<int:update_pk>/supprimer/",
        followup_update_delete,
        name="followup_update_delete",
    ),
]
