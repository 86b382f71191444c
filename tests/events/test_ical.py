"""iCalendar files: valid (parsed back), stable (same UID across edits, SEQUENCE grows, no duplicates), cancelled
sessions kept with STATUS:CANCELLED, text escaped and lines folded (RFC 5545)."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from auzolan.events import ical
from auzolan.events.services import events as event_services
from auzolan.events.services import registrations as services
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, staff

pytestmark = pytest.mark.django_db


def _events(content: bytes):
    calendar = Calendar.from_ical(content)
    return list(calendar.walk("VEVENT"))


def test_event_calendar_is_valid_and_stable_across_edits(client):
    event = EventFactory()
    session = SessionFactory(event=event, title="Atelier ; données, ouvertes \\ et " + "très long titre " * 8)
    SessionFactory(event=event)
    url = reverse("events:event_ics", kwargs={"slug": event.slug})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    assert b"\\;" in response.content and b"\\," in response.content
    first = {str(e["UID"]): e for e in _events(response.content)}
    assert len(first) == 2
    uid = f"{session.uid}@auzolan"
    assert first[uid]["SUMMARY"].startswith("Atelier ; données, ouvertes \\ et ")
    assert int(first[uid]["SEQUENCE"]) == 0

    organiser = staff(event.organisation)
    event_services.session_update(actor=organiser, session=session, starts_at=session.starts_at + dt.timedelta(hours=1))
    second = {str(e["UID"]): e for e in _events(client.get(url).content)}
    assert set(second) == set(first)  # same UIDs, no duplicate
    assert int(second[uid]["SEQUENCE"]) == 1
    assert second[uid]["LAST-MODIFIED"].dt >= first[uid]["LAST-MODIFIED"].dt

    event_services.session_update(actor=organiser, session=session, speakers="Autre intervenante")
    event_services.session_cancel(actor=organiser, session=session)
    third = {str(e["UID"]): e for e in _events(client.get(url).content)}
    assert set(third) == set(first)
    assert int(third[uid]["SEQUENCE"]) == 3
    assert str(third[uid]["STATUS"]) == "CANCELLED"


def test_session_calendar(client):
    session = SessionFactory()
    response = client.get(reverse("events:session_ics", kwargs={"uid": session.uid}))
    [vevent] = _events(response.content)
    assert str(vevent["UID"]) == f"{session.uid}@auzolan"
    assert session.venue.name in str(vevent["LOCATION"])


def test_draft_event_calendars_are_404(client):
    session = SessionFactory(event=EventFactory(state="draft"))
    assert client.get(reverse("events:event_ics", kwargs={"slug": session.event.slug})).status_code == 404
    assert client.get(reverse("events:session_ics", kwargs={"uid": session.uid})).status_code == 404


def test_personal_feed_secret_revocable_one_entry_per_session(client):
    user = UserFactory()
    session = SessionFactory(capacity=5, online_url="https://visio.example.org/salle")
    first = services.registration_create(actor=user, event=session.event, session=session)
    services.registration_cancel(actor=user, registration=first)
    services.registration_create(actor=user, event=session.event, session=session)
    cancelled_only = RegistrationFactory(user=user, state="cancelled")
    feed = services.calendar_feed_create(actor=user)
    url = reverse("events:personal_ics", kwargs={"token": feed.token})
    response = client.get(url)
    assert response.status_code == 200
    entries = {str(e["UID"]): e for e in _events(response.content)}
    assert len(entries) == 2  # the re-registration replaces the cancelled one: one UID, one entry
    assert str(entries[f"{session.uid}@auzolan"]["STATUS"]) == "CONFIRMED"
    assert "visio.example.org" in str(entries[f"{session.uid}@auzolan"]["DESCRIPTION"])
    assert str(entries[f"{cancelled_only.session.uid}@auzolan"]["STATUS"]) == "CANCELLED"
    services.calendar_feed_revoke(actor=user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("events:personal_ics", kwargs={"token": "nope"})).status_code == 404


def test_webinar_link_only_for_confirmed_registrations():
    session = SessionFactory(online_url="https://visio.example.org/salle", requires_approval=True)
    pending = RegistrationFactory(session=session, state="pending")
    content = ical.personal_calendar([pending], name="x")
    assert b"visio.example.org" not in content
