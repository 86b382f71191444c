"""Participation pages: comments (on a proposal or on the process: write, reply, edit, history)."""

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
from auzolan.core.permissions import can
from auzolan.core.submissions import claim_submission, release_submission
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.comments import CommentEditForm, CommentForm
from auzolan.participation.models import MAX_COMMENT_DEPTH, Comment, Process, Proposal
from auzolan.participation.selectors import comments as selectors
from auzolan.participation.selectors.proposals import blocks_of, proposal_detail
from auzolan.participation.services import comments as services
from auzolan.participation.services.moderation import RateLimited
from auzolan.participation.views.common import get_process


def _comment(process: Process, pk: int) -> Comment:
    try:
        comment = selectors.comment_of(process=process, pk=pk)
    except Comment.DoesNotExist:
        raise Http404 from None
    comment.process = process
    return comment


def _proposal(process: Process, pk: int) -> Proposal:
    try:
        proposal = proposal_detail(process=process, pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    proposal.process = process
    return proposal


def _post_comment(request, process: Process, proposal: Proposal | None, parent: Comment | None):
    """Validate and save; returns (form, response or None, status)."""
    form = CommentForm(request.POST, prefix="c")
    if form.is_bot():
        form.add_error(None, _("Votre contribution n'a pas pu être enregistrée. Réessayez."))
        return form, None, 400
    if not form.is_valid():
        return form, None, 400
    token = form.cleaned_data.get("submission")
    if not claim_submission(request, token):
        messages.info(request, _("Ce commentaire a déjà été envoyé."))
        return form, redirect(proposal.get_absolute_url() if proposal else _debate_url(process)), 302
    try:
        comment = services.comment_create(
            actor=request.user,
            process=process,
            proposal=proposal,
            parent=parent,
            body=form.cleaned_data["body"],
            position=form.cleaned_data["position"],
        )
    except ApplicationError as error:
        release_submission(request, token)
        add_service_error(form, error)
        return form, None, 429 if isinstance(error, RateLimited) else 400
    messages.success(request, _("Votre commentaire est publié."))
    return form, redirect(services.comment_url(comment)), 302


def _debate_url(process: Process) -> str:
    from django.urls import reverse

    return reverse("participation:process_debate", kwargs={"slug": process.slug})


@require_http_methods(["POST"])
@login_required
def proposal_comment(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = _proposal(process, pk)
    form, response, status = _post_comment(request, process, proposal, None)
    if response is not None:
        return response
    return render(
        request,
        "participation/comments/reply.html",
        {"process": process, "proposal": proposal, "parent": None, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def process_debate(request, slug: str):
    """The discussion about the process itself (information, debate and survey phases)."""
    process = get_process(request, slug)
    can_comment = eligibility(request.user, process, "comment")
    form = CommentForm(prefix="c") if can_comment else None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={_debate_url(process)}")
        form, response, status = _post_comment(request, process, None, None)
        if response is not None:
            return response
    return render(
        request,
        "participation/comments/debate.html",
        {
            "process": process,
            "discussion": selectors.discussion(process=process, page=request.GET.get("commentaires")),
            "comment_form": form,
            "can_comment": can_comment,
            "can_report": can(request.user, "participation.report", process),
            "is_moderator": can(request.user, "participation.moderate", process),
            "blocks": blocks_of(process=process),
        },
        status=status,
    )


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_reply(request, slug: str, pk: int):
    """Reply to a comment (the page that works without JavaScript)."""
    process = get_process(request, slug)
    parent = _comment(process, pk)
    proposal = _proposal(process, parent.proposal_id) if parent.proposal_id else None
    if parent.is_hidden or parent.depth >= MAX_COMMENT_DEPTH:
        raise Http404
    allowed = eligibility(request.user, process, "comment")
    if not allowed:
        return render(
            request,
            "participation/proposals/not_allowed.html",
            {"process": process, "eligibility": allowed},
            status=403,
        )
    status = 200
    if request.method == "POST":
        form, response, status = _post_comment(request, process, proposal, parent)
        if response is not None:
            return response
    else:
        form = CommentForm(prefix="c", initial={"parent": parent.pk})
    return render(
        request,
        "participation/comments/reply.html",
        {"process": process, "proposal": proposal, "parent": parent, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_edit(request, slug: str, pk: int):
    process = get_process(request, slug)
    comment = _comment(process, pk)
    if comment.author_id != request.user.pk:
        raise Http404
    form = CommentEditForm(request.POST or None, initial={"body": comment.body, "position": comment.position})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                actor=request.user,
                comment=comment,
                body=form.cleaned_data["body"],
                position=form.cleaned_data["position"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(services.comment_url(comment))
    return render(
        request,
        "participation/comments/edit.html",
        {"process": process, "comment": comment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def comment_history(request, slug: str, pk: int):
    process = get_process(request, slug)
    comment = _comment(process, pk)
    if comment.is_hidden and not can(request.user, "participation.moderate", process):
        raise Http404
    return render(
        request,
        "participation/comments/history.html",
        {
            "process": process,
            "comment": comment,
            "versions": selectors.comment_history(comment=comment),
            "back_url": services.comment_url(comment),
        },
    )


def process_section(request, process) -> dict | None:
    """The debate block of the process page: how many comments, a link to the discussion."""
    if process.state == Process.State.DRAFT:
        return None
    count = Comment.objects.filter(process=process, proposal__isnull=True, is_hidden=False).count()
    allowed = eligibility(request.user, process, "comment")
    if not count and not allowed and allowed.reason != "login":
        return None
    return {"process": process, "count": count, "can_comment": allowed}


def register() -> None:
    from auzolan.core.registry import register_page_section

    register_page_section("participation_process", "participation/comments/_section.html", process_section, order=40)
    from auzolan.participation.views import processes

    register_action_url = getattr(processes, "register_action_url", None)
    if register_action_url is not None:
        register_action_url("comment", _debate_url)


urlpatterns = [
    path("<slug:slug>/debat/", process_debate, name="process_debate"),
    path("<slug:slug>/propositions/<int:pk>/commentaires/", proposal_comment, name="proposal_comment"),
    path("<slug:slug>/commentaires/<int:pk>/repondre/", comment_reply, name="comment_reply"),
    path("<slug:slug>/commentaires/<int:pk>/modifier/", comment_edit, name="comment_edit"),
    path("<slug:slug>/commentaires/<int:pk>/historique/", comment_history, name="comment_history"),
]
