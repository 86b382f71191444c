"""Workshops (in-person sessions, webinars) of a module. The events module, when it exists, registers a provider here:

    register_workshop_provider(provider)

where `provider(piece) -> list[WorkshopSession]` returns the sessions to offer for a workshop piece (the player lists
them under the workshop's own date, place or link). When a person attends a session, the events module calls
`auzolan.learning.services.workshop_attendance_record(user=…, piece=…)`, which completes the piece. Learning works
alone: with no provider registered, a workshop piece shows the title, description, date, place or link its editor
wrote, and it is not required to complete the module online."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

_providers: list[Callable] = []

#: The events module links a session to a workshop piece by the session's `external_ref` "learning:<module>:<key>".
REFERENCE_PREFIX = "learning"


@dataclass(frozen=True)
class WorkshopSession:
    title: str
    url: str  # where to register
    starts_at: datetime | None = None
    place: str = ""


def reference(piece) -> str:
    """The external reference of a workshop piece: what a session of the events module gives to be one of its
    sessions (shown on the editors' form of the piece)."""
    return f"{REFERENCE_PREFIX}:{piece.module.slug}:{piece.key}"


def register_workshop_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def workshop_sessions(piece) -> list[WorkshopSession]:
    sessions: list[WorkshopSession] = []
    for provider in _providers:
        sessions.extend(provider(piece) or [])
    return sessions
