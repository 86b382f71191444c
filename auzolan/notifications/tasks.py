"""Background tasks of the notifications app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

# A module reference, not its names: services enqueues this task and this task runs services (an import cycle
# that works whichever of the two is imported first).
from auzolan.notifications import services


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail notifications just created for people who want them at once (enqueued on commit by notify())."""
    return services.notifications_send_immediate(notification_ids=notification_ids)
