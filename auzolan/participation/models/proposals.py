"""Proposals, their supports, images and attachments, and the organisation's public answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager


class Category(models.Model):
    process = models.ForeignKey(
        "participation.Process", verbose_name=_("démarche"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["process", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Publiée")
        UNDER_STUDY = "under_study", _("À l'étude")
        ACCEPTED = "accepted", _("Retenue")
        REJECTED = "rejected", _("Non retenue")
        ALREADY_PLANNED = "already_planned", _("Déjà prévue")
        WITHDRAWN = "withdrawn", _("Retirée par son auteur")

    #: Statuses that are the organisation's answer (an answer text is required for them, reasons for a rejection).
    ANSWER_STATUSES = (Status.UNDER_STUDY, Status.ACCEPTED, Status.REJECTED, Status.ALREADY_PLANNED)

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    process = models.ForeignKey(
        "participation.Process", verbose_name=_("démarche"), on_delete=models.CASCADE, related_name="proposals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"), max_length=10000, help_text=_("Markdown simple."))
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    place = models.CharField(
        _("adresse ou lieu"),
        max_length=200,
        blank=True,
        help_text=_("Le lieu décrit en mots (rue, place, repère) : l'alternative au point sur la carte."),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    answer = models.TextField(_("réponse de l'organisation"), blank=True, max_length=10000)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supports_count = models.PositiveIntegerField(_("soutiens"), default=0)
    comments_count = models.PositiveIntegerField(_("commentaires"), default=0)
    # Moderation
    is_hidden = models.BooleanField(_("masquée"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)
    reports_count = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "is_hidden", "-created_at"]),
            models.Index(fields=["process", "is_hidden", "-supports_count"]),
            models.Index(fields=["process", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="proposal_valid_point",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal_detail", kwargs={"slug": self.process.slug, "pk": self.pk})


class Support(models.Model):
    """One support per person and proposal (a database constraint, not only a check)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_one_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class ProposalImage(models.Model):
    """An image re-encoded on upload (metadata such as EXIF/GPS stripped)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="participation/proposals/")
    alt_text = models.CharField(_("description de l'image"), max_length=250)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to="participation/attachments/")
    title = models.CharField(_("titre"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
