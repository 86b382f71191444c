"""Public pages of events: the agenda of the territory (filters by commune, dates and format, without JavaScript),
an event's page with its programme and the venues' accessibility information, the registration form, and the iCal
files of an event and of a session."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.core.markdown import render_markdown
from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_form
from auzolan.events import ical, selectors
from auzolan.events.forms import AgendaFilterForm, RegistrationForm
from auzolan.events.models import Event, Registration, Session, WaitingListEntry
from auzolan.events.services import registrations as services


def get_event(request, slug: str, action: str = "events.view_event") -> Event:
    return get_object_for(request.user, action, Event.objects.select_related("organisation"), slug=slug)


PAGE_SIZE = 30


@require_safe
def agenda(request):
    communes = selectors.agenda_communes()
    form = AgendaFilterForm(request.GET or None, communes=communes)
    filters = selectors.AgendaFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AgendaFilters(
            commune=data["commune"].pk if data.get("commune") else None,
            start=data.get("start"),
            end=data.get("end"),
            format=data.get("format") or "",
        )
    page = Paginator(selectors.agenda_sessions(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/agenda.html",
        {"form": form, "page": page, "sessions": list(page), "filtered": form.is_bound, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _programme_rows(request, event: Event, sessions: list[Session]) -> tuple:
    mine = {}
    waiting = {}
    if request.user.is_authenticated:
        mine = {
            r.session_id: r
            for r in Registration.objects.filter(event=event, user=request.user, state__in=Registration.HOLDING)
        }
        waiting = {
            w.session_id: w
            for w in WaitingListEntry.objects.filter(event=event, user=request.user, state__in=WaitingListEntry.LIVE)
        }
    rows = []
    for session in sessions:
        left = None
        if session.capacity is not None:
            left = max(0, session.capacity - session.held_count - session.offered_count)
        rows.append(
            {
                "session": session,
                "left": left,
                "registration": mine.get(session.pk),
                "waiting": waiting.get(session.pk),
            }
        )
    return rows, mine.get(None), waiting.get(None)


@require_safe
def event_detail(request, slug: str):
    event = get_event(request, slug)
    services.offers_expire(event=event)  # lazily: an offer past its deadline frees its seat before the page counts
    sessions = selectors.event_programme(event)
    rows, event_registration, event_waiting = _programme_rows(request, event, sessions)
    venues = {session.venue_id: session.venue for session in sessions if session.venue_id is not None}
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "description": render_markdown(event.description),
            "rows": rows,
            "venues": sorted(venues.values(), key=lambda venue: venue.name),
            "event_registration": event_registration,
            "event_waiting": event_waiting,
            "event_left": selectors.seats_left(event=event, session=None) if not event.per_session else None,
            "can_register": event.state == Event.State.PUBLISHED,
            "can_manage": can(request.user, "events.change_event", event),
            "can_check_in": can(request.user, "events.check_in", event),
        },
    )


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def event_ics(request, slug: str):
    event = get_event(request, slug)
    sessions = list(
        Session.objects.filter(event=event).select_related("venue", "venue__commune", "event").order_by("starts_at")
    )
    return _ics(ical.event_calendar(event, sessions), f"{event.slug}.ics")


@require_safe
def session_ics(request, uid):
    session = get_object_or_404(Session.objects.select_related("event", "venue", "venue__commune"), uid=uid)
    if not can(request.user, "events.view_event", session.event):
        raise Http404
    return _ics(ical.session_calendar(session), f"seance-{session.uid}.ics")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def register(request, slug: str):
    event = get_event(request, slug)
    if not can(request.user, "events.register", event):
        raise Http404
    services.offers_expire(event=event)
    sessions = [
        s for s in selectors.event_programme(event) if not services.registration_refusal(event=event, session=s)
    ]
    initial = {}
    wanted = request.GET.get("seance", "")
    if any(str(s.uid) == wanted for s in sessions):
        initial["session"] = wanted
    form = RegistrationForm(
        request.POST or None,
        event=event,
        sessions=sessions,
        questions=selectors.event_questions(event),
        initial=initial,
    )

    def success(result) -> str:
        if isinstance(result, WaitingListEntry):
            return _(
                "Il n'y a plus de place : vous êtes sur la liste d'attente. Nous vous écrirons si une place se libère."
            )
        if result.state == Registration.State.PENDING:
            return _("Votre inscription est enregistrée ; l'organisateur doit la valider. Un courriel vous le dira.")
        return _("Votre inscription est confirmée. Votre billet vous attend dans « Mes inscriptions ».")

    submitted = submit_form(
        request,
        form,
        lambda data: services.registration_create(actor=request.user, event=event, **form.service_arguments()),
        success=success,
        redirect_to=reverse("events:my_registrations"),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "events/register.html",
        {"event": event, "form": submitted.form, "has_sessions": bool(sessions) or not event.per_session},
        status=submitted.status,
    )


urlpatterns = [
    path("evenements/", agenda, name="agenda"),
    path("evenements/<slug:slug>.ics", event_ics, name="event_ics"),
    path("evenements/seances/<uuid:uid>.ics", session_ics, name="session_ics"),
    path("evenements/<slug:slug>/", event_detail, name="event_detail"),
    path("evenements/<slug:slug>/inscription/", register, name="register"),
]
