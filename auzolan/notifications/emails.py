"""The notification e-mails: French text and HTML alternatives, one-click unsubscribe, no tracking of any kind."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.notifications.links import absolute_url, unsubscribe_token
from auzolan.notifications.models import Notification


def _unsubscribe_url(user) -> str:
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user)}))


def _send(user, subject: str, template: str, context: dict) -> None:
    unsubscribe_url = _unsubscribe_url(user)
    context = {
        **context,
        "user": user,
        "platform_name": settings.PLATFORM_NAME,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "notifications_url": absolute_url(reverse("notifications:list")),
    }
    text = render_to_string(f"notifications/emails/{template}.txt", context)
    html = render_to_string(f"notifications/emails/{template}.html", context)
    message = EmailMultiAlternatives(
        # One line: a title carrying a carriage return or any other line break would be refused as a header.
        subject=" ".join(f"[{settings.PLATFORM_NAME}] {subject}".split())[:250],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            # RFC 8058: mail clients unsubscribe with one POST to the link, no page, no login.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _item(notification: Notification) -> dict:
    return {
        "title": notification.title,
        "body": notification.body,
        "url": absolute_url(notification.url),
        "created_at": notification.created_at,
    }


def send_one(notification: Notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _send(notification.user, notification.title, "notification", {"item": _item(notification)})


def send_digest(user, notifications: list[Notification]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        count = len(notifications)
        subject = ngettext(
            "Votre résumé du jour : %(count)d notification", "Votre résumé du jour : %(count)d notifications", count
        ) % {"count": count}
        _send(
            user,
            subject,
            "digest",
            {"items": [_item(n) for n in notifications], "count": count, "intro": _("Voici ce qui s'est passé.")},
        )
