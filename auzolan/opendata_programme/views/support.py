"""The support follow-up (AMO) of an organisation: meetings with the agency (participants, notes, decisions) and the
next actions, with owners and due dates. Only the agency and the organisation's members see them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.opendata_programme import selectors, services
from auzolan.opendata_programme.forms import ActionForm, MeetingForm
from auzolan.opendata_programme.models import SupportAction
from auzolan.opendata_programme.views.common import organisation_for
from auzolan.organisations.models import Membership


def _with_permissions(request, organisation, actions) -> list:
    """The actions, each knowing whether the person may mark it done (the organisation already loaded)."""
    actions = list(actions)
    for action in actions:
        action.organisation = organisation
        action.can_complete = can(request.user, "opendata_programme.complete_action", action)
    return actions


def _url(organisation) -> str:
    return reverse("opendata_programme:support", kwargs={"slug": organisation.slug})


@require_safe
@login_required
def support(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.view_support")
    actions = _with_permissions(request, organisation, selectors.actions(organisation))
    return render(
        request,
        "opendata_programme/support.html",
        {
            "organisation": organisation,
            "meetings": list(selectors.meetings(organisation)),
            "actions": actions,
            "today": timezone.localdate(),
            "can_manage": can(request.user, "opendata_programme.manage_support", organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_create(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.manage_support")
    form = MeetingForm(request.POST or None)
    submitted = submit_form(
        request,
        form,
        lambda data: services.meeting_save(actor=request.user, organisation=organisation, **data),
        success=_("La réunion est enregistrée. Ajoutez les actions décidées."),
        redirect_to=lambda meeting: reverse(
            "opendata_programme:meeting_detail", kwargs={"slug": organisation.slug, "meeting": meeting.pk}
        ),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/meeting_form.html",
        {"organisation": organisation, "form": submitted.form},
        status=submitted.status,
    )


def _meeting(request, slug: str, meeting: int, action: str):
    organisation = organisation_for(request, slug, action)
    return organisation, get_object_or_404(selectors.meetings(organisation), pk=meeting)


@require_safe
@login_required
def meeting_detail(request, slug: str, meeting: int):
    organisation, meeting = _meeting(request, slug, meeting, "opendata_programme.view_support")
    return render(
        request,
        "opendata_programme/meeting_detail.html",
        {
            "organisation": organisation,
            "meeting": meeting,
            "actions": _with_permissions(request, organisation, meeting.actions.all()),
            "today": timezone.localdate(),
            "can_manage": can(request.user, "opendata_programme.manage_support", organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_edit(request, slug: str, meeting: int):
    organisation, meeting = _meeting(request, slug, meeting, "opendata_programme.manage_support")
    initial = {name: getattr(meeting, name) for name in ("date", "participants", "notes", "decisions")}
    form = MeetingForm(request.POST or None, initial=initial)
    detail = reverse("opendata_programme:meeting_detail", kwargs={"slug": organisation.slug, "meeting": meeting.pk})
    submitted = submit_form(
        request,
        form,
        lambda data: services.meeting_save(actor=request.user, meeting=meeting, **data),
        success=_("La réunion est enregistrée."),
        redirect_to=detail,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/meeting_form.html",
        {"organisation": organisation, "form": submitted.form, "meeting": meeting},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_create(request, slug: str, meeting: int):
    organisation, meeting = _meeting(request, slug, meeting, "opendata_programme.manage_support")
    members = Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE).values("user_id")
    owners = get_user_model().objects.filter(Q(pk__in=members) | Q(is_staff=True), is_active=True).order_by("full_name")
    form = ActionForm(request.POST or None, owners=owners)
    submitted = submit_form(
        request,
        form,
        lambda data: services.action_create(actor=request.user, organisation=organisation, meeting=meeting, **data),
        success=_("L'action est ajoutée."),
        redirect_to=reverse(
            "opendata_programme:meeting_detail", kwargs={"slug": organisation.slug, "meeting": meeting.pk}
        ),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/action_form.html",
        {"organisation": organisation, "meeting": meeting, "form": submitted.form},
        status=submitted.status,
    )


@require_POST
@login_required
def action_done(request, slug: str, action: int):
    organisation = organisation_for(request, slug, "opendata_programme.view_support")
    actions = SupportAction.objects.for_organisation(organisation).select_related("organisation")
    action = get_object_for(request.user, "opendata_programme.complete_action", actions, pk=action)
    done = request.POST.get("done") != "0"
    return submit_action(
        request,
        lambda: services.action_set_done(actor=request.user, action=action, done=done),
        success=_("L'action est marquée faite.") if done else _("L'action est rouverte."),
        redirect_to=request.POST.get("next") if _safe_next(request) else _url(organisation),
    )


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//") and len(target) < 500 and "\\" not in target


PREFIX = "organisations/<slug:slug>/programme-open-data/accompagnement/"
urlpatterns = [
    path(PREFIX, support, name="support"),
    path(PREFIX + "reunions/nouvelle/", meeting_create, name="meeting_create"),
    path(PREFIX + "reunions/<int:meeting>/", meeting_detail, name="meeting_detail"),
    path(PREFIX + "reunions/<int:meeting>/modifier/", meeting_edit, name="meeting_edit"),
    path(PREFIX + "reunions/<int:meeting>/actions/nouvelle/", action_create, name="action_create"),
    path(PREFIX + "actions/<int:action>/faite/", action_done, name="action_done"),
]
