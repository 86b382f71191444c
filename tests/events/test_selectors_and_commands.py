"""`attended_sessions` (read by other apps, e.g. learning), attendance statistics, the cron commands, the tasks and
the account-deletion hook."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

from auzolan.events import selectors, tasks
from auzolan.events.services import personal_data
from auzolan.events.services import registrations as services
from tests.accounts.factories import UserFactory
from tests.events.factories import NOW, EventFactory, RegistrationFactory, SessionFactory, WaitingListEntryFactory

pytestmark = pytest.mark.django_db


def test_attended_sessions_with_check_in_time_and_external_ref():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    workshop = SessionFactory(external_ref="learning:module:rgpd")
    other = SessionFactory()
    at = dt.datetime(2027, 3, 10, 8, 12, tzinfo=dt.UTC)
    RegistrationFactory(session=workshop, user=alice, state="attended", attended_at=at)
    RegistrationFactory(session=other, user=alice, state="attended", attended_at=at + dt.timedelta(hours=1))
    RegistrationFactory(session=workshop, user=bob)  # registered, not attended
    RegistrationFactory(session=workshop, user=carol, state="attended", attended_at=at)  # not asked about
    rows = selectors.attended_sessions(user_ids=[alice.pk, bob.pk])
    assert [(r.user_id, r.session_id) for r in rows] == [(alice.pk, workshop.pk), (alice.pk, other.pk)]
    assert rows[0].attended_at == at and rows[0].external_ref == "learning:module:rgpd"
    only = selectors.attended_sessions(user_ids=[alice.pk], session_ids=[workshop.pk])
    assert [r.session_id for r in only] == [workshop.pk]
    assert selectors.attended_sessions(user_ids=[]) == []


def test_attendance_statistics():
    with freeze_time(NOW):
        event = EventFactory(starts_at=NOW - dt.timedelta(days=1))
        session = SessionFactory(event=event, starts_at=NOW - dt.timedelta(hours=2), capacity=10)
        RegistrationFactory(session=session, state="attended", attended_at=NOW)
        RegistrationFactory(session=session)
        RegistrationFactory(session=session, state="pending")
        RegistrationFactory(session=session, state="cancelled")
        WaitingListEntryFactory(session=session)
        [row] = selectors.attendance_statistics(event)
    assert (row.registered, row.attended, row.no_show, row.pending, row.waiting, row.cancelled) == (2, 1, 1, 1, 1, 1)


def test_commands_and_tasks():
    with freeze_time(NOW):
        event = EventFactory(starts_at=NOW + dt.timedelta(days=1))
        session = SessionFactory(event=event, starts_at=NOW + dt.timedelta(days=1, hours=2), capacity=1)
        holder = RegistrationFactory(session=session)
        entry = WaitingListEntryFactory(session=session)
        out = StringIO()
        call_command("events_send_reminders", stdout=out)
        assert "1 rappel" in out.getvalue()
        call_command("events_send_reminders", stdout=out)
        assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1
        services.registration_cancel(actor=holder.user, registration=holder)
    with freeze_time(NOW + dt.timedelta(days=5)):
        out = StringIO()
        call_command("events_expire_offers", stdout=out)
        assert "1 proposition" in out.getvalue()
        assert tasks.expire_offers.call() == 0
    entry.refresh_from_db()
    assert entry.state == "expired"


def test_account_deletion_frees_the_seats_and_keeps_no_answers():
    session = SessionFactory(capacity=1)
    registration = RegistrationFactory(session=session)
    entry = WaitingListEntryFactory(session=session)
    exported = personal_data.personal_data(registration.user)
    assert exported[0]["state"] == "confirmed"
    personal_data.deletion_cleanup(registration.user)
    registration.refresh_from_db()
    entry.refresh_from_db()
    assert registration.state == "cancelled" and entry.state == "offered"
