"""Participatory processes, their phases and the districts they can be scoped to."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager, TenantQuerySet
from auzolan.participation import phases as phase_types


def _new_secret() -> str:
    return secrets.token_hex(32)


class Theme(models.TextChoices):
    URBANISM = "urbanism", _("Urbanisme et cadre de vie")
    MOBILITY = "mobility", _("Mobilités")
    ENVIRONMENT = "environment", _("Environnement et transition écologique")
    CULTURE = "culture", _("Culture, sport et loisirs")
    SOLIDARITY = "solidarity", _("Solidarités et santé")
    EDUCATION = "education", _("Éducation et jeunesse")
    ECONOMY = "economy", _("Économie et emploi")
    DIGITAL = "digital", _("Numérique")
    OTHER = "other", _("Autre")


class VerificationLevel(models.TextChoices):
    """What a person must have proved before acting in a phase (ordered from weakest to strongest)."""

    ACCOUNT = "account", _("Compte avec adresse électronique vérifiée")
    RESIDENCY_DECLARED = "residency_declared", _("Résidence déclarée dans le périmètre")
    RESIDENCY_CENSUS = "residency_census", _("Résidence vérifiée sur la liste de la commune")
    CODE = "code", _("Code à usage unique (sans compte ou papier)")


class District(models.Model):
    """A district (quartier) of an organisation: a scope for processes, proposals and budgets."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="districts"
    )
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=120)
    commune = models.ForeignKey(
        "organisations.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL
    )
    postal_codes = models.CharField(
        _("codes postaux"), max_length=200, blank=True, help_text=_("Séparés par des virgules.")
    )
    geometry = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="district_unique_slug")]

    def __str__(self) -> str:
        return self.name


class ProcessQuerySet(TenantQuerySet):
    def published(self):
        return self.filter(state__in=[Process.State.PUBLISHED, Process.State.CLOSED])


class Process(TimeStampedModel):
    """A participatory process run by an organisation (commune, EPCI or the agency)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        CLOSED = "closed", _("Clos")
        ARCHIVED = "archived", _("Archivé")

    class Template(models.TextChoices):
        IDEA_BOX = "idea_box", _("Boîte à idées")
        CONSULTATION = "consultation", _("Consultation sur un projet")
        BUDGET = "budget", _("Budget participatif")
        CUSTOM = "custom", _("Sur mesure")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participation_processes",
    )
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=30000, help_text=_("Markdown simple."))
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, default=Theme.OTHER)
    template = models.CharField(_("modèle"), max_length=20, choices=Template.choices, default=Template.CUSTOM)
    image = models.ImageField(_("image"), upload_to="participation/processes/", blank=True)
    image_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    communes = models.ManyToManyField(
        "organisations.Commune", verbose_name=_("communes concernées"), blank=True, related_name="+"
    )
    districts = models.ManyToManyField(District, verbose_name=_("quartiers concernés"), blank=True, related_name="+")
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    support_threshold = models.PositiveIntegerField(
        _("seuil de soutiens"),
        null=True,
        blank=True,
        help_text=_("Une proposition qui atteint ce nombre de soutiens passe « à l'étude ». Vide : pas de seuil."),
    )
    reports_before_hiding = models.PositiveSmallIntegerField(
        _("signalements avant masquage"),
        default=3,
        help_text=_("Un contenu signalé par ce nombre de personnes est masqué en attendant la modération."),
    )
    #: Keys the hashes of one-time codes and anonymous participation (combined with SECRET_KEY); never shown.
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = TenantManager.from_queryset(ProcessQuerySet)()

    class Meta:
        verbose_name = _("démarche participative")
        verbose_name_plural = _("démarches participatives")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "organisation"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process_detail", kwargs={"slug": self.slug})

    def active_phase(self, at=None):
        """The phase running at `at` (now by default); the latest-starting one if phases overlap."""
        at = at or timezone.now()
        for phase in sorted(self.phases.all(), key=lambda p: p.start_at, reverse=True):
            if phase.start_at <= at < phase.end_at:
                return phase
        return None


class Phase(models.Model):
    """A dated step of a process. What participants may do depends on its kind (see participation.phases)."""

    process = models.ForeignKey(Process, verbose_name=_("démarche"), on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("type"), max_length=20, choices=phase_types.choices)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    start_at = models.DateTimeField(_("début"))
    end_at = models.DateTimeField(_("fin"))
    verification = models.CharField(
        _("vérification demandée pour participer"),
        max_length=20,
        choices=VerificationLevel.choices,
        default=VerificationLevel.ACCOUNT,
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["start_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_at__gt=models.F("start_at")), name="phase_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title or str(phase_types.get(self.kind).label)

    @property
    def type(self) -> phase_types.PhaseType:
        return phase_types.get(self.kind)

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.start_at <= at < self.end_at


class ProcessTransition(models.Model):
    """The transition log of a process's lifecycle (draft → published → closed → archived)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Guide(TimeStampedModel):
    """A methodology guide of the agency (the "keys" for communes): how to run a process, answer citizens…"""

    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    body = models.TextField(_("contenu"), max_length=50000, help_text=_("Markdown simple."))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    related_template = models.CharField(
        _("modèle de démarche lié"), max_length=20, choices=Process.Template.choices, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("guide méthodologique")
        verbose_name_plural = _("guides méthodologiques")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
