"""The managers' pages (agency staff, the organisation running an experiment): the list, the creation form, the
experiment's page with its cohorts, items and waves, the report, the decisions and their history; and the teacher's
page of a cohort (its codes sheet and participation counts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.impact import charts, codes, lifecycle, report, selectors, services
from auzolan.impact.forms import (
    CodesForm,
    CohortEditForm,
    CohortForm,
    DecisionForm,
    ExperimentCreateForm,
    InstrumentForm,
    ItemEditForm,
    ItemForm,
    WaveEditForm,
    WaveForm,
)
from auzolan.impact.models import Cohort, Decision, Experiment, Item, Wave
from auzolan.impact.rules import managed_organisations
from auzolan.organisations.models import Organisation


def _posted(request):
    return request.POST if request.method == "POST" else None


def manage_url(experiment: Experiment) -> str:
    return reverse("impact:manage", args=[experiment.slug])


def _experiment(request, slug: str, action: str = "impact.change_experiment") -> Experiment:
    return get_object_for(request.user, action, selectors.experiment_detail_queryset(), slug=slug)


def report_context(experiment: Experiment, data: dict | None = None) -> dict:
    data = data or report.experiment_report(experiment=experiment)
    drawings = {
        outcome["key"]: charts.means_chart(
            slug=f"{experiment.slug}-{index}",
            outcome=outcome,
            waves=data["waves"],
            scale=data["scale"],
        )
        for index, outcome in enumerate(data["outcomes"])
    }
    for outcome in data["outcomes"]:
        outcome["chart"] = drawings[outcome["key"]]
    return {"report": data}


@require_safe
@login_required
def manage_list(request):
    if not can(request.user, "impact.add_experiment"):
        raise Http404
    return render(
        request,
        "impact/manage/list.html",
        {"experiments": list(selectors.experiments_managed(user=request.user))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def experiment_create(request):
    if not can(request.user, "impact.add_experiment"):
        raise Http404
    organisations = Organisation.objects.order_by("name")
    if not request.user.is_staff:
        organisations = organisations.filter(pk__in=managed_organisations(request.user))
    form = ExperimentCreateForm(_posted(request), organisations=organisations)
    submitted = submit_form(
        request,
        form,
        lambda data: services.experiment_create(actor=request.user, **data),
        success=_("L'expérimentation est créée. Ajoutez ses groupes, son questionnaire et ses temps de mesure."),
        redirect_to=manage_url,
    )
    if submitted.response:
        return submitted.response
    return render(request, "impact/manage/create.html", {"form": submitted.form}, status=submitted.status)


def _instrument_initial(experiment: Experiment) -> dict:
    instrument = experiment.instrument
    return {
        "title": instrument.title,
        "scale": instrument.scale,
        "scale_min": instrument.scale_min,
        "scale_max": instrument.scale_max,
    }


def _manage_page(request, experiment: Experiment, status: int = 200, **forms):
    refusal = services.structure_refusal(experiment=experiment)
    context = {
        "experiment": experiment,
        "cohorts": selectors.cohorts_with_counts(experiment=experiment),
        "waves": selectors.waves(experiment=experiment),
        "items": selectors.items(experiment=experiment),
        "cohort_form": forms.get("cohort_form") or CohortForm(experiment=experiment),
        "item_form": forms.get("item_form") or ItemForm(experiment=experiment),
        "wave_form": forms.get("wave_form") or WaveForm(),
        "transitions": lifecycle.allowed(experiment),
        "editable": not refusal,
        "structure_refusal": refusal,
        "item_refusal": services.item_change_refusal(experiment=experiment),
        "instrument_form": forms.get("instrument_form") or InstrumentForm(initial=_instrument_initial(experiment)),
    }
    return render(request, "impact/manage/experiment.html", context, status=status)


@require_safe
@login_required
def experiment_manage(request, slug: str):
    return _manage_page(request, _experiment(request, slug))


def _add(request, slug: str, form_class, name: str, call, success: str):
    experiment = _experiment(request, slug)
    form = form_class(request.POST, **({"experiment": experiment} if form_class in (CohortForm, ItemForm) else {}))
    submitted = submit_form(
        request,
        form,
        lambda data: call(experiment, data),
        success=success,
        redirect_to=manage_url(experiment),
    )
    if submitted.response:
        return submitted.response
    return _manage_page(request, experiment, submitted.status, **{name: submitted.form})


@require_POST
@login_required
def cohort_add(request, slug: str):
    return _add(
        request,
        slug,
        CohortForm,
        "cohort_form",
        lambda experiment, data: services.cohort_add(actor=request.user, experiment=experiment, **data),
        _("Le groupe est ajouté."),
    )


@require_POST
@login_required
def item_add(request, slug: str):
    return _add(
        request,
        slug,
        ItemForm,
        "item_form",
        lambda experiment, data: services.item_add(actor=request.user, experiment=experiment, **data),
        _("L'item est ajouté au questionnaire."),
    )


@require_POST
@login_required
def wave_add(request, slug: str):
    return _add(
        request,
        slug,
        WaveForm,
        "wave_form",
        lambda experiment, data: services.wave_add(actor=request.user, experiment=experiment, **data),
        _("Le temps de mesure est ajouté."),
    )


@require_POST
@login_required
def instrument_update(request, slug: str):
    return _add(
        request,
        slug,
        InstrumentForm,
        "instrument_form",
        lambda experiment, data: services.instrument_update(actor=request.user, experiment=experiment, **data),
        _("Le questionnaire est modifié."),
    )


def _edit_page(
    request, experiment: Experiment, form, call, *, success: str, heading: str, notice: str = "", refusal: str = ""
):
    """An edit form of the management pages: the form and what can no longer change (`notice`), or only why nothing
    can change (`refusal`, by default when the experiment is closed); back to the experiment when saved."""
    refusal = refusal or services.structure_refusal(experiment=experiment)
    submitted = submit_form(request, form, call, success=success, redirect_to=manage_url(experiment))
    if submitted.response:
        return submitted.response
    context = {
        "experiment": experiment,
        "form": submitted.form,
        "heading": heading,
        "notice": refusal or notice,
        "read_only": bool(refusal),
    }
    return render(request, "impact/manage/edit.html", context, status=submitted.status)


def _delete_page(request, experiment: Experiment, call, *, refusal: str, success: str, heading: str, warning: str):
    """A deletion: GET asks for confirmation (or says why it is refused), POST deletes and goes back."""
    if request.method == "POST":
        return submit_action(request, call, success=success, redirect_to=manage_url(experiment))
    context = {"experiment": experiment, "heading": heading, "warning": warning, "refusal": refusal}
    return render(request, "impact/manage/delete.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_edit(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    cohort = get_object_or_404(Cohort, experiment=experiment, pk=pk)
    initial = {"name": cohort.name, "kind": cohort.kind, "teacher": cohort.teacher_id}
    form = CohortEditForm(_posted(request), initial=initial, experiment=experiment)
    answered = selectors.cohort_answered(cohort=cohort)
    return _edit_page(
        request,
        experiment,
        form,
        lambda data: services.cohort_update(actor=request.user, cohort=cohort, **data),
        success=_("Le groupe est modifié."),
        heading=_("Modifier le groupe « %(name)s »") % {"name": cohort.name},
        notice=_(
            "Des élèves de ce groupe ont déjà répondu : son rôle ne peut plus changer, son nom et son enseignant "
            "référent si."
        )
        if answered
        else "",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_delete(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    cohort = get_object_or_404(Cohort, experiment=experiment, pk=pk)
    codes_count = cohort.codes.count()
    return _delete_page(
        request,
        experiment,
        lambda: services.cohort_delete(actor=request.user, cohort=cohort),
        refusal=services.cohort_deletion_refusal(cohort=cohort),
        success=_("Le groupe « %(name)s » est supprimé.") % {"name": cohort.name},
        heading=_("Supprimer le groupe « %(name)s » ?") % {"name": cohort.name},
        warning=ngettext(
            "Le groupe et son code élève seront supprimés définitivement : une étiquette déjà imprimée ne "
            "fonctionnera plus.",
            "Le groupe et ses %(n)s codes élèves seront supprimés définitivement : les étiquettes déjà imprimées ne "
            "fonctionneront plus.",
            codes_count,
        )
        % {"n": codes_count}
        if codes_count
        else _("Le groupe sera supprimé définitivement (il n'a encore aucun code élève)."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def wave_edit(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    wave = get_object_or_404(Wave, experiment=experiment, pk=pk)
    initial = {"kind": wave.kind, "opens_on": wave.opens_on, "closes_on": wave.closes_on}
    answered = wave.responses.exists()
    return _edit_page(
        request,
        experiment,
        WaveEditForm(_posted(request), initial=initial),
        lambda data: services.wave_update(actor=request.user, wave=wave, **data),
        success=_("Le temps de mesure est modifié."),
        heading=_("Modifier le temps de mesure « %(kind)s »") % {"kind": wave.get_kind_display()},
        notice=_(
            "Des élèves ont déjà répondu à ce temps de mesure : il reste « %(kind)s », seules ses dates peuvent "
            "être corrigées."
        )
        % {"kind": wave.get_kind_display()}
        if answered
        else "",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def wave_delete(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    wave = get_object_or_404(Wave, experiment=experiment, pk=pk)
    return _delete_page(
        request,
        experiment,
        lambda: services.wave_delete(actor=request.user, wave=wave),
        refusal=services.wave_deletion_refusal(wave=wave),
        success=_("Le temps de mesure « %(kind)s » est supprimé.") % {"kind": wave.get_kind_display()},
        heading=_("Supprimer le temps de mesure « %(kind)s » ?") % {"kind": wave.get_kind_display()},
        warning=_("Le temps de mesure sera supprimé définitivement (aucun élève n'y a répondu)."),
    )


def _item(experiment: Experiment, pk: int) -> Item:
    return get_object_or_404(Item.objects.select_related("competence"), instrument__experiment=experiment, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_edit(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    item = _item(experiment, pk)
    initial = {"competence": item.competence_id, "text": item.text, "reverse_scored": item.reverse_scored}
    return _edit_page(
        request,
        experiment,
        ItemEditForm(_posted(request), initial=initial, experiment=experiment),
        lambda data: services.item_update(actor=request.user, item=item, **data),
        success=_("L'item est modifié."),
        heading=_("Modifier l'item « %(text)s »") % {"text": item.text},
        refusal=services.item_change_refusal(experiment=experiment),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_delete(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    item = _item(experiment, pk)
    return _delete_page(
        request,
        experiment,
        lambda: services.item_delete(actor=request.user, item=item),
        refusal=services.item_change_refusal(experiment=experiment),
        success=_("L'item « %(text)s » est retiré du questionnaire.") % {"text": item.text},
        heading=_("Retirer l'item « %(text)s » ?") % {"text": item.text},
        warning=_("L'item sera retiré du questionnaire définitivement ; les suivants remontent d'un rang."),
    )


@require_POST
@login_required
def wave_toggle(request, slug: str, pk: int):
    experiment = _experiment(request, slug)
    wave = get_object_or_404(Wave, experiment=experiment, pk=pk)
    opening = not wave.is_open
    return submit_action(
        request,
        lambda: services.wave_set_open(actor=request.user, wave=wave, is_open=opening),
        success=_("Le questionnaire est ouvert aux élèves.") if opening else _("Le questionnaire est fermé."),
        redirect_to=manage_url(experiment),
    )


@require_POST
@login_required
def experiment_transition(request, slug: str, name: str):
    experiment = _experiment(request, slug)
    transition = next((t for t in lifecycle.EXPERIMENT_TRANSITIONS if t.name == name), None)
    if transition is None:
        raise Http404
    return submit_action(
        request,
        lambda: services.experiment_transition(actor=request.user, experiment=experiment, name=name),
        success=str(transition.message),
        redirect_to=manage_url(experiment),
    )


@require_POST
@login_required
def results_toggle(request, slug: str):
    experiment = _experiment(request, slug)
    public = not experiment.results_public
    return submit_action(
        request,
        lambda: services.results_set_public(actor=request.user, experiment=experiment, public=public),
        success=_("Les résultats agrégés sont publiés.") if public else _("Les résultats ne sont plus publiés."),
        redirect_to=manage_url(experiment),
    )


@require_safe
@login_required
def experiment_report(request, slug: str):
    experiment = _experiment(request, slug, "impact.view_report")
    context = {"experiment": experiment, **report_context(experiment)}
    return render(request, "impact/manage/report.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def decisions(request, slug: str):
    experiment = _experiment(request, slug, "impact.decide")
    form = DecisionForm(_posted(request), initial={"decided_on": timezone.localdate()})
    submitted = submit_form(
        request,
        form,
        lambda data: services.decision_record(actor=request.user, experiment=experiment, **data),
        success=_("La décision est enregistrée avec le rapport de ce jour."),
        redirect_to=reverse("impact:decisions", args=[experiment.slug]),
    )
    if submitted.response:
        return submitted.response
    context = {
        "experiment": experiment,
        "form": submitted.form,
        "decisions": list(selectors.decisions(experiment=experiment)),
    }
    return render(request, "impact/manage/decisions.html", context, status=submitted.status)


@require_safe
@login_required
def decision_detail(request, slug: str, pk: int):
    experiment = _experiment(request, slug, "impact.decide")
    decision = get_object_or_404(Decision, experiment=experiment, pk=pk)
    context = {"experiment": experiment, "decision": decision}
    if decision.report.get("outcomes") is not None:
        context |= report_context(experiment, decision.report)
    return render(request, "impact/manage/decision.html", context)


@require_safe
@login_required
def my_cohorts(request):
    return render(
        request, "impact/manage/my_cohorts.html", {"cohorts": list(selectors.cohorts_taught(user=request.user))}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_codes(request, pk: int):
    cohort = get_object_for(request.user, "impact.view_cohort", Cohort.objects.select_related("experiment"), pk=pk)
    experiment = cohort.experiment
    may_generate = can(request.user, "impact.change_experiment", experiment)
    form = CodesForm(_posted(request) if may_generate else None)
    if request.method == "POST" and not may_generate:
        raise Http404
    submitted = submit_form(
        request,
        form,
        lambda data: services.codes_generate(actor=request.user, cohort=cohort, **data),
        success=lambda created: _("%(n)s codes sont créés.") % {"n": len(created)},
        redirect_to=reverse("impact:cohort_codes", args=[cohort.pk]),
    )
    if submitted.response:
        return submitted.response
    rows = [{"code": codes.format_code(c.code), "answered": c.answered} for c in selectors.cohort_codes(cohort=cohort)]
    context = {
        "cohort": cohort,
        "experiment": experiment,
        "codes": rows,
        "waves": [
            {"label": wave.get_kind_display(), "count": count}
            for wave, count in selectors.cohort_participation(cohort=cohort)
        ],
        "form": submitted.form if may_generate else None,
        "answer_url": request.build_absolute_uri(reverse("impact:answer")),
    }
    return render(request, "impact/manage/cohort_codes.html", context, status=submitted.status)


urlpatterns = [
    path("experimentations/gestion/", manage_list, name="manage_list"),
    path("experimentations/gestion/nouvelle/", experiment_create, name="create"),
    path("experimentations/gestion/<slug:slug>/", experiment_manage, name="manage"),
    path("experimentations/gestion/<slug:slug>/groupes/", cohort_add, name="cohort_add"),
    path("experimentations/gestion/<slug:slug>/groupes/<int:pk>/modifier/", cohort_edit, name="cohort_edit"),
    path("experimentations/gestion/<slug:slug>/groupes/<int:pk>/supprimer/", cohort_delete, name="cohort_delete"),
    path("experimentations/gestion/<slug:slug>/items/", item_add, name="item_add"),
    path("experimentations/gestion/<slug:slug>/items/<int:pk>/modifier/", item_edit, name="item_edit"),
    path("experimentations/gestion/<slug:slug>/items/<int:pk>/supprimer/", item_delete, name="item_delete"),
    path("experimentations/gestion/<slug:slug>/temps/", wave_add, name="wave_add"),
    path("experimentations/gestion/<slug:slug>/questionnaire/", instrument_update, name="instrument_update"),
    path("experimentations/gestion/<slug:slug>/temps/<int:pk>/ouverture/", wave_toggle, name="wave_toggle"),
    path("experimentations/gestion/<slug:slug>/temps/<int:pk>/modifier/", wave_edit, name="wave_edit"),
    path("experimentations/gestion/<slug:slug>/temps/<int:pk>/supprimer/", wave_delete, name="wave_delete"),
    path("experimentations/gestion/<slug:slug>/publication/", results_toggle, name="results_toggle"),
    path("experimentations/gestion/<slug:slug>/etat/<slug:name>/", experiment_transition, name="transition"),
    path("experimentations/gestion/<slug:slug>/rapport/", experiment_report, name="report"),
    path("experimentations/gestion/<slug:slug>/decisions/", decisions, name="decisions"),
    path("experimentations/gestion/<slug:slug>/decisions/<int:pk>/", decision_detail, name="decision"),
    path("experimentations/mes-groupes/", my_cohorts, name="my_cohorts"),
    path("experimentations/groupes/<int:pk>/codes/", cohort_codes, name="cohort_codes"),
]
