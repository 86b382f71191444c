"""Reads about people for their personal pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from auzolan.accounts.models import User
from auzolan.core.models import AuditLogEntry, Job

# Human labels of audit action codes, shown in "Mon activité". Unknown codes show as they are.
ACTION_LABELS = {
    "accounts.user.signed_up": _("Création de votre compte"),
    "accounts.profile.updated": _("Modification du profil"),
    "accounts.export.requested": _("Demande d'export de vos données"),
    "accounts.user.deleted": _("Suppression du compte"),
    "organisations.organisation.created": _("Création d'une organisation"),
    "organisations.organisation.updated": _("Modification d'une organisation"),
    "organisations.membership.added": _("Ajout d'un membre"),
    "organisations.membership.requested": _("Demande d'adhésion"),
    "organisations.membership.approved": _("Adhésion acceptée"),
    "organisations.membership.refused": _("Adhésion refusée"),
    "organisations.membership.role_changed": _("Changement de rôle d'un membre"),
    "organisations.membership.removed": _("Retrait d'un membre"),
    "organisations.territory.loaded": _("Chargement du territoire"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def user_activity(*, user: User, limit: int = 20) -> list[AuditLogEntry]:
    """The person's last audit entries, each with a `label` attribute."""
    entries = list(AuditLogEntry.objects.filter(actor=user).select_related("organisation")[:limit])
    for entry in entries:
        entry.label = action_label(entry.action)
    return entries


def user_jobs(*, user: User, limit: int = 10) -> QuerySet[Job]:
    return Job.objects.filter(owner=user).order_by("-created_at")[:limit]


def user_export_jobs(*, user: User) -> QuerySet[Job]:
    return Job.objects.filter(owner=user, kind="accounts.export").order_by("-created_at")
