"""Writes of moderation: reports, hiding and restoring content, blocking people, and the anti-spam rate limits.

Content reported by `process.reports_before_hiding` distinct people is hidden until a moderator looks at it; a
moderator hides content or blocks a person with a reason that is shown publicly. Every action is audited.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationError
from auzolan.participation.models import Comment, Process, Proposal, Report, UserBlock

# --- Anti-spam: rate limits ---------------------------------------------------------------------------------------

#: Everyone: at most this many proposals and comments per minute.
PER_MINUTE = 5
#: An account younger than NEW_ACCOUNT_AGE: at most this many proposals and comments per hour.
NEW_ACCOUNT_PER_HOUR = 10
NEW_ACCOUNT_AGE = timedelta(hours=24)


class RateLimited(ApplicationError):
    code = "rate-limited"
    status = 429


def _windows(user) -> list[tuple[str, int, int]]:
    """(cache key, limit, seconds) of the windows that apply to `user` now."""
    now = int(time.time())
    windows = [(f"participation:rate:m:{user.pk}:{now // 60}", PER_MINUTE, 60)]
    joined = getattr(user, "date_joined", None)
    if joined is not None and timezone.now() - joined < NEW_ACCOUNT_AGE:
        windows.append((f"participation:rate:h:{user.pk}:{now // 3600}", NEW_ACCOUNT_PER_HOUR, 3600))
    return windows


def _limit_message(limit: int, seconds: int) -> str:
    if seconds == 60:
        return _("Vous publiez trop vite : attendez une minute avant de publier à nouveau.")
    return _(
        "Un compte créé depuis moins de 24 heures peut publier %(limit)s contributions par heure : réessayez plus tard."
    ) % {"limit": limit}


def rate_limit_check(*, user) -> None:
    """Raise RateLimited (a clear French message) when `user` has posted too much recently (read only: an early,
    cheap refusal; the slot itself is taken by rate_limit_reserve just before writing)."""
    for key, limit, seconds in _windows(user):
        if (cache.get(key) or 0) >= limit:
            raise RateLimited(_limit_message(limit, seconds))


def _count_one(key: str, seconds: int) -> int:
    """Add one to the counter `key` atomically and return its new value."""
    if cache.add(key, 1, seconds + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds + 5)
        return 1


def rate_limit_record(*, user) -> None:
    """Count one contribution of `user` in each window."""
    for key, _limit, seconds in _windows(user):
        _count_one(key, seconds)


def rate_limit_reserve(*, user) -> None:
    """Take one slot in each window of `user` (atomic increment), or raise RateLimited if that goes over a limit.

    Called just before the contribution is written: requests sent at the same moment each take their own slot, so
    they cannot all pass a check made before any of them is counted. A refused attempt keeps its slot (it errs on
    the side of the limit)."""
    for key, limit, seconds in _windows(user):
        if _count_one(key, seconds) > limit:
            raise RateLimited(_limit_message(limit, seconds))


# --- Reports ------------------------------------------------------------------------------------------------------


def _target_model(target) -> type[Proposal] | type[Comment]:
    if isinstance(target, Proposal):
        return Proposal
    if isinstance(target, Comment):
        return Comment
    raise TypeError("A report targets a proposal or a comment.")


def _kind(target) -> str:
    return "proposal" if isinstance(target, Proposal) else "comment"


def _unresolved(target):
    field = "comment" if isinstance(target, Comment) else "proposal"
    lookup = {field: target, "resolved_at__isnull": True}
    if field == "proposal":
        lookup["comment__isnull"] = True
    return Report.objects.filter(**lookup)


def report_create(*, actor, target: Proposal | Comment, reason: str, details: str = "") -> Report:
    """`actor` reports a proposal or a comment (once). Hides it when enough distinct people reported it."""
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choisissez un motif de signalement."), field="reason")
    details = (details or "").strip()
    if len(details) > 500:
        raise ValidationError(_("Les précisions font 500 caractères au plus."), field="details")
    if target.author_id is not None and target.author_id == actor.pk:
        raise PermissionDenied(_("Vous ne pouvez pas signaler votre propre contribution."))
    model = _target_model(target)
    process: Process = target.process
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=target.pk)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    organisation_id=locked.organisation_id,
                    process_id=locked.process_id,
                    proposal=locked if model is Proposal else None,
                    comment=locked if model is Comment else None,
                    reporter=actor,
                    reason=reason,
                    details=details,
                )
        except IntegrityError:
            raise Conflict(_("Vous avez déjà signalé ce contenu : les modérateurs vont l'examiner.")) from None
        count = _unresolved(locked).count()
        fields = {"reports_count": count}
        hidden_now = False
        if not locked.is_hidden and count >= process.reports_before_hiding:
            fields.update(
                is_hidden=True,
                hidden_reason=_("signalé par plusieurs personnes, en attente d'examen par les modérateurs"),
            )
            hidden_now = True
        model.objects.filter(pk=locked.pk).update(**fields)
        for name, value in fields.items():
            setattr(target, name, value)
        audit_log(
            actor=actor,
            action="participation.report.created",
            obj=report,
            organisation=process.organisation,
            data={"target": _kind(target), "target_id": target.pk, "reason": reason, "hidden": hidden_now},
        )
        if hidden_now:
            audit_log(
                actor=None,
                action=f"participation.{_kind(target)}.hidden",
                obj=target,
                organisation=process.organisation,
                data={"automatic": True, "reports": count},
            )
    return report


# --- Hiding and restoring ---------------------------------------------------------------------------------------


def content_hide(*, actor, target: Proposal | Comment, reason: str) -> None:
    """A moderator hides content; `reason` is shown publicly in its place."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du masquage : il sera affiché publiquement."), field="reason")
    if len(reason) > 300:
        raise ValidationError(_("Le motif fait 300 caractères au plus."), field="reason")
    model = _target_model(target)
    with transaction.atomic():
        now = timezone.now()
        _unresolved(target).update(resolved_at=now)
        model.objects.filter(pk=target.pk).update(is_hidden=True, hidden_reason=reason, reports_count=0)
        target.is_hidden, target.hidden_reason, target.reports_count = True, reason, 0
        audit_log(
            actor=actor,
            action=f"participation.{_kind(target)}.hidden",
            obj=target,
            organisation=target.process.organisation,
            data={"reason": reason},
        )


