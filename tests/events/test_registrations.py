"""Registration rules: seats, shared quotas, approval, the waiting list (offer, acceptance, expiry, move to the next)
with time frozen, cancellation, check-in, reminders and feedback (e-mails in locmem)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from freezegun import freeze_time

from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.events import tickets
from auzolan.events.models import Registration, WaitingListEntry
from auzolan.events.services import registrations as services
from tests.accounts.factories import UserFactory
from tests.events.factories import (
    NOW,
    EventFactory,
    QuestionFactory,
    QuotaFactory,
    RegistrationFactory,
    SessionFactory,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    with freeze_time(NOW):
        event = EventFactory(starts_at=NOW + dt.timedelta(days=10))
        return SessionFactory(event=event, capacity=2)


def register(user, session, **kwargs):
    return services.registration_create(actor=user, event=session.event, session=session, **kwargs)


def test_registration_confirmed_while_seats_left_then_waiting_list(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = register(UserFactory(), session)
        second = register(UserFactory(), session)
        third = register(UserFactory(), session)
    assert isinstance(first, Registration) and first.state == "confirmed"
    assert isinstance(second, Registration)
    assert isinstance(third, WaitingListEntry) and third.state == "waiting"
    subjects = [message.subject for message in mail.outbox]
    assert sum("Inscription confirmée" in s for s in subjects) == 2
    assert sum("Liste d'attente" in s for s in subjects) == 1
    assert "/moi/inscriptions/" in mail.outbox[0].body and "annuler" in mail.outbox[0].body
    [(name, content, mimetype)] = mail.outbox[0].attachments
    assert name == "evenement.ics" and mimetype == "text/calendar" and f"UID:{session.uid}@auzolan" in content
    assert AuditLogEntry.objects.filter(action="events.registration.created").count() == 2


def test_same_person_twice_is_a_conflict(session):
    user = UserFactory()
    register(user, session)
    with pytest.raises(Conflict):
        register(user, session)


def test_shared_quota_limits_several_sessions():
    event = EventFactory()
    quota = QuotaFactory(event=event, capacity=3)
    a = SessionFactory(event=event, capacity=10, quota=quota)
    b = SessionFactory(event=event, capacity=10, quota=quota)
    register(UserFactory(), a)
    register(UserFactory(), b)
    register(UserFactory(), a)
    assert isinstance(register(UserFactory(), b), WaitingListEntry)
    assert isinstance(register(UserFactory(), a), WaitingListEntry)


def test_approval_makes_pending_and_holds_a_seat(session, django_capture_on_commit_callbacks):
    session.requires_approval = True
    session.save()
    organiser = staff(session.event.organisation)
    registration = register(UserFactory(), session)
    assert registration.state == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(actor=organiser, registration=registration)
    registration.refresh_from_db()
    assert registration.state == "confirmed" and registration.confirmed_at
    assert "Inscription confirmée" in mail.outbox[-1].subject
    with pytest.raises(NotFound):
        services.registration_approve(actor=UserFactory(), registration=registration)


def test_refusal_frees_the_seat_for_the_waiting_list(session):
    session.requires_approval = True
    session.capacity = 1
    session.save()
    pending = register(UserFactory(), session)
    waiting = register(UserFactory(), session)
    services.registration_refuse(actor=staff(session.event.organisation), registration=pending)
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.state == "cancelled" and pending.refused
    assert waiting.state == "offered"


def test_required_and_choice_questions(session):
    text = QuestionFactory(event=session.event, required=True)
    choice = QuestionFactory(event=session.event, kind="choice", choices="Oui\nNon")
    with pytest.raises(ValidationError) as error:
        register(UserFactory(), session, answers={})
    assert error.value.field == f"question_{text.pk}"
    with pytest.raises(ValidationError):
        register(UserFactory(), session, answers={text.pk: "Végétarien", choice.pk: "Peut-être"})
    registration = register(UserFactory(), session, answers={text.pk: "Végétarien", choice.pk: "Oui"})
    assert sorted(registration.answers.values_list("value", flat=True)) == ["Oui", "Végétarien"]


def test_closed_cancelled_or_started_sessions_refuse(session):
    session.is_cancelled = True
    session.save()
    with pytest.raises(ValidationError):
        register(UserFactory(), session)
    draft = SessionFactory(event=EventFactory(state="draft"))
    with pytest.raises(NotFound):
        register(UserFactory(), draft)


@override_settings(EVENTS_OFFER_HOURS=24)
def test_waiting_list_offer_accept_expire_and_move_on(session, django_capture_on_commit_callbacks):
    with freeze_time(NOW):
        holders = [register(UserFactory(), session) for _ in range(2)]
        first = register(UserFactory(), session)
        second = register(UserFactory(), session)
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(actor=holders[0].user, registration=holders[0])
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.state == "offered" and second.state == "waiting"
        assert first.offer_expires_at == NOW + dt.timedelta(hours=24)
        offer = [m for m in mail.outbox if "Une place s'est libérée" in m.subject]
        assert len(offer) == 1 and f"/moi/inscriptions/attente/{first.pk}/accepter/" in offer[0].body
        # The offered seat is held: a newcomer goes to the waiting list.
        assert isinstance(register(UserFactory(), session), WaitingListEntry)
    with freeze_time(NOW + dt.timedelta(hours=23)):
        assert services.offers_expire() == 0
    with freeze_time(NOW + dt.timedelta(hours=24, minutes=1)):
        assert services.offers_expire() == 1
        assert services.offers_expire() == 0  # idempotent
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.state == "expired" and second.state == "offered"
        with pytest.raises(ValidationError):
            services.offer_accept(actor=first.user, entry=first)
        registration = services.offer_accept(actor=second.user, entry=second)
        assert registration.state == "confirmed"
        second.refresh_from_db()
        assert second.state == "confirmed" and second.registration == registration


def test_accepting_after_the_deadline_without_a_run_moves_on_lazily(session):
    with freeze_time(NOW):
        holder = register(UserFactory(), session)
        register(UserFactory(), session)
        first = register(UserFactory(), session)
        second = register(UserFactory(), session)
        services.registration_cancel(actor=holder.user, registration=holder)
    with freeze_time(NOW + dt.timedelta(days=3)):  # past the 48-hour offer, before the session
        with pytest.raises(ValidationError) as error:
            services.offer_accept(actor=first.user, entry=WaitingListEntry.objects.get(pk=first.pk))
        assert error.value.code == "expired"
    second.refresh_from_db()
    assert second.state == "offered"


def test_no_offer_once_the_session_has_started(session):
    with freeze_time(NOW):
        holder = register(UserFactory(), session)
        register(UserFactory(), session)
        waiting = register(UserFactory(), session)
    with freeze_time(session.starts_at + dt.timedelta(minutes=5)):
        services.registration_cancel(actor=holder.user, registration=holder)
    waiting.refresh_from_db()
    assert waiting.state == "waiting"


def test_withdrawing_an_offer_moves_it_on(session):
    holder = register(UserFactory(), session)
    register(UserFactory(), session)
    first = register(UserFactory(), session)
    second = register(UserFactory(), session)
    services.registration_cancel(actor=holder.user, registration=holder)
    first.refresh_from_db()
    services.waiting_withdraw(actor=first.user, entry=first)
    second.refresh_from_db()
    assert second.state == "offered"


def test_only_the_owner_cancels(session):
    registration = register(UserFactory(), session)
    with pytest.raises(NotFound):
        services.registration_cancel(actor=UserFactory(), registration=registration)
    services.registration_cancel(actor=registration.user, registration=registration)
    registration.refresh_from_db()
    assert registration.state == "cancelled"
    # Cancelling again changes nothing.
    assert services.registration_cancel(actor=registration.user, registration=registration).state == "cancelled"


def test_whole_event_registration_uses_the_event_capacity():
    event = EventFactory(registration_mode="event", capacity=1)
    first = services.registration_create(actor=UserFactory(), event=event)
    second = services.registration_create(actor=UserFactory(), event=event)
    assert first.session is None and first.state == "confirmed"
    assert isinstance(second, WaitingListEntry) and second.session is None
    with pytest.raises(ValidationError):
        services.registration_create(actor=UserFactory(), event=event, session=SessionFactory(event=event))


# --- Check-in --------------------------------------------------------------------------------------------------------


def test_check_in_is_idempotent_and_staff_only(session):
    registration = register(UserFactory(), session)
    member = staff(session.event.organisation, role="member")
    with freeze_time("2027-03-11 08:12:00"):
        checked, already = services.registration_check_in(
            actor=member, event=session.event, code=tickets.signed_code(registration.code)
        )
    assert not already and checked.state == "attended"
    again, already = services.registration_check_in(actor=member, event=session.event, code=registration.code.lower())
    assert already and again.attended_at == checked.attended_at
    with pytest.raises(NotFound):
        services.registration_check_in(actor=UserFactory(), event=session.event, code=registration.code)
    other_staff = staff(EventFactory().organisation, role="admin")
    with pytest.raises(NotFound):
        services.registration_check_in(actor=other_staff, event=session.event, code=registration.code)


def test_check_in_refuses_forged_unknown_and_cancelled_codes(session):
    member = staff(session.event.organisation, role="member")
    registration = register(UserFactory(), session)
    with pytest.raises(ValidationError):
        services.registration_check_in(actor=member, event=session.event, code=f"{registration.code}:forged")
    with pytest.raises(NotFound):
        services.registration_check_in(actor=member, event=session.event, code="ABCDEFGHJK")
    other = RegistrationFactory(session=SessionFactory())  # a code of another event
    with pytest.raises(NotFound):
        services.registration_check_in(actor=member, event=session.event, code=other.code)
    services.registration_cancel(actor=registration.user, registration=registration)
    with pytest.raises(ValidationError):
        services.registration_check_in(actor=member, event=session.event, code=registration.code)


# --- Reminders and feedback ------------------------------------------------------------------------------------------


def test_reminders_the_day_before_once():
    with freeze_time(NOW):
        event = EventFactory(starts_at=NOW + dt.timedelta(days=1))
        tomorrow = SessionFactory(event=event, starts_at=NOW + dt.timedelta(days=1, hours=1))
        later = SessionFactory(event=event, starts_at=NOW + dt.timedelta(days=3))
        confirmed = RegistrationFactory(session=tomorrow)
        RegistrationFactory(session=tomorrow, state="cancelled")
        RegistrationFactory(session=later)
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [confirmed.user.email]
    assert confirmed.code in mail.outbox[0].body


def test_feedback_only_to_attendees(session):
    attended = RegistrationFactory(session=session, state="attended", attended_at=NOW)
    RegistrationFactory(session=session)
    organiser = staff(session.event.organisation)
    assert services.feedback_request_send(actor=organiser, event=session.event) == 1
    assert services.feedback_request_send(actor=organiser, event=session.event) == 0
    assert [m.to for m in mail.outbox] == [[attended.user.email]]
    feedback = services.feedback_submit(actor=attended.user, registration=attended, rating=4, useful="Les exemples")
    assert feedback.rating == 4
    with pytest.raises(NotFound):
        services.feedback_submit(actor=UserFactory(), registration=attended, rating=4)
