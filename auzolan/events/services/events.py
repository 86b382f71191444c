"""Writes of events, sessions, venues, quotas and questions (organisers), and the event's lifecycle.

Each change that a calendar must see increments the SEQUENCE of the iCalendar entries concerned (`Event.sequence`,
`Session.sequence`); each change of a published event schedules the publication of the agenda's open dataset
(`opendata.agenda_schedule`, debounced).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.events import emails
from auzolan.events.lifecycle import allowed, event_transition
from auzolan.events.models import Event, Question, Quota, Registration, Session, Venue
from auzolan.events.services import opendata

RESERVED_SLUGS = {"gestion", "nouveau", "seances", "lieux"}

EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "audience",
    "registration_mode",
    "capacity",
    "requires_approval",
)
SESSION_FIELDS = (
    "title",
    "description",
    "format",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "speakers",
    "audience",
    "capacity",
    "requires_approval",
    "quota",
    "external_ref",
)
#: Fields whose change a calendar must see (SEQUENCE + 1).
SESSION_CALENDAR_FIELDS = {"title", "description", "format", "venue", "online_url", "starts_at", "ends_at", "speakers"}
EVENT_CALENDAR_FIELDS = {"title", "starts_at", "ends_at"}


def _unique_slug(title: str, *, wanted: str = "") -> str:
    base = slugify(wanted or title)[:70].strip("-") or "evenement"
    if base in RESERVED_SLUGS:
        base = f"{base}-evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _after_change(event: Event) -> None:
    if event.is_public:
        transaction.on_commit(opendata.agenda_schedule)


@transaction.atomic
def event_create(*, actor, organisation, slug: str = "", **fields) -> Event:
    require(actor, "events.create_event", organisation, hide=False)
    event = Event(organisation=organisation, slug=_unique_slug(fields.get("title", ""), wanted=slug))
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    full_clean_or_raise(event)
    _check_dates(event.starts_at, event.ends_at)
    event.save()
    audit_log(actor=actor, action="events.event.created", obj=event, organisation=organisation)
    return event


def _check_dates(starts_at, ends_at) -> None:
    if starts_at and ends_at and ends_at < starts_at:
        raise ValidationError(_("La fin doit venir après le début."), field="ends_at")


@transaction.atomic
def event_update(*, actor, event: Event, **fields) -> Event:
    require(actor, "events.change_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    changed = {name for name in EVENT_FIELDS if name in fields and getattr(event, name) != fields[name]}
    for name in changed:
        setattr(event, name, fields[name])
    _check_dates(event.starts_at, event.ends_at)
    full_clean_or_raise(event)
    if changed & EVENT_CALENDAR_FIELDS:
        event.sequence += 1
    event.save()
    audit_log(
        actor=actor,
        action="events.event.updated",
        obj=event,
        organisation=event.organisation,
        data={"fields": sorted(changed)},
    )
    _after_change(event)
    return event


@transaction.atomic
def event_move(*, actor, event: Event, name: str) -> Event:
    """Publish, cancel or archive an event (events/lifecycle.py). Cancelling tells every live registration."""
    transition = event_transition(name)
    if transition is None:
        raise ValidationError(_("Action inconnue."))
    require(actor, transition.permission, event)
    event = Event.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=event.pk)
    if not allowed(transition, event.state):
        raise ValidationError(_("Cette action n'est pas possible dans l'état actuel de l'événement."))
    event.state = transition.target
    if name == "publish" and event.published_at is None:
        event.published_at = timezone.now()
    if name == "cancel":
        event.sequence += 1
        for registration in Registration.objects.filter(event=event, state__in=Registration.HOLDING).select_related(
            "event", "session", "user"
        ):
            transaction.on_commit(lambda registration=registration: emails.send_cancelled(registration))
    event.save()
    audit_log(actor=actor, action=f"events.event.{transition.audit_verb}", obj=event, organisation=event.organisation)
    _after_change(event)
    return event


def _check_session(event: Event, session: Session) -> None:
    if session.venue_id is not None and session.venue.organisation_id != event.organisation_id:
        raise ValidationError(_("Choisissez un lieu de l'organisation."), field="venue")
    if session.quota_id is not None and session.quota.event_id != event.pk:
        raise ValidationError(_("Choisissez un quota de cet événement."), field="quota")
    if session.venue_id is None and session.format != Session.Format.WEBINAR and not session.online_url:
        raise ValidationError(_("Indiquez un lieu, ou un lien pour une séance en ligne."), field="venue")
    _check_dates(session.starts_at, session.ends_at)


@transaction.atomic
def session_create(*, actor, event: Event, **fields) -> Session:
    require(actor, "events.change_event", event)
    session = Session(event=event)
    for name in SESSION_FIELDS:
        if name in fields:
            setattr(session, name, fields[name])
    full_clean_or_raise(session)
    _check_session(event, session)
    session.save()
    audit_log(actor=actor, action="events.session.created", obj=session, organisation=event.organisation)
    _after_change(event)
    return session


@transaction.atomic
def session_update(*, actor, session: Session, **fields) -> Session:
    event = session.event
    require(actor, "events.change_event", event)
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    changed = {name for name in SESSION_FIELDS if name in fields and getattr(session, name) != fields[name]}
    for name in changed:
        setattr(session, name, fields[name])
    full_clean_or_raise(session)
    _check_session(event, session)
    if changed & SESSION_CALENDAR_FIELDS:
        session.sequence += 1
    session.save()
    audit_log(
        actor=actor,
        action="events.session.updated",
        obj=session,
        organisation=event.organisation,
        data={"fields": sorted(changed)},
    )
    _after_change(event)
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session) -> Session:
    """Cancel a session: it stays in calendars as cancelled (STATUS:CANCELLED, SEQUENCE + 1); its registrants are
    told by e-mail."""
    event = session.event
    require(actor, "events.change_event", event)
    updated = Session.objects.filter(pk=session.pk, is_cancelled=False).update(
        is_cancelled=True, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    session.refresh_from_db()
    if updated:
        for registration in Registration.objects.filter(session=session, state__in=Registration.HOLDING).select_related(
            "event", "session", "user"
        ):
            transaction.on_commit(lambda registration=registration: emails.send_cancelled(registration))
        audit_log(actor=actor, action="events.session.cancelled", obj=session, organisation=event.organisation)
        _after_change(event)
    return session


@transaction.atomic
def venue_create(*, actor, organisation, **fields) -> Venue:
    require(actor, "events.create_event", organisation, hide=False)
    venue = Venue(organisation=organisation, **fields)
    full_clean_or_raise(venue)
    venue.save()
    audit_log(actor=actor, action="events.venue.created", obj=venue, organisation=organisation)
    return venue


@transaction.atomic
def quota_create(*, actor, event: Event, name: str, capacity: int) -> Quota:
    require(actor, "events.change_event", event)
    quota = Quota(event=event, name=name, capacity=capacity)
    full_clean_or_raise(quota)
    quota.save()
    audit_log(actor=actor, action="events.quota.created", obj=quota, organisation=event.organisation)
    return quota


@transaction.atomic
def question_create(
    *, actor, event: Event, label: str, kind: str = "text", choices: str = "", required: bool = False, position: int = 0
) -> Question:
    require(actor, "events.change_event", event)
    question = Question(event=event, label=label, kind=kind, choices=choices, required=required, position=position)
    full_clean_or_raise(question)
    if kind == Question.Kind.CHOICE and not question.choice_list:
        raise ValidationError(_("Donnez au moins un choix, un par ligne."), field="choices")
    question.save()
    audit_log(actor=actor, action="events.question.created", obj=question, organisation=event.organisation)
    return question
