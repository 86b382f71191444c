"""The observatory's monthly snapshots, and the link to the open dataset that publishes them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel


class ObservatorySnapshot(TimeStampedModel):
    """The territory's open data indicators for one month (taken again during the month: the month is updated).

    `bound_total` and `bound_publishing` are null when no programme provider was registered (no stage figures);
    `stages` is `[{"stage", "label", "count"}]` and `communes` `[{"insee", "organisation", "stage", "label",
    "bound"}]` (the stage of each commune's organisation, null when unknown).
    """

    month = models.DateField(_("mois"), unique=True, help_text=_("Premier jour du mois."))
    organisations_publishing = models.PositiveIntegerField(_("organisations qui publient"), default=0)
    datasets_published = models.PositiveIntegerField(_("jeux de données publiés"), default=0)
    scdl_declared = models.PositiveIntegerField(_("jeux déclarant un schéma SCDL"), default=0)
    scdl_valid = models.PositiveIntegerField(_("jeux SCDL valides"), default=0)
    bound_total = models.PositiveIntegerField(_("organisations soumises à l'obligation"), null=True, blank=True)
    bound_publishing = models.PositiveIntegerField(_("organisations soumises qui publient"), null=True, blank=True)
    reuses = models.PositiveIntegerField(_("réutilisations"), default=0)
    stages = models.JSONField(_("organisations par étape"), default=list, blank=True)
    communes = models.JSONField(_("étape de chaque commune"), default=list, blank=True)
    taken_at = models.DateTimeField(_("relevé le"))
    backfilled = models.BooleanField(
        _("reconstitué (démonstration)"), default=False, help_text=_("Relevé reconstitué par les données de démo.")
    )

    class Meta:
        verbose_name = _("relevé mensuel de l'observatoire")
        verbose_name_plural = _("relevés mensuels de l'observatoire")
        ordering = ["month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def scdl_share(self) -> float | None:
        return self.scdl_valid / self.scdl_declared if self.scdl_declared else None

    @property
    def bound_share(self) -> float | None:
        return self.bound_publishing / self.bound_total if self.bound_total else None

    @property
    def mean_stage(self) -> float | None:
        """The mean roadmap stage of the organisations the programme followed that month (None without them)."""
        followed = sum(item["count"] for item in self.stages or [])
        if not followed:
            return None
        return sum(item["stage"] * item["count"] for item in self.stages) / followed


class ObservatoryDataset(models.Model):
    """The one open dataset of the agency that publishes the observatory (a single row): the dataset and, per file
    name, the identifier of its resource, so that each publication adds versions to the same resources."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("jeu de données"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resources = models.JSONField(_("ressources par fichier"), default=dict, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("jeu de données de l'observatoire")
        verbose_name_plural = _("jeu de données de l'observatoire")

    def __str__(self) -> str:
        return str(self.dataset) if self.dataset_id else "—"
