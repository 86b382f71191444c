"""The lifecycles of events, registrations and waiting-list places, as tables of transitions.

The services read them to know which moves are allowed and which audit verb to write; the pages read them to know
which buttons to show. Imports only models.

- Event: draft → published → cancelled | archived (cancelled → archived).
- Registration: pending → confirmed → attended | cancelled (pending → cancelled when refused).
- Waiting-list place: waiting → offered → confirmed | expired (waiting | offered → withdrawn when the person leaves).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from auzolan.core.lifecycle import Transition
from auzolan.events.models import Event, Registration, WaitingListEntry

MANAGE = "events.change_event"

E = Event.State
R = Registration.State
W = WaitingListEntry.State

EVENT_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "publish", (E.DRAFT,), E.PUBLISHED, _("Publier l'événement"), _("L'événement est publié."), "published", MANAGE
    ),
    Transition(
        "cancel",
        (E.PUBLISHED,),
        E.CANCELLED,
        _("Annuler l'événement"),
        _("L'événement est annulé."),
        "cancelled",
        MANAGE,
    ),
    Transition(
        "archive",
        (E.PUBLISHED, E.CANCELLED),
        E.ARCHIVED,
        _("Archiver l'événement"),
        _("L'événement est archivé."),
        "archived",
        MANAGE,
    ),
)

REGISTRATION_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "approve",
        (R.PENDING,),
        R.CONFIRMED,
        _("Valider"),
        _("L'inscription est validée."),
        "approved",
        "events.manage_registrations",
    ),
    Transition(
        "refuse",
        (R.PENDING,),
        R.CANCELLED,
        _("Refuser"),
        _("L'inscription est refusée."),
        "refused",
        "events.manage_registrations",
    ),
    Transition(
        "check_in",
        (R.CONFIRMED,),
        R.ATTENDED,
        _("Marquer présent"),
        _("Arrivée enregistrée."),
        "checked_in",
        "events.check_in",
    ),
    Transition(
        "cancel",
        (R.PENDING, R.CONFIRMED),
        R.CANCELLED,
        _("Annuler mon inscription"),
        _("Votre inscription est annulée."),
        "cancelled",
    ),
)

WAITING_TRANSITIONS: tuple[Transition, ...] = (
    Transition("offer", (W.WAITING,), W.OFFERED, _("Proposer la place"), _("La place est proposée."), "offered"),
    Transition(
        "accept", (W.OFFERED,), W.CONFIRMED, _("Accepter la place"), _("Vous avez accepté la place."), "accepted"
    ),
    Transition("expire", (W.OFFERED,), W.EXPIRED, _("Expirer"), _("La proposition a expiré."), "expired"),
    Transition(
        "withdraw",
        (W.WAITING, W.OFFERED),
        W.WITHDRAWN,
        _("Quitter la liste d'attente"),
        _("Vous avez quitté la liste d'attente."),
        "withdrawn",
    ),
)


def _index(transitions):
    return {transition.name: transition for transition in transitions}


_EVENT = _index(EVENT_TRANSITIONS)
_REGISTRATION = _index(REGISTRATION_TRANSITIONS)
_WAITING = _index(WAITING_TRANSITIONS)


def event_transition(name: str) -> Transition | None:
    return _EVENT.get(name)


def registration_transition(name: str) -> Transition:
    return _REGISTRATION[name]


def waiting_transition(name: str) -> Transition:
    return _WAITING[name]


def allowed(transition: Transition, state: str) -> bool:
    return state in transition.sources


def event_buttons(event: Event) -> list[Transition]:
    return [transition for transition in EVENT_TRANSITIONS if event.state in transition.sources]
