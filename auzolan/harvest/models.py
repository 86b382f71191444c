"""Harvesting of members' existing portals: sources, their runs, and one record per remote dataset."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager


class HarvestSource(TimeStampedModel):
    """A portal an organisation already publishes on; its datasets are copied into the catalogue as links."""

    class Kind(models.TextChoices):
        CKAN = "ckan", _("CKAN (API Action v3)")
        UDATA = "udata", _("udata / data.gouv.fr (API v1)")
        ODS = "ods", _("OpenDataSoft (API Explore v2.1)")
        DCAT = "dcat", _("DCAT (RDF, pagination Hydra)")

    class Schedule(models.TextChoices):
        DAILY = "daily", _("Chaque jour")
        MANUAL = "manual", _("À la demande seulement")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="harvest_sources",
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type de portail"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("adresse du portail"), max_length=500)
    config = models.JSONField(_("filtres"), default=dict, blank=True)
    schedule = models.CharField(_("fréquence"), max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    active = models.BooleanField(_("active"), default=True)
    archive_after_runs = models.PositiveSmallIntegerField(
        _("archiver après (moissons)"),
        default=3,
        help_text=_("Un jeu de données absent de la source pendant ce nombre de moissons est archivé."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run_at = models.DateTimeField(_("dernière moisson"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("source de moissonnage")
        verbose_name_plural = _("sources de moissonnage")
        ordering = ["organisation", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("harvest:source_detail", args=[self.pk])


class HarvestRun(models.Model):
    """One harvest of a source (or its dry run): counts, and the errors of the records that failed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminée")
        FAILED = "failed", _("Échouée")

    source = models.ForeignKey(HarvestSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lancée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(_("prévisualisation"), default=False)
    found = models.PositiveIntegerField(_("trouvés"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    missing = models.PositiveIntegerField(_("absents de la source"), default=0)
    archived = models.PositiveIntegerField(_("archivés"), default=0)
    skipped = models.PositiveIntegerField(_("laissés de côté"), default=0)
    failed = models.PositiveIntegerField(_("en erreur"), default=0)
    message = models.TextField(_("message"), blank=True)
    #: [{"remote_id", "title", "message"}]: the records that failed or were left aside, and why.
    errors = models.JSONField(_("erreurs par jeu de données"), default=list, blank=True)
    #: A dry run's answer: {"created": [titles], "updated": [...], "archived": [...]} (the first ones).
    preview = models.JSONField(_("aperçu"), default=dict, blank=True)

    COUNTS = ("created", "updated", "unchanged", "missing", "archived", "skipped", "failed")

    class Meta:
        verbose_name = _("moisson")
        verbose_name_plural = _("moissons")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source", "-created_at"], name="harvest_run_source_created")]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("harvest:run_detail", args=[self.pk])

    @property
    def organisation(self):
        """The source's (permissions ask the run's organisation)."""
        return self.source.organisation

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class HarvestRecord(models.Model):
    """A remote dataset of a source: its raw record, the hash of it, and the local dataset it became."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Présent dans la source")
        MISSING = "missing", _("Absent de la source")
        ARCHIVED = "archived", _("Archivé (absent de la source)")

    source = models.ForeignKey(
        HarvestSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="records"
    )
    remote_id = models.CharField(_("identifiant distant"), max_length=255)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    remote_url = models.URLField(_("page d'origine"), max_length=1000, blank=True)
    dataset = models.OneToOneField(
        "catalog.Dataset",
        verbose_name=_("jeu de données"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="harvest_record",
    )
    raw = models.JSONField(_("enregistrement distant"), default=dict)
    hash = models.CharField(_("empreinte"), max_length=64)
    #: The dataset's revision right after the harvest's last write: a larger one means a local edit since.
    dataset_revision = models.PositiveIntegerField(_("révision écrite par la moisson"), null=True, blank=True)
    last_seen_run = models.ForeignKey(
        HarvestRun,
        verbose_name=_("vu à la moisson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    missing_runs = models.PositiveSmallIntegerField(_("moissons sans lui"), default=0)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(_("moissonné le"), auto_now_add=True)
    harvested_at = models.DateTimeField(_("écrit le"), null=True, blank=True)

    class Meta:
        verbose_name = _("enregistrement moissonné")
        verbose_name_plural = _("enregistrements moissonnés")
        ordering = ["source", "remote_id"]
        constraints = [models.UniqueConstraint(fields=["source", "remote_id"], name="harvest_record_unique")]

    def __str__(self) -> str:
        return self.title or self.remote_id
