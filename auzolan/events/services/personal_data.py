"""A person's events data: the section of their data export (RGPD article 20), and what happens to it when they
delete their account (live registrations are cancelled so that the seats go to the waiting list, places on waiting
lists are withdrawn, answers, feedback texts and the calendar address are deleted; the cancelled rows stay,
anonymised with the account, for the attendance statistics)."""

from __future__ import annotations

from django.db import transaction

from auzolan.events.models import Answer, CalendarFeed, Feedback, Registration, WaitingListEntry
from auzolan.events.services import registrations as services


def personal_data(user) -> list[dict]:
    registrations = Registration.objects.filter(user=user).select_related("event", "session").order_by("pk")
    answers = {}
    for answer in Answer.objects.filter(registration__user=user).select_related("question"):
        answers.setdefault(answer.registration_id, {})[answer.question.label] = answer.value
    return [
        {
            "event": registration.event.title,
            "session": registration.session.title if registration.session_id else None,
            "state": registration.state,
            "registered_at": registration.created_at.isoformat(),
            "attended_at": registration.attended_at.isoformat() if registration.attended_at else None,
            "answers": answers.get(registration.pk, {}),
        }
        for registration in registrations
    ]


def deletion_cleanup(user) -> None:
    for registration in Registration.objects.filter(
        user=user, state__in=(Registration.State.PENDING, Registration.State.CONFIRMED)
    ):
        services.registration_cancel(actor=user, registration=registration)
    for entry in WaitingListEntry.objects.filter(user=user, state__in=WaitingListEntry.LIVE):
        services.waiting_withdraw(actor=user, entry=entry)
    with transaction.atomic():
        Answer.objects.filter(registration__user=user).delete()
        Feedback.objects.filter(registration__user=user).update(useful="", improve="")
        CalendarFeed.objects.filter(user=user).delete()
