"""Results follow-up (accountability): what became of accepted proposals and winning projects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel


class FollowUp(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Programmé")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisé")
        SUSPENDED = "suspended", _("Suspendu")
        ABANDONED = "abandoned", _("Abandonné")

    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="followups")
    proposal = models.ForeignKey(
        "participation.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    project = models.ForeignKey(
        "participation.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)

    class Meta:
        verbose_name = _("suivi de réalisation")
        verbose_name_plural = _("suivis de réalisation")
        ordering = ["title", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="followup_progress_max")]

    def __str__(self) -> str:
        return self.title


class FollowUpUpdate(models.Model):
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("point d'étape"), max_length=5000)
    status = models.CharField(_("statut"), max_length=20, choices=FollowUp.Status.choices)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.text[:60]
