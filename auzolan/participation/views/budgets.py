"""Participation pages: participatory budgets (vote, checkout, receipt, results, Pabulib export), one-time codes,
and the management pages of the organisation's editors.

Thin views: parse input, ask permission, call one service or selector, render. A process out of reach is a 404;
a refused service call becomes a message next to the form (never a 500).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import ApplicationError, Conflict
from auzolan.core.forms import add_service_error
from auzolan.core.http import client_ip, public_url
from auzolan.core.permissions import can
from auzolan.core.submissions import claim_submission, release_submission
from auzolan.participation import pabulib
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.budgets import (
    BudgetForm,
    CheckoutForm,
    CodeEntryForm,
    CodeGenerateForm,
    CodeRevokeForm,
    PaperBallotsForm,
    ProjectForm,
    ProposalImportForm,
    ReceiptForm,
    SelectionForm,
)
from auzolan.participation.models import AccessCode, Ballot, Budget, Project, VerificationLevel
from auzolan.participation.selectors import budgets as selectors
from auzolan.participation.services import budgets as services
from auzolan.participation.services import codes as code_services
from auzolan.participation.views import processes as process_views  # registers the process_slug converter
from auzolan.participation.views.common import get_process

SELECTION_KEY = "participation_pb_selection"
CODES_KEY = "participation_codes"
BALLOTS_KEY = "participation_ballots"


# --- Helpers ------------------------------------------------------------------------------------------------


def _process(request, slug: str, action: str = "participation.view_process"):
    return get_process(request, slug, action=action)


def _budget(process, pk: int) -> Budget:
    try:
        return selectors.budget_for(process, pk)
    except Budget.DoesNotExist:
        raise Http404 from None


def _process_url(process) -> str:
    return process.get_absolute_url()


def _code_for(request, process) -> AccessCode | None:
    code_id = request.session.get(CODES_KEY, {}).get(str(process.pk))
    if code_id is None:
        return None
    return AccessCode.objects.filter(pk=code_id, process=process).first()


def _uses_codes(process) -> bool:
    phase = process.active_phase()
    return phase is not None and phase.kind == "vote" and phase.verification == VerificationLevel.CODE


def _voter(request, process) -> tuple:
    """(user, access_code) of the person voting: a code in the session when the vote phase asks for codes."""
    if _uses_codes(process):
        return None, _code_for(request, process)
    return request.user, None


def _can_vote_here(request, process, budget) -> tuple[bool, str, str]:
    """(allowed, message, next_url) for showing the vote buttons; the service checks again when voting."""
    user, code = _voter(request, process)
    if code is not None:
        if code.used_at is not None:
            return False, _("Ce code a déjà servi à voter."), ""
        allowed = {b.pk for b in services.allowed_budgets(process, access_code=code)}
        if budget.pk not in allowed:
            return False, _("Votre code vote dans le budget d'un autre quartier."), ""
        return True, "", ""
    result = eligibility(request.user, process, "vote")
    if not result:
        return False, result.message, result.next_url
    if services.existing_ballot(process, user=user) is not None:
        return False, _("Vous avez déjà voté dans cette démarche."), ""
    if budget.pk not in {b.pk for b in services.allowed_budgets(process, user=user)}:
        return False, _("Vous votez dans le budget de votre quartier, pas dans celui-ci."), ""
    return True, "", ""


def _cast_ballot(request, process) -> Ballot | None:
    """The ballot this visitor cast in the process: the one recorded in the session (a code voter), or the account's."""
    ballot = None
    ballot_id = request.session.get(BALLOTS_KEY, {}).get(str(process.pk))
    if ballot_id is not None:
        ballot = Ballot.objects.select_related("budget").filter(pk=ballot_id, budget__process=process).first()
    if ballot is None and request.user.is_authenticated:
        ballot = services.existing_ballot(process, user=request.user)
    return ballot


def _selection(request, budget) -> list[int]:
    return [int(pid) for pid in request.session.get(SELECTION_KEY, {}).get(str(budget.pk), [])]


