"""Participation pages: the public list and page of processes, and the organisations' management screens.

Thin views: parse input, ask permission, call one service or selector, render. A process or an organisation out of
the person's reach is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.registry import Figure, page_sections
from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation import lifecycle
from auzolan.participation import phases as phase_types
from auzolan.participation import templates as blueprints
from auzolan.participation.forms.processes import (
    CategoryForm,
    DistrictForm,
    PhaseForm,
    ProcessCreateForm,
    ProcessEditForm,
    ProcessFilterForm,
)
from auzolan.participation.models import Category, District, Guide, Phase, Process
from auzolan.participation.selectors import processes as selectors
from auzolan.participation.services import processes as services
from auzolan.participation.views.common import get_process, what_one_can_do

PAGE_SIZE = 20


class ProcessSlugConverter:
    """A process slug directly under /participer/ — but not the words the other participation pages use."""

    regex = r"(?!(?:" + "|".join(sorted(services.RESERVED_SLUGS)) + r")/)[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ProcessSlugConverter, "process_slug")


# --- Public pages --------------------------------------------------------------------------------------------


@require_safe
def process_list(request):
    organisations = list(selectors.organisations_with_processes())
    form = ProcessFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    processes = selectors.public_process_list(
        theme=filters.get("theme", ""), organisation=filters.get("organisation", ""), period=filters.get("period", "")
    )
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "process": p,
            "phase": next((ph for ph in p.phases.all() if ph.is_active(now)), None),
            "upcoming": p.first_start is not None and p.first_start > now,
        }
        for p in page
    ]
    return render(
        request,
        "participation/processes/list.html",
        {"form": form, "page": page, "rows": rows, "filtered": bool(filters and any(filters.values()))},
    )


def _calendar(process: Process, now) -> list[dict]:
    current = process.active_phase(now)
    return [
        {
            "phase": phase,
            "status": "current" if phase == current else ("past" if phase.end_at <= now else "upcoming"),
            "actions": [phase_types.ACTION_LABELS[a] for a in phase_types.ACTIONS if a in phase.type.actions],
        }
        for phase in process.phases.all()
    ]


@require_safe
def process_detail(request, slug: str):
    process = get_process(request, slug, queryset=selectors.process_detail_queryset())
    now = timezone.now()
    return render(
        request,
        "participation/processes/detail.html",
        {
            "process": process,
            "calendar": _calendar(process, now),
            "current_phase": process.active_phase(now),
            "actions_now": what_one_can_do(request.user, process) if process.state == Process.State.PUBLISHED else [],
            "sections": page_sections("participation_process", request, process),
            "can_manage": can(request.user, "participation.change_process", process),
        },
    )


# --- Management screens --------------------------------------------------------------------------------------


def _organisation_for(request, org_slug: str):
    organisation = get_object_or_404(selectors.manageable_organisations(user=request.user), slug=org_slug)
    if not can(request.user, "participation.create_process", organisation):
        raise Http404
    return organisation


def _manage_url(process: Process) -> str:
    return reverse("participation:process_manage", kwargs={"org_slug": process.organisation.slug, "slug": process.slug})


def _guides():
    return list(Guide.objects.only("slug", "title", "summary", "related_template").order_by("position", "title"))


@require_safe
@login_required
def manage_home(request):
    organisations = list(selectors.manageable_organisations(user=request.user))
    if not organisations:
        raise Http404
    if len(organisations) == 1:
        return redirect("participation:manage_organisation", org_slug=organisations[0].slug)
    return render(request, "participation/processes/manage_home.html", {"organisations": organisations})


@require_safe
@login_required
def manage_organisation(request, org_slug: str):
    organisation = _organisation_for(request, org_slug)
    return render(
        request,
        "participation/processes/manage_organisation.html",
        {
            "organisation": organisation,
            "processes": list(selectors.organisation_process_list(organisation=organisation)),
            "guides": _guides(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def process_create(request, org_slug: str):
    organisation = _organisation_for(request, org_slug)
    initial = {"template": request.GET.get("modele", "idea_box")}
    submitted = submit_form(
        request,
        ProcessCreateForm(request.POST or None, request.FILES or None, organisation=organisation, initial=initial),
        lambda data: services.process_create(actor=request.user, organisation=organisation, **data),
        success=_("La démarche est créée en brouillon. Vérifiez ses phases avant de la publier."),
        redirect_to=_manage_url,
        duplicate=_("Ce formulaire a déjà été envoyé."),
        duplicate_redirect_to=reverse("participation:manage_organisation", kwargs={"org_slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    guides = _guides()
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/processes/create.html",
        {
            "organisation": organisation,
            "form": submitted.form,
            "blueprints": [
                {"blueprint": b, "guides": [g for g in guides if g.related_template == b.template]}
                for b in blueprints.BLUEPRINTS.values()
            ],
            "guides": guides,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def process_manage(request, org_slug: str, slug: str):
    process = get_process(request, slug, manage=True, org_slug=org_slug, queryset=selectors.manage_process_queryset())
    submitted = submit_form(
        request,
        ProcessEditForm(request.POST or None, request.FILES or None, process=process),
        lambda data: services.process_update(actor=request.user, process=process, **data),
        success=_("La démarche est enregistrée."),
        redirect_to=_manage_url,
    )
    if submitted.response:
        return submitted.response
    now = timezone.now()
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/processes/manage_process.html",
        {
            "process": process,
            "organisation": process.organisation,
            "form": submitted.form,
            "calendar": _calendar(process, now),
            "category_form": CategoryForm(),
            "transitions": lifecycle.available_transitions(process),
            "guides": [g for g in _guides() if g.related_template in ("", process.template)],
        },
    )


@require_POST
@login_required
def process_transition(request, org_slug: str, slug: str):
    process = get_process(request, slug, manage=True, org_slug=org_slug)
    name = request.POST.get("transition", "")
    transition = lifecycle.transition_named(name)
    return submit_action(
        request,
        lambda: services.process_transition(actor=request.user, process=process, name=name),
        success=transition.message if transition else None,
        redirect_to=_manage_url(process),
    )


def _phase_page(request, process: Process, phase: Phase | None):
    """Add a phase (`phase` None) or change one. As before, the page answers 200 even when the form is refused."""

    def call(data):
        if phase is None:
            return services.phase_add(actor=request.user, process=process, **data)
        return services.phase_update(actor=request.user, phase=phase, **data)

    submitted = submit_form(
        request,
        PhaseForm(request.POST or None, phase=phase),
        call,
        success=_("La phase est ajoutée.") if phase is None else _("La phase est enregistrée."),
        redirect_to=_manage_url(process),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/processes/phase_form.html",
        {"process": process, "form": submitted.form, "phase": phase},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def phase_add(request, org_slug: str, slug: str):
    return _phase_page(request, get_process(request, slug, manage=True, org_slug=org_slug), None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def phase_edit(request, org_slug: str, slug: str, pk: int):
    process = get_process(request, slug, manage=True, org_slug=org_slug)
    return _phase_page(request, process, get_object_or_404(Phase, process=process, pk=pk))


@require_POST
@login_required
def phase_delete(request, org_slug: str, slug: str, pk: int):
    process = get_process(request, slug, manage=True, org_slug=org_slug)
    phase = get_object_or_404(Phase, process=process, pk=pk)
    return submit_action(
        request,
        lambda: services.phase_delete(actor=request.user, phase=phase),
        success=_("La phase est supprimée."),
        redirect_to=_manage_url(process),
    )


@require_POST
@login_required
def category_add(request, org_slug: str, slug: str):
    process = get_process(request, slug, manage=True, org_slug=org_slug)
    back = _manage_url(process) + "#categories"
    form = CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un nom à la catégorie (100 caractères au plus)."))
        return redirect(back)
    return submit_action(
        request,
        lambda: services.category_create(actor=request.user, process=process, name=form.cleaned_data["name"]),
        success=_("La catégorie est ajoutée."),
        redirect_to=back,
    )


@require_POST
@login_required
def category_delete(request, org_slug: str, slug: str, pk: int):
    process = get_process(request, slug, manage=True, org_slug=org_slug)
    category = get_object_or_404(Category, process=process, pk=pk)
    return submit_action(
        request,
        lambda: services.category_delete(actor=request.user, category=category),
        success=_("La catégorie est supprimée."),
        redirect_to=_manage_url(process) + "#categories",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def district_list(request, org_slug: str):
    organisation = _organisation_for(request, org_slug)
    submitted = submit_form(
        request,
        DistrictForm(request.POST or None, organisation=organisation),
        lambda data: services.district_create(actor=request.user, organisation=organisation, **data),
        success=_("Le quartier est ajouté."),
        redirect_to=reverse("participation:district_list", kwargs={"org_slug": organisation.slug}),
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/processes/districts.html",
        {
            "organisation": organisation,
            "districts": list(selectors.organisation_districts(organisation=organisation)),
            "form": submitted.form,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def district_edit(request, org_slug: str, pk: int):
    organisation = _organisation_for(request, org_slug)
    district = get_object_or_404(District.objects.for_organisation(organisation), pk=pk)
    districts_url = reverse("participation:district_list", kwargs={"org_slug": organisation.slug})
    if request.method == "POST" and request.POST.get("delete"):
        return submit_action(
            request,
            lambda: services.district_delete(actor=request.user, district=district),
            success=_("Le quartier est supprimé."),
            redirect_to=districts_url,
            error_redirect_to=request.path,
        )
    submitted = submit_form(
        request,
        DistrictForm(
            request.POST or None,
            organisation=organisation,
            initial={"name": district.name, "postal_codes": district.postal_codes, "commune": district.commune},
        ),
        lambda data: services.district_update(actor=request.user, district=district, **data),
        success=_("Le quartier est enregistré."),
        redirect_to=districts_url,
    )
    if submitted.response:
        return submitted.response
    # As before, the page answers 200 even when the form is refused.
    return render(
        request,
        "participation/processes/district_edit.html",
        {"organisation": organisation, "district": district, "form": submitted.form},
    )


# --- Blocks on shared pages ----------------------------------------------------------------------------------


def programme_section(request, programme) -> dict:
    now = timezone.now()
    current = list(selectors.public_process_list(period="current", at=now)[:5])
    return {
        "figures": selectors.published_figures(),
        "current": current,
        "can_manage": selectors.manageable_organisations(user=request.user).exists(),
    }


def home_figures() -> list[Figure]:
    figures = selectors.published_figures()
    return [
        Figure(
            label=_("démarches participatives en cours"),
            value=figures["running"] or 0,
            url=reverse("participation:process_list") + "?period=current",
        )
    ]


def image_visible(request, name: str) -> bool:
    """May this visitor see the process image stored under `name` (/media/)? When they may see the process."""
    process = Process.objects.select_related("organisation").filter(image=name).first()
    return process is not None and can(request.user, "participation.view_process", process)


P = "gerer/<slug:org_slug>/"
urlpatterns = [
    path("demarches/", process_list, name="process_list"),
    path("gerer/", manage_home, name="manage_home"),
    path(P, manage_organisation, name="manage_organisation"),
    path(P + "nouvelle/", process_create, name="process_create"),
    path(P + "quartiers/", district_list, name="district_list"),
    path(P + "quartiers/<int:pk>/", district_edit, name="district_edit"),
    path(P + "demarches/<slug:slug>/", process_manage, name="process_manage"),
    path(P + "demarches/<slug:slug>/etat/", process_transition, name="process_transition"),
    path(P + "demarches/<slug:slug>/phases/nouvelle/", phase_add, name="phase_add"),
    path(P + "demarches/<slug:slug>/phases/<int:pk>/", phase_edit, name="phase_edit"),
    path(P + "demarches/<slug:slug>/phases/<int:pk>/supprimer/", phase_delete, name="phase_delete"),
    path(P + "demarches/<slug:slug>/categories/", category_add, name="category_add"),
    path(P + "demarches/<slug:slug>/categories/<int:pk>/supprimer/", category_delete, name="category_delete"),
    path("<process_slug:slug>/", process_detail, name="process_detail"),
]
