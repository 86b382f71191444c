"""The lifecycle of an experiment: in preparation → running → closed (and back to running to add a follow-up wave).
Read by `services.experiment_transition` and by the experiment's page, which shows one button per allowed move."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from auzolan.core.lifecycle import Transition
from auzolan.impact.models import Experiment

S = Experiment.State

EXPERIMENT_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start",
        (S.DRAFT,),
        S.RUNNING,
        _("Démarrer l'expérimentation"),
        _("L'expérimentation est en cours."),
        "started",
        "impact.change_experiment",
    ),
    Transition(
        "close",
        (S.RUNNING,),
        S.CLOSED,
        _("Terminer l'expérimentation"),
        _("L'expérimentation est terminée : plus aucun questionnaire ne peut être ouvert."),
        "closed",
        "impact.change_experiment",
    ),
    Transition(
        "reopen",
        (S.CLOSED,),
        S.RUNNING,
        _("Reprendre (temps de suivi)"),
        _("L'expérimentation est de nouveau en cours."),
        "reopened",
        "impact.change_experiment",
    ),
)


def allowed(experiment: Experiment) -> list[Transition]:
    return [t for t in EXPERIMENT_TRANSITIONS if experiment.state in t.sources]


def structure_editable(experiment: Experiment) -> bool:
    """Cohorts, items and waves can be corrected or removed unless the experiment is closed (read-only until it is
    reopened for a follow-up)."""
    return experiment.state != S.CLOSED