def _save_selection(request, budget, ids: list[int]) -> None:
    stored = dict(request.session.get(SELECTION_KEY, {}))
    stored[str(budget.pk)] = ids
    request.session[SELECTION_KEY] = stored


def _euros(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f") + "\u00a0€"


def _summary(budget: Budget, chosen: list[Project]) -> dict:
    total = sum(p.cost for p in chosen)
    summary = {
        "count": len(chosen),
        "total": total,
        "remaining": budget.envelope - total,
        "minimum": services.minimum_total(budget) if budget.rule == Budget.Rule.KNAPSACK else 0,
        "is_knapsack": budget.rule == Budget.Rule.KNAPSACK,
    }
    try:
        services.validate_selection(budget, chosen, complete=True)
    except ApplicationError as error:
        summary["problem"] = error.message
    else:
        summary["problem"] = ""
    return summary


def _client_keys(request) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    return [f"ip:{client_ip(request)}", f"session:{request.session.session_key}"]


# --- Public pages -------------------------------------------------------------------------------------------


@require_safe
def budget_list(request, slug: str):
    process = _process(request, slug)
    user, code = _voter(request, process)
    allowed = {b.pk for b in services.allowed_budgets(process, user=user, access_code=code)}
    return render(
        request,
        "participation/budgets/list.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budgets": [(b, b.pk in allowed) for b in selectors.budget_list(process)],
            "voting_open": services.voting_open(process),
            "is_manager": can(request.user, "participation.change_process", process),
        },
    )


@require_safe
def budget_detail(request, slug: str, pk: int):
    """The vote page: the projects, the running selection, total and envelope left (works without JavaScript)."""
    process = _process(request, slug)
    budget = _budget(process, pk)
    projects = list(selectors.votable_projects(budget))
    selected_ids = set(_selection(request, budget))
    chosen = [p for p in projects if p.pk in selected_ids]
    voting_open = services.voting_open(process)
    allowed, reason, next_url = _can_vote_here(request, process, budget) if voting_open else (False, "", "")
    return render(
        request,
        "participation/budgets/detail.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": budget,
            "projects": [(p, p.pk in selected_ids) for p in projects],
            "summary": _summary(budget, chosen),
            "voting_open": voting_open,
            "can_vote": allowed,
            "vote_reason": reason,
            "vote_next_url": next_url,
            "results_visible": budget.results_published_at is not None,
        },
    )


@require_safe
def project_detail(request, slug: str, pk: int, project_pk: int):
    process = _process(request, slug)
    budget = _budget(process, pk)
    project = Project.objects.select_related("proposal").filter(budget=budget, pk=project_pk).first()
    if project is None:
        raise Http404
    return render(
        request,
        "participation/budgets/project.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": budget,
            "project": project,
            "selected": project.pk in _selection(request, budget),
            "results_visible": budget.results_published_at is not None,
        },
    )


