"""One ballot under concurrency: two tabs, replays and one code used twice at the same moment.

The parallel tests run threads with their own database connections, released together by a barrier. They need
PostgreSQL: SQLite serialises writes, and its in-memory test database (shared cache) answers a concurrent writer
with "database table is locked" at once instead of waiting, so parallel writers cannot be exercised there; the
sequential replay tests below run on both databases.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from auzolan.core.errors import ApplicationError, Conflict
from auzolan.participation.models import Ballot
from auzolan.participation.services import budgets as services
from auzolan.participation.services import codes as code_services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories_budgets import BudgetFactory, ProjectFactory, vote_process

PARALLEL = 6

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parallel writers need PostgreSQL (SQLite serialises writes; its shared-cache in-memory test database "
    "fails concurrent writers with 'table is locked'); the sequential replay tests run on SQLite",
)


def run_parallel(target, count=PARALLEL) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            result = target()
        except Conflict:
            result = "conflict"
        except ApplicationError as error:
            result = f"refused:{error.code}"
        except Exception as error:
            result = f"error:{error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def setup_vote(db):
    process = vote_process()
    budget = BudgetFactory(process=process, envelope=100)
    projects = [ProjectFactory(budget=budget, cost=40) for _ in range(3)]
    return process, budget, projects


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_same_person_in_parallel_gets_exactly_one_ballot(setup_vote):
    _process, budget, projects = setup_vote
    user = UserFactory()

    def submit():
        services.ballot_submit(budget=budget, project_ids=[projects[0].pk, projects[1].pk], user=user)
        return "ok"

    outcomes = run_parallel(submit)
    assert sorted(outcomes) == ["conflict"] * (PARALLEL - 1) + ["ok"], outcomes
    assert Ballot.objects.filter(user=user).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_unique_constraint_alone_still_gives_one_ballot(setup_vote, monkeypatch):
    """Even if the service's own check were missing, the constraint turns the race into a Conflict, not a 500."""
    _process, budget, projects = setup_vote
    user = UserFactory()
    monkeypatch.setattr(services, "existing_ballot", lambda *args, **kwargs: None)

    def submit():
        services.ballot_submit(budget=budget, project_ids=[projects[0].pk], user=user)
        return "ok"

    outcomes = run_parallel(submit)
    assert sorted(outcomes) == ["conflict"] * (PARALLEL - 1) + ["ok"], outcomes
    assert Ballot.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_same_person_in_two_budgets_of_the_process_at_once(setup_vote):
    process, budget, projects = setup_vote
    other = BudgetFactory(process=process, envelope=100)
    other_project = ProjectFactory(budget=other, cost=10)
    user = UserFactory()
    turn = iter(range(PARALLEL))
    turn_lock = threading.Lock()

    def submit():
        with turn_lock:
            n = next(turn)
        if n % 2:
            services.ballot_submit(budget=other, project_ids=[other_project.pk], user=user)
        else:
            services.ballot_submit(budget=budget, project_ids=[projects[0].pk], user=user)
        return "ok"

    outcomes = run_parallel(submit)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == PARALLEL - 1, outcomes
    assert Ballot.objects.filter(user=user).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_over_http(setup_vote):
    process, budget, projects = setup_vote
    user = UserFactory()
    main = Client()
    main.force_login(user)
    select = reverse("participation:budget_select", kwargs={"slug": process.slug, "pk": budget.pk})
    main.post(select, {"project": projects[0].pk, "action": "add"})
    checkout = reverse("participation:budget_checkout", kwargs={"slug": process.slug, "pk": budget.pk})

    def post():
        tab = Client()
        tab.cookies = main.cookies  # same browser, another tab: same session
        # Each tab has its own form (its own submission token), as two loaded pages would.
        return str(tab.post(checkout, {"confirm": "on"}).status_code)

    outcomes = run_parallel(post)
    assert outcomes.count("302") >= 1, outcomes
    assert not any(o.startswith("5") or o.startswith("error") for o in outcomes), outcomes
    assert Ballot.objects.filter(user=user).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_used_twice_in_parallel(db):
    process = vote_process(verification="code")
    budget = BudgetFactory(process=process, envelope=100)
    project = ProjectFactory(budget=budget, cost=40)
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    [code] = code_services.access_codes_generate(actor=editor, process=process, count=1)
    access_code = code_services.access_code_check(process=process, code=code, client_keys=["ip:test"])

    def submit():
        services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=access_code.pk)
        return "ok"

    outcomes = run_parallel(submit)
    assert sorted(outcomes) == ["conflict"] * (PARALLEL - 1) + ["ok"], outcomes
    assert Ballot.objects.filter(access_code=access_code).count() == 1


# --- Sequential replays (every database) ---------------------------------------------------------------------


@pytest.mark.django_db
def test_sequential_replay_of_the_same_ballot(setup_vote):
    _process, budget, projects = setup_vote
    user = UserFactory()
    results = []
    for _ in range(3):
        try:
            services.ballot_submit(budget=budget, project_ids=[projects[0].pk], user=user)
            results.append("ok")
        except Conflict:
            results.append("conflict")
    assert results == ["ok", "conflict", "conflict"]
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_sequential_replay_of_a_code(db):
    process = vote_process(verification="code")
    budget = BudgetFactory(process=process, envelope=100)
    project = ProjectFactory(budget=budget, cost=40)
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    [code] = code_services.access_codes_generate(actor=editor, process=process, count=1)
    access_code = code_services.access_code_check(process=process, code=code, client_keys=["ip:test"])
    services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=access_code.pk)
    with pytest.raises(Conflict):
        services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=access_code.pk)
    assert Ballot.objects.count() == 1
