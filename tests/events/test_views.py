"""HTTP tests of every events page: the agenda and its filters, an event's page, registration, "Mes inscriptions",
cancellation, ticket, offers, calendar address, feedback, check-in, and the organisers' pages (forms, lifecycle,
registrations with approve/refuse, exports, statistics, feedback questionnaire)."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from auzolan.events import exports, tickets
from auzolan.events.models import CalendarFeed, Event, Registration, Session, Venue, WaitingListEntry
from tests.accounts.factories import UserFactory
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    VenueFactory,
    WaitingListEntryFactory,
    staff,
)
from tests.organisations.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(title="Rencontres Numériques 2027")
    SessionFactory(event=event, title="Atelier données ouvertes", capacity=1)
    SessionFactory(
        event=event, title="Webinaire IA", format="webinar", venue=None, online_url="https://visio.example/ia"
    )
    return event


def test_agenda_lists_published_sessions_and_filters(client, event):
    draft = SessionFactory(event=EventFactory(state="draft"), title="Brouillon caché")
    response = client.get(reverse("events:agenda"))
    assert response.status_code == 200
    assert "Atelier données ouvertes" in response.text and draft.title not in response.text
    response = client.get(reverse("events:agenda"), {"format": "webinar"})
    assert "Webinaire IA" in response.text and "Atelier données ouvertes" not in response.text
    commune = event.sessions.get(format="workshop").venue.commune
    response = client.get(reverse("events:agenda"), {"commune": commune.pk})
    assert "Atelier données ouvertes" in response.text and "Webinaire IA" not in response.text
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert "Atelier données ouvertes" not in client.get(reverse("events:agenda"), {"start": later}).text
    assert client.get(reverse("events:agenda"), {"start": "2026-02-30"}).status_code == 400


def test_agenda_pages_and_programme_page(client, event):
    for n in range(31):
        SessionFactory(event=event, title=f"Séance {n:02d}")
    first = client.get(reverse("events:agenda"), {"format": "workshop"})
    assert first.status_code == 200 and "page=2" in first.text and "format=workshop" in first.text
    second = client.get(reverse("events:agenda"), {"format": "workshop", "page": "2"})
    assert second.status_code == 200 and "Page 2" in second.text
    assert client.get(reverse("events:agenda"), {"page": "abc"}).status_code == 200
    programme = client.get(reverse("core:programme_youth"))
    assert programme.status_code == 200 and "Prochaines séances" in programme.text
    assert "Atelier données ouvertes" in programme.text


def test_event_page_shows_programme_accessibility_and_hides_webinar_link(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>ateliers</strong>" in response.text  # Markdown
    assert "boucle magnétique" in response.text
    assert "visio.example" not in response.text
    assert client.get(EventFactory(state="draft").get_absolute_url()).status_code == 404


def test_register_flow_and_waiting_list(client, event):
    session = event.sessions.get(format="workshop")
    question = QuestionFactory(event=event, required=True)
    url = reverse("events:register", kwargs={"slug": event.slug})
    assert client.get(url).status_code == 302  # sign-in first
    user = UserFactory()
    client.force_login(user)
    page = client.get(url, {"seance": str(session.uid)})
    assert page.status_code == 200 and question.label in page.text
    assert client.post(url, {"session": str(session.uid)}).status_code == 400  # required answer missing
    response = client.post(url, {"session": str(session.uid), f"question_{question.pk}": "Aucun"})
    assert response.status_code == 302 and response.url == reverse("events:my_registrations")
    registration = Registration.objects.get(user=user)
    assert registration.state == "confirmed" and registration.answers.get().value == "Aucun"
    other = UserFactory()
    client.force_login(other)
    client.post(url, {"session": str(session.uid), f"question_{question.pk}": "Aucun"})
    assert WaitingListEntry.objects.get(user=other).state == "waiting"


def test_my_registrations_ticket_cancel_offer_and_calendar(client, event):
    session = event.sessions.get(format="workshop")
    registration = RegistrationFactory(session=session)
    entry = WaitingListEntryFactory(session=session)
    client.force_login(registration.user)
    page = client.get(reverse("events:my_registrations"))
    assert page.status_code == 200 and session.title in page.text
    ticket = client.get(reverse("events:ticket", kwargs={"pk": registration.pk}))
    assert ticket.status_code == 200 and "<svg" in ticket.text and registration.code in ticket.text
    cancel_url = reverse("events:registration_cancel", kwargs={"pk": registration.pk})
    assert client.get(cancel_url).status_code == 200
    assert client.post(cancel_url).status_code == 302
    registration.refresh_from_db()
    entry.refresh_from_db()
    assert registration.state == "cancelled" and entry.state == "offered"
    # The offer, for its owner only.
    assert client.get(reverse("events:offer_accept", kwargs={"pk": entry.pk})).status_code == 404
    client.force_login(entry.user)
    accept = reverse("events:offer_accept", kwargs={"pk": entry.pk})
    assert client.get(accept).status_code == 200
    assert client.post(accept).status_code == 302
    assert Registration.objects.get(user=entry.user).state == "confirmed"
    # Calendar address: created, then revoked.
    assert client.post(reverse("events:calendar_create")).status_code == 302
    token = CalendarFeed.objects.get(user=entry.user).token
    assert client.get(reverse("events:personal_ics", kwargs={"token": token})).status_code == 200
    client.post(reverse("events:calendar_revoke"))
    assert client.get(reverse("events:personal_ics", kwargs={"token": token})).status_code == 404


def test_other_people_registrations_are_404(client, event):
    registration = RegistrationFactory(session=event.sessions.first())
    client.force_login(UserFactory())
    for name in ("ticket", "registration_cancel", "feedback"):
        assert client.get(reverse(f"events:{name}", kwargs={"pk": registration.pk})).status_code == 404


def test_waiting_withdraw(client, event):
    entry = WaitingListEntryFactory(session=event.sessions.first())
    client.force_login(entry.user)
    assert client.post(reverse("events:waiting_withdraw", kwargs={"pk": entry.pk})).status_code == 302
    entry.refresh_from_db()
    assert entry.state == "withdrawn"


def test_feedback_page_for_attendees(client, event):
    registration = RegistrationFactory(session=event.sessions.first(), state="attended", attended_at=timezone.now())
    client.force_login(registration.user)
    url = reverse("events:feedback", kwargs={"pk": registration.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert client.post(url, {"rating": "5", "useful": "Tout"}).status_code == 302
    assert registration.feedback.rating == 5
    client.force_login(staff(event.organisation))
    page = client.get(reverse("events:manage_event", kwargs={"slug": event.slug}))
    assert "Note moyenne" in page.text and "Utile : Tout" in page.text


def test_check_in_page_scan_search_and_again(client, event):
    registration = RegistrationFactory(session=event.sessions.first())
    url = reverse("events:check_in", kwargs={"slug": event.slug})
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff(EventFactory().organisation, role="admin"))  # staff of another organisation
    assert client.get(url).status_code == 404
    client.force_login(staff(event.organisation, role="member"))
    assert client.get(url).status_code == 200
    search = client.get(url, {"q": registration.user.full_name[:5]})
    assert registration.code in search.text
    response = client.post(url, {"code": tickets.signed_code(registration.code)}, follow=True)
    assert "arrivée enregistrée à" in response.text
    again = client.post(url, {"code": registration.code}, follow=True)
    assert "déjà enregistré à" in again.text
    assert client.post(url, {"code": "nimporte:quoi"}).status_code == 400
    assert client.post(url, {"code": "ZZZZZZZZZZ"}).status_code == 404


def test_organiser_pages(client, event):
    organiser = staff(event.organisation)
    client.force_login(organiser)
    assert client.get(reverse("events:manage_home")).status_code == 200
    manage = reverse("events:manage_event", kwargs={"slug": event.slug})
    page = client.get(manage)
    assert page.status_code == 200 and "Fréquentation" in page.text
    # Create an event, a venue, a session, a quota, a question; publish.
    create = client.get(reverse("events:event_create"))
    assert create.status_code == 200
    response = client.post(
        reverse("events:event_create"),
        {
            "organisation": event.organisation.pk,
            "title": "Forum des métiers du numérique",
            "starts_at": "2027-05-10T09:00",
            "ends_at": "2027-05-10T17:00",
            "registration_mode": "session",
            "submission": create.context["form"]["submission"].initial,
        },
    )
    assert response.status_code == 302
    created = Event.objects.get(title="Forum des métiers du numérique")
    assert created.state == "draft"
    slug = created.slug
    commune = CommuneFactory(name="Hasparren")
    assert (
        client.post(
            reverse("events:venue_create", kwargs={"slug": slug}),
            {"name": "Lycée Armand-David", "address": "Rue du lycée", "commune": commune.pk, "step_free": "yes"},
        ).status_code
        == 302
    )
    venue = Venue.objects.get(name="Lycée Armand-David")
    assert (
        client.post(
            reverse("events:quota_create", kwargs={"slug": slug}), {"name": "Classes", "capacity": 30}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("events:question_create", kwargs={"slug": slug}),
            {"label": "Classe ?", "kind": "choice", "choices": "Seconde\nPremière"},
        ).status_code
        == 302
    )
    session_url = reverse("events:session_create", kwargs={"slug": slug})
    assert client.get(session_url).status_code == 200
    response = client.post(
        session_url,
        {
            "title": "Table ronde",
            "format": "round_table",
            "venue": venue.pk,
            "starts_at": "2027-05-10T10:00",
            "ends_at": "2027-05-10T11:00",
            "capacity": "40",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Table ronde")
    edit = reverse("events:session_edit", kwargs={"slug": slug, "pk": session.pk})
    assert client.get(edit).status_code == 200
    data = {
        "title": "Table ronde des lycéens",
        "format": "round_table",
        "venue": venue.pk,
        "starts_at": "2027-05-10T10:00",
        "ends_at": "2027-05-10T11:30",
        "capacity": "40",
    }
    assert client.post(edit, data).status_code == 302
    session.refresh_from_db()
    assert session.title == "Table ronde des lycéens" and session.sequence == 1
    assert client.get(reverse("events:event_edit", kwargs={"slug": slug})).status_code == 200
    assert client.post(reverse("events:event_move", kwargs={"slug": slug, "name": "publish"})).status_code == 302
    created.refresh_from_db()
    assert created.state == "published" and created.published_at
    assert client.post(reverse("events:session_cancel", kwargs={"slug": slug, "pk": session.pk})).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_registrations_list_approve_refuse_exports_feedback(client, event):
    session = event.sessions.get(format="workshop")
    session.requires_approval = True
    session.capacity = 5
    session.save()
    pending = RegistrationFactory(session=session, state="pending", user=UserFactory(full_name='=HYPERLINK("x")'))
    refused = RegistrationFactory(session=session, state="pending")
    attended = RegistrationFactory(session=session, state="attended", attended_at=timezone.now())
    client.force_login(staff(event.organisation))
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    page = client.get(url)
    assert page.status_code == 200 and pending.code in page.text
    assert attended.code not in client.get(url, {"state": "pending"}).text
    assert client.get(url, {"session": "abc"}).status_code == 400
    decide = "events:registration_decide"
    assert (
        client.post(reverse(decide, kwargs={"slug": event.slug, "pk": pending.pk, "decision": "valider"})).status_code
        == 302
    )
    assert (
        client.post(reverse(decide, kwargs={"slug": event.slug, "pk": refused.pk, "decision": "refuser"})).status_code
        == 302
    )
    pending.refresh_from_db()
    refused.refresh_from_db()
    assert pending.state == "confirmed" and refused.state == "cancelled"
    exported = client.get(reverse("events:export", kwargs={"slug": event.slug, "extension": "csv"}))
    assert exported.status_code == 200 and exported["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["code", "nom", "email"]
    assert '\'=HYPERLINK("x")' in [row[1] for row in rows]
    xlsx = client.get(reverse("events:export", kwargs={"slug": event.slug, "extension": "xlsx"}))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("events:export", kwargs={"slug": event.slug, "extension": "pdf"})).status_code == 404
    mail.outbox.clear()
    assert client.post(reverse("events:feedback_send", kwargs={"slug": event.slug})).status_code == 302
    assert [m.to for m in mail.outbox] == [[attended.user.email]]


def test_xlsx_cells_are_text_not_formulas(event):
    RegistrationFactory(session=event.sessions.first(), user=UserFactory(full_name="=1+1"))
    with zipfile.ZipFile(io.BytesIO(exports.attendees_xlsx(event))) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert "=1+1" in strings  # the text itself, as a string cell


def test_organiser_pages_are_404_for_others(client, event):
    client.force_login(staff(event.organisation, role="member"))
    for name in ("manage_event", "event_edit", "registrations", "session_create"):
        assert client.get(reverse(f"events:{name}", kwargs={"slug": event.slug})).status_code == 404
    client.force_login(staff(EventFactory().organisation, role="admin"))
    assert client.get(reverse("events:manage_event", kwargs={"slug": event.slug})).status_code == 404
    assert client.get(reverse("events:event_create")).status_code == 200  # for their own organisation
    client.force_login(UserFactory())
    assert client.get(reverse("events:event_create")).status_code == 404


def test_session_ics_of_venue_less_webinar(client, event):
    webinar = event.sessions.get(format="webinar")
    response = client.get(reverse("events:session_ics", kwargs={"uid": webinar.uid}))
    assert b"En ligne" in response.content and b"visio.example" not in response.content


def test_venue_of_another_organisation_is_refused(client, event):
    client.force_login(staff(event.organisation))
    foreign = VenueFactory()
    response = client.post(
        reverse("events:session_create", kwargs={"slug": event.slug}),
        {
            "title": "X",
            "format": "talk",
            "venue": foreign.pk,
            "starts_at": "2027-05-10T10:00",
            "ends_at": "2027-05-10T11:00",
        },
    )
    assert response.status_code == 400
