"""Background tasks of the notifications app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail notifications just created for people who want them at once (enqueued on commit by notify())."""
    from auzolan.notifications.services import notifications_send_immediate

    return notifications_send_immediate(notification_ids=notification_ids)
