"""Organisers' pages (editors and administrators of the organising organisation, and agency staff): their events,
the event and session forms, venues, shared quotas and questions, the lifecycle buttons, the registrations with
filters and approve/refuse buttons, exports (CSV, XLSX), attendance statistics and the feedback questionnaire."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.events import exports, lifecycle, selectors
from auzolan.events.forms import (
    EventCreateForm,
    EventForm,
    QuestionForm,
    QuotaForm,
    RegistrationFilterForm,
    SessionCreateForm,
    SessionForm,
    VenueForm,
)
from auzolan.events.models import Event, Registration, Session
from auzolan.events.services import events as event_services
from auzolan.events.services import registrations as registration_services
from auzolan.organisations.models import Membership, Organisation


def _event(request, slug: str, action: str = "events.change_event") -> Event:
    return get_object_for(request.user, action, Event.objects.select_related("organisation"), slug=slug)


def _organisations(user):
    if user.is_staff:  # agency staff (operators) may create events for every organisation
        return Organisation.objects.order_by("name")
    ids = Membership.objects.filter(user=user, state=Membership.State.ACTIVE, role__in=("admin", "editor")).values(
        "organisation_id"
    )
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def manage_url(event: Event) -> str:
    return reverse("events:manage_event", kwargs={"slug": event.slug})


@require_safe
@login_required
def manage_home(request):
    events = list(selectors.managed_events(request.user, sees_all=request.user.is_staff))
    organisations = _organisations(request.user)
    return render(
        request,
        "events/manage/home.html",
        {"events": events, "can_create": organisations.exists()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def event_create(request):
    organisations = _organisations(request.user)
    if not organisations.exists():
        raise Http404
    form = EventCreateForm(request.POST or None, organisations=organisations)
    submitted = submit_form(
        request,
        form,
        lambda data: event_services.event_create(actor=request.user, **data),
        success=_("L'événement est créé (brouillon). Ajoutez ses séances, puis publiez-le."),
        redirect_to=manage_url,
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "events/manage/event_form.html", {"form": submitted.form, "event": None}, status=submitted.status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def event_edit(request, slug: str):
    event = _event(request, slug)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    submitted = submit_form(
        request,
        form,
        lambda data: event_services.event_update(actor=request.user, event=event, **data),
        success=_("L'événement est enregistré."),
        redirect_to=manage_url(event),
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "events/manage/event_form.html", {"form": submitted.form, "event": event}, status=submitted.status
    )


@require_safe
@login_required
def manage_event(request, slug: str):
    event = _event(request, slug)
    return render(
        request,
        "events/manage/event.html",
        {
            "event": event,
            "sessions": selectors.event_programme(event),
            "buttons": lifecycle.event_buttons(event),
            "statistics": selectors.attendance_statistics(event),
            "feedback": selectors.feedback_summary(event),
            "questions": selectors.event_questions(event),
            "quotas": list(event.quotas.all()),
        },
    )


@require_POST
@login_required
def event_move(request, slug: str, name: str):
    event = _event(request, slug)
    transition = lifecycle.event_transition(name)
    if transition is None:
        raise Http404
    return submit_action(
        request,
        lambda: event_services.event_move(actor=request.user, event=event, name=name),
        success=str(transition.message),
        redirect_to=manage_url(event),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_create(request, slug: str):
    event = _event(request, slug)
    form = SessionCreateForm(request.POST or None, event=event)
    submitted = submit_form(
        request,
        form,
        lambda data: event_services.session_create(actor=request.user, event=event, **data),
        success=_("La séance est ajoutée."),
        redirect_to=manage_url(event),
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "events/manage/session_form.html", {"form": submitted.form, "event": event}, status=submitted.status
    )


def _session(request, slug: str, pk: int) -> tuple[Event, Session]:
    event = _event(request, slug)
    try:
        session = Session.objects.select_related("event").get(pk=pk, event=event)
    except Session.DoesNotExist:
        raise Http404 from None
    return event, session


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_edit(request, slug: str, pk: int):
    event, session = _session(request, slug, pk)
    form = SessionForm(request.POST or None, event=event, initial=SessionForm.initial_for(session))
    submitted = submit_form(
        request,
        form,
        lambda data: event_services.session_update(actor=request.user, session=session, **data),
        success=_("La séance est enregistrée."),
        redirect_to=manage_url(event),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "events/manage/session_form.html",
        {"form": submitted.form, "event": event, "session": session},
        status=submitted.status,
    )


@require_POST
@login_required
def session_cancel(request, slug: str, pk: int):
    event, session = _session(request, slug, pk)
    return submit_action(
        request,
        lambda: event_services.session_cancel(actor=request.user, session=session),
        success=_("La séance est annulée ; les personnes inscrites sont prévenues."),
        redirect_to=manage_url(event),
    )


def _event_form(request, slug: str, form_class, call, *, success: str, title: str):
    """A small form of an event's management (a venue, a shared quota, a question): `call(event, data)` is the
    service; back to the event's management page."""
    event = _event(request, slug)
    submitted = submit_form(
        request,
        form_class(request.POST or None),
        lambda data: call(event, data),
        success=success,
        redirect_to=manage_url(event),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "events/manage/simple_form.html",
        {"form": submitted.form, "event": event, "title": title},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def venue_create(request, slug: str):
    return _event_form(
        request,
        slug,
        VenueForm,
        lambda event, data: event_services.venue_create(actor=request.user, organisation=event.organisation, **data),
        success=_("Le lieu est enregistré."),
        title=_("Nouveau lieu"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def quota_create(request, slug: str):
    return _event_form(
        request,
        slug,
        QuotaForm,
        lambda event, data: event_services.quota_create(actor=request.user, event=event, **data),
        success=_("Le quota est créé ; choisissez-le dans les séances qui le partagent."),
        title=_("Nouveau quota partagé"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_create(request, slug: str):
    return _event_form(
        request,
        slug,
        QuestionForm,
        lambda event, data: event_services.question_create(actor=request.user, event=event, **data),
        success=_("La question est ajoutée au formulaire d'inscription."),
        title=_("Nouvelle question aux participants"),
    )


@require_safe
@login_required
def registrations(request, slug: str):
    event = _event(request, slug, "events.manage_registrations")
    sessions = list(Session.objects.filter(event=event).order_by("starts_at", "pk"))
    form = RegistrationFilterForm(request.GET or None, sessions=sessions)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "session_id": form.cleaned_data.get("session"),
            "state": form.cleaned_data.get("state") or "",
            "query": form.cleaned_data.get("q") or "",
        }
    rows = list(selectors.event_registrations(event, **filters)[:500])
    return render(
        request,
        "events/manage/registrations.html",
        {
            "event": event,
            "form": form,
            "registrations": rows,
            "waiting": list(selectors.event_waiting(event)),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
@login_required
def registration_decide(request, slug: str, pk: int, decision: str):
    event = _event(request, slug, "events.manage_registrations")
    try:
        registration = Registration.objects.select_related("event", "session", "user").get(pk=pk, event=event)
    except Registration.DoesNotExist:
        raise Http404 from None
    service = {
        "valider": (registration_services.registration_approve, _("L'inscription est validée.")),
        "refuser": (registration_services.registration_refuse, _("L'inscription est refusée.")),
    }.get(decision)
    if service is None:
        raise Http404
    call, message = service
    return submit_action(
        request,
        lambda: call(actor=request.user, registration=registration),
        success=message,
        redirect_to=reverse("events:registrations", kwargs={"slug": event.slug}),
    )


@require_safe
@login_required
def export(request, slug: str, extension: str):
    event = _event(request, slug, "events.manage_registrations")
    if extension == "csv":
        response = HttpResponse(exports.attendees_csv(event), content_type="text/csv; charset=utf-8")
    elif extension == "xlsx":
        response = HttpResponse(
            exports.attendees_xlsx(event),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def feedback_send(request, slug: str):
    event = _event(request, slug, "events.manage_registrations")
    return submit_action(
        request,
        lambda: registration_services.feedback_request_send(actor=request.user, event=event),
        success=lambda sent: (
            ngettext(
                "Questionnaire envoyé à %(count)d personne présente.",
                "Questionnaire envoyé à %(count)d personnes présentes.",
                sent,
            )
            % {"count": sent}
        ),
        redirect_to=manage_url(event),
        error_redirect_to=manage_url(event),
    )


urlpatterns = [
    path("evenements/gestion/", manage_home, name="manage_home"),
    path("evenements/gestion/nouveau/", event_create, name="event_create"),
    path("evenements/gestion/<slug:slug>/", manage_event, name="manage_event"),
    path("evenements/gestion/<slug:slug>/modifier/", event_edit, name="event_edit"),
    path("evenements/gestion/<slug:slug>/etat/<slug:name>/", event_move, name="event_move"),
    path("evenements/gestion/<slug:slug>/seances/nouvelle/", session_create, name="session_create"),
    path("evenements/gestion/<slug:slug>/seances/<int:pk>/", session_edit, name="session_edit"),
    path("evenements/gestion/<slug:slug>/seances/<int:pk>/annuler/", session_cancel, name="session_cancel"),
    path("evenements/gestion/<slug:slug>/lieux/nouveau/", venue_create, name="venue_create"),
    path("evenements/gestion/<slug:slug>/quotas/nouveau/", quota_create, name="quota_create"),
    path("evenements/gestion/<slug:slug>/questions/nouvelle/", question_create, name="question_create"),
    path("evenements/gestion/<slug:slug>/inscriptions/", registrations, name="registrations"),
    path(
        "evenements/gestion/<slug:slug>/inscriptions/<int:pk>/<slug:decision>/",
        registration_decide,
        name="registration_decide",
    ),
    path("evenements/gestion/<slug:slug>/export.<slug:extension>", export, name="export"),
    path("evenements/gestion/<slug:slug>/avis/", feedback_send, name="feedback_send"),
]
