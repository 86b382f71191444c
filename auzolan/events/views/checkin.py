"""The check-in page, for the staff of the organising organisation at the door, on a phone: a field that takes the
scanned code (a hand-held scanner types it and presses Enter; without one, type the 10 characters) and a search by
name, e-mail or code with a "Marquer présent" button per person. Works without JavaScript; `events/checkin.js`
(optional, static) adds camera scanning where the browser has a barcode detector."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import get_object_for
from auzolan.events import selectors
from auzolan.events.forms import CheckInForm, CheckInSearchForm
from auzolan.events.models import Event
from auzolan.events.services import registrations as services


def _message(registration, already: bool) -> str:
    name = registration.user.get_full_name() or registration.user.email
    at = time_format(timezone.localtime(registration.attended_at), "TIME_FORMAT")
    what = registration.session.title if registration.session_id else registration.event.title
    if already:
        return _("%(name)s : déjà enregistré à %(time)s (%(what)s).") % {"name": name, "time": at, "what": what}
    return _("%(name)s : arrivée enregistrée à %(time)s (%(what)s).") % {"name": name, "time": at, "what": what}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def check_in(request, slug: str):
    """Handwritten rather than `submit_form`: the page answers on itself (the next scan comes at once), and a known
    code already checked in is not an error but an information ("déjà enregistré à 09:12")."""
    event = get_object_for(request.user, "events.check_in", Event.objects.select_related("organisation"), slug=slug)
    url = reverse("events:check_in", kwargs={"slug": event.slug})
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration, already = services.registration_check_in(
                    actor=request.user, event=event, code=form.cleaned_data["code"]
                )
            except ApplicationError as error:
                add_service_error(form, error)
                status = error.status
            else:
                (messages.info if already else messages.success)(request, _message(registration, already))
                query = request.POST.get("q", "")
                return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
        else:
            status = 400
    search = CheckInSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_bound and search.is_valid() else ""
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "search": search,
            "query": query,
            "results": selectors.checkin_search(event, query),
        },
        status=status,
    )


urlpatterns = [path("evenements/gestion/<slug:slug>/accueil/", check_in, name="check_in")]
