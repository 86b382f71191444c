"""The lifecycle of a process, as one table of transitions.

The service (`services.processes.process_transition`) reads it to know which transitions are allowed and which audit
verb to write; the management page reads it to know which buttons to show and which message to give. It imports only
models, so that both may read it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from auzolan.core.lifecycle import Transition
from auzolan.participation.models import Process

State = Process.State


MANAGE = "participation.change_process"

CHANGED = _("L'état de la démarche a changé.")

#: In the order of the buttons: draft → published → closed → archived, closed → published to reopen.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="publish",
        sources=(State.DRAFT,),
        target=State.PUBLISHED,
        label=_("Publier la démarche"),
        message=CHANGED,
        audit_verb="published",
        permission=MANAGE,
    ),
    Transition(
        name="reopen",
        sources=(State.CLOSED,),
        target=State.PUBLISHED,
        label=_("Rouvrir la démarche"),
        message=CHANGED,
        audit_verb="reopened",
        permission=MANAGE,
    ),
    Transition(
        name="close",
        sources=(State.PUBLISHED,),
        target=State.CLOSED,
        label=_("Clore la démarche"),
        message=CHANGED,
        audit_verb="closed",
        permission=MANAGE,
    ),
    Transition(
        name="archive",
        sources=(State.CLOSED,),
        target=State.ARCHIVED,
        label=_("Archiver la démarche"),
        message=CHANGED,
        audit_verb="archived",
        permission=MANAGE,
    ),
    # Not a change of state: announced once (Process.results_published_at); followers are told, the anonymised
    # data goes to the catalogue as open data.
    Transition(
        name="publish_results",
        sources=(State.PUBLISHED, State.CLOSED),
        target=None,
        label=_("Publier les résultats (et les données en open data)"),
        message=CHANGED,
        audit_verb="results_published",
        permission=MANAGE,
    ),
)

PUBLISH_RESULTS = "publish_results"

_BY_NAME = {transition.name: transition for transition in TRANSITIONS}


def transition_named(name: str) -> Transition | None:
    """The transition called `name`, or None for an unknown name."""
    return _BY_NAME.get(name)


def available_transitions(process: Process) -> list[Transition]:
    """The transitions the process's state allows now (the results are announced only once)."""
    return [
        transition
        for transition in TRANSITIONS
        if process.state in transition.sources
        and not (transition.name == PUBLISH_RESULTS and process.results_published_at is not None)
    ]