@require_POST
def budget_select(request, slug: str, pk: int):
    """Add or remove a project of the selection (kept in the session)."""
    process = _process(request, slug)
    budget = _budget(process, pk)
    form = SelectionForm(request.POST)
    target = reverse("participation:budget_detail", kwargs={"slug": slug, "pk": budget.pk})
    if not form.is_valid():
        messages.error(request, _("Cette demande n'est pas valable."))
        return redirect(target)
    if not services.voting_open(process):
        messages.error(request, _("Le vote n'est pas ouvert."))
        return redirect(target)
    projects = {p.pk: p for p in selectors.votable_projects(budget)}
    project = projects.get(form.cleaned_data["project"])
    if project is None:
        messages.error(request, _("Ce projet ne fait pas partie de ce vote."))
        return redirect(target)
    ids = [pid for pid in _selection(request, budget) if pid in projects]
    if form.cleaned_data["action"] == "remove":
        ids = [pid for pid in ids if pid != project.pk]
        messages.success(request, _("« %(title)s » est retiré de votre sélection.") % {"title": project.title})
    elif project.pk not in ids:
        try:
            services.validate_selection(budget, [projects[pid] for pid in ids] + [project], complete=False)
        except ApplicationError as error:
            messages.error(
                request,
                _("« %(title)s » n'a pas été ajouté : %(reason)s") % {"title": project.title, "reason": error.message},
            )
            return redirect(target + f"#projet-{project.pk}")
        ids.append(project.pk)
        messages.success(request, _("« %(title)s » est ajouté à votre sélection.") % {"title": project.title})
    _save_selection(request, budget, ids)
    return redirect(target + f"#projet-{project.pk}")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def budget_checkout(request, slug: str, pk: int):
    """Summary of the selection and confirmation; the POST casts the ballot (ballot_submit)."""
    process = _process(request, slug)
    budget = _budget(process, pk)
    if request.method != "POST" and _cast_ballot(request, process) is not None:
        # Back on the confirmation page after voting (back button, bookmark): the receipt, not an empty selection.
        messages.info(request, _("Vous avez déjà voté dans cette démarche : voici votre reçu."))
        return redirect("participation:ballot_receipt", slug=slug, pk=budget.pk)
    projects = {p.pk: p for p in selectors.votable_projects(budget)}
    chosen = [projects[pid] for pid in _selection(request, budget) if pid in projects]
    form = CheckoutForm(request.POST or None)
    status = 200
    error_message = ""
    user, code = _voter(request, process)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["submission"]
        if not claim_submission(request, token):
            messages.info(request, _("Votre vote a déjà été envoyé : il n'a pas été compté deux fois."))
            return redirect("participation:ballot_receipt", slug=slug, pk=budget.pk)
        try:
            ballot = services.ballot_submit(
                budget=budget,
                project_ids=[p.pk for p in chosen],
                user=user if code is None else None,
                access_code_id=code.pk if code is not None else None,
            )
        except Conflict as error:
            release_submission(request, token)
            error_message = error.message
            status = 409
        except ApplicationError as error:
            release_submission(request, token)
            error_message = error.message
            status = 403 if error.status == 403 else 400
        else:
            stored = dict(request.session.get(BALLOTS_KEY, {}))
            stored[str(process.pk)] = ballot.pk
            request.session[BALLOTS_KEY] = stored
            _save_selection(request, budget, [])
            return redirect("participation:ballot_receipt", slug=slug, pk=budget.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "participation/budgets/checkout.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": budget,
            "chosen": chosen,
            "summary": _summary(budget, chosen),
            "form": form,
            "error_message": error_message,
            "voting_open": services.voting_open(process),
        },
        status=status,
    )


@never_cache
@require_safe
def ballot_receipt(request, slug: str, pk: int):
    process = _process(request, slug)
    budget = _budget(process, pk)
    ballot = _cast_ballot(request, process)
    if ballot is None:
        raise Http404
    return render(
        request,
        "participation/budgets/receipt.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": ballot.budget if ballot.budget_id != budget.pk else budget,
            "ballot": ballot,
            "receipt": services.format_receipt(ballot.receipt),
            "lines_count": ballot.lines.count(),
        },
    )


@require_safe
def ballot_verify(request, slug: str):
    """Public: does a ballot with this receipt exist? Shows its budget and date, never its choices."""
    process = _process(request, slug)
    form = ReceiptForm(request.GET if "receipt" in request.GET else None)
    ballot = None
    status = 200
    if form.is_bound and form.is_valid():
        try:
            ballot = services.ballot_verify(receipt=form.cleaned_data["receipt"])
        except ApplicationError as error:
            add_service_error(form, error)
            status = 404
        else:
            if ballot.budget.process_id != process.pk:
                ballot = None
                form.add_error("receipt", _("Aucun bulletin de cette démarche ne porte ce reçu."))
                status = 404
    elif form.is_bound:
        status = 400
    return render(
        request,
        "participation/budgets/verify.html",
        {"process": process, "process_url": _process_url(process), "form": form, "ballot": ballot},
        status=status,
    )


def _results_visible(request, process, budget) -> bool:
    return budget.results_published_at is not None or can(request.user, "participation.change_process", process)


