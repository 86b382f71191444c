"""Reads of the events app: the agenda, an event's programme with its seats, a person's registrations, the lists of
the organisers, the statistics, the check-in search, and `attended_sessions` for other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from auzolan.events.models import (
    Answer,
    CalendarFeed,
    Event,
    Feedback,
    Question,
    Registration,
    Session,
    WaitingListEntry,
)
from auzolan.organisations.models import Commune, Membership

R = Registration.State
W = WaitingListEntry.State

PUBLIC_STATES = (Event.State.PUBLISHED, Event.State.CANCELLED, Event.State.ARCHIVED)


# --- Seats ----------------------------------------------------------------------------------------------------------


def _held(registrations: QuerySet, entries: QuerySet) -> int:
    """Seats held: live registrations and open offers of the waiting list (an offer keeps its seat until it is
    accepted, withdrawn or expired)."""
    return registrations.filter(state__in=Registration.HOLDING).count() + entries.filter(state=W.OFFERED).count()


def seats_left(*, event: Event, session: Session | None) -> int | None:
    """Free seats of a session (its own capacity and its shared quota), or of the whole event; None: no limit."""
    limits: list[int] = []
    if session is None:
        if event.capacity is not None:
            held = _held(
                Registration.objects.filter(event=event, session__isnull=True),
                WaitingListEntry.objects.filter(event=event, session__isnull=True),
            )
            limits.append(event.capacity - held)
    else:
        if session.capacity is not None:
            held = _held(Registration.objects.filter(session=session), WaitingListEntry.objects.filter(session=session))
            limits.append(session.capacity - held)
        if session.quota_id is not None:
            held = _held(
                Registration.objects.filter(session__quota_id=session.quota_id),
                WaitingListEntry.objects.filter(session__quota_id=session.quota_id),
            )
            limits.append(session.quota.capacity - held)
    return max(0, min(limits)) if limits else None


def next_waiting(*, event: Event, session: Session | None) -> WaitingListEntry | None:
    entries = WaitingListEntry.objects.filter(event=event, session=session, state=W.WAITING)
    return entries.select_related("user").order_by("created_at", "pk").first()


def due_offers(*, now: dt.datetime, event: Event | None = None) -> QuerySet[WaitingListEntry]:
    entries = WaitingListEntry.objects.filter(state=W.OFFERED, offer_expires_at__lte=now)
    if event is not None:
        entries = entries.filter(event=event)
    return entries.order_by("offer_expires_at", "pk")


# --- Public pages ---------------------------------------------------------------------------------------------------


def _session_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.annotate(
        held_count=Count("registrations", filter=Q(registrations__state__in=Registration.HOLDING), distinct=True),
        offered_count=Count("waiting", filter=Q(waiting__state=W.OFFERED), distinct=True),
        waiting_count=Count("waiting", filter=Q(waiting__state=W.WAITING), distinct=True),
    )


@dataclass(frozen=True)
class AgendaFilters:
    commune: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    format: str = ""


def agenda_sessions(filters: AgendaFilters, *, now: dt.datetime | None = None) -> QuerySet[Session]:
    """Sessions of published events, from today on unless a start date is given, with their event, venue and commune."""
    sessions = Session.objects.filter(event__state=Event.State.PUBLISHED)
    if filters.start is not None:
        sessions = sessions.filter(ends_at__date__gte=filters.start)
    else:
        sessions = sessions.filter(ends_at__gte=now or timezone.now())
    if filters.end is not None:
        sessions = sessions.filter(starts_at__date__lte=filters.end)
    if filters.commune is not None:
        sessions = sessions.filter(venue__commune_id=filters.commune)
    if filters.format:
        sessions = sessions.filter(format=filters.format)
    return sessions.select_related("event", "event__organisation", "venue", "venue__commune").order_by(
        "starts_at", "pk"
    )


def agenda_communes():
    """Communes that have a venue used by a published event (the agenda's filter)."""
    return (
        Commune.objects.filter(event_venues__sessions__event__state=Event.State.PUBLISHED).distinct().order_by("name")
    )


def event_programme(event: Event) -> list[Session]:
    """The sessions of an event with their venue, commune and seat counts (held, offered, waiting)."""
    sessions = _session_counts(Session.objects.filter(event=event)).select_related("venue", "venue__commune", "quota")
    return list(sessions.order_by("starts_at", "pk"))


def event_questions(event: Event) -> list[Question]:
    return list(Question.objects.filter(event=event).order_by("position", "pk"))


def user_registrations(user) -> list[Registration]:
    """A person's registrations, newest events first, with session, venue and event."""
    registrations = Registration.objects.filter(user=user).select_related(
        "event", "session", "session__venue", "session__venue__commune", "feedback"
    )
    return list(registrations.order_by("-event__starts_at", "session__starts_at", "pk"))


def user_waiting_entries(user) -> list[WaitingListEntry]:
    entries = WaitingListEntry.objects.filter(user=user, state__in=WaitingListEntry.LIVE).select_related(
        "event", "session"
    )
    return list(entries.order_by("created_at", "pk"))


def live_registration(*, user, event: Event, session: Session | None) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, event=event, session=session, state__in=Registration.HOLDING).first()


