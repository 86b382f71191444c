"""Surveys: questions with simple conditions, anonymous or signed answers (one response per person)."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel

if TYPE_CHECKING:
    from auzolan.participation.models.processes import Process


class Survey(TimeStampedModel):
    class Audience(models.TextChoices):
        GENERAL = "general", _("Tout public")
        #: Read by the youth app's page "Ce que disent les jeunes" (programme 2).
        YOUTH = "youth", _("Jeunes : attentes de la jeunesse")

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("démarche"), on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, max_length=5000)
    is_anonymous = models.BooleanField(
        _("réponses anonymes"),
        default=True,
        help_text=_(
            "Anonymes : la réponse n'est pas reliée au compte (seule une empreinte chiffrée évite les doublons)."
        ),
    )
    results_public = models.BooleanField(_("résultats publics"), default=True)
    audience = models.CharField(
        _("public visé"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.GENERAL,
        help_text=_("« Jeunes » : les résultats publics paraissent aussi sur la page « Ce que disent les jeunes »."),
    )
    #: Answers are accepted (while the phase allows) only once the organisation has published the survey.
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    #: Free-text answers stay private unless the organisation chooses to show those it has approved (moderated).
    free_texts_public = models.BooleanField(
        _("publier les réponses libres approuvées"),
        default=False,
        help_text=_("Par défaut, les réponses libres ne sont lues que par l'organisation."),
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Choix unique")
        MULTIPLE = "multiple", _("Choix multiple")
        SCALE = "scale", _("Échelle")
        TEXT = "text", _("Texte libre")
        RANKING = "ranking", _("Classement")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    scale_min = models.SmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.SmallIntegerField(_("maximum de l'échelle"), default=5)
    scale_min_label = models.CharField(_("libellé du minimum"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("libellé du maximum"), max_length=100, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("nombre maximal de choix"), null=True, blank=True)
    #: Simple conditional display: shown only when this earlier choice was picked.
    condition_choice = models.ForeignKey(
        "participation.Choice",
        verbose_name=_("afficher seulement si ce choix a été fait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependent_questions",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("choix"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


def participant_key(*, process: Process, user_id: int) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY + the process secret, of the person's id: the same for every survey of
    the process, impossible to compute without both secrets, and not reversible into the account. Stored in
    SurveyResponse.participant_key; statistics compute it for the other participants to count each person once."""
    key = (settings.SECRET_KEY + process.secret).encode()
    return hmac.new(key, f"participant:{user_id}".encode(), hashlib.sha256).hexdigest()


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    #: Only for signed surveys; anonymous responses keep no link to the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Keyed hash (process secret + SECRET_KEY) of the participant: one response per person, even when anonymous.
    participant_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "participant_key"], name="survey_one_response_per_person")
        ]

    def __str__(self) -> str:
        return str(self.created_at)


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True, max_length=5000)
    number = models.SmallIntegerField(null=True, blank=True)
    #: For ranking questions: the rank (1 = first) given to `choice`.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Free texts: approved by the organisation's moderators for publication (shown only if the survey allows).
    text_published = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.number or self.text[:30]}"


class ProcessOpenData(models.Model):
    """Where a process's anonymised data is published in the catalogue (one dataset per process, re-used)."""

    process = models.OneToOneField("participation.Process", on_delete=models.CASCADE, related_name="open_data")
    dataset = models.ForeignKey("catalog.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: file name ("proposals.csv") -> identifier (UUID) of the catalogue resource holding it.
    resources = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.process_id)
