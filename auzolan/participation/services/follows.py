"""Following a process or a proposal, and who follows what (for the areas that notify them)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import NotFound, ValidationError
from auzolan.core.permissions import can
from auzolan.participation.models import Follow, Process, Proposal


def followers_of(*, process: Process | None = None, proposal: Proposal | None = None) -> QuerySet:
    """The active people who follow `process` as a whole and/or `proposal`, each once (a User queryset).

    `followers_of(process=p)`: followers of the whole process; `followers_of(proposal=x)`: followers of that
    proposal only; both: the union. Pass the result to notifications.services.notify(users=...).
    """
    condition = Q(pk__in=[])
    if process is not None:
        condition |= Q(participation_follows__process=process, participation_follows__proposal__isnull=True)
    if proposal is not None:
        condition |= Q(participation_follows__proposal=proposal)
    return get_user_model().objects.filter(condition, is_active=True).distinct().order_by("pk")


def _check_can_follow(user, process: Process, proposal: Proposal | None) -> None:
    if not can(user, "participation.follow", process):
        raise NotFound(_("Cette démarche est introuvable."))
    if proposal is not None and (proposal.process_id != process.pk or proposal.is_hidden):
        raise NotFound(_("Cette proposition est introuvable."))


def follow_create(*, user, process: Process, proposal: Proposal | None = None) -> Follow:
    """Follow a process (as a whole) or one of its proposals. Following twice keeps one follow."""
    _check_can_follow(user, process, proposal)
    lookup = {"user": user, "process": process, "proposal": proposal}
    existing = Follow.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            follow = Follow.objects.create(**lookup)
            audit_log(
                actor=user,
                action="participation.follow.created",
                obj=proposal or process,
                organisation=process.organisation,
            )
    except IntegrityError:  # the same person following in two tabs at once: the constraint keeps one
        return Follow.objects.get(**lookup)
    return follow


@transaction.atomic
def follow_delete(*, user, process: Process, proposal: Proposal | None = None) -> bool:
    """Stop following. True if a follow was removed."""
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Connectez-vous pour gérer vos abonnements."))
    deleted, _details = Follow.objects.filter(user=user, process=process, proposal=proposal).delete()
    if deleted:
        audit_log(
            actor=user,
            action="participation.follow.deleted",
            obj=proposal or process,
            organisation=process.organisation,
        )
    return bool(deleted)


# --- RGPD ---------------------------------------------------------------------------------------------------


def personal_data_follows(user) -> list[dict]:
    return [
        {
            "process": follow.process.title,
            "proposal": follow.proposal.title if follow.proposal_id else None,
            "since": follow.created_at.isoformat(),
        }
        for follow in Follow.objects.filter(user=user).select_related("process", "proposal").order_by("created_at")
    ]


def deletion_cleanup_follows(user) -> None:
    Follow.objects.filter(user=user).delete()
