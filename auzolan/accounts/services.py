"""Writes about people: profile, RGPD export and account deletion."""

from __future__ import annotations

import json
import secrets
import string
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.accounts import tasks
from auzolan.accounts.models import ApiToken, TerritoryRole, User
from auzolan.accounts.selectors import (
    API_TOKEN_MARK,
    API_TOKEN_PREFIX_LENGTH,
    API_TOKEN_SECRET_LENGTH,
    api_token_hash,
)
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.jobs import job_start
from auzolan.core.models import Job
from auzolan.core.permissions import require

PROFILE_FIELDS = ("full_name", "territory_role")
#: The roles a person may declare themselves (sign-up, profile). The agency role is given by agency staff only,
#: in the back office.
SELF_SERVICE_ROLES: tuple[str, ...] = tuple(role for role in TerritoryRole if role != TerritoryRole.AGENCY)


def territory_role_check(*, actor: User | None, role: str, current: str | None = None) -> None:
    """Refuse a role the actor may not give: an unknown one, or the agency role unless the actor is agency staff
    (a person who already has it keeps it when they edit their profile)."""
    if role not in TerritoryRole.values:
        raise ValidationError(_("Choisissez un rôle dans la liste."), field="territory_role")
    if role == current or role in SELF_SERVICE_ROLES or (actor is not None and actor.is_staff):
        return
    raise ValidationError(
        _("Le rôle « %(role)s » est attribué par l'équipe de l'agence, depuis le back office.")
        % {"role": TerritoryRole(role).label},
        field="territory_role",
    )


