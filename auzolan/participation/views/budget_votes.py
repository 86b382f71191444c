"""Participation pages: voting in a participatory budget — the budgets of a process, a budget's projects and the
running selection, the confirmation that casts the ballot, the receipt and its public check, the results and the
Pabulib export of the ballots.

Thin views: parse input, ask permission, call one service or selector, render. A process or a budget out of reach
is a 404; a refused vote becomes a message on the page, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.errors import NotFound
from auzolan.core.forms import add_service_error
from auzolan.core.permissions import can
from auzolan.core.submissions import submit_form
from auzolan.participation import pabulib
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.budgets import CheckoutForm, ReceiptForm, SelectionForm
from auzolan.participation.models import Ballot, Budget, Process, Project
from auzolan.participation.selectors import budgets as selectors
from auzolan.participation.services import budgets as services
from auzolan.participation.services import codes as code_services
from auzolan.participation.views import processes  # noqa: F401  (registers the process_slug converter used below)
from auzolan.participation.views.budget_common import get_budget, session_access_code
from auzolan.participation.views.common import MANAGE, get_process

SELECTION_KEY = "participation_pb_selection"
BALLOTS_KEY = "participation_ballots"


# --- The voter, their selection and their ballot ------------------------------------------------------------


def _voter(request, process: Process) -> tuple:
    """(user, access_code) of the person voting: the code in the session when the vote phase asks for codes."""
    if code_services.codes_in_use(process):
        return None, session_access_code(request, process)
    return request.user, None


def _can_vote_here(request, process: Process, budget: Budget) -> tuple[bool, str, str]:
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


def _cast_ballot(request, process: Process) -> Ballot | None:
    """The ballot this visitor cast in the process: the one recorded in the session (a code voter), or the account's."""
    ballot = None
    ballot_id = request.session.get(BALLOTS_KEY, {}).get(str(process.pk))
    if ballot_id is not None:
        ballot = Ballot.objects.select_related("budget").filter(pk=ballot_id, budget__process=process).first()
    if ballot is None and request.user.is_authenticated:
        ballot = services.existing_ballot(process, user=request.user)
    return ballot


def _remember_ballot(request, process: Process, ballot: Ballot) -> None:
    stored = dict(request.session.get(BALLOTS_KEY, {}))
    stored[str(process.pk)] = ballot.pk
    request.session[BALLOTS_KEY] = stored


def _selection(request, budget: Budget) -> list[int]:
    return [int(pid) for pid in request.session.get(SELECTION_KEY, {}).get(str(budget.pk), [])]


def _save_selection(request, budget: Budget, ids: list[int]) -> None:
    stored = dict(request.session.get(SELECTION_KEY, {}))
    stored[str(budget.pk)] = ids
    request.session[SELECTION_KEY] = stored


def _summary(budget: Budget, chosen: list[Project]) -> dict:
    total = sum(p.cost for p in chosen)
    return {
        "count": len(chosen),
        "total": total,
        "remaining": budget.envelope - total,
        "minimum": services.minimum_total(budget) if budget.rule == Budget.Rule.KNAPSACK else 0,
        "is_knapsack": budget.rule == Budget.Rule.KNAPSACK,
        "problem": services.selection_refusal(budget, chosen, complete=True),
    }


# --- Pages ----------------------------------------------------------------------------------------------------


@require_safe
def budget_list(request, slug: str):
    process = get_process(request, slug)
    user, code = _voter(request, process)
    allowed = {b.pk for b in services.allowed_budgets(process, user=user, access_code=code)}
    return render(
        request,
        "participation/budgets/list.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budgets": [(b, b.pk in allowed) for b in selectors.budget_list(process)],
            "voting_open": services.voting_open(process),
            "is_manager": can(request.user, MANAGE, process),
        },
    )


@require_safe
def budget_detail(request, slug: str, pk: int):
    """The vote page: the projects, the running selection, total and envelope left (works without JavaScript)."""
    process = get_process(request, slug)
    budget = get_budget(process, pk)
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
            "process_url": process.get_absolute_url(),
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
    process = get_process(request, slug)
    budget = get_budget(process, pk)
    project = Project.objects.select_related("proposal").filter(budget=budget, pk=project_pk).first()
    if project is None:
        raise Http404
    return render(
        request,
        "participation/budgets/project.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": budget,
            "project": project,
            "selected": project.pk in _selection(request, budget),
            "results_visible": budget.results_published_at is not None,
        },
    )


