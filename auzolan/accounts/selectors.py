"""Reads about people for their personal pages."""

from __future__ import annotations

import hashlib
import hmac

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.accounts.models import ApiToken, User
from auzolan.core.models import AuditLogEntry, Job

# Human labels of audit action codes, shown in "Mon activité". Unknown codes show as they are.
ACTION_LABELS = {
    "accounts.user.signed_up": _("Création de votre compte"),
    "accounts.profile.updated": _("Modification du profil"),
    "accounts.export.requested": _("Demande d'export de vos données"),
    "accounts.user.deleted": _("Suppression du compte"),
    "accounts.api_token.created": _("Création d'un jeton d'API"),
    "accounts.api_token.revoked": _("Révocation d'un jeton d'API"),
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


# --- API tokens ---------------------------------------------------------------------------------------------

#: What every clear token starts with (so that a leaked one is recognisable, by people and by secret scanners).
API_TOKEN_MARK = "auz_"  # noqa: S105 - a public marker, not a secret
#: Characters after the mark that identify the row (stored in clear, shown in lists).
API_TOKEN_PREFIX_LENGTH = 8
#: Characters of randomness after the mark (alphanumeric: 40 × log2(62) ≈ 238 bits).
API_TOKEN_SECRET_LENGTH = 40


def api_token_hash(raw: str) -> str:
    """The stored form of a clear token: its SHA-256, in hexadecimal (see `ApiToken` for why not a password hash)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def api_token_for(raw: str, *, now=None) -> ApiToken | None:
    """The usable token whose clear value is `raw`, with its `user`; None for anything else — malformed, unknown,
    expired, revoked, or belonging to an inactive (or deleted) account.

    The row is found by its prefix and the hash compared in constant time (`hmac.compare_digest`), so the answer
    time says nothing about how much of a guess was right."""
    raw = (raw or "").strip()
    digest = api_token_hash(raw)  # always computed: the time does not depend on the shape of the guess
    if not raw.startswith(API_TOKEN_MARK) or len(raw) != len(API_TOKEN_MARK) + API_TOKEN_SECRET_LENGTH:
        return None
    prefix = raw[len(API_TOKEN_MARK) : len(API_TOKEN_MARK) + API_TOKEN_PREFIX_LENGTH]
    now = now or timezone.now()
    found = None
    for token in ApiToken.objects.filter(prefix=prefix).select_related("user"):
        if hmac.compare_digest(token.key_hash, digest):
            found = token
    if found is None or not found.is_usable(now) or not found.user.is_active or found.user.deleted_at:
        return None
    return found


def user_api_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones included: the page says so)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
