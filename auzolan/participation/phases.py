"""The registry of phase types: what participants may do while a phase of each type is active.

A phase row stores its dates and its `kind`; behaviour lives here (in the spirit of adhocracy4's phase contents).
Permissions (rules.py) ask `phase_allows(phase, action)`; adding a phase type is one `register()` call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

#: Everything a participant may do in a process. Rules name these, phase types allow a subset.
ACTIONS = ("propose", "comment", "support", "answer", "vote")
ACTION_LABELS = {
    "propose": _("proposer"),
    "comment": _("commenter"),
    "support": _("soutenir une proposition"),
    "answer": _("répondre au questionnaire"),
    "vote": _("voter"),
}


@dataclass(frozen=True)
class PhaseType:
    kind: str
    label: str
    description: str
    actions: frozenset[str] = field(default_factory=frozenset)


_REGISTRY: dict[str, PhaseType] = {}


def register(phase_type: PhaseType) -> PhaseType:
    unknown = set(phase_type.actions) - set(ACTIONS)
    if unknown:
        raise ValueError(f"Unknown actions {sorted(unknown)} for phase type {phase_type.kind!r}")
    _REGISTRY[phase_type.kind] = phase_type
    return phase_type


def get(kind: str) -> PhaseType:
    return _REGISTRY[kind]


def all_types() -> list[PhaseType]:
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    return [(t.kind, t.label) for t in _REGISTRY.values()]


def phase_allows(phase, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown participation action {action!r}")
    if phase is None:
        return False
    try:
        return action in _REGISTRY[phase.kind].actions
    except KeyError:
        return False


INFORMATION = register(
    PhaseType(
        "information",
        _("Information"),
        _("La commune présente le projet ; on peut le lire et le commenter."),
        frozenset({"comment"}),
    )
)
IDEAS = register(
    PhaseType(
        "ideas",
        _("Idées"),
        _("Chacun dépose des propositions, les commente et les soutient."),
        frozenset({"propose", "comment", "support"}),
    )
)
DEBATE = register(
    PhaseType(
        "debate",
        _("Débat"),
        _("On débat des propositions déposées : commentaires et soutiens."),
        frozenset({"comment", "support"}),
    )
)
SURVEY = register(
    PhaseType("survey", _("Questionnaire"), _("Chacun répond au questionnaire."), frozenset({"answer", "comment"}))
)
VOTE = register(
    PhaseType("vote", _("Vote"), _("Chacun vote une fois pour les projets de son choix."), frozenset({"vote"}))
)
RESULTS = register(
    PhaseType("results", _("Résultats"), _("Les résultats et les suites données sont publiés."), frozenset())
)
REVIEW = register(
    PhaseType(
        "review",
        _("Étude technique"),
        _(
            "Les services étudient la faisabilité et le coût des propositions ; "
            "pas de participation pendant cette étape."
        ),
        frozenset(),
    )
)
