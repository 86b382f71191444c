"""Reads of the notifications app."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from auzolan.notifications.models import EmailFrequency, Notification, NotificationPreference


def notifications_for(*, user) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first within each group."""
    return (
        Notification.objects.filter(user=user)
        .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
        .order_by("is_read", "-created_at", "-id")
    )


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_for_request(request) -> int:
    """The header's count: one query per request at most, none for anonymous visitors."""
    cached = getattr(request, "_notifications_unread_count", None)
    if cached is None:
        cached = unread_count(user=getattr(request, "user", None))
        request._notifications_unread_count = cached
    return cached


def email_frequency(*, user) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email_frequency if preference else EmailFrequency.DAILY
