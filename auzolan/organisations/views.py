"""Pages of the territory and of member organisations. Thin: parse, ask permission, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.http import safe_next
from auzolan.core.permissions import can, get_object_for, require
from auzolan.core.registry import page_sections
from auzolan.core.submissions import submit_action, submit_form
from auzolan.core.text import elide
from auzolan.organisations import selectors, services
from auzolan.organisations.forms import (
    CommuneFilterForm,
    MembershipAddForm,
    MembershipDecisionForm,
    MembershipRoleForm,
    OrganisationFilterForm,
    OrganisationForm,
    SwitchOrganisationForm,
)
from auzolan.organisations.middleware import SESSION_KEY
from auzolan.organisations.models import Membership, Organisation

PAGE_SIZE = 30


def _organisation_for(request, action: str, slug: str) -> Organisation:
    return get_object_for(request.user, action, selectors.organisation_detail_queryset(), slug=slug)


def _membership_in(organisation: Organisation, pk: int) -> Membership:
    return get_object_or_404(selectors.organisation_members(organisation=organisation), pk=pk)


def _members_url(organisation: Organisation) -> str:
    return reverse("organisations:members", kwargs={"slug": organisation.slug})


def _dashboard_url() -> str:
    return reverse("accounts:dashboard")


@require_safe
def territory(request):
    territory = selectors.territory_current()
    form = CommuneFilterForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = {"territory": territory, "form": form, "q": q, "summary": None, "communes": [], "sections": []}
    if territory is not None:
        context["summary"] = selectors.territory_summary(territory=territory)
        context["communes"] = selectors.territory_communes(territory=territory, q=q)
        context["sections"] = page_sections("territory", request, territory)
    return render(request, "organisations/territory.html", context)


@require_safe
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = {"kind": "", "college": "", "q": ""}
    if form.is_valid():
        filters = {key: (form.cleaned_data[key] or "").strip() for key in filters}
    organisations = selectors.organisation_list_public(**filters)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/list.html",
        {"form": form, "page": page, "organisations": page.object_list, "filtered": any(filters.values())},
    )


@require_safe
def organisation_detail(request, slug: str):
    organisation = _organisation_for(request, "organisations.view_organisation", slug)
    show_members = can(request.user, "organisations.view_members", organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members_count": selectors.organisation_members_count(organisation=organisation),
            "members": selectors.organisation_members(organisation=organisation).filter(state=Membership.State.ACTIVE)
            if show_members
            else None,
            "my_membership": selectors.membership_of(user=request.user, organisation=organisation),
            "sections": page_sections("organisation_detail", request, organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_edit(request, slug: str):
    organisation = _organisation_for(request, "organisations.change_organisation", slug)
    fields = services.ORGANISATION_FIELDS if request.user.is_staff else services.ORGANISATION_SELF_FIELDS
    form = OrganisationForm(request.POST or None, organisation=organisation, fields=fields)

    def on_error(error: ApplicationError) -> None:
        add_service_error(form, error)
        organisation.refresh_from_db()  # the page shows the organisation as it is

    submitted = submit_form(
        request,
        form,
        lambda data: services.organisation_update(
            actor=request.user, organisation=organisation, **form.changed_values()
        ),
        success=_("Les informations de l'organisation ont été enregistrées."),
        redirect_to=lambda updated: updated.get_absolute_url(),
        on_error=on_error,
    )
    if submitted.response:
        return submitted.response
    # A refused form keeps the 200 this page has always answered.
    return render(request, "organisations/edit.html", {"organisation": organisation, "form": submitted.form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_members(request, slug: str):
    organisation = _organisation_for(request, "organisations.manage_members", slug)
    submitted = submit_form(
        request,
        MembershipAddForm(request.POST or None, prefix="add"),
        lambda data: services.membership_add(
            actor=request.user, organisation=organisation, email=data["email"], role=data["role"]
        ),
        success=lambda membership: (
            _("%(name)s a été ajouté(e) à l'organisation.") % {"name": membership.user.display_name}
        ),
        redirect_to=_members_url(organisation),
    )
    if submitted.response:
        return submitted.response
    members = list(selectors.organisation_members(organisation=organisation))
    active = [m for m in members if m.is_active]
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "active_members": [(m, MembershipRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in active],
            "pending": [m for m in members if not m.is_active],
            "add_form": submitted.form,
        },
        # A refusal keeps the 400 this page has always answered (an unknown address is a 404 in the API).
        status=400 if submitted.error else submitted.status,
    )


@require_POST
@login_required
def member_role(request, slug: str, pk: int):
    organisation = _organisation_for(request, "organisations.manage_members", slug)
    membership = _membership_in(organisation, pk)
    form = MembershipRoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
        return redirect(_members_url(organisation))
    name = membership.user.display_name
    return submit_action(
        request,
        lambda: services.membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        ),
        success=elide(_("Le rôle de %(name)s a été enregistré.") % {"name": name}, name),
        redirect_to=_members_url(organisation),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def member_remove(request, slug: str, pk: int):
    organisation = _organisation_for(request, "organisations.manage_members", slug)
    membership = _membership_in(organisation, pk)
    if request.method != "POST":
        return render(
            request, "organisations/member_remove.html", {"organisation": organisation, "membership": membership}
        )
    return submit_action(
        request,
        lambda: services.membership_remove(actor=request.user, membership=membership),
        success=_("%(name)s ne fait plus partie de l'organisation.") % {"name": membership.user.display_name},
        redirect_to=_members_url(organisation),
    )


@require_POST
@login_required
def member_decide(request, slug: str, pk: int):
    organisation = _organisation_for(request, "organisations.manage_members", slug)
    membership = _membership_in(organisation, pk)
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
        return redirect(_members_url(organisation))
    approve = form.cleaned_data["decision"] == "accept"
    name = membership.user.display_name
    done = _("La demande de %(name)s est acceptée.") if approve else _("La demande de %(name)s est refusée.")
    return submit_action(
        request,
        lambda: services.membership_decide(actor=request.user, membership=membership, approve=approve),
        success=elide(done % {"name": name}, name),
        redirect_to=_members_url(organisation),
    )


@require_POST
@login_required
def membership_request(request, slug: str):
    organisation = _organisation_for(request, "organisations.view_organisation", slug)
    return submit_action(
        request,
        lambda: services.membership_request(actor=request.user, organisation=organisation),
        success=elide(
            _("Votre demande a été envoyée. Un administrateur de %(name)s va l'examiner.")
            % {"name": organisation.name},
            organisation.name,
        ),
        redirect_to=organisation.get_absolute_url(),
    )


@require_POST
@login_required
def leave(request, slug: str):
    organisation = _organisation_for(request, "organisations.view_organisation", slug)
    membership = selectors.membership_of(user=request.user, organisation=organisation)
    if membership is None:
        raise Http404
    require(request.user, "organisations.leave", membership)
    if membership.is_active:
        done = _("Vous avez quitté %(name)s.") % {"name": organisation.name}
    else:
        done = _("Votre demande pour rejoindre %(name)s est retirée.") % {"name": organisation.name}

    def leave_organisation() -> None:
        services.membership_remove(actor=request.user, membership=membership)
        if request.session.get(SESSION_KEY) == organisation.pk:
            del request.session[SESSION_KEY]

    def afterwards(_result) -> str:
        if can(request.user, "organisations.view_organisation", organisation):
            return organisation.get_absolute_url()
        return reverse("organisations:list")

    return submit_action(
        request,
        leave_organisation,
        success=done,
        redirect_to=afterwards,
        error_redirect_to=organisation.get_absolute_url(),
    )


@require_POST
@login_required
def switch(request):
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise Http404
    organisation = get_object_for(
        request.user, "organisations.act_for", Organisation, pk=form.cleaned_data["organisation"]
    )
    request.session[SESSION_KEY] = organisation.pk
    messages.success(request, _("Vous agissez maintenant pour %(name)s.") % {"name": organisation.name})
    return HttpResponseRedirect(safe_next(request, form.cleaned_data["next"], _dashboard_url()))


def dashboard_section(request) -> dict:
    """The "Mes organisations" block of "Mon espace"."""
    return {"memberships": list(selectors.memberships_of(user=request.user)), "current": request.organisation}
