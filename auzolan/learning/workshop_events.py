"""A module's workshops as sessions of the events module (both sides work alone; this is the link).

An organiser links a session to a workshop piece by giving the session the external reference
`learning:<module slug>:<piece key>` (events' back office, or `events.services` for a script); the editor's page of
the piece shows the reference to use. Then:
- the module player lists the upcoming sessions of that reference under the workshop (`sessions_for`, registered as
  the workshop provider);
- checking a person in at such a session completes the workshop piece for them (`attendance_recorded`, receiver of
  `events.signals.session_attended`).
Registered in hooks.py."""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.events import selectors as events_selectors
from auzolan.learning import services
from auzolan.learning.models import Piece
from auzolan.learning.workshops import REFERENCE_PREFIX, WorkshopSession, reference


def sessions_for(piece: Piece) -> list[WorkshopSession]:
    """The upcoming sessions of the events module for this workshop piece."""
    sessions = []
    for session in events_selectors.upcoming_sessions_by_ref(reference(piece)):
        venue = session.venue
        if venue is not None:
            place = ", ".join(part for part in (venue.name, venue.commune.name if venue.commune else "") if part)
        else:
            place = _("En ligne")
        sessions.append(
            WorkshopSession(
                title=f"{session.event.title} — {session.title}",
                url=session.event.get_absolute_url(),
                starts_at=session.starts_at,
                place=place,
            )
        )
    return sessions


def attendance_recorded(sender, registration, **kwargs) -> None:
    """A person was checked in at a session: if the session is one of a workshop's, the piece is completed."""
    parts = (registration.session.external_ref or "").split(":")
    if len(parts) != 3 or parts[0] != REFERENCE_PREFIX or registration.user_id is None:
        return
    piece = (
        Piece.objects.filter(module__slug=parts[1], key=parts[2], kind=Piece.Kind.WORKSHOP)
        .select_related("module")
        .first()
    )
    if piece is not None:
        services.workshop_attendance_record(user=registration.user, piece=piece)
