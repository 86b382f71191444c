"""The agency's pages of the programme: the dashboard (bound organisations, stages, expected SCDL datasets, overdue
actions), pilot groups, the roadmap template and the SCDL coverage matrix (with its CSV)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.inputs import int_param
from auzolan.core.submissions import submit_action, submit_form
from auzolan.opendata_programme import exports, selectors, services
from auzolan.opendata_programme.forms import GroupMemberForm, PilotGroupForm, RoadmapStepForm
from auzolan.opendata_programme.models import PilotGroup, PilotGroupMember, RoadmapStep
from auzolan.opendata_programme.views.common import require_operator


@require_safe
@login_required
def dashboard(request):
    require_operator(request)
    only_bound = request.GET.get("filtre") == "obligees"
    return render(
        request,
        "opendata_programme/dashboard.html",
        {
            "rows": selectors.followed_organisations(only_bound=only_bound),
            "only_bound": only_bound,
            "groups": list(selectors.pilot_groups()),
            "overdue": list(selectors.overdue_actions()[:50]),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_create(request):
    require_operator(request)
    form = PilotGroupForm(request.POST or None)
    submitted = submit_form(
        request,
        form,
        lambda data: services.pilot_group_save(actor=request.user, **data),
        success=_("Le groupe pilote est créé."),
        redirect_to=lambda group: group.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return render(request, "opendata_programme/group_form.html", {"form": submitted.form}, status=submitted.status)


def _group(request, pk: int) -> PilotGroup:
    require_operator(request)
    return get_object_or_404(PilotGroup, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_edit(request, group: int):
    group = _group(request, group)
    initial = {name: getattr(group, name) for name in ("name", "start_date", "goals", "description")}
    form = PilotGroupForm(request.POST or None, initial=initial)
    submitted = submit_form(
        request,
        form,
        lambda data: services.pilot_group_save(actor=request.user, group=group, **data),
        success=_("Le groupe pilote est enregistré."),
        redirect_to=group.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "opendata_programme/group_form.html", {"form": submitted.form, "group": group}, status=submitted.status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_detail(request, group: int):
    group = _group(request, group)
    form = GroupMemberForm(request.POST or None, organisations=selectors.groupable_organisations(group))
    submitted = submit_form(
        request,
        form,
        lambda data: services.pilot_group_add_member(actor=request.user, group=group, **data),
        success=_("L'organisation a rejoint le groupe."),
        redirect_to=group.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    members = selectors.group_members(group)
    maps = selectors.roadmaps([m.organisation_id for m in members])
    return render(
        request,
        "opendata_programme/group_detail.html",
        {"group": group, "members": [(m, maps[m.organisation_id]) for m in members], "form": submitted.form},
        status=submitted.status,
    )


@require_POST
@login_required
def group_member_remove(request, group: int, member: int):
    group = _group(request, group)
    member = get_object_or_404(PilotGroupMember.objects.select_related("organisation"), pk=member, group=group)
    return submit_action(
        request,
        lambda: services.pilot_group_remove_member(actor=request.user, member=member),
        success=_("L'organisation a quitté le groupe."),
        redirect_to=group.get_absolute_url(),
    )


@require_safe
@login_required
def steps(request):
    require_operator(request)
    return render(
        request,
        "opendata_programme/steps.html",
        {
            "steps": list(RoadmapStep.objects.order_by("position", "pk")),
            "observers": dict(selectors.observer_choices()),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def step_edit(request, step: int):
    require_operator(request)
    step = get_object_or_404(RoadmapStep, pk=step)
    form = RoadmapStepForm(request.POST or None, instance=step, observer_choices=selectors.observer_choices())
    submitted = submit_form(
        request,
        form,
        lambda data: services.roadmap_step_save(actor=request.user, step=RoadmapStep.objects.get(pk=step.pk), **data),
        success=_("L'étape est enregistrée."),
        redirect_to=reverse("opendata_programme:steps"),
    )
    if submitted.response:
        return submitted.response
    return render(
        request, "opendata_programme/step_form.html", {"form": submitted.form, "step": step}, status=submitted.status
    )


def _coverage(request):
    require_operator(request)
    group_pk = int_param(request.GET.get("groupe"), minimum=1)
    group = PilotGroup.objects.filter(pk=group_pk).first() if group_pk else None
    bound_only = request.GET.get("obligation") == "oui"
    schemas, rows = selectors.coverage_matrix(group=group, bound_only=bound_only)
    return group, bound_only, schemas, rows


@require_safe
@login_required
def coverage(request):
    group, bound_only, schemas, rows = _coverage(request)
    return render(
        request,
        "opendata_programme/coverage.html",
        {
            "schemas": schemas,
            "rows": rows,
            "group": group,
            "bound_only": bound_only,
            "groups": list(selectors.pilot_groups()),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@login_required
def coverage_csv(request):
    _group, _bound, schemas, rows = _coverage(request)
    response = HttpResponse(
        exports.coverage_csv(schemas, rows, url_of=request.build_absolute_uri), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="couverture-scdl.csv"'
    return response


urlpatterns = [
    path("programme-open-data/", dashboard, name="dashboard"),
    path("programme-open-data/groupes/nouveau/", group_create, name="group_create"),
    path("programme-open-data/groupes/<int:group>/", group_detail, name="group_detail"),
    path("programme-open-data/groupes/<int:group>/modifier/", group_edit, name="group_edit"),
    path(
        "programme-open-data/groupes/<int:group>/membres/<int:member>/retirer/",
        group_member_remove,
        name="group_member_remove",
    ),
    path("programme-open-data/feuille-de-route/", steps, name="steps"),
    path("programme-open-data/feuille-de-route/<int:step>/modifier/", step_edit, name="step_edit"),
    path("programme-open-data/couverture-scdl/", coverage, name="coverage"),
    path("programme-open-data/couverture-scdl.csv", coverage_csv, name="coverage_csv"),
]
