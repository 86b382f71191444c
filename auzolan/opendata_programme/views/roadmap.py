"""An organisation's programme page: its roadmap (steps done, computed or checked by the agency, and what to do
next), its legal obligation, its pilot groups and referents; the agency checks steps and decides the obligation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.opendata_programme import selectors, services
from auzolan.opendata_programme.forms import ObligationForm, ReferentsForm, StepCheckForm
from auzolan.opendata_programme.models import PilotGroupMember, RoadmapStep, StepCheck
from auzolan.opendata_programme.views.common import organisation_for

LINKS = {
    RoadmapStep.Link.REFERENTS: ("opendata_programme:roadmap", True, "#referents"),
    RoadmapStep.Link.INVENTORY: ("opendata_programme:inventory", True, ""),
    RoadmapStep.Link.DATASET: ("catalog:dataset_create", False, ""),
    RoadmapStep.Link.DATASETS: ("organisations:detail", True, ""),
    RoadmapStep.Link.REUSES: ("catalog:reuse_list", False, ""),
    RoadmapStep.Link.DATAGOUV: ("catalog:dcat_help", False, ""),
    RoadmapStep.Link.SUPPORT: ("opendata_programme:support", True, ""),
}


def step_link(step: RoadmapStep, organisation) -> str:
    """Where to do the step (an address of the platform), or ""."""
    target = LINKS.get(step.link)
    if target is None:
        return ""
    name, with_slug, anchor = target
    try:
        url = reverse(name, kwargs={"slug": organisation.slug}) if with_slug else reverse(name)
    except NoReverseMatch:
        return ""
    return url + anchor


@require_safe
@login_required
def roadmap(request, slug: str):
    organisation = organisation_for(request, slug)
    road = selectors.roadmap(organisation)
    next_step = road.next_step
    memberships = selectors.membership_in_groups(organisation)
    return render(
        request,
        "opendata_programme/roadmap.html",
        {
            "organisation": organisation,
            "roadmap": road,
            "next_step": next_step,
            "next_link": step_link(next_step.step, organisation) if next_step else "",
            "obligation": selectors.obligation(organisation),
            "memberships": memberships,
            "can_check": can(request.user, "opendata_programme.check_step", organisation),
            "can_name": can(request.user, "opendata_programme.name_referents", organisation),
            "can_override": can(request.user, "opendata_programme.set_obligation", organisation),
        },
    )


def _step(request, slug: str, step: int, action: str):
    organisation = organisation_for(request, slug, action)
    step = selectors.step_for_check(step)
    if step is None:
        raise Http404
    return organisation, step


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def step_check(request, slug: str, step: int):
    organisation, step = _step(request, slug, step, "opendata_programme.check_step")
    form = StepCheckForm(request.POST or None, request.FILES or None)
    submitted = submit_form(
        request,
        form,
        lambda data: services.step_check(actor=request.user, organisation=organisation, step=step, **data),
        success=_("L'étape « %(step)s » est validée.") % {"step": step.title},
        redirect_to=reverse("opendata_programme:roadmap", kwargs={"slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/step_check.html",
        {"organisation": organisation, "step": step, "form": submitted.form},
        status=submitted.status,
    )


@require_POST
@login_required
def step_uncheck(request, slug: str, step: int):
    organisation, step = _step(request, slug, step, "opendata_programme.check_step")
    return submit_action(
        request,
        lambda: services.step_uncheck(actor=request.user, organisation=organisation, step=step),
        success=_("La validation de l'étape est retirée."),
        redirect_to=reverse("opendata_programme:roadmap", kwargs={"slug": organisation.slug}),
    )


@require_safe
@login_required
def step_evidence(request, slug: str, step: int):
    organisation, step = _step(request, slug, step, "opendata_programme.view_roadmap")
    check = get_object_or_404(StepCheck, organisation=organisation, step=step)
    if not check.evidence_file:
        raise Http404
    try:
        handle = check.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=check.evidence_file.name.rsplit("/", 1)[-1])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def obligation(request, slug: str):
    organisation = organisation_for(request, slug, "opendata_programme.set_obligation")
    override = selectors.override_of(organisation)
    initial = {"decision": "rule"}
    if override is not None:
        initial = {"decision": "bound" if override.bound else "not_bound", "reason": override.reason}
    form = ObligationForm(request.POST or None, initial=initial)
    submitted = submit_form(
        request,
        form,
        lambda data: services.obligation_override(
            actor=request.user, organisation=organisation, **form.cleaned_decision()
        ),
        success=_("La décision sur l'obligation est enregistrée."),
        redirect_to=reverse("opendata_programme:roadmap", kwargs={"slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/obligation_form.html",
        {
            "organisation": organisation,
            "form": submitted.form,
            "rule": selectors.obligation_of(organisation, None),
        },
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def referents(request, slug: str, member: int):
    organisation = organisation_for(request, slug, "opendata_programme.name_referents")
    member = get_object_or_404(
        PilotGroupMember.objects.for_organisation(organisation).select_related("group", "organisation"), pk=member
    )
    candidates = get_user_model().objects.filter(pk__in=selectors.referent_candidates(organisation).values("user_id"))
    form = ReferentsForm(
        request.POST or None,
        candidates=candidates,
        initial={"elected_referent": member.elected_referent_id, "agent_referent": member.agent_referent_id},
    )
    submitted = submit_form(
        request,
        form,
        lambda data: services.referents_set(actor=request.user, member=member, **data),
        success=_("Les référents sont enregistrés."),
        redirect_to=reverse("opendata_programme:roadmap", kwargs={"slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "opendata_programme/referents_form.html",
        {"organisation": organisation, "member": member, "form": submitted.form},
        status=submitted.status,
    )


PREFIX = "organisations/<slug:slug>/programme-open-data/"
urlpatterns = [
    path(PREFIX, roadmap, name="roadmap"),
    path(PREFIX + "etapes/<int:step>/valider/", step_check, name="step_check"),
    path(PREFIX + "etapes/<int:step>/annuler/", step_uncheck, name="step_uncheck"),
    path(PREFIX + "etapes/<int:step>/preuve/", step_evidence, name="step_evidence"),
    path(PREFIX + "obligation/", obligation, name="obligation"),
    path(PREFIX + "referents/<int:member>/", referents, name="referents"),
]