@transaction.atomic
def user_update_profile(*, actor: User, user: User, full_name: str, territory_role: str) -> User:
    if actor.pk != user.pk and not actor.is_staff:
        raise ValidationError(_("Vous ne pouvez modifier que votre propre profil."))
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError(_("Indiquez votre nom."), field="full_name")
    territory_role_check(actor=actor, role=territory_role, current=user.territory_role)
    changed = {k: v for k, v in (("full_name", full_name), ("territory_role", territory_role)) if getattr(user, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(user, key, value)
        user.save(update_fields=list(changed))
        audit_log(actor=actor, action="accounts.profile.updated", obj=user, data={"fields": sorted(changed)})
    return user


# --- RGPD: export -------------------------------------------------------------------------------------------

# Apps add what they hold about a person: `register_export_section(name, callable(user) -> JSON-able)`.
_export_sections: dict[str, object] = {}


def register_export_section(name: str, provider) -> None:
    _export_sections[name] = provider


def user_export_data(*, user: User) -> dict:
    """Everything the platform holds about a person, as JSON-able data (RGPD article 20)."""
    data = {
        "format": "auzolan-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "territory_role": user.territory_role,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.display_prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "expires_at": token.expires_at.isoformat(),
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "activity": [
            {
                "date": entry.created_at.isoformat(),
                "action": entry.action,
                "object": entry.object_repr,
                "organisation": entry.organisation.name if entry.organisation else None,
            }
            for entry in user.audit_entries.select_related("organisation").order_by("created_at")
        ],
    }
    for name, provider in sorted(_export_sections.items()):
        data[name] = provider(user)
    return data


def _export_path(job: Job) -> str:
    return f"private/exports/{job.owner_id}/{job.pk}.json"


def user_export_start(*, user: User) -> Job:
    """Prepare the export in the background; the person follows it and downloads it from the job page."""
    audit_log(actor=user, action="accounts.export.requested", obj=user)
    return job_start(
        owner=user,
        kind="accounts.export",
        label=_("Export de mes données personnelles"),
        task=tasks.export_personal_data,
        user_id=user.pk,
    )


def user_export_write(*, job: Job, data: dict) -> str:
    path = _export_path(job)
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")))


def user_export_file_path(*, job: Job) -> str:
    """Where a finished export lives in the default storage (empty when there is no file)."""
    path = (job.result or {}).get("path") or _export_path(job)
    return path if default_storage.exists(path) else ""


# Export files are personal data: they are kept EXPORT_RETENTION, then `manage.py prune_exports` deletes them.
EXPORT_RETENTION = timedelta(days=7)


def user_exports_prune(*, now: datetime | None = None) -> int:
    """Delete export files and their Job rows older than EXPORT_RETENTION. Returns how many jobs went."""
    limit = (now or timezone.now()) - EXPORT_RETENTION
    jobs = list(Job.objects.filter(kind="accounts.export", created_at__lt=limit))
    for job in jobs:
        for path in {(job.result or {}).get("path") or "", _export_path(job)} - {""}:
            if default_storage.exists(path):
                default_storage.delete(path)
    Job.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return len(jobs)


# --- RGPD: deletion -----------------------------------------------------------------------------------------


# Apps that hold personal data react to a deletion: a check may refuse it (raise ApplicationError),
# a cleanup removes or anonymises what the app holds. Registered in the apps' AppConfig.ready().
_deletion_checks: list = []
_deletion_cleanups: list = []


def register_deletion_hooks(*, check=None, cleanup=None) -> None:
    if check is not None and check not in _deletion_checks:
        _deletion_checks.append(check)
    if cleanup is not None and cleanup not in _deletion_cleanups:
        _deletion_cleanups.append(cleanup)


@transaction.atomic
def user_delete(*, actor: User, user: User) -> None:
    """Delete a person's account. Their contributions stay, signed "Compte supprimé".

    Personal data goes (email, name, addresses, memberships, exports, sessions); the row stays,
    anonymised and inactive, so that what they wrote keeps its place.
    """
    if actor.pk != user.pk and not actor.is_staff:
        raise ValidationError(_("Vous ne pouvez supprimer que votre propre compte."))
    if user.deleted_at:
        return
    for check in _deletion_checks:
        check(user)
    for cleanup in _deletion_cleanups:
        cleanup(user)
    for job in Job.objects.filter(owner=user, kind="accounts.export"):
        if default_storage.exists(_export_path(job)):
            default_storage.delete(_export_path(job))
    Job.objects.filter(owner=user).delete()
    ApiToken.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"supprime-{user.pk}@invalid.invalid"
    user.full_name = ""
    user.territory_role = TerritoryRole.CITIZEN
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()  # also ends every open session: Django checks a hash of the password
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit_log(actor=None, action="accounts.user.deleted", obj=user)


# --- API tokens ---------------------------------------------------------------------------------------------

#: Usable tokens a person may hold at once (one per program that publishes is the intended use).
MAX_API_TOKENS = 20
#: `last_used_at` is written at most this often per token (a busy script must not write on every request).
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
_ALPHABET = string.ascii_letters + string.digits


@transaction.atomic
def api_token_create(*, actor: User, name: str, lifetime_days: int) -> tuple[ApiToken, str]:
    """Create a personal API token for `actor`; returns the row and the clear token, which is never stored (the page
    shows it once). The token acts with the person's own rights, never more."""
    require(actor, "accounts.view_own_space")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Donnez un nom au jeton (le programme qui l'utilisera, par exemple)."), field="name")
    if len(name) > 100:
        raise ValidationError(_("Le nom du jeton compte 100 caractères au plus."), field="name")
    if lifetime_days not in ApiToken.Lifetime.values:
        raise ValidationError(_("Choisissez une durée de validité dans la liste."), field="lifetime_days")
    now = timezone.now()
    # Locks the person's row: two creations at once cannot both pass the count.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    usable = ApiToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=now).count()
    if usable >= MAX_API_TOKENS:
        raise Conflict(
            _("Vous avez déjà %(count)d jetons valides : révoquez ceux qui ne servent plus avant d'en créer un autre.")
            % {"count": usable},
            field="name",
        )
    secret = "".join(secrets.choice(_ALPHABET) for _index in range(API_TOKEN_SECRET_LENGTH))
    raw = API_TOKEN_MARK + secret
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:API_TOKEN_PREFIX_LENGTH],
        key_hash=api_token_hash(raw),
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    audit_log(
        actor=actor,
        action="accounts.api_token.created",
        obj=token,
        data={"name": name, "prefix": token.display_prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once (its next request is refused); revoking twice changes nothing."""
    require(actor, "accounts.revoke_api_token", token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="accounts.api_token.revoked", obj=token, data={"name": token.name})
    return token


def api_token_touch(*, token: ApiToken, now: datetime | None = None) -> None:
    """Note that the token was just used: at most one write a minute per token, by a conditional UPDATE (two web
    processes at once write once)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - API_TOKEN_TOUCH_INTERVAL)
    ).update(last_used_at=now)
    token.last_used_at = now
