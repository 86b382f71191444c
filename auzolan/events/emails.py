"""The e-mails of registrations, in French: confirmation (with the ticket and the cancellation link), waiting list,
offer of a freed place (with its accept link and deadline), cancellation, refusal, reminder the day before, request
for feedback. Transactional messages: sent to the one person concerned, no tracking. Services send them on commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from auzolan.core.http import public_url
from auzolan.events import ical
from auzolan.events.models import Registration, WaitingListEntry


def _send(to: str, subject: str, template: str, context: dict, *, calendar: bytes | None = None) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **context,
            "platform_name": settings.PLATFORM_NAME,
            "registrations_url": public_url(reverse("events:my_registrations")),
        }
        body = render_to_string(f"events/emails/{template}.txt", context)
        message = EmailMessage(
            subject=" ".join(f"[{settings.PLATFORM_NAME}] {subject}".split())[:250],
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Auto-Submitted": "auto-generated"},
        )
        if calendar is not None:
            message.attach("evenement.ics", calendar, "text/calendar")
        message.send()


def _registration_context(registration: Registration) -> dict:
    return {
        "registration": registration,
        "event": registration.event,
        "session": registration.session,
        "event_url": public_url(registration.event.get_absolute_url()),
        "ticket_url": public_url(reverse("events:ticket", kwargs={"pk": registration.pk})),
        "cancel_url": public_url(reverse("events:registration_cancel", kwargs={"pk": registration.pk})),
    }


def _title(obj) -> str:
    return obj.session.title if obj.session_id else obj.event.title


def send_registration(registration: Registration) -> None:
    pending = registration.state == Registration.State.PENDING
    subject = (
        _("Inscription reçue, en attente de validation : %(title)s")
        if pending
        else _("Inscription confirmée : %(title)s")
    ) % {"title": _title(registration)}
    calendar = None
    if not pending:  # the entry for the person's calendar (the same UID as the public and personal feeds)
        calendar = (
            ical.session_calendar(registration.session)
            if registration.session_id
            else ical.event_calendar(registration.event, [])
        )
    context = {**_registration_context(registration), "pending": pending}
    _send(registration.user.email, subject, "registration", context, calendar=calendar)


def send_cancelled(registration: Registration) -> None:
    subject = _("Inscription annulée : %(title)s") % {"title": _title(registration)}
    template = "refused" if registration.refused else "cancelled"
    _send(registration.user.email, subject, template, _registration_context(registration))


def send_reminder(registration: Registration) -> None:
    subject = _("Rappel : %(title)s, demain") % {"title": _title(registration)}
    _send(registration.user.email, subject, "reminder", _registration_context(registration))


def send_feedback_request(registration: Registration) -> None:
    subject = _("Votre avis sur %(title)s") % {"title": _title(registration)}
    context = {
        **_registration_context(registration),
        "feedback_url": public_url(reverse("events:feedback", kwargs={"pk": registration.pk})),
    }
    _send(registration.user.email, subject, "feedback", context)


def _entry_context(entry: WaitingListEntry) -> dict:
    return {
        "entry": entry,
        "event": entry.event,
        "session": entry.session,
        "event_url": public_url(entry.event.get_absolute_url()),
        "accept_url": public_url(reverse("events:offer_accept", kwargs={"pk": entry.pk})),
    }


def send_waiting(entry: WaitingListEntry) -> None:
    subject = _("Liste d'attente : %(title)s") % {"title": _title(entry)}
    _send(entry.user.email, subject, "waiting", _entry_context(entry))


def send_offer(entry: WaitingListEntry) -> None:
    subject = _("Une place s'est libérée : %(title)s") % {"title": _title(entry)}
    _send(entry.user.email, subject, "offer", _entry_context(entry))
