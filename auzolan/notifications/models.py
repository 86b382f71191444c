"""In-app notifications and each person's e-mail preference (immediate, daily digest or none)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Tout de suite, un courriel par notification")
    DAILY = "daily", _("Un résumé par jour")
    NONE = "none", _("Jamais (seulement dans « Mon espace »)")


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_frequency = models.CharField(
        _("recevoir les notifications par courriel"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DAILY,
    )

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    #: A dotted code such as "participation.proposal.answered" (for filtering and tests).
    kind = models.CharField(max_length=100)
    title = models.CharField(_("titre"), max_length=250)
    body = models.TextField(_("texte"), blank=True, max_length=2000)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at", "user"]),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationEvent(models.Model):
    """The marker of something that must notify people once only (a phase that started, results published).

    `notify(..., once_key=...)` writes it in the same transaction as the notifications; a second call with the same
    key (a re-run of the daily command, two services reporting the same event) notifies nobody.
    """

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement notifié")
        verbose_name_plural = _("événements notifiés")

    def __str__(self) -> str:
        return self.key