@require_POST
def budget_select(request, slug: str, pk: int):
    """Add or remove a project of the selection. The selection lives in the session (nothing is written in the
    database until the ballot is cast), so this is not a service call: each refusal is a message on the vote page."""
    process = get_process(request, slug)
    budget = get_budget(process, pk)
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
        refusal = services.selection_refusal(budget, [projects[pid] for pid in ids] + [project], complete=False)
        if refusal:
            messages.error(
                request,
                _("« %(title)s » n'a pas été ajouté : %(reason)s") % {"title": project.title, "reason": refusal},
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
    process = get_process(request, slug)
    budget = get_budget(process, pk)
    receipt_url = reverse("participation:ballot_receipt", kwargs={"slug": slug, "pk": budget.pk})
    if request.method != "POST" and _cast_ballot(request, process) is not None:
        # Back on the confirmation page after voting (back button, bookmark): the receipt, not an empty selection.
        messages.info(request, _("Vous avez déjà voté dans cette démarche : voici votre reçu."))
        return redirect(receipt_url)
    projects = {p.pk: p for p in selectors.votable_projects(budget)}
    chosen = [projects[pid] for pid in _selection(request, budget) if pid in projects]
    user, code = _voter(request, process)

    def cast(_data) -> Ballot:
        ballot = services.ballot_submit(
            budget=budget,
            project_ids=[p.pk for p in chosen],
            user=user,
            access_code_id=code.pk if code is not None else None,
        )
        _remember_ballot(request, process, ballot)
        _save_selection(request, budget, [])
        return ballot

    submitted = submit_form(
        request,
        CheckoutForm(request.POST or None),
        cast,
        success=None,
        redirect_to=receipt_url,
        duplicate=_("Votre vote a déjà été envoyé : il n'a pas été compté deux fois."),
        # A refused vote is not a mistake in the form (one box to tick): the page says it above the form.
        on_error=lambda error: None,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/budgets/checkout.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": budget,
            "chosen": chosen,
            "summary": _summary(budget, chosen),
            "form": submitted.form,
            "error_message": submitted.error.message if submitted.error else "",
            "voting_open": services.voting_open(process),
        },
        status=submitted.status,
    )


@never_cache
@require_safe
def ballot_receipt(request, slug: str, pk: int):
    process = get_process(request, slug)
    budget = get_budget(process, pk)
    ballot = _cast_ballot(request, process)
    if ballot is None:
        raise Http404
    return render(
        request,
        "participation/budgets/receipt.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "budget": ballot.budget if ballot.budget_id != budget.pk else budget,
            "ballot": ballot,
            "receipt": services.format_receipt(ballot.receipt),
            "lines_count": ballot.lines.count(),
        },
    )


@require_safe
def ballot_verify(request, slug: str):
    """Public: does a ballot with this receipt exist? Shows its budget and date, never its choices.

    A lookup sent by GET (a link can be shared), not a submission: `submit_form` does not apply."""
    process = get_process(request, slug)
    form = ReceiptForm(request.GET if "receipt" in request.GET else None)
    ballot = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        try:
            ballot = services.ballot_verify(process=process, receipt=form.cleaned_data["receipt"])
        except NotFound as error:
            add_service_error(form, error)
            status = error.status
    return render(
        request,
        "participation/budgets/verify.html",
        {"process": process, "process_url": process.get_absolute_url(), "form": form, "ballot": ballot},
        status=status,
    )


@require_safe
def budget_results(request, slug: str, pk: int):
    process = get_process(request, slug)
    budget = get_budget(process, pk)
    visible = budget.results_published_at is not None or can(request.user, MANAGE, process)
    if not visible or budget.results_computed_at is None:
        raise Http404
    projects = selectors.ranked_projects(budget)
    winners = [p for p in projects if p.is_winner]
    return render(
        request,
        "participation/budgets/results.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
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
    process = get_process(request, slug)
    budget = get_budget(process, pk)
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
]


# --- What the budgets add to the process page (registered in participation/hooks.py) --------------------------


def process_section(request, process: Process) -> dict | None:
    """The budgets block of the process page."""
    budgets = list(selectors.budget_list(process))
    if not budgets:
        return None
    return {
        "process": process,
        "budgets": budgets,
        "voting_open": services.voting_open(process),
        "uses_codes": code_services.codes_in_use(process),
        "is_manager": can(request.user, MANAGE, process),
    }


def vote_url(process: Process) -> str:
    """Where to vote: the code page when the vote phase asks for a code, else the budgets of the process."""
    if code_services.codes_in_use(process):
        return reverse("participation:code_entry", kwargs={"slug": process.slug})
    return reverse("participation:budget_list", kwargs={"slug": process.slug})
