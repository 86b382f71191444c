"""iCalendar (RFC 5545) files of events, sessions and a person's registrations, written with the `icalendar` library
(it escapes text, folds lines at 75 octets and writes UTC times; a writer of our own would have to be proved on each of
those points).

Stability: a session's UID comes from its UUID (`<uuid>@auzolan`), a whole event's from the event's; SEQUENCE is the
counter the services increment at each change that a calendar must show, LAST-MODIFIED the row's last change; a
cancelled session or event keeps its UID with STATUS:CANCELLED, so that calendars update the entry instead of adding
a second one.
"""

from __future__ import annotations

from icalendar import Calendar
from icalendar import Event as VEvent

from auzolan.core.http import public_url
from auzolan.events.models import Event, Registration, Session

PRODID = "-//Auzolan//Evenements//FR"
DOMAIN = "auzolan"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _location(session: Session) -> str:
    if session.venue_id is None:
        return "En ligne"
    venue = session.venue
    return f"{venue.name}, {venue.address}, {venue.commune.name}"


def session_vevent(session: Session, *, extra_sequence: int = 0, cancelled: bool = False, link: str = "") -> VEvent:
    event = session.event
    vevent = VEvent()
    vevent.add("uid", f"{session.uid}@{DOMAIN}")
    vevent.add("dtstamp", session.updated_at)
    vevent.add("last-modified", max(session.updated_at, event.updated_at))
    vevent.add("sequence", session.sequence + event.sequence + extra_sequence)
    vevent.add("summary", f"{session.title} — {event.title}")
    vevent.add("dtstart", session.starts_at)
    vevent.add("dtend", session.ends_at)
    vevent.add("location", _location(session))
    url = public_url(event.get_absolute_url())
    vevent.add("url", url)
    lines = [str(session.get_format_display())]
    if session.speakers:
        lines.append(f"Intervenants : {session.speakers}")
    if link:
        lines.append(f"Lien de connexion : {link}")
    lines.append(url)
    vevent.add("description", "\n".join(lines))
    if session.venue_id is not None and session.venue.latitude is not None and session.venue.longitude is not None:
        vevent.add("geo", (float(session.venue.latitude), float(session.venue.longitude)))
    is_cancelled = cancelled or session.is_cancelled or event.state == Event.State.CANCELLED
    vevent.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    return vevent


def event_vevent(event: Event, *, extra_sequence: int = 0, cancelled: bool = False) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@{DOMAIN}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.sequence + extra_sequence)
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    url = public_url(event.get_absolute_url())
    vevent.add("url", url)
    vevent.add("description", url)
    is_cancelled = cancelled or event.state == Event.State.CANCELLED
    vevent.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    return vevent


def event_calendar(event: Event, sessions: list[Session]) -> bytes:
    """The public calendar of an event: one entry per session (or one for the event when it has none)."""
    calendar = _calendar(event.title)
    for session in sessions:
        calendar.add_component(session_vevent(session))
    if not sessions:
        calendar.add_component(event_vevent(event))
    return calendar.to_ical()


def session_calendar(session: Session) -> bytes:
    calendar = _calendar(session.title)
    calendar.add_component(session_vevent(session))
    return calendar.to_ical()


def personal_calendar(registrations: list[Registration], *, name: str) -> bytes:
    """A person's feed: one entry per session (or whole event) they registered to. A cancelled registration stays as
    a cancelled entry (its SEQUENCE one higher) unless a live one for the same session replaces it: one UID, one
    entry. The link of a webinar is given to confirmed registrations only."""
    chosen: dict[tuple, Registration] = {}
    for registration in registrations:
        key = (registration.event_id, registration.session_id)
        current = chosen.get(key)
        if (
            current is None
            or (registration.is_live and not current.is_live)
            or (registration.is_live == current.is_live and registration.pk > current.pk)
        ):
            chosen[key] = registration
    calendar = _calendar(name)
    for registration in sorted(chosen.values(), key=lambda r: r.pk):
        cancelled = registration.state == Registration.State.CANCELLED
        extra = 1 if cancelled else 0
        if registration.session_id is not None:
            session = registration.session
            link = (
                session.online_url
                if registration.state in (Registration.State.CONFIRMED, Registration.State.ATTENDED)
                else ""
            )
            calendar.add_component(session_vevent(session, extra_sequence=extra, cancelled=cancelled, link=link))
        else:
            calendar.add_component(event_vevent(registration.event, extra_sequence=extra, cancelled=cancelled))
    return calendar.to_ical()
