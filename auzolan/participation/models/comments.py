"""Threaded comments with a position, their edit history, reports and moderation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager

#: Replies to replies to replies stop here (depth 0 = a comment on the process or the proposal).
MAX_COMMENT_DEPTH = 3


class Comment(TimeStampedModel):
    class Position(models.TextChoices):
        FOR = "for", _("Pour")
        AGAINST = "against", _("Contre")
        NEUTRAL = "neutral", _("Neutre")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="comments")
    #: Empty when the comment is about the process itself (information or debate phase).
    proposal = models.ForeignKey(
        "participation.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_comments",
    )
    body = models.TextField(_("commentaire"), max_length=5000)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, default=Position.NEUTRAL)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    is_hidden = models.BooleanField(_("masqué"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)
    reports_count = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["proposal", "created_at"]), models.Index(fields=["process", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(depth__lte=MAX_COMMENT_DEPTH), name="comment_bounded_depth")
        ]

    def __str__(self) -> str:
        return self.body[:60]


class CommentVersion(models.Model):
    """The text a comment had before each edit (public history)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Report(models.Model):
    """A person reports a proposal or a comment; one report per person and content."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Publicité ou spam")
        OFFENSIVE = "offensive", _("Propos injurieux, haineux ou discriminatoires")
        PERSONAL_DATA = "personal_data", _("Données personnelles d'un tiers")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        OTHER = "other", _("Autre")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="reports")
    proposal = models.ForeignKey(
        "participation.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("précisions"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=False, comment__isnull=True)
                | models.Q(proposal__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "proposal"], condition=models.Q(comment__isnull=True), name="report_once_proposal"
            ),
            models.UniqueConstraint(fields=["reporter", "comment"], name="report_once_comment"),
        ]

    def __str__(self) -> str:
        return self.get_reason_display()


class UserBlock(models.Model):
    """A moderator blocks a person from participating in the organisation's processes, with a public reason."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("motif"), max_length=300)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("participant bloqué")
        verbose_name_plural = _("participants bloqués")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="block_once")]

    def __str__(self) -> str:
        return self.reason
