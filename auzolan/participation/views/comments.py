"""Participation pages: comments (on a proposal or on the process: write, reply, edit, history)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import Submitted, submit_form
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.comments import CommentEditForm, CommentForm
from auzolan.participation.models import MAX_COMMENT_DEPTH, Comment, Process, Proposal
from auzolan.participation.selectors import comments as selectors
from auzolan.participation.selectors.proposals import blocks_of
from auzolan.participation.services import comments as services
from auzolan.participation.views.common import get_process, get_proposal


def _comment(process: Process, pk: int) -> Comment:
    try:
        comment = selectors.comment_of(process=process, pk=pk)
    except Comment.DoesNotExist:
        raise Http404 from None
    comment.process = process
    return comment


def _post_comment(request, process: Process, proposal: Proposal | None, parent: Comment | None) -> Submitted:
    """Save the posted comment (on the proposal, or on the process when `proposal` is None; a reply to `parent`)."""
    return submit_form(
        request,
        CommentForm(request.POST, prefix="c"),
        lambda data: services.comment_create(
            actor=request.user,
            process=process,
            proposal=proposal,
            parent=parent,
            body=data["body"],
            position=data["position"],
        ),
        success=_("Votre commentaire est publié."),
        redirect_to=services.comment_url,
        duplicate=_("Ce commentaire a déjà été envoyé."),
        duplicate_redirect_to=proposal.get_absolute_url() if proposal else debate_url(process),
    )


def debate_url(process: Process) -> str:
    """The discussion about the process (also the page of the "comment" action of a phase)."""
    return reverse("participation:process_debate", kwargs={"slug": process.slug})


@require_http_methods(["POST"])
@login_required
def proposal_comment(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    submitted = _post_comment(request, process, proposal, None)
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/comments/reply.html",
        {"process": process, "proposal": proposal, "parent": None, "form": submitted.form},
        status=submitted.status,
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
            return redirect(f"{reverse('account_login')}?next={debate_url(process)}")
        submitted = _post_comment(request, process, None, None)
        if submitted.response:
            return submitted.response
        form, status = submitted.form, submitted.status
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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_reply(request, slug: str, pk: int):
    """Reply to a comment (the page that works without JavaScript)."""
    process = get_process(request, slug)
    parent = _comment(process, pk)
    proposal = get_proposal(process, parent.proposal_id) if parent.proposal_id else None
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
    form, status = CommentForm(prefix="c", initial={"parent": parent.pk}), 200
    if request.method == "POST":
        submitted = _post_comment(request, process, proposal, parent)
        if submitted.response:
            return submitted.response
        form, status = submitted.form, submitted.status
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
    submitted = submit_form(
        request,
        CommentEditForm(request.POST or None, initial={"body": comment.body, "position": comment.position}),
        lambda data: services.comment_edit(actor=request.user, comment=comment, **data),
        success=_("Votre commentaire est modifié."),
        redirect_to=services.comment_url(comment),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/comments/edit.html",
        {"process": process, "comment": comment, "form": submitted.form},
        status=submitted.status,
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


urlpatterns = [
    path("<slug:slug>/debat/", process_debate, name="process_debate"),
    path("<slug:slug>/propositions/<int:pk>/commentaires/", proposal_comment, name="proposal_comment"),
    path("<slug:slug>/commentaires/<int:pk>/repondre/", comment_reply, name="comment_reply"),
    path("<slug:slug>/commentaires/<int:pk>/modifier/", comment_edit, name="comment_edit"),
    path("<slug:slug>/commentaires/<int:pk>/historique/", comment_history, name="comment_history"),
]
