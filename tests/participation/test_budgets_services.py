"""Budget services: set-up, frozen rules, ballot rules, one ballot per person, paper ballots, results."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from auzolan.accounts.services import user_export_data
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.demo_budgets import load_demo_budgets
from auzolan.participation.models import Ballot, Budget, Residency
from auzolan.participation.services import budgets as services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import DistrictFactory, ProposalFactory
from tests.participation.factories_budgets import (
    BudgetFactory,
    ProjectFactory,
    ballot,
    closed_vote_process,
    future_vote_process,
    vote_process,
)

pytestmark = pytest.mark.django_db


def editor_of(process):
    user = UserFactory()
    MembershipFactory(organisation=process.organisation, user=user, role="editor")
    return user


# --- Set-up and frozen rules -------------------------------------------------------------------------------


def test_editor_creates_a_budget_and_projects_outsider_cannot():
    process = future_vote_process()
    editor = editor_of(process)
    budget = services.budget_create(actor=editor, process=process, title="Centre", envelope=50_000)
    project = services.project_create(actor=editor, budget=budget, title="Bancs", cost=5_000)
    assert project.budget == budget
    assert AuditLogEntry.objects.filter(action="participation.budget.created").exists()
    with pytest.raises(PermissionDenied):
        services.budget_create(actor=UserFactory(), process=process, title="X", envelope=10)


def test_budget_rule_values_are_checked():
    process = future_vote_process()
    editor = editor_of(process)
    with pytest.raises(ValidationError):
        services.budget_create(actor=editor, process=process, title="X", envelope=0)
    with pytest.raises(ValidationError):
        services.budget_create(actor=editor, process=process, title="X", envelope=10, min_projects=3, max_projects=2)
    with pytest.raises(ValidationError):
        services.budget_create(actor=editor, process=process, title="X", envelope=10, min_share_percent=120)


def test_rules_can_change_before_the_vote():
    process = future_vote_process()
    budget = BudgetFactory(process=process)
    services.budget_update(actor=editor_of(process), budget=budget, rule="approval", max_projects=3)
    budget.refresh_from_db()
    assert (budget.rule, budget.max_projects, budget.frozen_at) == ("approval", 3, None)


def test_rules_are_frozen_once_the_vote_phase_has_started():
    process = vote_process()
    budget = BudgetFactory(process=process)
    editor = editor_of(process)
    with pytest.raises(ValidationError) as error:
        services.budget_update(actor=editor, budget=budget, rule="approval")
    assert error.value.code == "rules-frozen"
    assert "figées" in error.value.message
    budget.refresh_from_db()
    assert budget.rule == "knapsack"
    assert budget.frozen_at == process.phases.get(kind="vote").start_at
    for field, value in (
        ("envelope", 1),
        ("min_share_percent", 50),
        ("max_projects", 9),
        ("result_method", "equal_shares"),
    ):
        with pytest.raises(ValidationError):
            services.budget_update(actor=editor, budget=budget, **{field: value})
    # Texts can still be corrected.
    services.budget_update(actor=editor, budget=budget, title="Nouveau titre")
    budget.refresh_from_db()
    assert budget.title == "Nouveau titre"


def test_rules_are_frozen_at_the_first_ballot_even_if_the_phase_dates_move():
    process = vote_process()
    budget = BudgetFactory(process=process)
    project = ProjectFactory(budget=budget)
    services.ballot_submit(budget=budget, project_ids=[project.pk], user=UserFactory())
    budget.refresh_from_db()
    assert budget.frozen_at is not None
    # The organisation moves the vote phase into the future: the rules stay frozen (a ballot exists).
    process.phases.filter(kind="vote").update(start_at=timezone.now() + timedelta(days=3))
    budget = Budget.objects.get(pk=budget.pk)
    with pytest.raises(ValidationError):
        services.budget_update(actor=editor_of(process), budget=budget, envelope=5)


def test_projects_cannot_be_added_removed_or_repriced_once_frozen():
    process = vote_process()
    budget = BudgetFactory(process=process)
    project = ProjectFactory(budget=budget)
    editor = editor_of(process)
    with pytest.raises(ValidationError):
        services.project_create(actor=editor, budget=budget, title="Tard", cost=10)
    with pytest.raises(ValidationError):
        services.project_update(actor=editor, project=project, cost=1)
    with pytest.raises(ValidationError):
        services.project_delete(actor=editor, project=project)
    services.project_update(actor=editor, project=project, title="Titre corrigé")


def test_project_from_proposal():
    process = future_vote_process()
    budget = BudgetFactory(process=process)
    proposal = ProposalFactory(process=process, title="Un jardin partagé", body="Au **centre**.")
    editor = editor_of(process)
    project = services.project_create_from_proposal(actor=editor, budget=budget, proposal=proposal, cost=8000)
    assert (project.title, project.description, project.cost, project.proposal) == (
        "Un jardin partagé",
        "Au **centre**.",
        8000,
        proposal,
    )
    with pytest.raises(Conflict):
        services.project_create_from_proposal(actor=editor, budget=budget, proposal=proposal, cost=8000)
    other = ProposalFactory()
    with pytest.raises(NotFound):  # the proposal belongs to another process
        services.project_create_from_proposal(actor=editor, budget=budget, proposal=other, cost=1)


# --- Ballot rules ------------------------------------------------------------------------------------------


@pytest.fixture
def knapsack():
    process = vote_process()
    budget = BudgetFactory(process=process, envelope=100, min_share_percent=50)
    projects = [ProjectFactory(budget=budget, cost=cost) for cost in (60, 30, 20, 50)]
    return budget, projects


def test_knapsack_ballot_within_the_envelope(knapsack):
    budget, (p60, p30, _p20, _p50) = knapsack
    user = UserFactory()
    cast = services.ballot_submit(budget=budget, project_ids=[p60.pk, p30.pk], user=user)
    assert cast.user == user
    assert sorted(cast.lines.values_list("project_id", flat=True)) == sorted([p60.pk, p30.pk])
    assert len(cast.receipt) == services.RECEIPT_LENGTH


def test_knapsack_ballot_over_the_envelope_is_refused(knapsack):
    budget, (p60, _p30, _p20, p50) = knapsack
    with pytest.raises(ValidationError) as error:
        services.ballot_submit(budget=budget, project_ids=[p60.pk, p50.pk], user=UserFactory())
    assert error.value.code == "over-envelope"
    assert not Ballot.objects.exists()


def test_knapsack_ballot_under_the_minimum_share_is_refused(knapsack):
    budget, (_p60, p30, _p20, _p50) = knapsack
    with pytest.raises(ValidationError) as error:
        services.ballot_submit(budget=budget, project_ids=[p30.pk], user=UserFactory())
    assert error.value.code == "under-min-share"
    assert services.minimum_total(budget) == 50


def test_selection_refusal_says_why_or_nothing(knapsack):
    budget, (p60, p30, _p20, p50) = knapsack
    assert services.selection_refusal(budget, [p60, p30], complete=True) == ""
    assert "dépasse l'enveloppe" in services.selection_refusal(budget, [p60, p50], complete=False)
    # Under the minimum share: a refusal only for a complete ballot, not while choosing.
    assert services.selection_refusal(budget, [p30], complete=False) == ""
    assert "au moins 50" in services.selection_refusal(budget, [p30], complete=True)


def test_approval_min_and_max():
    budget = BudgetFactory(process=vote_process(), rule="approval", min_projects=2, max_projects=3, envelope=10)
    projects = [ProjectFactory(budget=budget, cost=1000) for _ in range(4)]  # cost ignored by approval
    with pytest.raises(ValidationError) as error:
        services.ballot_submit(budget=budget, project_ids=[projects[0].pk], user=UserFactory())
    assert error.value.code == "too-few"
    with pytest.raises(ValidationError) as error:
        services.ballot_submit(budget=budget, project_ids=[p.pk for p in projects], user=UserFactory())
    assert error.value.code == "too-many"
    services.ballot_submit(budget=budget, project_ids=[p.pk for p in projects[:3]], user=UserFactory())


def test_empty_duplicate_foreign_or_unfeasible_projects_are_refused(knapsack):
    budget, (p60, _p30, p20, _p50) = knapsack
    user = UserFactory()
    other = ProjectFactory(cost=1)
    unfeasible = ProjectFactory(budget=budget, cost=40, is_feasible=False)
    for ids in ([], [p60.pk, p60.pk], [p60.pk, other.pk], [unfeasible.pk, p20.pk], [999999]):
        with pytest.raises(ValidationError):
            services.ballot_submit(budget=budget, project_ids=ids, user=user)
    assert not Ballot.objects.exists()


def test_one_ballot_per_person_and_per_process(knapsack):
    budget, (p60, p30, _p20, _p50) = knapsack
    other_budget = BudgetFactory(process=budget.process, envelope=100)
    other_project = ProjectFactory(budget=other_budget, cost=60)
    user = UserFactory()
    services.ballot_submit(budget=budget, project_ids=[p60.pk], user=user)
    with pytest.raises(Conflict) as error:
        services.ballot_submit(budget=budget, project_ids=[p30.pk, p60.pk], user=user)
    assert "déjà voté" in error.value.message
    with pytest.raises(Conflict):
        services.ballot_submit(budget=other_budget, project_ids=[other_project.pk], user=user)
    assert Ballot.objects.count() == 1


def test_the_database_refuses_a_second_ballot_even_without_the_service_check(knapsack, monkeypatch):
    budget, (p60, *_rest) = knapsack
    user = UserFactory()
    services.ballot_submit(budget=budget, project_ids=[p60.pk], user=user)
    monkeypatch.setattr(services, "existing_ballot", lambda *args, **kwargs: None)
    with pytest.raises(Conflict):
        services.ballot_submit(budget=budget, project_ids=[p60.pk], user=user)
    assert Ballot.objects.count() == 1


def test_anonymous_or_ineligible_people_cannot_vote(knapsack):
    budget, (p60, *_rest) = knapsack
    with pytest.raises(PermissionDenied):
        services.ballot_submit(budget=budget, project_ids=[p60.pk], user=AnonymousUser())
    closed = BudgetFactory(process=closed_vote_process())
    project = ProjectFactory(budget=closed, cost=10)
    with pytest.raises(PermissionDenied):
        services.ballot_submit(budget=closed, project_ids=[project.pk], user=UserFactory())
    residents_only = BudgetFactory(process=vote_process(verification="residency_declared"))
    project = ProjectFactory(budget=residents_only, cost=10)
    with pytest.raises(PermissionDenied) as error:
        services.ballot_submit(budget=residents_only, project_ids=[project.pk], user=UserFactory())
    assert error.value.code == "residency"


def test_residents_vote_in_their_district_budget_only():
    process = vote_process(verification="residency_declared")
    north, south = (
        DistrictFactory(organisation=process.organisation),
        DistrictFactory(organisation=process.organisation),
    )
    budget_north = BudgetFactory(process=process, district=north)
    budget_south = BudgetFactory(process=process, district=south)
    user = UserFactory()
    Residency.objects.create(organisation=process.organisation, user=user, method="declared", district=north)
    assert [b.pk for b in services.allowed_budgets(process, user=user)] == [budget_north.pk]
    with pytest.raises(PermissionDenied) as error:
        services.ballot_submit(budget=budget_south, project_ids=[ProjectFactory(budget=budget_south).pk], user=user)
    assert error.value.code == "district"
    services.ballot_submit(budget=budget_north, project_ids=[ProjectFactory(budget=budget_north).pk], user=user)


def test_the_audit_log_never_records_the_choices(knapsack):
    budget, (p60, *_rest) = knapsack
    services.ballot_submit(budget=budget, project_ids=[p60.pk], user=UserFactory())
    entry = AuditLogEntry.objects.get(action="participation.ballot.submitted")
    assert str(p60.pk) not in str(entry.data)


def test_verify_receipt():
    budget = BudgetFactory(process=vote_process())
    project = ProjectFactory(budget=budget)
    cast = services.ballot_submit(budget=budget, project_ids=[project.pk], user=UserFactory())
    formatted = services.format_receipt(cast.receipt).lower()
    assert services.ballot_verify(process=budget.process, receipt=f"  {formatted} ") == cast
    with pytest.raises(NotFound):
        services.ballot_verify(process=budget.process, receipt="AAAA-BBBB")
    # A receipt of another process is not found in this one.
    with pytest.raises(NotFound) as error:
        services.ballot_verify(process=vote_process(), receipt=cast.receipt)
    assert error.value.message == "Aucun bulletin de cette démarche ne porte ce reçu."


# --- Paper ballots and results ------------------------------------------------------------------------------


@pytest.fixture
def counted():
    """A closed vote: A (60) 3 online votes, B (50) 2, C (30) 1, D (20) 0, envelope 100."""
    process = closed_vote_process()
    budget = BudgetFactory(process=process, envelope=100)
    a, b, c, d = (ProjectFactory(budget=budget, cost=cost) for cost in (60, 50, 30, 20))
    for choice in ([a], [a, c], [a], [b], [b, c]):
        ballot(budget, choice)
    return budget, (a, b, c, d), editor_of(process)


def test_compute_results_greedy(counted):
    budget, (a, b, c, d), editor = counted
    outcomes = services.budget_compute_results(actor=editor, budget=budget)
    # votes A3 B2 C2 D0 -> ranking A, then B and C tie on votes: C cheaper first. A (40 left), C (10 left), B skip.
    assert [o.id for o in outcomes] == [a.pk, c.pk, b.pk, d.pk]
    for project in (a, b, c, d):
        project.refresh_from_db()
    assert (a.online_votes, b.online_votes, c.online_votes, d.online_votes) == (3, 2, 2, 0)
    assert (a.rank, c.rank, b.rank, d.rank) == (1, 2, 3, 4)
    assert (a.is_winner, b.is_winner, c.is_winner, d.is_winner) == (True, False, True, False)
    budget.refresh_from_db()
    assert budget.results_computed_at is not None


def test_paper_ballots_change_the_winner(counted):
    budget, (a, b, c, d), editor = counted
    services.budget_paper_ballots_set(actor=editor, budget=budget, paper_ballots=4, votes={b.pk: 4, d.pk: 1})
    services.budget_compute_results(actor=editor, budget=budget)
    for project in (a, b, c, d):
        project.refresh_from_db()
    # B now 6 votes: B (50 left), A 60 skipped, C 30 (20 left), D 20 (0 left).
    assert [p.is_winner for p in (a, b, c, d)] == [False, True, True, True]
    assert b.rank == 1 and b.total_votes == 6


def test_paper_votes_cannot_exceed_paper_ballots_or_follow_publication(counted):
    budget, (a, *_rest), editor = counted
    with pytest.raises(ValidationError):
        services.budget_paper_ballots_set(actor=editor, budget=budget, paper_ballots=2, votes={a.pk: 3})
    with pytest.raises(ValidationError):
        services.budget_paper_ballots_set(actor=editor, budget=budget, paper_ballots=2, votes={a.pk: -1})
    services.budget_compute_results(actor=editor, budget=budget)
    services.budget_publish_results(actor=editor, budget=budget)
    with pytest.raises(ValidationError) as error:
        services.budget_paper_ballots_set(actor=editor, budget=budget, paper_ballots=5, votes={a.pk: 1})
    assert error.value.code == "published"


def test_paper_ballots_invalidate_computed_results(counted):
    budget, (a, *_rest), editor = counted
    services.budget_compute_results(actor=editor, budget=budget)
    services.budget_paper_ballots_set(actor=editor, budget=budget, paper_ballots=1, votes={a.pk: 1})
    with pytest.raises(ValidationError):
        services.budget_publish_results(actor=editor, budget=budget)


def test_results_not_computed_while_voting_is_open():
    budget = BudgetFactory(process=vote_process())
    with pytest.raises(ValidationError) as error:
        services.budget_compute_results(actor=editor_of(budget.process), budget=budget)
    assert error.value.code == "voting-open"


def test_publish_twice_is_a_conflict(counted):
    budget, _projects, editor = counted
    services.budget_compute_results(actor=editor, budget=budget)
    services.budget_publish_results(actor=editor, budget=budget)
    with pytest.raises(Conflict):
        services.budget_publish_results(actor=editor, budget=budget)
    with pytest.raises(ValidationError):
        services.budget_compute_results(actor=editor, budget=budget)


def test_approval_results_stop_at_max_projects():
    process = closed_vote_process()
    budget = BudgetFactory(process=process, rule="approval", max_projects=2, envelope=1000)
    projects = [ProjectFactory(budget=budget, cost=10) for _ in range(3)]
    ballot(budget, projects)
    ballot(budget, projects[:2])
    ballot(budget, projects[:1])
    services.budget_compute_results(actor=editor_of(process), budget=budget)
    assert [p.is_winner for p in Budget.objects.get(pk=budget.pk).projects.order_by("pk")] == [True, True, False]


def test_equal_shares_results_through_the_service():
    process = closed_vote_process()
    budget = BudgetFactory(process=process, envelope=100, result_method="equal_shares")
    a1, a2, a3, b = (ProjectFactory(budget=budget, cost=30) for _ in range(4))
    for _ in range(6):
        ballot(budget, [a1, a2, a3])
    for _ in range(4):
        ballot(budget, [b])
    services.budget_compute_results(actor=editor_of(process), budget=budget)
    winners = set(budget.projects.filter(is_winner=True).values_list("pk", flat=True))
    assert winners == {a1.pk, a2.pk, b.pk}


def test_equal_shares_refuses_paper_votes_per_project():
    process = closed_vote_process()
    budget = BudgetFactory(process=process, result_method="equal_shares")
    project = ProjectFactory(budget=budget)
    with pytest.raises(ValidationError):
        services.budget_paper_ballots_set(
            actor=editor_of(process), budget=budget, paper_ballots=3, votes={project.pk: 2}
        )


def test_personal_data_export_and_account_deletion_keep_the_ballot_anonymous(knapsack):
    budget, (p60, *_rest) = knapsack
    user = UserFactory()
    cast = services.ballot_submit(budget=budget, project_ids=[p60.pk], user=user)
    exported = user_export_data(user=user)["participation_ballots"]
    assert exported == [
        {
            "process": budget.process.title,
            "budget": budget.title,
            "date": cast.created_at.isoformat(),
            "receipt": cast.receipt,
            "projects": [p60.title],
        }
    ]
    user.delete()
    cast.refresh_from_db()
    assert cast.user is None and cast.lines.count() == 1  # still counted, no longer tied to anyone


def test_demo_budgets_through_the_services():
    process = closed_vote_process()
    process.phases.filter(kind="vote").update(verification="residency_declared")
    north = DistrictFactory(organisation=process.organisation, postal_codes="64100")
    south = DistrictFactory(organisation=process.organisation, postal_codes="64100")
    voters = UserFactory.create_batch(8)
    budgets = load_demo_budgets(actor=editor_of(process), process=process, districts=[north, south], voters=voters)
    assert len(budgets) == 2
    assert Ballot.objects.filter(budget__process=process).count() == 8
    for budget in budgets:
        budget.refresh_from_db()
        assert budget.results_published_at is not None and budget.projects.filter(is_winner=True).exists()
        assert budget.frozen_at is not None
    assert load_demo_budgets(actor=editor_of(process), process=process) == budgets  # idempotent
