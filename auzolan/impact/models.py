"""Experiments and impact measurement (programme 2, youth and education).

An experiment (YESict workshops in a collège, for instance) has a hypothesis, an intervention, cohorts (classes,
intervention or comparison), one instrument (a questionnaire whose items map to competences of a framework stored
by `learning`), measurement waves (pre, post, follow-up) and decisions (generalise, adapt, stop).

Pupils are pseudonymous by design: a cohort has one-time codes (`PupilCode`), a pupil answers a wave with their code
only; nothing about a pupil is stored but the code and the answers. Who received which code lives on the teacher's
paper sheet, never in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import AgencyFileLink
from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager
from auzolan.participation.small_counts import SMALL_COUNT


class Experiment(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        RUNNING = "running", _("En cours")
        CLOSED = "closed", _("Terminée")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation qui la mène"),
        on_delete=models.PROTECT,
        related_name="impact_experiments",
    )
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    hypothesis = models.TextField(_("hypothèse"), max_length=3000)
    intervention = models.TextField(_("description de l'intervention"), max_length=5000)
    framework = models.ForeignKey(
        "learning.Framework",
        verbose_name=_("référentiel de compétences"),
        on_delete=models.PROTECT,
        related_name="impact_experiments",
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    min_cell_size = models.PositiveSmallIntegerField(
        _("taille minimale d'un groupe publié"),
        default=SMALL_COUNT,
        validators=[MinValueValidator(SMALL_COUNT), MaxValueValidator(100)],
        help_text=_("Un groupe de moins d'élèves n'apparaît dans aucun rapport ni jeu de données."),
    )
    results_public = models.BooleanField(_("résultats publiés"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("expérimentation")
        verbose_name_plural = _("expérimentations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("impact:experiment", args=[self.slug])


class Cohort(models.Model):
    class Kind(models.TextChoices):
        INTERVENTION = "intervention", _("Groupe expérimental")
        COMPARISON = "comparison", _("Groupe de comparaison")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple « 4e B »."))
    kind = models.CharField(_("rôle dans l'expérimentation"), max_length=20, choices=Kind.choices)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enseignant référent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="impact_cohorts",
    )

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["experiment", "name"], name="impact_cohort_unique_name")]

    def __str__(self) -> str:
        return self.name


class Instrument(models.Model):
    """A questionnaire: items on one scale (a Likert agreement scale or the framework's levels)."""

    class Scale(models.TextChoices):
        LIKERT = "likert", _("Échelle d'accord (Likert)")
        LEVEL = "level", _("Niveaux du référentiel")

    experiment = models.OneToOneField(Experiment, on_delete=models.CASCADE, related_name="instrument")
    title = models.CharField(_("titre"), max_length=200)
    scale = models.CharField(_("échelle"), max_length=10, choices=Scale.choices, default=Scale.LIKERT)
    scale_min = models.PositiveSmallIntegerField(_("valeur minimale"), default=1)
    scale_max = models.PositiveSmallIntegerField(
        _("valeur maximale"), default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="impact_scale_order")
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    competence = models.ForeignKey(
        "learning.Competence", verbose_name=_("compétence"), on_delete=models.PROTECT, related_name="impact_items"
    )
    text = models.CharField(_("énoncé"), max_length=300)
    reverse_scored = models.BooleanField(
        _("formulé à l'envers"), default=False, help_text=_("Une réponse haute signifie une compétence basse.")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Wave(models.Model):
    class Kind(models.TextChoices):
        PRE = "pre", _("Avant")
        POST = "post", _("Après")
        FOLLOW_UP = "follow_up", _("Suivi")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(_("temps de mesure"), max_length=20, choices=Kind.choices)
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("fermeture"))
    is_open = models.BooleanField(_("ouverte aux réponses"), default=False)

    class Meta:
        verbose_name = _("temps de mesure")
        verbose_name_plural = _("temps de mesure")
        ordering = ["opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "kind"], name="impact_wave_unique_kind"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="impact_wave_dates"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PupilCode(models.Model):
    """A pupil's pseudonym: random, typed by the pupil on the public page. No name, no birth date, no account."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("code élève")
        verbose_name_plural = _("codes élèves")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One pupil code's answers to one wave (at most one: the unique constraint holds under concurrency)."""

    code = models.ForeignKey(PupilCode, on_delete=models.CASCADE, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "wave"], name="impact_response_once_per_wave")]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="impact_answer_unique")]

    def __str__(self) -> str:
        return str(self.value)


class Decision(models.Model):
    """Generalise, adapt or stop — with the evidence: the report as it was that day (`report`, JSON)."""

    class Outcome(models.TextChoices):
        GENERALISE = "generalise", _("Généraliser")
        ADAPT = "adapt", _("Adapter et expérimenter à nouveau")
        STOP = "stop", _("Arrêter")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("décision"), max_length=20, choices=Outcome.choices)
    rationale = models.TextField(_("justification"), max_length=5000)
    decided_on = models.DateField(_("date de la décision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(_("décidé par"), max_length=200)
    report = models.JSONField(_("rapport à cette date"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class ResultsOpenData(AgencyFileLink):
    """Where the aggregated results are published in the catalogue (one row: the dataset and its resource)."""
