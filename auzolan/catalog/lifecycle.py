"""The lifecycle of a dataset: the one table of the moves between its states (draft, published, archived).

Each `Transition` says from which states it starts, where it leads, the button's label, the message shown once it
is done and the verb of its audit entry (`catalog.dataset.<audit_verb>`). The service `dataset_transition` refuses
any move that is not in the table; the publishing pages offer the transitions of the dataset's current state.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import Dataset
from auzolan.core.lifecycle import Transition

State = Dataset.State


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="publish",
        sources=(State.DRAFT,),
        target=State.PUBLISHED,
        label=_("Publier"),
        message=_("Le jeu de données est publié : il est visible de tous."),
        audit_verb="published",
    ),
    Transition(
        name="unpublish",
        sources=(State.PUBLISHED,),
        target=State.DRAFT,
        label=_("Repasser en brouillon"),
        message=_("Le jeu de données est repassé en brouillon : il n'est plus public."),
        audit_verb="unpublished",
    ),
    Transition(
        name="archive",
        sources=(State.PUBLISHED,),
        target=State.ARCHIVED,
        label=_("Archiver"),
        message=_("Le jeu de données est archivé."),
        audit_verb="archived",
    ),
    Transition(
        name="restore",
        sources=(State.ARCHIVED,),
        target=State.PUBLISHED,
        label=_("Publier de nouveau"),
        message=_("Le jeu de données est publié : il est visible de tous."),
        audit_verb="restored",
    ),
)


def transitions_from(state: str) -> list[Transition]:
    """The moves a dataset in `state` may make, in the table's order."""
    return [transition for transition in TRANSITIONS if state in transition.sources]


def transition_between(state: str, target: str) -> Transition | None:
    """The move from `state` to `target`, or None when the lifecycle does not allow it."""
    return next((transition for transition in transitions_from(state) if transition.target == target), None)
