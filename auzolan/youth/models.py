"""Youth (programme 2): partnerships of organisations with the agency, and the public actions that followed a youth
expectations survey.

Partners are organisations (`organisations.Organisation`, with their kind: school, CFA, university, youth centre,
company, association…): a `Partnership` only says what the organisation does with the agency. Surveys are
participation's (`participation.Survey`, audience "youth"); an `Action` records what public action followed one.
Nothing here is personal data: a partnership's contact is a role and a role address of the organisation.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import AgencyFileLink
from auzolan.core.models import TimeStampedModel


class CollaborationKind(models.TextChoices):
    RENCONTRES = "rencontres", _("Accueille des Rencontres Numériques")
    YESICT = "yesict", _("Expérimentation YESict (compétences entrepreneuriales)")
    APPRENTICESHIP = "apprenticeship", _("Apprentissage")
    INTERNSHIPS = "internships", _("Stages")
    WORKSHOPS = "workshops", _("Ateliers avec des jeunes")
    SURVEYS = "surveys", _("Enquêtes auprès des jeunes")
    DATA_REUSE = "data_reuse", _("Réutilisation de données ouvertes")


class Partnership(TimeStampedModel):
    """What one organisation does with the agency for young people. One per organisation."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="youth_partnership",
    )
    description = models.TextField(_("ce que nous faisons ensemble"), max_length=5000)
    since = models.DateField(_("partenaire depuis"), null=True, blank=True)
    contact_role = models.CharField(
        _("contact (fonction)"),
        max_length=120,
        blank=True,
        help_text=_("Une fonction, pas une personne : « Proviseur adjoint », « Service jeunesse »."),
    )
    contact_email = models.EmailField(
        _("adresse de contact"),
        blank=True,
        help_text=_("Une adresse de la structure (accueil, service), pas l'adresse personnelle d'un agent."),
    )
    contact_is_public = models.BooleanField(
        _("contact visible publiquement"),
        default=True,
        help_text=_("Sinon, la page publique invite à écrire à l'agence, qui transmet."),
    )
    is_public = models.BooleanField(_("visible dans l'annuaire public"), default=False)

    class Meta:
        verbose_name = _("partenariat jeunesse")
        verbose_name_plural = _("partenariats jeunesse")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def collaboration_labels(self) -> list[str]:
        """In the order of `CollaborationKind` (reads the prefetched `collaborations`)."""
        kinds = {c.kind for c in self.collaborations.all()}
        return [label for value, label in CollaborationKind.choices if value in kinds]


class Collaboration(models.Model):
    """One kind of collaboration of a partnership (a row each, so that the directory filters with a join)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="collaborations")
    kind = models.CharField(_("collaboration"), max_length=20, choices=CollaborationKind.choices)

    class Meta:
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind"], name="youth_collaboration_once"),
            models.CheckConstraint(condition=Q(kind__in=CollaborationKind.values), name="youth_collaboration_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Action(TimeStampedModel):
    """A public action decided after a youth expectations survey: what, by whom, when, where it stands."""

    class Status(models.TextChoices):
        DECIDED = "decided", _("Décidée")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        ABANDONED = "abandoned", _("Abandonnée")

    survey = models.ForeignKey(
        "participation.Survey", verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="youth_actions"
    )
    title = models.CharField(_("ce qui a été décidé"), max_length=200)
    description = models.TextField(_("précisions"), blank=True, max_length=5000)
    decided_by = models.CharField(
        _("décidé par"), max_length=200, help_text=_("Une instance : « Conseil communautaire », « Commune d'Hendaye »…")
    )
    decided_on = models.DateField(_("date de la décision"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DECIDED)
    link = models.URLField(_("lien (délibération, article, page du projet)"), blank=True)
    is_public = models.BooleanField(_("publiée"), default=True)

    class Meta:
        verbose_name = _("action publique")
        verbose_name_plural = _("actions publiques")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DirectoryOpenData(AgencyFileLink):
    """Where the public partners directory is published in the catalogue (one row: the dataset and its resource,
    re-used)."""
