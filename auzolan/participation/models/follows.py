"""People who follow a process or a proposal get notified of what happens there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_follows")
    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="follows")
    #: Empty: the whole process is followed.
    proposal = models.ForeignKey(
        "participation.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "process"], condition=models.Q(proposal__isnull=True), name="follow_process_once"
            ),
            models.UniqueConstraint(fields=["user", "proposal"], name="follow_proposal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id or self.process_id}"
