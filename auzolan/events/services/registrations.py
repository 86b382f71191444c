"""Registrations, the waiting list and check-in: every write of a person's place at a session (or a whole event).

Concurrency: every change of the seats of a session (or of a whole event) runs in one transaction that first locks
the session's row, its shared quota's row (or the event's row) with `select_for_update` — on PostgreSQL two requests
for the last seat queue there and the second one counts the first one's registration; on SQLite the transaction
starts with BEGIN IMMEDIATE (settings: `transaction_mode`), which takes the database's write lock, so the same holds.
SQLite's shared-cache in-memory database (the tests') answers a second writer "table is locked" at once instead of
waiting: `_serialised` retries the whole transaction a few times in that case only.

The waiting list: when a seat is freed (cancellation, refusal, an offer withdrawn or expired) the next person on the
list gets an offer that holds the seat for `EVENTS_OFFER_HOURS` hours, by e-mail with an accept link. Offers past
their deadline expire — by the task enqueued for that moment (`tasks.expire_offers`), by `manage.py
events_expire_offers` (cron), and lazily whenever a page of the event or of the person is shown (`offers_expire`) —
and the seat goes to the next person.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.permissions import require
from auzolan.events import emails, selectors, signals, tasks, tickets
from auzolan.events.lifecycle import allowed, registration_transition, waiting_transition
from auzolan.events.models import (
    Answer,
    CalendarFeed,
    Event,
    Feedback,
    Question,
    Quota,
    Registration,
    Session,
    WaitingListEntry,
)

T = TypeVar("T")
R = Registration.State
W = WaitingListEntry.State

_RETRIES = 50


def _serialised(call: Callable[[], T]) -> T:
    """Run `call` in a transaction; on SQLite's "locked" answer (shared-cache memory database), try again."""
    if connection.in_atomic_block or connection.vendor != "sqlite":
        with transaction.atomic():
            return call()
    for attempt in range(_RETRIES):
        try:
            with transaction.atomic():
                return call()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.02)
    raise AssertionError("unreachable")  # pragma: no cover


def _lock(event: Event, session: Session | None) -> tuple[Event, Session | None]:
    """Lock the rows that guard the seats of `session` (and its quota) or of the whole `event`; fresh copies."""
    if session is None:
        return Event.objects.select_for_update().get(pk=event.pk), None
    session = Session.objects.select_for_update(of=("self",)).select_related("event", "quota").get(pk=session.pk)
    if session.quota_id is not None:
        Quota.objects.select_for_update().get(pk=session.quota_id)
    return session.event, session


def _audit(actor, verb: str, obj, event: Event, **data) -> None:
    name = "registration" if isinstance(obj, Registration) else "waiting"
    audit_log(actor=actor, action=f"events.{name}.{verb}", obj=obj, organisation=event.organisation, data=data)


def _requires_approval(event: Event, session: Session | None) -> bool:
    return session.requires_approval if session is not None else event.requires_approval


# --- Registering ----------------------------------------------------------------------------------------------------


def _check_answers(event: Event, answers: dict[int, str]) -> dict[Question, str]:
    checked: dict[Question, str] = {}
    for question in selectors.event_questions(event):
        value = (answers.get(question.pk) or "").strip()
        if question.required and not value:
            raise ValidationError(_("Cette question demande une réponse."), field=f"question_{question.pk}")
        if value and question.kind == Question.Kind.CHOICE and value not in question.choice_list:
            raise ValidationError(_("Choisissez une réponse de la liste."), field=f"question_{question.pk}")
        if len(value) > 2000:
            raise ValidationError(_("Réponse trop longue (2 000 caractères au plus)."), field=f"question_{question.pk}")
        if value:
            checked[question] = value
    return checked


