"""Participation pages of the organisation's editors for participatory budgets: the budgets of a process and their
rules, their projects (written or taken from a proposal), the paper ballots, computing and publishing the results.

Thin views: ask permission (`get_process(manage=True)`: a 404 for anyone else), hand the form and the service call
to `submit_form` (or the button's call to `submit_action`), render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation.forms.budgets import BudgetForm, PaperBallotsForm, ProjectForm, ProposalImportForm
from auzolan.participation.models import Budget, Project
from auzolan.participation.selectors import budgets as selectors
from auzolan.participation.services import budgets as services
from auzolan.participation.views.budget_common import get_budget
from auzolan.participation.views.common import get_process


def _budget_url(budget: Budget) -> str:
    return reverse("participation:manage_budget", kwargs={"slug": budget.process.slug, "pk": budget.pk})


def _results_url(budget: Budget) -> str:
    return reverse("participation:budget_results", kwargs={"slug": budget.process.slug, "pk": budget.pk})


def _project(budget: Budget, project_pk: int) -> Project:
    project = Project.objects.filter(budget=budget, pk=project_pk).select_related("budget").first()
    if project is None:
        raise Http404
    project.budget = budget
    return project


# --- Budgets --------------------------------------------------------------------------------------------------


@require_safe
@login_required
def manage_budgets(request, slug: str):
    process = get_process(request, slug, manage=True)
    return render(
        request,
        "participation/budgets/manage_list.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budgets": list(selectors.budget_list(process)),
            "voting_open": services.voting_open(process),
            "creation_refusal": services.budget_creation_refusal(process),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_budget_create(request, slug: str):
    process = get_process(request, slug, manage=True)
    refusal = services.budget_creation_refusal(process)
    if refusal:
        messages.error(request, refusal)
        return redirect("participation:manage_budgets", slug=slug)
    submitted = submit_form(
        request,
        BudgetForm(request.POST or None, process=process),
        lambda data: services.budget_create(actor=request.user, process=process, **data),
        success=_("Le budget est créé. Ajoutez-lui maintenant ses projets."),
        redirect_to=_budget_url,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/manage_budget_form.html",
        {"process": process, "process_url": process.get_absolute_url(), "form": submitted.form, "budget": None},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_budget(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    frozen = services.rules_frozen(budget)

    def update(data: dict) -> Budget:
        if frozen:  # the disabled fields keep their values: only the texts are sent
            data = {name: value for name, value in data.items() if name in ("title", "description")}
        return services.budget_update(actor=request.user, budget=budget, **data)

    submitted = submit_form(
        request,
        BudgetForm(request.POST or None, instance=budget, process=process, frozen=frozen),
        update,
        success=_("Les modifications sont enregistrées."),
        redirect_to=_budget_url(budget),
    )
    if submitted.response:
        return submitted.response
    if request.method == "POST":
        budget = get_budget(process, pk)  # the form wrote the refused values into its instance: the stored budget
    return render(
        request,
        "participation/budgets/manage_budget.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": budget,
            "form": submitted.form,
            "frozen": frozen,
            "projects": list(selectors.budget_projects_for_managers(budget)),
            "ballots_count": selectors.ballots_count(budget),
            "voting_open": services.voting_open(process),
        },
        status=submitted.status,
    )


# --- Projects -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_create(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    submitted = submit_form(
        request,
        ProjectForm(request.POST or None),
        lambda data: services.project_create(actor=request.user, budget=budget, **data),
        success=_("Le projet est ajouté."),
        redirect_to=_budget_url(budget),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/manage_project_form.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": budget,
            "form": submitted.form,
            "project": None,
        },
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_edit(request, slug: str, pk: int, project_pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    project = _project(budget, project_pk)
    submitted = submit_form(
        request,
        ProjectForm(request.POST or None, instance=project, frozen=services.rules_frozen(budget)),
        # The stored project, not the form's instance (which holds the posted values): the service compares them.
        lambda data: services.project_update(actor=request.user, project=_project(budget, project_pk), **data),
        success=_("Le projet est enregistré."),
        redirect_to=_budget_url(budget),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/manage_project_form.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": budget,
            "form": submitted.form,
            "project": project,
        },
        status=submitted.status,
    )


@require_POST
@login_required
def manage_project_delete(request, slug: str, pk: int, project_pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    project = _project(budget, project_pk)
    return submit_action(
        request,
        lambda: services.project_delete(actor=request.user, project=project),
        success=_("Le projet est retiré du budget."),
        redirect_to=_budget_url(budget),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_import(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    submitted = submit_form(
        request,
        ProposalImportForm(request.POST or None, process=process),
        lambda data: services.project_create_from_proposal(actor=request.user, budget=budget, **data),
        success=_("La proposition est devenue un projet du budget."),
        redirect_to=_budget_url(budget),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/manage_project_import.html",
        {"process": process, "process_url": process.get_absolute_url(), "budget": budget, "form": submitted.form},
        # A proposal that is already a project (Conflict) has always been answered 400 here, like the form's errors.
        status=400 if submitted.error else submitted.status,
    )


# --- Paper ballots and results --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_paper_ballots(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    projects = list(selectors.votable_projects(budget))
    form = PaperBallotsForm(request.POST or None, projects=projects, initial={"paper_ballots": budget.paper_ballots})
    submitted = submit_form(
        request,
        form,
        lambda data: services.budget_paper_ballots_set(
            actor=request.user, budget=budget, paper_ballots=data["paper_ballots"], votes=form.votes()
        ),
        success=_("Les bulletins papier sont enregistrés. Calculez de nouveau les résultats."),
        redirect_to=_budget_url(budget),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/manage_paper.html",
        {"process": process, "process_url": process.get_absolute_url(), "budget": budget, "form": submitted.form},
        status=submitted.status,
    )


@require_POST
@login_required
def manage_compute_results(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    return submit_action(
        request,
        lambda: services.budget_compute_results(actor=request.user, budget=budget),
        success=_("Les résultats sont calculés. Vérifiez-les avant de les publier."),
        redirect_to=_results_url(budget),
        error_redirect_to=_budget_url(budget),
    )


@require_POST
@login_required
def manage_publish_results(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    budget = get_budget(process, pk)
    return submit_action(
        request,
        lambda: services.budget_publish_results(actor=request.user, budget=budget),
        success=_("Les résultats sont publiés."),
        redirect_to=_results_url(budget),
        error_redirect_to=_budget_url(budget),
    )


urlpatterns = [
    path("gerer/<slug:slug>/budgets/", manage_budgets, name="manage_budgets"),
    path("gerer/<slug:slug>/budgets/nouveau/", manage_budget_create, name="manage_budget_create"),
    path("gerer/<slug:slug>/budgets/<int:pk>/", manage_budget, name="manage_budget"),
    path("gerer/<slug:slug>/budgets/<int:pk>/projets/nouveau/", manage_project_create, name="manage_project_create"),
    path(
        "gerer/<slug:slug>/budgets/<int:pk>/projets/depuis-une-proposition/",
        manage_project_import,
        name="manage_project_import",
    ),
    path(
        "gerer/<slug:slug>/budgets/<int:pk>/projets/<int:project_pk>/", manage_project_edit, name="manage_project_edit"
    ),
    path(
        "gerer/<slug:slug>/budgets/<int:pk>/projets/<int:project_pk>/supprimer/",
        manage_project_delete,
        name="manage_project_delete",
    ),
    path("gerer/<slug:slug>/budgets/<int:pk>/bulletins-papier/", manage_paper_ballots, name="manage_paper_ballots"),
    path(
        "gerer/<slug:slug>/budgets/<int:pk>/resultats/calculer/", manage_compute_results, name="manage_compute_results"
    ),
    path(
        "gerer/<slug:slug>/budgets/<int:pk>/resultats/publier/", manage_publish_results, name="manage_publish_results"
    ),
]
