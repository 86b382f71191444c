"""A person's pages: "Mes inscriptions" (registrations, waiting-list places, offers to accept), cancellation, the
ticket with its QR code, the personal calendar feed (secret, revocable address) and the feedback questionnaire."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.http import public_url
from auzolan.core.permissions import get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.events import ical, selectors, tickets
from auzolan.events.forms import FeedbackForm
from auzolan.events.models import CalendarFeed, Registration, WaitingListEntry
from auzolan.events.services import registrations as services

MINE = "events:my_registrations"


def _registration(request, pk: int, action: str = "events.view_registration") -> Registration:
    registrations = Registration.objects.select_related(
        "event", "event__organisation", "session", "session__venue", "session__venue__commune", "user"
    )
    return get_object_for(request.user, action, registrations, pk=pk)


def _entry(request, pk: int) -> WaitingListEntry:
    entries = WaitingListEntry.objects.select_related("event", "session", "user")
    return get_object_for(request.user, "events.view_registration", entries, pk=pk)


@require_safe
@login_required
def my_registrations(request):
    services.offers_expire()  # lazily: offers past their deadline move on before the page shows them
    registrations = selectors.user_registrations(request.user)
    now = timezone.now()
    upcoming = [r for r in registrations if r.is_live and (r.session or r.event).ends_at >= now]
    past = [r for r in registrations if r not in upcoming]
    feed = selectors.calendar_feed(request.user)
    return render(
        request,
        "events/my_registrations.html",
        {
            "upcoming": upcoming,
            "past": past,
            "entries": selectors.user_waiting_entries(request.user),
            "feed_url": public_url(reverse("events:personal_ics", kwargs={"token": feed.token})) if feed else "",
            "now": now,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_cancel(request, pk: int):
    """The link of the confirmation e-mail: a page that asks, and a button that cancels (POST)."""
    registration = _registration(request, pk, "events.cancel_registration")
    if request.method == "POST":
        return submit_action(
            request,
            lambda: services.registration_cancel(actor=request.user, registration=registration),
            success=_("Votre inscription est annulée. Merci d'avoir libéré la place."),
            redirect_to=reverse(MINE),
        )
    return render(request, "events/registration_cancel.html", {"registration": registration})


@require_safe
@login_required
def ticket(request, pk: int):
    registration = _registration(request, pk)
    if registration.state not in (Registration.State.CONFIRMED, Registration.State.ATTENDED):
        raise Http404
    title = _("Code d'accueil de l'inscription %(code)s") % {"code": registration.code}
    return render(
        request,
        "events/ticket.html",
        {"registration": registration, "qr": tickets.qr_svg(registration.code, title=title)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def offer_accept(request, pk: int):
    entry = _entry(request, pk)
    if request.method == "POST":
        return submit_action(
            request,
            lambda: services.offer_accept(actor=request.user, entry=entry),
            success=_("La place est à vous : votre inscription est enregistrée."),
            redirect_to=reverse(MINE),
        )
    services.offers_expire(event=entry.event)
    entry.refresh_from_db()
    return render(request, "events/offer_accept.html", {"entry": entry, "open": entry.offer_open()})


@require_POST
@login_required
def waiting_withdraw(request, pk: int):
    entry = _entry(request, pk)
    return submit_action(
        request,
        lambda: services.waiting_withdraw(actor=request.user, entry=entry),
        success=_("Vous avez quitté la liste d'attente."),
        redirect_to=reverse(MINE),
    )


@require_POST
@login_required
def calendar_create(request):
    return submit_action(
        request,
        lambda: services.calendar_feed_create(actor=request.user),
        success=_("Votre adresse d'agenda est prête : ajoutez-la à votre logiciel d'agenda."),
        redirect_to=reverse(MINE),
    )


@require_POST
@login_required
def calendar_revoke(request):
    return submit_action(
        request,
        lambda: services.calendar_feed_revoke(actor=request.user),
        success=_("L'ancienne adresse ne fonctionne plus ; voici la nouvelle."),
        redirect_to=reverse(MINE),
    )


@require_safe
def personal_ics(request, token: str):
    """The secret address is the permission (calendar applications do not log in)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    content = ical.personal_calendar(selectors.calendar_registrations(feed.user), name=_("Mes inscriptions"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mes-inscriptions.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def feedback(request, pk: int):
    registration = _registration(request, pk, "events.give_feedback")
    existing = getattr(registration, "feedback", None)
    initial = {"rating": existing.rating, "useful": existing.useful, "improve": existing.improve} if existing else {}
    form = FeedbackForm(request.POST or None, initial=initial)
    submitted = submit_form(
        request,
        form,
        lambda data: services.feedback_submit(actor=request.user, registration=registration, **data),
        success=_("Merci pour votre avis !"),
        redirect_to=reverse(MINE),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "events/feedback.html",
        {"registration": registration, "form": submitted.form},
        status=submitted.status,
    )


urlpatterns = [
    path("moi/inscriptions/", my_registrations, name="my_registrations"),
    path("moi/inscriptions/<int:pk>/annuler/", registration_cancel, name="registration_cancel"),
    path("moi/inscriptions/<int:pk>/billet/", ticket, name="ticket"),
    path("moi/inscriptions/<int:pk>/avis/", feedback, name="feedback"),
    path("moi/inscriptions/attente/<int:pk>/accepter/", offer_accept, name="offer_accept"),
    path("moi/inscriptions/attente/<int:pk>/quitter/", waiting_withdraw, name="waiting_withdraw"),
    path("moi/inscriptions/calendrier/", calendar_create, name="calendar_create"),
    path("moi/inscriptions/calendrier/nouvelle-adresse/", calendar_revoke, name="calendar_revoke"),
    path("moi/inscriptions/calendrier/<str:token>.ics", personal_ics, name="personal_ics"),
]