@require_safe
def budget_results(request, slug: str, pk: int):
    process = _process(request, slug)
    budget = _budget(process, pk)
    if not _results_visible(request, process, budget) or budget.results_computed_at is None:
        raise Http404
    projects = selectors.ranked_projects(budget)
    winners = [p for p in projects if p.is_winner]
    return render(
        request,
        "participation/budgets/results.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": budget,
            "projects": projects,
            "spent": sum(p.cost for p in winners),
            "winners_count": len(winners),
            "ballots_count": selectors.ballots_count(budget),
            "is_preview": budget.results_published_at is None,
            "is_equal_shares": budget.result_method == Budget.ResultMethod.EQUAL_SHARES,
        },
    )


@require_safe
def budget_pabulib(request, slug: str, pk: int):
    """The anonymised ballots in the Pabulib format, public once the results are published."""
    process = _process(request, slug)
    budget = _budget(process, pk)
    if budget.results_published_at is None:
        raise Http404
    projects = list(Project.objects.filter(budget=budget, is_feasible=True).order_by("pk"))
    phases = services.vote_phases(process)
    meta = {
        "description": f"{process.title} — {budget.title}",
        "country": "France",
        "unit": process.organisation.name,
        "subunit": budget.district.name if budget.district else "",
        "instance": budget.pk,
        "num_projects": len(projects),
        "num_votes": selectors.ballots_count(budget),
        "budget": budget.envelope,
        "vote_type": "approval",
        "rule": "greedy" if budget.result_method == Budget.ResultMethod.GREEDY else "equal_shares",
        "date_begin": min(p.start_at for p in phases).date().isoformat() if phases else "",
        "date_end": max(p.end_at for p in phases).date().isoformat() if phases else "",
        "min_length": budget.min_projects,
        "max_length": budget.max_projects or "",
        "max_sum_cost": budget.envelope if budget.rule == Budget.Rule.KNAPSACK else "",
        "min_sum_cost": services.minimum_total(budget) if budget.rule == Budget.Rule.KNAPSACK else "",
        "paper_ballots": budget.paper_ballots,
        "comment": "Paper ballots are counted per project only (PROJECTS column paper_votes); VOTES lists online "
        "ballots, voters numbered in a random order.",
    }
    body = pabulib.write(
        meta=meta,
        projects=[
            pabulib.PabulibProject(
                id=p.pk,
                cost=p.cost,
                name=p.title,
                online_votes=p.online_votes,
                paper_votes=p.paper_votes,
                selected=p.is_winner,
            )
            for p in projects
        ],
        votes=selectors.ballot_project_lists(budget),
    )
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-budget-{budget.pk}.pb"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code_entry(request, slug: str):
    """A person without an account types the code handed out by the commune; it stays in their session."""
    process = _process(request, slug)
    form = CodeEntryForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            access_code = code_services.access_code_check(
                process=process, code=form.cleaned_data["code"], client_keys=_client_keys(request)
            )
        except ApplicationError as error:
            add_service_error(form, error)
            status = 429 if error.code == "throttled" else 400
        else:
            request.session.cycle_key()
            stored = dict(request.session.get(CODES_KEY, {}))
            stored[str(process.pk)] = access_code.pk
            request.session[CODES_KEY] = stored
            messages.success(request, _("Votre code est valable : vous pouvez voter une fois."))
            budgets = services.allowed_budgets(process, access_code=access_code)
            if len(budgets) == 1:
                return redirect("participation:budget_detail", slug=slug, pk=budgets[0].pk)
            return redirect("participation:budget_list", slug=slug)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "participation/codes/entry.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "form": form,
            "refusal": code_services.code_voting_refusal(process),
            "has_code": _code_for(request, process) is not None,
        },
        status=status,
    )


# --- Management pages (the organisation's editors) ---------------------------------------------------------


def _managed(request, slug: str):
    return _process(request, slug, "participation.change_process")