def registration_refusal(*, event: Event, session: Session | None, now: dt.datetime | None = None) -> str:
    """Why one may not register to `session` (or to the whole event) now, "" when one may."""
    now = now or timezone.now()
    if event.state != Event.State.PUBLISHED:
        return _("Les inscriptions à cet événement sont fermées.")
    if event.per_session and session is None:
        return _("Choisissez une séance.")
    if not event.per_session and session is not None:
        return _("L'inscription vaut pour tout l'événement.")
    if session is not None:
        if session.event_id != event.pk:
            return _("Cette séance n'appartient pas à l'événement.")
        if session.is_cancelled:
            return _("Cette séance est annulée.")
        if session.starts_at <= now:
            return _("Cette séance a déjà commencé.")
    elif event.starts_at <= now:
        return _("Cet événement a déjà commencé.")
    return ""


def registration_create(
    *, actor, event: Event, session: Session | None = None, answers: dict[int, str] | None = None
) -> Registration | WaitingListEntry:
    """Register `actor` to `session` (or to the whole event): a registration (confirmed, or pending when the
    organiser approves registrations) while seats are left, otherwise a place on the waiting list."""
    require(actor, "events.register", event)
    refusal = registration_refusal(event=event, session=session)
    if refusal:
        raise ValidationError(refusal, field="session")
    checked = _check_answers(event, answers or {})

    def call():
        locked_event, locked_session = _lock(event, session)
        if selectors.live_registration(user=actor, event=locked_event, session=locked_session):
            raise Conflict(_("Vous êtes déjà inscrit."))
        if selectors.live_waiting(user=actor, event=locked_event, session=locked_session):
            raise Conflict(_("Vous êtes déjà sur la liste d'attente."))
        left = selectors.seats_left(event=locked_event, session=locked_session)
        if left is not None and left <= 0:
            entry = WaitingListEntry.objects.create(event=locked_event, session=locked_session, user=actor)
            _audit(actor, "joined", entry, locked_event)
            transaction.on_commit(lambda: emails.send_waiting(entry))
            return entry
        pending = _requires_approval(locked_event, locked_session)
        registration = Registration.objects.create(
            event=locked_event,
            session=locked_session,
            user=actor,
            state=R.PENDING if pending else R.CONFIRMED,
            confirmed_at=None if pending else timezone.now(),
        )
        Answer.objects.bulk_create(
            [Answer(registration=registration, question=question, value=value) for question, value in checked.items()]
        )
        _audit(actor, "created", registration, locked_event, state=registration.state)
        transaction.on_commit(lambda: emails.send_registration(registration))
        return registration

    try:
        return _serialised(call)
    except IntegrityError:
        # Two tabs of the same person at the same moment: the unique constraints keep one registration.
        raise Conflict(_("Vous êtes déjà inscrit.")) from None


def _free_seat(event: Event, session: Session | None) -> None:
    """Offer the freed seat(s) to the next people of the waiting list (inside the locked transaction) — unless the
    session (or the event) has started, is cancelled or no longer open: then nobody could use the seat."""
    now = timezone.now()
    if registration_refusal(event=event, session=session, now=now):
        return
    hours = settings.EVENTS_OFFER_HOURS
    while True:
        left = selectors.seats_left(event=event, session=session)
        if left is not None and left <= 0:
            return
        entry = selectors.next_waiting(event=event, session=session)
        if entry is None:
            return
        entry.state = waiting_transition("offer").target
        entry.offered_at = now
        entry.offer_expires_at = now + dt.timedelta(hours=hours)
        entry.save(update_fields=["state", "offered_at", "offer_expires_at", "updated_at"])
        _audit(None, "offered", entry, event, expires_at=entry.offer_expires_at.isoformat())
        transaction.on_commit(lambda entry=entry: emails.send_offer(entry))
        transaction.on_commit(lambda entry=entry: tasks.schedule_offer_expiry(entry))


def _get_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "session", "user")
        .get(pk=registration.pk)
    )


def _move(actor, registration: Registration, name: str, **changes) -> Registration:
    transition = registration_transition(name)
    if not allowed(transition, registration.state):
        raise ValidationError(_("Cette inscription ne peut plus être modifiée ainsi."), code="wrong-state")
    registration.state = transition.target
    for field, value in changes.items():
        setattr(registration, field, value)
    registration.save()
    _audit(actor, transition.audit_verb, registration, registration.event, state=registration.state)
    return registration


