"""Participation pages: following a process or a proposal, and the results follow-up (public page, management)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation.forms.followup import FollowUpCreateForm, FollowUpForm, FollowUpUpdateForm
from auzolan.participation.models import FollowUp, FollowUpUpdate, Process, Project, Proposal
from auzolan.participation.selectors import followup as selectors
from auzolan.participation.services import follows as follow_services
from auzolan.participation.services import followup as services
from auzolan.participation.views.common import back_url, get_process

# --- Following ------------------------------------------------------------------------------------------------


def _proposal_of(process: Process, pk: int) -> Proposal:
    proposal = Proposal.objects.filter(process=process, pk=pk, is_hidden=False).first()
    if proposal is None:
        raise Http404
    return proposal


def _follow(request, slug: str, pk: int | None, *, follow: bool):
    process = get_process(request, slug)
    proposal = _proposal_of(process, pk) if pk is not None else None
    back = back_url(request, proposal.get_absolute_url() if proposal else process.get_absolute_url())
    if follow:
        return submit_action(
            request,
            lambda: follow_services.follow_create(user=request.user, process=process, proposal=proposal),
            success=_("Vous suivez cette proposition : vous serez prévenu de ses nouvelles.")
            if proposal
            else _("Vous suivez cette démarche : vous serez prévenu de ses étapes, résultats et suites."),
            redirect_to=back,
        )
    return submit_action(
        request,
        lambda: follow_services.follow_delete(user=request.user, process=process, proposal=proposal),
        success=_("Vous ne suivez plus cette proposition.") if proposal else _("Vous ne suivez plus cette démarche."),
        redirect_to=back,
    )


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
    process = get_process(request, slug)
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


def _manage_url(process: Process) -> str:
    return reverse("participation:followup_manage", kwargs={"slug": process.slug})


def _edit_url(followup: FollowUp) -> str:
    return reverse("participation:followup_edit", kwargs={"slug": followup.process.slug, "pk": followup.pk})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def followup_manage(request, slug: str):
    process = get_process(request, slug, manage=True)
    proposals = list(services.followable_proposals(process).exclude(followups__process=process).order_by("title"))
    projects = list(
        services.followable_projects(process)
        .exclude(followups__process=process)
        .select_related("budget")
        .order_by("title")
    )
    form = FollowUpCreateForm(request.POST or None, proposals=proposals, projects=projects)

    def create(data):
        kind, pk = form.source_parts()
        return services.followup_create(
            actor=request.user,
            process=process,
            title=data["title"],
            description=data["description"],
            status=data["status"],
            progress=data["progress"],
            proposal=Proposal.objects.filter(process=process, pk=pk).first() if kind == "proposal" else None,
            project=Project.objects.filter(budget__process=process, pk=pk).first() if kind == "project" else None,
        )

    submitted = submit_form(
        request,
        form,
        create,
        success=_("Le suivi est créé. Ajoutez-lui des points d'étape datés."),
        redirect_to=_edit_url,
        duplicate=_("Ce suivi a déjà été enregistré."),
        duplicate_redirect_to=_manage_url(process),
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/followup/manage.html",
        {
            "process": process,
            "followups": selectors.followups_for_process(process=process),
            "form": submitted.form,
        },
    )


def _managed_followup(request, slug: str, pk: int) -> FollowUp:
    process = get_process(request, slug, manage=True)
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
    # Two forms on the page: the one the button named is the one sent (the other stays as it was).
    submitted = None
    if action == "edit":
        submitted = submit_form(
            request,
            edit_form,
            lambda data: services.followup_update(actor=request.user, followup=followup, **data),
            success=_("Le suivi est enregistré."),
            redirect_to=_edit_url(followup),
        )
    elif action == "update":
        submitted = submit_form(
            request,
            update_form,
            lambda data: services.followup_update_add(actor=request.user, followup=followup, **data),
            success=_("Le point d'étape est publié ; les personnes qui suivent sont prévenues."),
            redirect_to=_edit_url(followup),
            duplicate=_("Ce point d'étape a déjà été enregistré."),
        )
    if submitted and submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
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
    return submit_action(
        request,
        lambda: services.followup_delete(actor=request.user, followup=followup),
        success=_("Le suivi est supprimé."),
        redirect_to=_manage_url(followup.process),
    )


@require_POST
@login_required
def followup_update_delete(request, slug: str, pk: int, update_pk: int):
    followup = _managed_followup(request, slug, pk)
    update = FollowUpUpdate.objects.filter(followup=followup, pk=update_pk).first()
    if update is None:
        raise Http404
    return submit_action(
        request,
        lambda: services.followup_update_delete(actor=request.user, update=update),
        success=_("Le point d'étape est supprimé."),
        redirect_to=_edit_url(followup),
    )


# --- Blocks on the process page (registered in participation/hooks.py) ------------------------------------------------


def follow_section(request, process: Process) -> dict | None:
    if process.state not in services.PUBLIC_STATES:
        return None
    return {"process": process}


def followup_section(request, process: Process) -> dict | None:
    summary = selectors.followup_summary(process=process)
    can_manage = can(request.user, "participation.change_process", process)
    if not summary["items"] and not can_manage:
        return None
    return {"process": process, "can_manage": can_manage, **summary}


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
