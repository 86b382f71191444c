"""Writes about people: profile, RGPD export and account deletion."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.accounts import tasks
from auzolan.accounts.models import TerritoryRole, User
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.jobs import job_start
from auzolan.core.models import Job

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
