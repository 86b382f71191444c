"""Writes of comments: on a proposal or on the process itself, threaded to MAX_COMMENT_DEPTH, with a position, and
edits that keep the previous text as public history."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import PermissionDenied, ValidationError
from auzolan.notifications.services import notify
from auzolan.participation.eligibility import eligibility
from auzolan.participation.models import MAX_COMMENT_DEPTH, Comment, CommentVersion, Process, Proposal
from auzolan.participation.services.moderation import rate_limit_check, rate_limit_reserve


def _require_comment(actor, process: Process) -> None:
    allowed = eligibility(actor, process, "comment")
    if not allowed:
        raise PermissionDenied(allowed.message)


def _clean(body: str, position: str) -> tuple[str, str]:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Écrivez votre commentaire."), field="body")
    if len(body) > 5000:
        raise ValidationError(_("Le commentaire fait 5 000 caractères au plus."), field="body")
    if position not in Comment.Position.values:
        raise ValidationError(_("Choisissez une position : pour, contre ou neutre."), field="position")
    return body, position


def comment_create(
    *,
    actor,
    process: Process,
    body: str,
    position: str = Comment.Position.NEUTRAL,
    proposal: Proposal | None = None,
    parent: Comment | None = None,
) -> Comment:
    _require_comment(actor, process)
    rate_limit_check(user=actor)
    body, position = _clean(body, position)
    if proposal is not None:
        if proposal.process_id != process.pk:
            raise ValidationError(_("Cette proposition n'appartient pas à la démarche."))
        if proposal.is_hidden or proposal.status == Proposal.Status.WITHDRAWN:
            raise PermissionDenied(_("Cette proposition ne peut plus être commentée."))
    if parent is not None:
        if parent.process_id != process.pk or parent.proposal_id != (proposal.pk if proposal else None):
            raise ValidationError(_("On ne peut répondre qu'à un commentaire de la même discussion."))
        if parent.is_hidden:
            raise PermissionDenied(_("On ne peut pas répondre à un commentaire masqué."))
        if parent.depth >= MAX_COMMENT_DEPTH:
            raise ValidationError(
                _("Cette discussion a atteint sa profondeur maximale : répondez plus haut dans le fil."),
                field="parent",
            )
    rate_limit_reserve(user=actor)
    with transaction.atomic():
        comment = Comment.objects.create(
            organisation_id=process.organisation_id,
            process=process,
            proposal=proposal,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            author=actor,
            body=body,
            position=position,
        )
        if proposal is not None:
            Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
        audit_log(
            actor=actor,
            action="participation.comment.created",
            obj=comment,
            organisation=process.organisation,
            data={"proposal": proposal.pk if proposal else None, "parent": parent.pk if parent else None},
        )
        people = []
        if parent is not None and parent.author_id and parent.author_id != actor.pk:
            people.append(parent.author)
        if proposal is not None and proposal.author_id and proposal.author_id != actor.pk:
            people.append(proposal.author)
        target = proposal.title if proposal else process.title
        notify(
            users=people,
            kind="participation.comment.created",
            title=_("Nouveau commentaire sur « %(target)s »") % {"target": target},
            body=body[:300],
            url=comment_url(comment),
        )
    return comment


def comment_url(comment: Comment) -> str:
    if comment.proposal_id:
        base = reverse(
            "participation:proposal_detail", kwargs={"slug": comment.process.slug, "pk": comment.proposal_id}
        )
    else:
        base = reverse("participation:process_debate", kwargs={"slug": comment.process.slug})
    return f"{base}#commentaire-{comment.pk}"


def comment_edit(*, actor, comment: Comment, body: str, position: str | None = None) -> Comment:
    """The author edits their comment; the previous text is kept (public history) and the comment is marked edited."""
    if not (actor and actor.is_authenticated and comment.author_id == actor.pk):
        raise PermissionDenied(_("Seul l'auteur du commentaire peut le modifier."))
    if comment.is_hidden:
        raise PermissionDenied(_("Ce commentaire est masqué par la modération."))
    _require_comment(actor, comment.process)
    body, position = _clean(body, position or comment.position)
    if body == comment.body and position == comment.position:
        return comment
    with transaction.atomic():
        CommentVersion.objects.create(comment=comment, body=comment.body)
        comment.body, comment.position, comment.edited_at = body, position, timezone.now()
        comment.save(update_fields=["body", "position", "edited_at", "updated_at"])
        audit_log(
            actor=actor,
            action="participation.comment.edited",
            obj=comment,
            organisation=comment.process.organisation,
        )
    return comment
