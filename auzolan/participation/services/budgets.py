"""Writes of participatory budgets: set-up, projects, ballots, paper ballots, results.

Integrity rules (see docs/participation.md, "Participatory budgets"):

* The voting rules (rule, minimum share, minimum/maximum projects, result method, envelope) are **frozen** once voting
  opens: when the first vote phase of the process starts or at the first ballot, whichever comes first. Any later
  change is refused here (Consul #5321 is the bug avoided). Projects can no longer be added, removed or re-priced
  either; their texts can still be corrected.
* **One ballot per person per process**: a person votes in one budget of the process. When the vote phase asks for
  residency and the person's residency names a district, only the budget of that district (and budgets without a
  district) are open to them; a code handed out for a district votes in that district's budget. The database
  enforces one ballot per (budget, person) and one ballot per code; the vote locks the process, the budget and the
  code rows so that two tabs or a replayed request produce exactly one ballot.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, full_clean_or_raise
from auzolan.core.permissions import can
from auzolan.participation import results as result_rules
from auzolan.participation.eligibility import eligibility
from auzolan.participation.models import (
    AccessCode,
    Ballot,
    BallotLine,
    Budget,
    District,
    Phase,
    Process,
    Project,
    Proposal,
    Residency,
    VerificationLevel,
)
from auzolan.participation.selectors import budgets as selectors
from auzolan.participation.services.opendata import process_open_data_schedule

RULE_FIELDS = ("envelope", "rule", "min_share_percent", "min_projects", "max_projects", "result_method")
TEXT_FIELDS = ("title", "description", "district")
PROJECT_TEXT_FIELDS = ("title", "description", "latitude", "longitude", "feasibility_note")
PROJECT_FROZEN_FIELDS = ("cost", "is_feasible")
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 20  # 31^20 ≈ 2^99


# --- Helpers ------------------------------------------------------------------------------------------------


def _require_manager(actor, process: Process) -> None:
    if not can(actor, "participation.change_process", process):
        raise PermissionDenied(_("Seule l'organisation qui mène la démarche peut gérer ses budgets."))


def first_vote_start(process: Process):
    """When the first vote phase of the process starts (None without a vote phase)."""
    starts = [p.start_at for p in process.phases.all() if p.kind == "vote"]
    return min(starts) if starts else None


def rules_frozen(budget: Budget, *, at=None) -> bool:
    """Voting has opened: a ballot was cast (frozen_at is set) or the first vote phase has started."""
    if budget.frozen_at is not None:
        return True
    start = first_vote_start(budget.process)
    return start is not None and start <= (at or timezone.now())


def _freeze_if_due(budget: Budget, *, at=None) -> None:
    """Record the freezing time the first time it is noticed (the vote phase start, or now at the first ballot)."""
    if budget.frozen_at is None:
        start = first_vote_start(budget.process)
        now = at or timezone.now()
        budget.frozen_at = start if start is not None and start <= now else now
        Budget.objects.filter(pk=budget.pk, frozen_at__isnull=True).update(frozen_at=budget.frozen_at)


def voting_open(process: Process, *, at=None) -> bool:
    phase = process.active_phase(at)
    return phase is not None and phase.kind == "vote"


def format_receipt(value: str) -> str:
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4))


def normalise_receipt(value: str) -> str:
    return "".join(ch for ch in str(value).upper() if ch in RECEIPT_ALPHABET)[:RECEIPT_LENGTH]


def _new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def _check_rule_values(budget: Budget) -> None:
    if budget.envelope <= 0:
        raise ValidationError(_("L'enveloppe doit être supérieure à zéro euro."), field="envelope")
    if budget.min_share_percent > 100:
        raise ValidationError(_("La part minimale est un pourcentage entre 0 et 100."), field="min_share_percent")
    if budget.max_projects is not None and budget.max_projects < max(budget.min_projects, 1):
        raise ValidationError(
            _("Le nombre maximal de projets doit être au moins égal au nombre minimal."), field="max_projects"
        )
    if budget.rule == Budget.Rule.APPROVAL and budget.min_projects < 1:
        raise ValidationError(_("Un bulletin doit choisir au moins un projet."), field="min_projects")


# --- Budgets ------------------------------------------------------------------------------------------------


def budget_creation_refusal(process: Process, *, at=None) -> str:
    """Why no budget may be added to the process now ("" when one may): once voting has opened, the set of budgets
    is frozen with their rules. Pages ask this before offering "Créer un budget"; `budget_create` enforces it."""
    if voting_open(process, at=at):
        return _("Le vote est ouvert : on ne peut plus ajouter de budget à cette démarche.")
    if any(b.frozen_at for b in process.budgets.all()) or (
        (start := first_vote_start(process)) is not None and start <= (at or timezone.now())
    ):
        return _("Le vote a commencé : on ne peut plus ajouter de budget à cette démarche.")
    return ""


@transaction.atomic
def budget_create(
    *,
    actor,
    process: Process,
    title: str,
    envelope: int,
    rule: str = Budget.Rule.KNAPSACK,
    description: str = "",
    district: District | None = None,
    min_share_percent: int = 0,
    min_projects: int = 1,
    max_projects: int | None = None,
    result_method: str = Budget.ResultMethod.GREEDY,
    at=None,
) -> Budget:
    """A new budget; not once voting has opened. `at` is when the action happens (now; the demo replays a past vote)."""
    _require_manager(actor, process)
    if district is not None and district.organisation_id != process.organisation_id:
        raise ValidationError(_("Ce quartier n'appartient pas à l'organisation de la démarche."), field="district")
    refusal = budget_creation_refusal(process, at=at)
    if refusal:
        raise ValidationError(refusal, code="rules-frozen")
    budget = Budget(
        process=process,
        title=title,
        description=description,
        district=district,
        envelope=envelope,
        rule=rule,
        min_share_percent=min_share_percent,
        min_projects=min_projects,
        max_projects=max_projects,
        result_method=result_method,
    )
    full_clean_or_raise(budget)
    _check_rule_values(budget)
    budget.save()
    audit_log(
        actor=actor,
        action="participation.budget.created",
        obj=budget,
        organisation=process.organisation,
        data={field: getattr(budget, field) for field in RULE_FIELDS},
    )
    return budget


def budget_update(*, actor, budget: Budget, **values) -> Budget:
    """Change a budget. Its texts can always change; its rules only until voting opens.

    The freezing time is recorded (in its own transaction) as soon as a change meets frozen rules, so that the
    refusal itself leaves the budget marked frozen.
    """
    _require_manager(actor, budget.process)
    unknown = set(values) - set(RULE_FIELDS) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown budget fields {sorted(unknown)}")
    if budget.frozen_at is None and rules_frozen(budget):
        with transaction.atomic():
            _freeze_if_due(budget)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().select_related("process").get(pk=budget.pk)
        changed_rules = {f: v for f, v in values.items() if f in RULE_FIELDS and getattr(budget, f) != v}
        if changed_rules and rules_frozen(budget):
            raise ValidationError(
                _(
                    "Les règles de vote sont figées depuis l'ouverture du vote (%(date)s) : "
                    "l'enveloppe, la règle, les minimums et maximums et le mode de calcul ne peuvent plus changer."
                )
                % {"date": formats.date_format(timezone.localtime(budget.frozen_at), "SHORT_DATETIME_FORMAT")},
                code="rules-frozen",
                field=next(iter(changed_rules)),
            )
        district = values.get("district", budget.district)
        if district is not None and district.organisation_id != budget.process.organisation_id:
            raise ValidationError(_("Ce quartier n'appartient pas à l'organisation de la démarche."), field="district")
        if "district" in values and values["district"] != budget.district and rules_frozen(budget):
            raise ValidationError(
                _("Le vote est ouvert : le quartier du budget ne peut plus changer."), field="district"
            )
        for field, value in values.items():
            setattr(budget, field, value)
        full_clean_or_raise(budget)
        _check_rule_values(budget)
        budget.save()
        audit_log(
            actor=actor,
            action="participation.budget.updated",
            obj=budget,
            organisation=budget.process.organisation,
            data={"fields": sorted(values)},
        )
    return budget


# --- Projects -----------------------------------------------------------------------------------------------


def _refuse_if_frozen(budget: Budget, message: str, *, at=None) -> None:
    if rules_frozen(budget, at=at):
        raise ValidationError(message, code="rules-frozen")


@transaction.atomic
def project_create(
    *,
    actor,
    budget: Budget,
    title: str,
    cost: int,
    description: str = "",
    latitude=None,
    longitude=None,
    is_feasible: bool = True,
    feasibility_note: str = "",
    proposal: Proposal | None = None,
    at=None,
) -> Project:
    """A project of the budget; not once voting has opened (`at`: when the action happens, now by default)."""
    _require_manager(actor, budget.process)
    _refuse_if_frozen(budget, _("Le vote est ouvert : on ne peut plus ajouter de projet à ce budget."), at=at)
    project = Project(
        budget=budget,
        proposal=proposal,
        title=title,
        description=description,
        cost=cost,
        latitude=latitude,
        longitude=longitude,
        is_feasible=is_feasible,
        feasibility_note=feasibility_note,
    )
    full_clean_or_raise(project)
    if project.cost <= 0:
        raise ValidationError(_("Le coût d'un projet doit être supérieur à zéro euro."), field="cost")
    project.save()
    audit_log(
        actor=actor,
        action="participation.project.created",
        obj=project,
        organisation=budget.process.organisation,
        data={"budget": budget.pk, "cost": project.cost, "proposal": proposal.pk if proposal else None},
    )
    return project


def project_create_from_proposal(*, actor, budget: Budget, proposal: Proposal, cost: int) -> Project:
    """A project made from a proposal of the same process (its title, text and location), priced by the study."""
    if proposal.process_id != budget.process_id:
        raise NotFound(_("Cette proposition n'appartient pas à cette démarche."))
    if proposal.is_hidden or proposal.status in (Proposal.Status.REJECTED, Proposal.Status.WITHDRAWN):
        raise ValidationError(_("Une proposition masquée, rejetée ou retirée ne peut pas devenir un projet."))
    if budget.projects.filter(proposal=proposal).exists():
        raise Conflict(_("Cette proposition est déjà un projet de ce budget."))
    return project_create(
        actor=actor,
        budget=budget,
        title=proposal.title,
        description=proposal.body,
        cost=cost,
        latitude=proposal.latitude,
        longitude=proposal.longitude,
        proposal=proposal,
    )


@transaction.atomic
def project_update(*, actor, project: Project, **values) -> Project:
    budget = project.budget
    _require_manager(actor, budget.process)
    unknown = set(values) - set(PROJECT_TEXT_FIELDS) - set(PROJECT_FROZEN_FIELDS)
    if unknown:
        raise ValueError(f"Unknown project fields {sorted(unknown)}")
    changed = {f for f, v in values.items() if f in PROJECT_FROZEN_FIELDS and getattr(project, f) != v}
    if changed:
        _refuse_if_frozen(
            budget,
            _("Le vote est ouvert : le coût et le statut d'un projet ne peuvent plus changer (seuls ses textes)."),
        )
    for field, value in values.items():
        setattr(project, field, value)
    full_clean_or_raise(project)
    if project.cost <= 0:
        raise ValidationError(_("Le coût d'un projet doit être supérieur à zéro euro."), field="cost")
    project.save()
    audit_log(
        actor=actor,
        action="participation.project.updated",
        obj=project,
        organisation=budget.process.organisation,
        data={"fields": sorted(values)},
    )
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    budget = project.budget
    _require_manager(actor, budget.process)
    _refuse_if_frozen(budget, _("Le vote est ouvert : on ne peut plus retirer de projet de ce budget."))
    audit_log(
        actor=actor,
        action="participation.project.deleted",
        obj=project,
        organisation=budget.process.organisation,
        data={"budget": budget.pk},
    )
    project.delete()


# --- Voting -------------------------------------------------------------------------------------------------


def validate_selection(budget: Budget, projects: list[Project], *, complete: bool) -> None:
    """Raise ValidationError if the selection breaks the budget's rule.

    `complete=False` checks only what adding can break (envelope, maximum); `complete=True` checks a ballot
    being submitted (also the minimum share and minimum number of projects).
    """
    if len({p.pk for p in projects}) != len(projects):
        raise ValidationError(_("Un projet ne peut être choisi qu'une fois."))
    if any(p.budget_id != budget.pk or not p.is_feasible for p in projects):
        raise ValidationError(_("Un des projets choisis ne fait pas partie de ce vote."))
    count = len(projects)
    total = sum(p.cost for p in projects)
    if budget.max_projects is not None and count > budget.max_projects:
        raise ValidationError(
            _("Vous pouvez choisir au plus %(max)s projets.") % {"max": budget.max_projects}, code="too-many"
        )
    if budget.rule == Budget.Rule.KNAPSACK and total > budget.envelope:
        raise ValidationError(
            _("Le total choisi (%(total)s €) dépasse l'enveloppe de %(envelope)s €.")
            % {"total": f"{total:,}".replace(",", " "), "envelope": f"{budget.envelope:,}".replace(",", " ")},
            code="over-envelope",
        )
    if not complete:
        return
    if count == 0:
        raise ValidationError(_("Choisissez au moins un projet."), code="empty")
    if count < budget.min_projects:
        raise ValidationError(_("Choisissez au moins %(min)s projets.") % {"min": budget.min_projects}, code="too-few")
    if budget.rule == Budget.Rule.KNAPSACK and budget.min_share_percent:
        minimum = minimum_total(budget)
        if total < minimum:
            raise ValidationError(
                _("Votre sélection doit utiliser au moins %(percent)s %% de l'enveloppe, soit %(minimum)s €.")
                % {"percent": budget.min_share_percent, "minimum": f"{minimum:,}".replace(",", " ")},
                code="under-min-share",
            )


def selection_refusal(budget: Budget, projects: list[Project], *, complete: bool) -> str:
    """Why the selection breaks the budget's rule ("" when it does not): `validate_selection`'s message."""
    try:
        validate_selection(budget, projects, complete=complete)
    except ValidationError as error:
        return error.message
    return ""


def minimum_total(budget: Budget) -> int:
    """The smallest total a knapsack ballot must reach (rounded up to the euro)."""
    return -(-budget.envelope * budget.min_share_percent // 100)


def allowed_budgets(process: Process, *, user=None, access_code: AccessCode | None = None, at=None) -> list[Budget]:
    """The budgets of `process` this voter may vote in (one of them), following the documented district rule."""
    budgets = list(process.budgets.all())
    district_id = None
    if access_code is not None:
        district_id = access_code.district_id
    elif user is not None and user.is_authenticated:
        phase = process.active_phase(at)
        if phase is not None and phase.verification in (
            VerificationLevel.RESIDENCY_DECLARED,
            VerificationLevel.RESIDENCY_CENSUS,
        ):
            district_id = (
                Residency.objects.filter(user=user, organisation_id=process.organisation_id)
                .values_list("district_id", flat=True)
                .first()
            )
    if district_id is None:
        return budgets
    return [b for b in budgets if b.district_id in (None, district_id)]


def _check_voter(budget: Budget, *, user, access_code: AccessCode | None, at) -> None:
    process = budget.process
    if access_code is not None:
        phase = process.active_phase(at)
        if process.state != Process.State.PUBLISHED or phase is None or phase.kind != "vote":
            raise PermissionDenied(_("Le vote n'est pas ouvert."), code="not-open")
        if phase.verification != VerificationLevel.CODE:
            raise PermissionDenied(_("Dans cette étape, on vote avec un compte, pas avec un code."), code="no-code")
        if access_code.process_id != process.pk or access_code.is_revoked:
            raise PermissionDenied(_("Ce code n'est pas valable pour cette démarche."), code="bad-code")
        if access_code.used_at is not None:
            raise Conflict(_("Ce code a déjà servi à voter : un code ne vote qu'une fois."), code="already-voted")
    else:
        result = eligibility(user, process, "vote", at=at)
        if not result:
            raise PermissionDenied(result.message, code=result.reason, extra={"next_url": result.next_url})
    if budget.pk not in {b.pk for b in allowed_budgets(process, user=user, access_code=access_code, at=at)}:
        raise PermissionDenied(_("Vous votez dans le budget de votre quartier, pas dans celui-ci."), code="district")


def existing_ballot(process: Process, *, user=None, access_code: AccessCode | None = None) -> Ballot | None:
    if access_code is not None:
        return Ballot.objects.filter(access_code=access_code).select_related("budget").first()
    if user is not None and user.is_authenticated:
        return Ballot.objects.filter(budget__process=process, user=user).select_related("budget").first()
    return None


def ballot_submit(
    *,
    budget: Budget,
    project_ids: Iterable[int],
    user=None,
    access_code_id: int | None = None,
    at=None,
) -> Ballot:
    """Cast one ballot in ONE transaction; a second one from the same person or code is a Conflict.

    Locks the process and budget rows (and the code's row), re-checks eligibility and the budget's rule, then
    creates the ballot; the unique constraints are the last line of defence (an IntegrityError becomes a Conflict).
    """
    at = at or timezone.now()
    project_ids = [int(pid) for pid in project_ids]
    already = Conflict(_("Vous avez déjà voté : une seule participation par personne."), code="already-voted")
    try:
        with transaction.atomic():
            process = Process.objects.select_for_update().get(pk=budget.process_id)
            budget = Budget.objects.select_for_update().get(pk=budget.pk)
            budget.process = process
            access_code = None
            if access_code_id is not None:
                access_code = AccessCode.objects.select_for_update().filter(pk=access_code_id).first()
                if access_code is None:
                    raise PermissionDenied(_("Ce code n'est pas valable pour cette démarche."), code="bad-code")
                user = None  # a code ballot is not tied to an account
            elif user is None or not user.is_authenticated:
                raise PermissionDenied(_("Connectez-vous ou utilisez un code pour voter."), code="login")
            _check_voter(budget, user=user, access_code=access_code, at=at)
            if existing_ballot(process, user=user, access_code=access_code) is not None:
                raise already
            projects = list(Project.objects.filter(budget=budget, pk__in=project_ids))
            if len(projects) != len(set(project_ids)) or len(project_ids) != len(set(project_ids)):
                raise ValidationError(_("Un des projets choisis ne fait pas partie de ce vote."))
            validate_selection(budget, projects, complete=True)
            _freeze_if_due(budget, at=at)
            ballot = Ballot.objects.create(budget=budget, user=user, access_code=access_code, receipt=_new_receipt())
            BallotLine.objects.bulk_create([BallotLine(ballot=ballot, project=p) for p in projects])
            if access_code is not None:
                access_code.used_at = at
                access_code.save(update_fields=["used_at"])
            # The audit log records that a ballot was cast, never what it contains.
            audit_log(
                actor=user,
                action="participation.ballot.submitted",
                obj=budget,
                organisation=process.organisation,
                data={"by_code": access_code is not None},
            )
    except IntegrityError:
        raise already from None
    return ballot


def ballot_verify(*, process: Process, receipt: str) -> Ballot:
    """The counted ballot of `process` with this receipt (its budget and date only are shown), or NotFound."""
    value = normalise_receipt(receipt)
    ballot = (
        Ballot.objects.select_related("budget__process").filter(receipt=value).first()
        if len(value) == RECEIPT_LENGTH
        else None
    )
    if ballot is None:
        raise NotFound(_("Aucun bulletin ne porte ce reçu. Vérifiez les caractères saisis."), field="receipt")
    if ballot.budget.process_id != process.pk:
        raise NotFound(_("Aucun bulletin de cette démarche ne porte ce reçu."), field="receipt")
    return ballot


# --- Paper ballots and results ------------------------------------------------------------------------------


@transaction.atomic
def budget_paper_ballots_set(*, actor, budget: Budget, paper_ballots: int, votes: dict[int, int]) -> Budget:
    """Record the paper count: number of paper ballots and votes per project. Refused once results are published."""
    _require_manager(actor, budget.process)
    budget = Budget.objects.select_for_update().select_related("process").get(pk=budget.pk)
    if budget.results_published_at is not None:
        raise ValidationError(
            _("Les résultats sont publiés : les bulletins papier ne peuvent plus être modifiés."), code="published"
        )
    if paper_ballots < 0 or any(v < 0 for v in votes.values()):
        raise ValidationError(_("Les nombres de bulletins et de voix ne peuvent pas être négatifs."))
    projects = {p.pk: p for p in budget.projects.all()}
    if set(votes) - set(projects):
        raise ValidationError(_("Un des projets n'appartient pas à ce budget."))
    for project_id, count in votes.items():
        if count > paper_ballots:
            raise ValidationError(
                _("« %(title)s » ne peut pas avoir plus de voix (%(votes)s) que de bulletins papier (%(ballots)s).")
                % {"title": projects[project_id].title, "votes": count, "ballots": paper_ballots},
                field=f"project_{project_id}",
            )
    if budget.result_method == Budget.ResultMethod.EQUAL_SHARES and any(votes.values()):
        raise ValidationError(
            _(
                "La méthode des parts égales a besoin de chaque bulletin : des voix papier comptées par projet ne "
                "peuvent pas y entrer. Saisissez les bulletins papier un par un ou changez de méthode avant le vote."
            )
        )
    changed = []
    for project_id, count in votes.items():
        project = projects[project_id]
        if project.paper_votes != count:
            project.paper_votes = count
            changed.append(project)
    Project.objects.bulk_update(changed, ["paper_votes"])
    budget.paper_ballots = paper_ballots
    budget.results_computed_at = None  # the count changed: results must be computed again
    budget.save(update_fields=["paper_ballots", "results_computed_at", "updated_at"])
    audit_log(
        actor=actor,
        action="participation.paper_ballots.recorded",
        obj=budget,
        organisation=budget.process.organisation,
        data={"paper_ballots": paper_ballots, "votes": {str(k): v for k, v in votes.items()}},
    )
    return budget


def compute_outcomes(budget: Budget, projects: list[Project]) -> list[result_rules.ProjectOutcome]:
    """The outcomes with the budget's published method (projects carry their online_votes already)."""
    inputs = [result_rules.ProjectInput(id=p.pk, cost=p.cost, votes=p.online_votes + p.paper_votes) for p in projects]
    if budget.result_method == Budget.ResultMethod.EQUAL_SHARES:
        return result_rules.equal_shares(
            inputs,
            selectors.ballot_project_lists(budget, published_order=False),
            envelope=budget.envelope,
            max_projects=budget.max_projects,
        )
    return result_rules.greedy(inputs, envelope=budget.envelope, max_projects=budget.max_projects)


@transaction.atomic
def budget_compute_results(*, actor, budget: Budget, at=None) -> list[result_rules.ProjectOutcome]:
    """Count the ballots and apply the published rule; writes votes, ranks and winners. Not while voting is open."""
    _require_manager(actor, budget.process)
    at = at or timezone.now()
    budget = Budget.objects.select_for_update().select_related("process").get(pk=budget.pk)
    process = budget.process
    if voting_open(process, at=at):
        raise ValidationError(
            _("Le vote est encore ouvert : les résultats se calculent après la fin du vote."), code="voting-open"
        )
    if budget.results_published_at is not None:
        raise ValidationError(_("Les résultats sont déjà publiés."), code="published")
    counts = dict(
        Project.objects.filter(budget=budget).annotate(n=Count("ballot_lines")).values_list("pk", "n").order_by()
    )
    projects = [p for p in budget.projects.all() if p.is_feasible]
    not_feasible = [p for p in budget.projects.all() if not p.is_feasible]
    for project in projects:
        project.online_votes = counts.get(project.pk, 0)
    outcomes = compute_outcomes(budget, projects)
    by_id = {o.id: o for o in outcomes}
    for project in projects:
        project.rank = by_id[project.pk].rank
        project.is_winner = by_id[project.pk].is_winner
    for project in not_feasible:
        project.online_votes, project.rank, project.is_winner = counts.get(project.pk, 0), None, False
    Project.objects.bulk_update(projects + not_feasible, ["online_votes", "rank", "is_winner"], batch_size=500)
    budget.results_computed_at = at
    budget.save(update_fields=["results_computed_at", "updated_at"])
    summary = result_rules.totals(outcomes)
    audit_log(
        actor=actor,
        action="participation.budget_results.computed",
        obj=budget,
        organisation=process.organisation,
        data={"method": budget.result_method, **summary},
    )
    return outcomes


@transaction.atomic
def budget_publish_results(*, actor, budget: Budget, at=None) -> Budget:
    _require_manager(actor, budget.process)
    budget = Budget.objects.select_for_update().select_related("process").get(pk=budget.pk)
    if budget.results_published_at is not None:
        raise Conflict(_("Les résultats de ce budget sont déjà publiés."))
    if budget.results_computed_at is None:
        raise ValidationError(_("Calculez d'abord les résultats (après la saisie des bulletins papier)."))
    budget.results_published_at = at or timezone.now()
    budget.save(update_fields=["results_published_at", "updated_at"])
    audit_log(
        actor=actor,
        action="participation.budget_results.published",
        obj=budget,
        organisation=budget.process.organisation,
        data={"winners": list(budget.projects.filter(is_winner=True).values_list("pk", flat=True))},
    )
    if getattr(actor, "is_authenticated", False):
        # The budget results join the process's open data in the catalogue (a background job after commit).
        process_open_data_schedule(actor=actor, process=budget.process)
    return budget


def vote_phases(process: Process) -> list[Phase]:
    return [p for p in process.phases.all() if p.kind == "vote"]
