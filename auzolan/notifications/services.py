"""Writes of the notifications app. Other apps call notify(); nothing else creates notifications."""

from __future__ import annotations

from collections.abc import Iterable

from auzolan.notifications.models import Notification


def notify(*, users: Iterable, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify each of `users` (in-app; e-mailed at once or in the daily digest, as each person chose).

    Call it inside the service's transaction: the rows are written with it (and roll back with it).
    """
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, title=title[:250], body=body[:2000], url=url[:500]))
    return Notification.objects.bulk_create(rows)
