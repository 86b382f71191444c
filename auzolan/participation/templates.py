"""Blueprints of common processes: the phases a new process starts with (the organisation then adjusts the dates).

A blueprint is an ordered list of steps (phase kind, default duration in days, default verification level). The
guide linked to each template (Guide.related_template) explains how to run it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from auzolan.participation import phases as phase_types
from auzolan.participation.models import Process, VerificationLevel


@dataclass(frozen=True)
class Step:
    kind: str
    days: int
    verification: str = VerificationLevel.ACCOUNT

    @property
    def label(self) -> str:
        return phase_types.get(self.kind).label


@dataclass(frozen=True)
class Blueprint:
    template: str
    label: str
    description: str
    steps: tuple[Step, ...]


BLUEPRINTS: dict[str, Blueprint] = {
    Process.Template.IDEA_BOX: Blueprint(
        Process.Template.IDEA_BOX,
        _("Boîte à idées"),
        _("Information, dépôt d'idées, débat puis réponses de la commune."),
        (Step("information", 14), Step("ideas", 30), Step("debate", 21), Step("results", 60)),
    ),
    Process.Template.CONSULTATION: Blueprint(
        Process.Template.CONSULTATION,
        _("Consultation sur un projet"),
        _("Information sur le projet, questionnaire, puis publication des résultats."),
        (Step("information", 14), Step("survey", 30), Step("results", 60)),
    ),
    Process.Template.BUDGET: Blueprint(
        Process.Template.BUDGET,
        _("Budget participatif"),
        _(
            "Information, dépôt de projets, étude technique par les services, vote des habitants "
            "(résidence déclarée), puis résultats et suivi."
        ),
        (
            Step("information", 14),
            Step("ideas", 45),
            Step("review", 45),
            Step("vote", 21, VerificationLevel.RESIDENCY_DECLARED),
            Step("results", 180),
        ),
    ),
    Process.Template.CUSTOM: Blueprint(
        Process.Template.CUSTOM,
        _("Sur mesure"),
        _("Aucune phase au départ : vous les ajoutez une à une."),
        (),
    ),
}


def get(template: str) -> Blueprint:
    return BLUEPRINTS[template]
