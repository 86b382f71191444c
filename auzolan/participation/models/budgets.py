"""Participatory budgets: envelopes per district, projects, one ballot per verified person, computed results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel


class Budget(TimeStampedModel):
    class Rule(models.TextChoices):
        KNAPSACK = "knapsack", _("Enveloppe : des projets dont le total tient dans l'enveloppe")
        APPROVAL = "approval", _("Approbation : un nombre de projets entre un minimum et un maximum")

    class ResultMethod(models.TextChoices):
        GREEDY = "greedy", _("Par nombre de voix, tant que l'enveloppe le permet")
        EQUAL_SHARES = "equal_shares", _("Méthode des parts égales")

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("démarche"), on_delete=models.CASCADE, related_name="budgets"
    )
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    envelope = models.PositiveBigIntegerField(_("enveloppe (euros)"))
    rule = models.CharField(_("règle de vote"), max_length=10, choices=Rule.choices, default=Rule.KNAPSACK)
    min_share_percent = models.PositiveSmallIntegerField(
        _("part minimale de l'enveloppe à utiliser (%)"), default=0, help_text=_("Règle « enveloppe » seulement.")
    )
    min_projects = models.PositiveSmallIntegerField(_("nombre minimal de projets"), default=1)
    max_projects = models.PositiveSmallIntegerField(_("nombre maximal de projets"), null=True, blank=True)
    result_method = models.CharField(
        _("calcul des résultats"), max_length=20, choices=ResultMethod.choices, default=ResultMethod.GREEDY
    )
    #: Set when voting opens: the rules above can no longer change.
    frozen_at = models.DateTimeField(_("règles figées le"), null=True, blank=True)
    results_computed_at = models.DateTimeField(_("résultats calculés le"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    paper_ballots = models.PositiveIntegerField(_("bulletins papier dépouillés"), default=0)

    class Meta:
        verbose_name = _("budget participatif")
        verbose_name_plural = _("budgets participatifs")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Project(TimeStampedModel):
    budget = models.ForeignKey(Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="projects")
    proposal = models.ForeignKey(
        "participation.Proposal",
        verbose_name=_("proposition d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_projects",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    cost = models.PositiveBigIntegerField(_("coût estimé (euros)"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_feasible = models.BooleanField(_("retenu après étude technique"), default=True)
    feasibility_note = models.TextField(_("avis technique"), blank=True, max_length=5000)
    paper_votes = models.PositiveIntegerField(_("voix sur bulletins papier"), default=0)
    # Results (written by the result computation only)
    online_votes = models.PositiveIntegerField(_("voix en ligne"), default=0)
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    is_winner = models.BooleanField(_("lauréat"), default=False)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def total_votes(self) -> int:
        return self.online_votes + self.paper_votes


class Ballot(models.Model):
    """A submitted ballot: one per verified person (account) or per one-time code, per budget."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_code = models.OneToOneField(
        "participation.AccessCode", null=True, blank=True, on_delete=models.PROTECT, related_name="ballot"
    )
    #: Shown to the voter as a receipt; lets them check their ballot was counted without revealing their choice.
    receipt = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(fields=["budget", "user"], name="ballot_one_per_person"),
        ]

    def __str__(self) -> str:
        return self.receipt


class BallotLine(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="lines")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ballot_lines")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "project"], name="ballot_line_once")]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.project_id}"