def registration_cancel(*, actor, registration: Registration) -> Registration:
    """The person cancels their registration; the seat goes to the waiting list."""
    require(actor, "events.cancel_registration", registration)

    def call():
        event, session = _lock(registration.event, registration.session)
        locked = _get_registration(registration)
        if locked.state == R.CANCELLED:
            return locked
        _move(actor, locked, "cancel", cancelled_at=timezone.now())
        _free_seat(event, session)
        transaction.on_commit(lambda: emails.send_cancelled(locked))
        return locked

    return _serialised(call)


def registration_approve(*, actor, registration: Registration) -> Registration:
    require(actor, "events.manage_registrations", registration.event)

    def call():
        locked = _get_registration(registration)
        _move(actor, locked, "approve", confirmed_at=timezone.now())
        transaction.on_commit(lambda: emails.send_registration(locked))
        return locked

    return _serialised(call)


def registration_refuse(*, actor, registration: Registration) -> Registration:
    require(actor, "events.manage_registrations", registration.event)

    def call():
        event, session = _lock(registration.event, registration.session)
        locked = _get_registration(registration)
        _move(actor, locked, "refuse", cancelled_at=timezone.now(), refused=True)
        _free_seat(event, session)
        transaction.on_commit(lambda: emails.send_cancelled(locked))
        return locked

    return _serialised(call)


# --- The waiting list -----------------------------------------------------------------------------------------------


def _expire(entry: WaitingListEntry, event: Event, session: Session | None) -> None:
    entry.state = waiting_transition("expire").target
    entry.save(update_fields=["state", "updated_at"])
    _audit(None, "expired", entry, event)
    _free_seat(event, session)


def offers_expire(*, now: dt.datetime | None = None, event: Event | None = None) -> int:
    """Expire the offers past their deadline (of one event, or all) and offer their seats to the next people.
    Idempotent; returns how many offers expired."""
    now = now or timezone.now()
    expired = 0
    for entry in list(selectors.due_offers(now=now, event=event).select_related("event", "session")):

        def call(entry=entry) -> int:
            locked_event, locked_session = _lock(entry.event, entry.session)
            locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
            if locked.state != W.OFFERED or locked.offer_open(now):
                return 0
            _expire(locked, locked_event, locked_session)
            return 1

        expired += _serialised(call)
    return expired


def offer_accept(*, actor, entry: WaitingListEntry, now: dt.datetime | None = None) -> Registration:
    """Accept the seat offered to `actor`: a registration (pending when the organiser approves registrations)."""
    require(actor, "events.view_registration", entry)
    now = now or timezone.now()

    def call():
        event, session = _lock(entry.event, entry.session)
        locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.state == W.OFFERED and not locked.offer_open(now):
            _expire(locked, event, session)
            return None
        if not allowed(waiting_transition("accept"), locked.state):
            raise ValidationError(_("Cette place ne vous est pas (ou plus) proposée."), code="wrong-state")
        pending = _requires_approval(event, session)
        registration = Registration.objects.create(
            event=event,
            session=session,
            user=actor,
            state=R.PENDING if pending else R.CONFIRMED,
            confirmed_at=None if pending else now,
        )
        locked.state = waiting_transition("accept").target
        locked.registration = registration
        locked.save(update_fields=["state", "registration", "updated_at"])
        _audit(actor, "accepted", locked, event)
        _audit(actor, "created", registration, event, state=registration.state, from_waiting_list=True)
        transaction.on_commit(lambda: emails.send_registration(registration))
        return registration

    registration = _serialised(call)
    if registration is None:
        raise ValidationError(
            _("Le délai pour accepter cette place est passé : elle a été proposée à la personne suivante."),
            code="expired",
        )
    return registration


