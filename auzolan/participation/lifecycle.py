"""The lifecycle of a process, as one table of transitions.

The service (`services.processes.process_transition`) reads it to know which transitions are allowed and which audit
verb to write; the management page reads it to know which buttons to show and which message to give. It imports only
models, so that both may read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from auzolan.participation.models import Process

State = Process.State


@dataclass(frozen=True)
class Transition:
    """A button of the lifecycle: from one of `sources` to `target` (None: the state stays, e.g. announcing the
    results), its `label`, the success `message`, the audit code `participation.process.<audit_verb>`, and the
    permission it needs."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    label: str
    message: str
    audit_verb: str
    permission: str = "participation.change_process"


CHANGED = _("L'état de la démarche a changé.")

#: In the order of the buttons: draft → published → closed → archived, closed → published to reopen.
PROCESS_TRANSITIONS: tuple[Transition, ...] = (
    Transition("publish", (State.DRAFT,), State.PUBLISHED, _("Publier la démarche"), CHANGED, "published"),
    Transition("reopen", (State.CLOSED,), State.PUBLISHED, _("Rouvrir la démarche"), CHANGED, "reopened"),
    Transition("close", (State.PUBLISHED,), State.CLOSED, _("Clore la démarche"), CHANGED, "closed"),
    Transition("archive", (State.CLOSED,), State.ARCHIVED, _("Archiver la démarche"), CHANGED, "archived"),
    # Announced once (Process.results_published_at): followers are told, the data goes to open data.
    Transition(
        "publish_results",
        (State.PUBLISHED, State.CLOSED),
        None,
        _("Publier les résultats (et les données en open data)"),
        CHANGED,
        "results_published",
    ),
)

PUBLISH_RESULTS = "publish_results"

_BY_NAME = {transition.name: transition for transition in PROCESS_TRANSITIONS}


def process_transition(name: str) -> Transition | None:
    """The transition called `name`, or None for an unknown name."""
    return _BY_NAME.get(name)


def available_transitions(process: Process) -> list[Transition]:
    """The transitions the process's state allows now (the results are announced only once)."""
    return [
        transition
        for transition in PROCESS_TRANSITIONS
        if process.state in transition.sources
        and not (transition.name == PUBLISH_RESULTS and process.results_published_at is not None)
    ]