def content_restore(*, actor, target: Proposal | Comment) -> None:
    """A moderator shows content again (or keeps it visible) and closes its pending reports."""
    model = _target_model(target)
    with transaction.atomic():
        closed = _unresolved(target).update(resolved_at=timezone.now())
        was_hidden = target.is_hidden
        model.objects.filter(pk=target.pk).update(is_hidden=False, hidden_reason="", reports_count=0)
        target.is_hidden, target.hidden_reason, target.reports_count = False, "", 0
        audit_log(
            actor=actor,
            action=f"participation.{_kind(target)}.restored",
            obj=target,
            organisation=target.process.organisation,
            data={"was_hidden": was_hidden, "reports_closed": closed},
        )


# --- Blocking people ---------------------------------------------------------------------------------------------


def user_block(*, actor, organisation, user, reason: str) -> UserBlock:
    """Block `user` from participating in `organisation`'s processes; `reason` is public."""
    reason = (reason or "").strip()
    if user is None:
        raise ValidationError(_("Ce compte n'existe plus."))
    if not reason:
        raise ValidationError(_("Indiquez le motif du blocage : il sera affiché publiquement."), field="reason")
    if len(reason) > 300:
        raise ValidationError(_("Le motif fait 300 caractères au plus."), field="reason")
    if user.pk == actor.pk:
        raise PermissionDenied(_("Vous ne pouvez pas vous bloquer vous-même."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                block = UserBlock.objects.create(organisation=organisation, user=user, reason=reason, blocked_by=actor)
        except IntegrityError:
            raise Conflict(_("Cette personne est déjà bloquée.")) from None
        audit_log(
            actor=actor,
            action="participation.user.blocked",
            obj=block,
            organisation=organisation,
            data={"user_id": user.pk, "reason": reason},
        )
    return block


def user_unblock(*, actor, block: UserBlock) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="participation.user.unblocked",
            obj=block,
            organisation=block.organisation,
            data={"user_id": block.user_id},
        )
        block.delete()