def live_waiting(*, user, event: Event, session: Session | None) -> WaitingListEntry | None:
    if not user.is_authenticated:
        return None
    return WaitingListEntry.objects.filter(
        user=user, event=event, session=session, state__in=WaitingListEntry.LIVE
    ).first()


def calendar_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_registrations(user) -> list[Registration]:
    """What a personal calendar feed shows: the person's live registrations and the cancelled ones (so that the
    calendar marks them cancelled instead of keeping a stale entry)."""
    registrations = Registration.objects.filter(user=user).select_related(
        "event", "session", "session__venue", "session__venue__commune", "event__organisation"
    )
    return list(registrations.order_by("pk"))


# --- Organisers -----------------------------------------------------------------------------------------------------


def managed_events(user, *, sees_all: bool) -> QuerySet[Event]:
    events = Event.objects.select_related("organisation")
    if not sees_all:
        organisations = Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE, role__in=("admin", "editor")
        ).values("organisation_id")
        events = events.filter(organisation_id__in=organisations)
    return events.order_by("-starts_at", "pk")


def event_registrations(
    event: Event, *, session_id: int | None = None, state: str = "", query: str = ""
) -> QuerySet[Registration]:
    registrations = Registration.objects.filter(event=event).select_related("user", "session")
    if session_id is not None:
        registrations = registrations.filter(session_id=session_id)
    if state:
        registrations = registrations.filter(state=state)
    if query:
        registrations = registrations.filter(
            Q(user__full_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(code__iexact=query.strip().upper())
        )
    return registrations.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question"))
    ).order_by("session__starts_at", "created_at", "pk")


def event_waiting(event: Event) -> QuerySet[WaitingListEntry]:
    return (
        WaitingListEntry.objects.filter(event=event, state__in=WaitingListEntry.LIVE)
        .select_related("user", "session")
        .order_by("session__starts_at", "created_at", "pk")
    )


@dataclass(frozen=True)
class SessionStatistics:
    session: Session | None
    title: str
    registered: int
    attended: int
    no_show: int
    waiting: int
    pending: int
    cancelled: int


