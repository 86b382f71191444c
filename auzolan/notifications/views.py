"""The person's notifications ("Mon espace"), their e-mail preference, and the no-login unsubscribe page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import ApplicationError
from auzolan.core.submissions import submit_action, submit_form
from auzolan.notifications import links, selectors, services
from auzolan.notifications.forms import PreferenceForm

PAGE_SIZE = 30


@require_safe
@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": page.object_list, "unread": selectors.unread_count_for_request(request)},
    )


@require_POST
@login_required
def notification_read(request, pk: int):
    return submit_action(
        request,
        lambda: services.notification_mark_read(user=request.user, notification_id=pk),
        success=_("Notification marquée comme lue."),
        redirect_to="notifications:list",
    )


@require_POST
@login_required
def notification_read_all(request):
    return submit_action(
        request,
        lambda: services.notifications_mark_all_read(user=request.user),
        success=lambda count: _("Toutes vos notifications sont marquées comme lues.") if count else None,
        redirect_to="notifications:list",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request):
    submitted = submit_form(
        request,
        PreferenceForm(request.POST or None, initial={"email_frequency": selectors.email_frequency(user=request.user)}),
        lambda data: services.preference_update(
            actor=request.user, user=request.user, email_frequency=data["email_frequency"]
        ),
        success=_("Vos préférences de notification sont enregistrées."),
        redirect_to="notifications:preferences",
    )
    if submitted.response:
        return submitted.response
    # A refused form keeps the 200 this page has always answered.
    return render(request, "notifications/preferences.html", {"form": submitted.form})


# The token in the address is the authorisation (signed, for one person); no session is involved, so there is no
# cross-site request to forge. Mail clients POST here for RFC 8058 one-click unsubscribe ("List-Unsubscribe-Post").
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except ApplicationError as error:
            return _unsubscribe_page(request, error=error.message, status=400)
        return _unsubscribe_page(request, done=True)
    # GET only confirms: link checkers and mail scanners open links, and must not unsubscribe anyone.
    try:
        links.user_from_unsubscribe_token(token)
    except ApplicationError as error:
        return _unsubscribe_page(request, error=error.message, status=400)
    return _unsubscribe_page(request)


def _unsubscribe_page(request, *, error: str = "", done: bool = False, status: int = 200):
    return render(request, "notifications/unsubscribe.html", {"error": error, "done": done}, status=status)


def dashboard_section(request) -> dict:
    """The "Mes notifications" block of "Mon espace": the latest unread ones."""
    return {
        "unread": selectors.unread_count_for_request(request),
        "latest": list(selectors.notifications_for(user=request.user).filter(read_at__isnull=True)[:5]),
    }