@require_safe
@login_required
def manage_budgets(request, slug: str):
    process = _managed(request, slug)
    return render(
        request,
        "participation/budgets/manage_list.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budgets": list(selectors.budget_list(process)),
            "voting_open": services.voting_open(process),
            "creation_refusal": services.budget_creation_refusal(process),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_budget_create(request, slug: str):
    process = _managed(request, slug)
    refusal = services.budget_creation_refusal(process)
    if refusal:
        messages.error(request, refusal)
        return redirect("participation:manage_budgets", slug=slug)
    form = BudgetForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(actor=request.user, process=process, **form.service_values())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le budget est créé. Ajoutez-lui maintenant ses projets."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    return render(
        request,
        "participation/budgets/manage_budget_form.html",
        {"process": process, "process_url": _process_url(process), "form": form, "budget": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_budget(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    frozen = services.rules_frozen(budget)
    form = BudgetForm(request.POST or None, instance=budget, process=process, frozen=frozen)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if frozen:
            values = {k: v for k, v in values.items() if k in ("title", "description")}
        try:
            services.budget_update(actor=request.user, budget=budget, **values)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    budget = _budget(process, pk)
    return render(
        request,
        "participation/budgets/manage_budget.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "budget": budget,
            "form": form,
            "frozen": frozen,
            "projects": list(selectors.budget_projects_for_managers(budget)),
            "ballots_count": selectors.ballots_count(budget),
            "voting_open": services.voting_open(process),
        },
        status=400 if request.method == "POST" else 200,
    )


def _project(budget, project_pk: int) -> Project:
    project = Project.objects.filter(budget=budget, pk=project_pk).select_related("budget").first()
    if project is None:
        raise Http404
    project.budget = budget
    return project


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_create(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_create(actor=request.user, budget=budget, **form.service_values())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le projet est ajouté."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    return render(
        request,
        "participation/budgets/manage_project_form.html",
        {"process": process, "process_url": _process_url(process), "budget": budget, "form": form, "project": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_edit(request, slug: str, pk: int, project_pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    project = _project(budget, project_pk)
    form = ProjectForm(request.POST or None, instance=project, frozen=services.rules_frozen(budget))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=_project(budget, project_pk), **form.service_values())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le projet est enregistré."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    return render(
        request,
        "participation/budgets/manage_project_form.html",
        {"process": process, "process_url": _process_url(process), "budget": budget, "form": form, "project": project},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def manage_project_delete(request, slug: str, pk: int, project_pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    project = _project(budget, project_pk)
    try:
        services.project_delete(actor=request.user, project=project)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le projet est retiré du budget."))
    return redirect("participation:manage_budget", slug=slug, pk=budget.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_project_import(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    form = ProposalImportForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_create_from_proposal(
                actor=request.user,
                budget=budget,
                proposal=form.cleaned_data["proposal"],
                cost=form.cleaned_data["cost"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La proposition est devenue un projet du budget."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    return render(
        request,
        "participation/budgets/manage_project_import.html",
        {"process": process, "process_url": _process_url(process), "budget": budget, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_paper_ballots(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    projects = list(selectors.votable_projects(budget))
    form = PaperBallotsForm(request.POST or None, projects=projects, initial={"paper_ballots": budget.paper_ballots})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_paper_ballots_set(
                actor=request.user, budget=budget, paper_ballots=form.cleaned_data["paper_ballots"], votes=form.votes()
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Les bulletins papier sont enregistrés. Calculez de nouveau les résultats."))
            return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    return render(
        request,
        "participation/budgets/manage_paper.html",
        {"process": process, "process_url": _process_url(process), "budget": budget, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def manage_compute_results(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    try:
        services.budget_compute_results(actor=request.user, budget=budget)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    messages.success(request, _("Les résultats sont calculés. Vérifiez-les avant de les publier."))
    return redirect("participation:budget_results", slug=slug, pk=budget.pk)


@require_POST
@login_required
def manage_publish_results(request, slug: str, pk: int):
    process = _managed(request, slug)
    budget = _budget(process, pk)
    try:
        services.budget_publish_results(actor=request.user, budget=budget)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("participation:manage_budget", slug=slug, pk=budget.pk)
    messages.success(request, _("Les résultats sont publiés."))
    return redirect("participation:budget_results", slug=slug, pk=budget.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_codes(request, slug: str):
    """Generate codes (shown once: printable page or CSV, stored only hashed) and see the batches."""
    process = _managed(request, slug)
    form = CodeGenerateForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            codes = code_services.access_codes_generate(
                actor=request.user,
                process=process,
                count=form.cleaned_data["count"],
                batch=form.cleaned_data["batch"],
                district=form.cleaned_data["district"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            url = public_url(reverse("participation:code_entry", kwargs={"slug": process.slug}), request)
            if form.cleaned_data["output"] == "csv":
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                writer.writerow(["code", "adresse"])
                writer.writerows([code, url] for code in codes)
                response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                response["Content-Disposition"] = f'attachment; filename="codes-{process.slug}-{stamp}.csv"'
                response["Cache-Control"] = "no-store"
                return response
            response = render(
                request,
                "participation/codes/generated.html",
                {"process": process, "process_url": _process_url(process), "codes": codes, "entry_url": url},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "participation/codes/manage.html",
        {
            "process": process,
            "process_url": _process_url(process),
            "form": form,
            "batches": selectors.code_batches(process),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def manage_codes_revoke(request, slug: str):
    process = _managed(request, slug)
    form = CodeRevokeForm(request.POST)
    if form.is_valid():
        try:
            revoked = code_services.access_codes_revoke(
                actor=request.user, process=process, batch=form.cleaned_data["batch"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s code non utilisé est révoqué.", "%(count)s codes non utilisés sont révoqués.", revoked
                )
                % {"count": revoked},
            )
    else:
        messages.error(request, _("Cette demande n'est pas valable."))
    return redirect("participation:manage_codes", slug=slug)


urlpatterns = [
    path("<process_slug:slug>/budgets/", budget_list, name="budget_list"),
    path("<process_slug:slug>/budgets/verifier/", ballot_verify, name="ballot_verify"),
    path("<process_slug:slug>/budgets/<int:pk>/", budget_detail, name="budget_detail"),
    path("<process_slug:slug>/budgets/<int:pk>/projets/<int:project_pk>/", project_detail, name="budget_project"),
    path("<process_slug:slug>/budgets/<int:pk>/selection/", budget_select, name="budget_select"),
    path("<process_slug:slug>/budgets/<int:pk>/confirmer/", budget_checkout, name="budget_checkout"),
    path("<process_slug:slug>/budgets/<int:pk>/recu/", ballot_receipt, name="ballot_receipt"),
    path("<process_slug:slug>/budgets/<int:pk>/resultats/", budget_results, name="budget_results"),
    path("<process_slug:slug>/budgets/<int:pk>/bulletins.pb", budget_pabulib, name="budget_pabulib"),
    path("<process_slug:slug>/code/", code_entry, name="code_entry"),
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
    path("gerer/<slug:slug>/codes/", manage_codes, name="manage_codes"),
    path("gerer/<slug:slug>/codes/revoquer/", manage_codes_revoke, name="manage_codes_revoke"),
]


def _process_section(request, process) -> dict | None:
    """The budgets block of the process page."""
    budgets = list(selectors.budget_list(process))
    if not budgets:
        return None
    return {
        "process": process,
        "budgets": budgets,
        "voting_open": services.voting_open(process),
        "uses_codes": _uses_codes(process),
        "is_manager": can(request.user, "participation.change_process", process),
    }


def register() -> None:
    from auzolan.accounts.services import register_export_section
    from auzolan.core.registry import register_page_section

    register_export_section("participation_ballots", selectors.personal_data_ballots)

    register_page_section("participation_process", "participation/budgets/_section.html", _process_section, order=60)
    process_views.register_action_url("vote", _vote_url)


def _vote_url(process) -> str:
    """Where to vote: the code page when the vote phase asks for a code, else the budgets of the process."""
    if _uses_codes(process):
        return reverse("participation:code_entry", kwargs={"slug": process.slug})
    return reverse("participation:budget_list", kwargs={"slug": process.slug})