def attendance_statistics(event: Event, *, now: dt.datetime | None = None) -> list[SessionStatistics]:
    """Per session (or for the whole event): registered (confirmed or attended), attended, no-shows (confirmed but not
    attended, counted once the session has started), waiting, pending approval, cancelled."""
    now = now or timezone.now()

    def counts(filter_registrations: Q, filter_waiting: Q):
        return {
            "registered": Count("pk", filter=filter_registrations & Q(state__in=(R.CONFIRMED, R.ATTENDED))),
            "attended": Count("pk", filter=filter_registrations & Q(state=R.ATTENDED)),
            "confirmed": Count("pk", filter=filter_registrations & Q(state=R.CONFIRMED)),
            "pending": Count("pk", filter=filter_registrations & Q(state=R.PENDING)),
            "cancelled": Count("pk", filter=filter_registrations & Q(state=R.CANCELLED)),
        }

    rows = Registration.objects.filter(event=event).values("session_id").annotate(**counts(Q(), Q())).order_by()
    by_session = {row["session_id"]: row for row in rows}
    waiting = dict(
        WaitingListEntry.objects.filter(event=event, state__in=WaitingListEntry.LIVE)
        .values("session_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("session_id", "n")
    )
    targets: list[tuple[Session | None, str, dt.datetime]] = (
        [(s, s.title, s.starts_at) for s in Session.objects.filter(event=event).order_by("starts_at", "pk")]
        if event.per_session
        else [(None, event.title, event.starts_at)]
    )
    result = []
    for session, title, starts_at in targets:
        row = by_session.get(session.pk if session else None, {})
        started = starts_at <= now
        result.append(
            SessionStatistics(
                session=session,
                title=title,
                registered=row.get("registered", 0),
                attended=row.get("attended", 0),
                no_show=row.get("confirmed", 0) if started else 0,
                waiting=waiting.get(session.pk if session else None, 0),
                pending=row.get("pending", 0),
                cancelled=row.get("cancelled", 0),
            )
        )
    return result


def feedback_summary(event: Event) -> dict:
    """The answers to the feedback questionnaire: per session, how many and the mean rating; the latest texts."""
    rows = list(
        Feedback.objects.filter(registration__event=event)
        .values("registration__session__title")
        .annotate(count=Count("pk"), mean=Avg("rating"))
        .order_by("registration__session__title")
    )
    texts = list(
        Feedback.objects.filter(registration__event=event)
        .exclude(useful="", improve="")
        .select_related("registration__session")
        .order_by("-created_at", "-pk")[:50]
    )
    return {"rows": rows, "texts": texts}


def checkin_search(event: Event, query: str) -> list[Registration]:
    """Live registrations of an event matching a name, an e-mail address or a check-in code (at most 30)."""
    query = query.strip()
    if not query:
        return []
    return list(
        event_registrations(event, query=query)
        .filter(state__in=Registration.HOLDING)
        .order_by("user__full_name", "pk")[:30]
    )


def registration_by_code(event: Event, code: str) -> Registration | None:
    return Registration.objects.filter(event=event, code=code).select_related("user", "session").first()


def attendees_for_feedback(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event, state=R.ATTENDED, feedback_sent_at__isnull=True).select_related(
        "user", "session", "event"
    )


def reminders_due(*, day: dt.date) -> QuerySet[Registration]:
    """Confirmed registrations whose session (or whole event) starts on `day` and that got no reminder yet."""
    published = Registration.objects.filter(
        state=R.CONFIRMED, reminder_sent_at__isnull=True, event__state=Event.State.PUBLISHED
    )
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = start + dt.timedelta(days=1)
    return published.filter(
        Q(session__isnull=False, session__is_cancelled=False, session__starts_at__gte=start, session__starts_at__lt=end)
        | Q(session__isnull=True, event__starts_at__gte=start, event__starts_at__lt=end)
    ).select_related("user", "event", "session", "session__venue", "session__venue__commune")


def public_agenda_rows() -> QuerySet[Session]:
    """Every session of the published, cancelled and archived events (the open dataset of the agenda)."""
    return (
        Session.objects.filter(event__state__in=PUBLIC_STATES)
        .select_related("event", "event__organisation", "venue", "venue__commune")
        .order_by("starts_at", "pk")
    )


# --- For other apps -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    user_id: int
    session_id: int
    external_ref: str
    attended_at: dt.datetime


def attended_sessions(*, user_ids, session_ids=None) -> list[Attendance]:
    """Who attended which session, with the check-in time: one `Attendance` per (person, session) whose registration
    was checked in at the door, ordered by check-in time.

    `user_ids`: the people asked about; `session_ids`: only these sessions (None: all). A session's `external_ref`
    comes with it, so that another app (learning: "learning:module:<slug>") can match its own objects without this
    app knowing them. Registrations to a whole event (no session) are not sessions and are left out; cancelled
    sessions count (people were there before the cancellation, or the check-in says so).
    """
    registrations = Registration.objects.filter(
        state=R.ATTENDED, session__isnull=False, attended_at__isnull=False, user_id__in=list(user_ids)
    )
    if session_ids is not None:
        registrations = registrations.filter(session_id__in=list(session_ids))
    rows = registrations.order_by("attended_at", "pk").values_list(
        "user_id", "session_id", "session__external_ref", "attended_at"
    )
    return [Attendance(user_id=u, session_id=s, external_ref=ref, attended_at=at) for u, s, ref, at in rows]


def upcoming_sessions_by_ref(external_ref: str) -> list[Session]:
    """The sessions of published events another app linked to one of its objects (`external_ref`), not cancelled and
    not over, soonest first (learning: the sessions of a module's workshop)."""
    return list(
        Session.objects.filter(
            external_ref=external_ref,
            event__state=Event.State.PUBLISHED,
            is_cancelled=False,
            ends_at__gte=timezone.now(),
        )
        .select_related("event", "venue", "venue__commune")
        .order_by("starts_at", "pk")
    )


def public_sessions_of_organisation(organisation, *, limit: int = 20) -> list[Session]:
    """Sessions of public events (published, cancelled, archived) that an organisation organises or hosts (the
    session's venue is one of its places), newest first (youth: a partner's page)."""
    return list(
        Session.objects.filter(event__state__in=PUBLIC_STATES)
        .filter(Q(event__organisation=organisation) | Q(venue__organisation=organisation))
        .select_related("event", "venue", "venue__commune")
        .order_by("-starts_at", "-pk")[:limit]
    )