def waiting_withdraw(*, actor, entry: WaitingListEntry) -> WaitingListEntry:
    """The person leaves the waiting list (or declines the seat offered); a seat they held goes to the next."""
    require(actor, "events.cancel_registration", entry)

    def call():
        event, session = _lock(entry.event, entry.session)
        locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        transition = waiting_transition("withdraw")
        if not allowed(transition, locked.state):
            return locked
        locked.state = transition.target
        locked.save(update_fields=["state", "updated_at"])
        _audit(actor, transition.audit_verb, locked, event)
        _free_seat(event, session)
        return locked

    return _serialised(call)


# --- Check-in -------------------------------------------------------------------------------------------------------


def registration_check_in(*, actor, event: Event, code: str) -> tuple[Registration, bool]:
    """Mark the registration of this check-in code (scanned: signed; typed: the 10 characters) as attended.
    Idempotent: a second scan returns (registration, True) — "already checked in" — and changes nothing."""
    require(actor, "events.check_in", event)
    plain = tickets.read_code(code)
    if plain is None:
        raise ValidationError(_("Ce code n'est pas un code d'accueil valide."), field="code", code="bad-code")

    def call():
        registration = selectors.registration_by_code(event, plain)
        if registration is None:
            raise NotFound(_("Aucune inscription à cet événement avec ce code."), field="code")
        locked = _get_registration(registration)
        if locked.state == R.ATTENDED:
            return locked, True
        if locked.state == R.PENDING:
            raise ValidationError(_("Cette inscription attend encore sa validation."), field="code", code="pending")
        if locked.state == R.CANCELLED:
            raise ValidationError(_("Cette inscription est annulée."), field="code", code="cancelled")
        _move(actor, locked, "check_in", attended_at=timezone.now(), checked_in_by=actor)
        return locked, False

    registration, already = _serialised(call)
    if not already and registration.session_id:
        signals.session_attended.send(sender=Registration, registration=registration)
    return registration, already


# --- Reminders, feedback --------------------------------------------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the reminder of tomorrow's sessions to their confirmed registrations, once each (idempotent: the
    registration keeps the time its reminder left; a second run the same day sends nothing)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    sent = 0
    for registration in selectors.reminders_due(day=tomorrow):
        claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if claimed:
            emails.send_reminder(registration)
            sent += 1
    return sent


def feedback_request_send(*, actor, event: Event) -> int:
    """Send the feedback questionnaire to those who attended (only them), once each."""
    require(actor, "events.manage_registrations", event)
    now = timezone.now()
    sent = 0
    for registration in selectors.attendees_for_feedback(event):
        claimed = Registration.objects.filter(pk=registration.pk, feedback_sent_at__isnull=True).update(
            feedback_sent_at=now
        )
        if claimed:
            emails.send_feedback_request(registration)
            sent += 1
    Event.objects.filter(pk=event.pk).update(feedback_sent_at=now)
    audit_log(
        actor=actor,
        action="events.event.feedback_requested",
        obj=event,
        organisation=event.organisation,
        data={"sent": sent},
    )
    return sent


@transaction.atomic
def feedback_submit(*, actor, registration: Registration, rating: int, useful: str = "", improve: str = "") -> Feedback:
    require(actor, "events.give_feedback", registration)
    if not 1 <= int(rating) <= 5:
        raise ValidationError(_("Choisissez une note de 1 à 5."), field="rating")
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration, defaults={"rating": rating, "useful": useful, "improve": improve}
    )
    return feedback


# --- The personal calendar feed -------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, actor) -> CalendarFeed:
    """The person's secret calendar address (created once; the same one afterwards)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(_("Page introuvable."))
    feed, _created = CalendarFeed.objects.get_or_create(user=actor)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(_("Page introuvable."))
    feed, created = CalendarFeed.objects.get_or_create(user=actor)
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save(update_fields=["token", "updated_at"])
    audit_log(actor=actor, action="events.calendar_feed.revoked", obj=feed)
    return feed
