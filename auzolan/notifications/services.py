"""Writes of the notifications app. Other apps call notify(); nothing else creates notifications.

E-mail follows each person's preference (NotificationPreference; no row means the default, the daily digest):
- immediate: a background task (tasks.send_notification_emails) e-mails each notification once the transaction
  that created it commits;
- daily: `manage.py send_notification_digests` sends one digest of what was not e-mailed yet (digests_send);
- none: nothing is e-mailed; notifications stay in "Mon espace".
Every e-mail carries a signed one-click unsubscribe link (no login) and a List-Unsubscribe header.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import NotFound, ValidationError
from auzolan.notifications import emails, links, selectors, tasks
from auzolan.notifications.models import EmailFrequency, Notification, NotificationEvent, NotificationPreference

#: Read notifications older than this are deleted by `send_notification_digests` (notifications_prune).
READ_RETENTION_DAYS = 90
#: A digest covers notifications not e-mailed yet, at most this old (an older backlog is not e-mailed).
DIGEST_MAX_AGE = timedelta(days=7)


def notify(
    *, users: Iterable, kind: str, title: str, body: str = "", url: str = "", once_key: str = ""
) -> list[Notification]:
    """Notify each of `users` (in-app; e-mailed at once or in the daily digest, as each person chose).

    Call it inside the service's transaction: the rows are written with it (and roll back with it).
    `once_key` (optional): an event key such as "participation.phase.started:12"; if it was already notified,
    nobody is notified again (the key is recorded with the notifications, in the same transaction).
    """
    with transaction.atomic():
        if once_key:
            try:
                with transaction.atomic():
                    NotificationEvent.objects.create(key=once_key[:200])
            except IntegrityError:
                return []
        seen: set[int] = set()
        rows = []
        for user in users:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            rows.append(Notification(user=user, kind=kind, title=title[:250], body=body[:2000], url=url[:500]))
        created = Notification.objects.bulk_create(rows)
        immediate = set(
            NotificationPreference.objects.filter(
                user_id__in=seen, email_frequency=EmailFrequency.IMMEDIATE
            ).values_list("user_id", flat=True)
        )
        ids = [n.pk for n in created if n.user_id in immediate and n.pk is not None]
        if ids:
            transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(notification_ids=ids))
    return created


# --- Reading state ------------------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotFound(_("Cette notification n'existe pas."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Preferences and unsubscribe ----------------------------------------------------------------------------


@transaction.atomic
def preference_update(*, actor, user, email_frequency: str) -> NotificationPreference:
    if actor.pk != user.pk:
        raise ValidationError(_("Vous ne pouvez modifier que vos propres préférences."))
    if email_frequency not in EmailFrequency.values:
        raise ValidationError(_("Choisissez une fréquence dans la liste."), field="email_frequency")
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if preference.email_frequency != email_frequency:
        preference.email_frequency = email_frequency
        preference.save(update_fields=["email_frequency"])
        audit_log(actor=actor, action="notifications.preference.updated", obj=user, data={"email": email_frequency})
    return preference


@transaction.atomic
def unsubscribe(*, token: str) -> NotificationPreference:
    """One click from an e-mail, no login: the person receives no more notification e-mails."""
    user = links.user_from_unsubscribe_token(token)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if preference.email_frequency != EmailFrequency.NONE:
        preference.email_frequency = EmailFrequency.NONE
        preference.save(update_fields=["email_frequency"])
        audit_log(actor=user, action="notifications.preference.unsubscribed", obj=user)
    return preference


# --- E-mails ------------------------------------------------------------------------------------------------


def _claim(ids: list[int], now: datetime) -> list[Notification]:
    """Mark these notifications as e-mailed, keeping only those nobody else claimed (two runs never both send)."""
    claimed = []
    for notification in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        if Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=now):
            claimed.append(notification)
    return claimed


def _release(notifications: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)


def notifications_send_immediate(*, notification_ids: list[int], now: datetime | None = None) -> int:
    """E-mail each of these notifications to its person if they still want immediate e-mails. Returns the count."""
    now = now or timezone.now()
    immediate = set(
        NotificationPreference.objects.filter(
            user__notifications__pk__in=notification_ids, email_frequency=EmailFrequency.IMMEDIATE
        ).values_list("user_id", flat=True)
    )
    wanted = list(
        Notification.objects.filter(pk__in=notification_ids, user_id__in=immediate, user__is_active=True).values_list(
            "pk", flat=True
        )
    )
    sent = 0
    for notification in _claim(wanted, now):
        try:
            emails.send_one(notification)
        except Exception:
            _release([notification])
            raise
        sent += 1
    return sent


def digests_send(*, now: datetime | None = None) -> dict:
    """One e-mail per person on the daily digest with what was not e-mailed yet. Idempotent: a re-run sends nothing.

    Returns {"people": n, "notifications": m}.
    """
    now = now or timezone.now()
    not_daily = NotificationPreference.objects.exclude(email_frequency=EmailFrequency.DAILY).values("user_id")
    pending = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lte=now, created_at__gte=now - DIGEST_MAX_AGE, user__is_active=True
    ).exclude(user_id__in=not_daily)
    by_user: dict[int, list[int]] = {}
    for pk, user_id in pending.order_by("user_id", "created_at", "pk").values_list("pk", "user_id"):
        by_user.setdefault(user_id, []).append(pk)
    people = count = 0
    for ids in by_user.values():
        notifications = sorted(_claim(ids, now), key=lambda n: (n.created_at, n.pk))
        if not notifications:
            continue
        try:
            emails.send_digest(notifications[0].user, notifications)
        except Exception:
            _release(notifications)
            raise
        people += 1
        count += len(notifications)
    return {"people": people, "notifications": count}


def notifications_prune(*, now: datetime | None = None, days: int = READ_RETENTION_DAYS) -> int:
    """Delete read notifications older than `days`. Returns how many went."""
    limit = (now or timezone.now()) - timedelta(days=days)
    deleted, _details = Notification.objects.filter(read_at__isnull=False, created_at__lt=limit).delete()
    return deleted


# --- RGPD ---------------------------------------------------------------------------------------------------


def personal_data(user) -> dict:
    """The person's notifications and e-mail preference, for their data export."""
    return {
        "email_frequency": selectors.email_frequency(user=user),
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def deletion_cleanup(user) -> None:
    """On account deletion: the notifications and the preference go."""
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
