from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.vocabularies import Frequency, Licence, Theme
from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantQuerySet
from auzolan.core.text import file_extension


class TableSchema(TimeStampedModel):
    """A Table Schema that datasets may declare they conform to (the SCDL catalogue ships with the platform)."""

    name = models.CharField(_("identifiant"), max_length=120, unique=True, help_text=_("Par exemple scdl/subventions."))
    title = models.CharField(_("titre"), max_length=200)
    version = models.CharField(_("version"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse de référence"), blank=True, max_length=500)
    is_scdl = models.BooleanField(_("schéma du SCDL"), default=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation (schéma personnalisé)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="table_schemas",
    )
    descriptor = models.JSONField(_("schéma (Table Schema JSON)"))

    class Meta:
        verbose_name = _("schéma de données")
        verbose_name_plural = _("schémas de données")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})" if self.version else self.title


class Keyword(models.Model):
    name = models.CharField(_("mot-clé"), max_length=100)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DatasetQuerySet(TenantQuerySet):
    def published(self):
        return self.filter(state=Dataset.State.PUBLISHED)


class Dataset(TimeStampedModel):
    """A dataset of a member organisation, described with DCAT-AP 3 metadata."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        ARCHIVED = "archived", _("Archivé")

    identifier = models.UUIDField(_("identifiant stable"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="datasets"
    )
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=20000, help_text=_("Markdown simple."))
    keywords = models.ManyToManyField(Keyword, verbose_name=_("mots-clés"), blank=True, related_name="datasets")
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.LOV2)
    licence_url = models.URLField(_("adresse de la licence (autre licence)"), blank=True, max_length=500)
    frequency = models.CharField(
        _("fréquence de mise à jour"), max_length=20, choices=Frequency.choices, default=Frequency.UNKNOWN
    )
    temporal_start = models.DateField(_("début de la période couverte"), null=True, blank=True)
    temporal_end = models.DateField(_("fin de la période couverte"), null=True, blank=True)
    whole_territory = models.BooleanField(_("couvre tout le territoire"), default=False)
    communes = models.ManyToManyField(
        "organisations.Commune", verbose_name=_("communes couvertes"), blank=True, related_name="datasets"
    )
    contact_name = models.CharField(_("nom du contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("adresse du contact"), blank=True)
    schema = models.ForeignKey(
        TableSchema,
        verbose_name=_("schéma de données"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    last_modified = models.DateTimeField(_("dernière mise à jour des données"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Incremented by every save through the services: an edit based on an older version is refused.
    revision = models.PositiveIntegerField(_("révision"), default=1)
    quality_score = models.FloatField(_("score de qualité"), default=0, db_index=True)
    quality = models.JSONField(_("détail de la qualité"), default=dict, blank=True)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")
        ordering = ["-last_modified", "-created_at"]
        indexes = [
            # Covering indexes of the search facets that group published datasets by one of their columns.
            models.Index(fields=["state", "organisation"], name="dataset_state_organisation"),
            models.Index(fields=["state", "licence"], name="dataset_state_licence"),
            models.Index(fields=["state", "frequency"], name="dataset_state_frequency"),
            models.Index(fields=["state", "schema"], name="dataset_state_schema"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__isnull=True)
                | models.Q(temporal_end__gte=models.F("temporal_start")),
                name="dataset_temporal_order",
                violation_error_message=_("La fin de la période couverte doit suivre son début."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset", kwargs={"slug": self.slug})


class DatasetTheme(models.Model):
    """An EU data theme of a dataset (a row per theme, so that facets are a GROUP BY)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(_("thème"), max_length=4, choices=Theme.choices)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="dataset_theme_unique")]
        indexes = [models.Index(fields=["code", "dataset"], name="dataset_theme_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class DatasetFormat(models.Model):
    """A distinct resource format of a dataset, kept by the publishing services (`services.refresh_formats`).

    Denormalised from the resources so that the format facet is a GROUP BY without COUNT(DISTINCT) over resources.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="formats")
    format = models.CharField(_("format"), max_length=20)

    class Meta:
        verbose_name = _("format")
        verbose_name_plural = _("formats")
        constraints = [models.UniqueConstraint(fields=["dataset", "format"], name="dataset_format_unique")]
        indexes = [models.Index(fields=["format", "dataset"], name="dataset_format_format")]

    def __str__(self) -> str:
        return self.format


class Resource(TimeStampedModel):
    """A distribution of a dataset: an uploaded file (with versions), a remote file, an API or documentation."""

    class Kind(models.TextChoices):
        FILE = "file", _("Fichier déposé")
        REMOTE = "remote", _("Fichier distant (adresse)")
        API = "api", _("API")
        DOCUMENTATION = "documentation", _("Documentation")

    class Availability(models.TextChoices):
        UNKNOWN = "unknown", _("Non vérifiée")
        AVAILABLE = "available", _("Disponible")
        UNAVAILABLE = "unavailable", _("Indisponible")

    #: The kinds whose address is checked (the others are files the platform stores).
    REMOTE_KINDS = (Kind.REMOTE, Kind.API, Kind.DOCUMENTATION)

    identifier = models.UUIDField(_("identifiant stable"), default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("jeu de données"), on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FILE)
    url = models.URLField(_("adresse"), blank=True, max_length=1000)
    format = models.CharField(_("format"), max_length=20, blank=True, db_index=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    current_version = models.ForeignKey(
        "ResourceVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("version actuelle"),
    )
    # Availability of a remote address (remote, api, documentation), checked by catalog.linkcheck.
    # Uploaded files are stored by the platform: always available, never checked.
    availability = models.CharField(
        _("disponibilité"), max_length=12, choices=Availability.choices, default=Availability.UNKNOWN
    )
    checked_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    check_status_code = models.PositiveSmallIntegerField(_("code HTTP de la vérification"), null=True, blank=True)
    check_message = models.CharField(_("résultat de la vérification"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_remote(self) -> bool:
        """Is this an address elsewhere (checked for availability), rather than a file the platform stores?"""
        return self.kind in self.REMOTE_KINDS


def resource_upload_to(version: ResourceVersion, filename: str) -> str:
    return f"catalog/{version.resource.dataset.identifier}/{version.resource.identifier}/{uuid.uuid4().hex}/{filename}"


class ResourceVersion(models.Model):
    """One upload of a file resource. Versions are never modified; the previous ones stay downloadable."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("ressource"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("numéro"))
    file = models.FileField(_("fichier"), upload_to=resource_upload_to, max_length=500)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    mime_type = models.CharField(_("type MIME"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version de ressource")
        verbose_name_plural = _("versions de ressources")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="resource_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    @property
    def extension(self) -> str:
        """The file's lower-case extension ("csv"), from the name it was uploaded with."""
        return file_extension(self.original_name or self.file.name)


class AgencyFileLink(models.Model):
    """Where a module publishes one generated file as a dataset of the agency (`services.agency_file_publish`): one
    row, the dataset, its resource and the SHA-256 of the file last published. Abstract: each module has its table."""

    dataset = models.ForeignKey("catalog.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resource_identifier = models.CharField(max_length=36, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.dataset_id)


class Reuse(TimeStampedModel):
    """A re-use of datasets (application, visualisation, article, API) submitted by a person."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        VISUALISATION = "visualisation", _("Visualisation")
        ARTICLE = "article", _("Article ou étude")
        API = "api", _("API")
        OTHER = "other", _("Autre")

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("adresse"), max_length=1000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
    )
    datasets = models.ManyToManyField(
        Dataset, through="ReuseLink", related_name="reuses", verbose_name=_("jeux de données")
    )

    class Meta:
        verbose_name = _("réutilisation")
        verbose_name_plural = _("réutilisations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReuseLink(models.Model):
    """A re-use linked to one dataset; the dataset's organisation moderates the link."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente de modération")
        PUBLISHED = "published", _("Publiée")
        REJECTED = "rejected", _("Refusée")

    reuse = models.ForeignKey(Reuse, on_delete=models.CASCADE, related_name="links")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="reuse_links")
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lien de réutilisation")
        verbose_name_plural = _("liens de réutilisation")
        constraints = [models.UniqueConstraint(fields=["reuse", "dataset"], name="reuse_link_unique")]

    def __str__(self) -> str:
        return f"{self.reuse} → {self.dataset}"
