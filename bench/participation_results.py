"""Benchmark of participatory budget results: `budget_compute_results` on 200 projects and 50,000 ballots.

Run on demand (not part of the test suite):

    .venv/bin/python bench/participation_results.py [--ballots 50000] [--projects 200] [--runs 5] [--rebuild]

It prepares a separate SQLite database under var/bench-participation/ (PostgreSQL instead if --postgres is given and
DATABASE_URL is set): one process whose vote is over, one knapsack budget, 200 projects and 50,000 ballots of 3 to 8
projects each (bulk-created, popularity skewed like a real vote). It then times the whole service call
(count the ballot lines, rank, walk the envelope, write votes/ranks/winners) with the greedy rule and with the
Method of Equal Shares, and the Pabulib export of the same ballots. Target (issue 5): greedy results <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench-participation"
SLUG = "bench-budget-participatif"


def setup_django(postgres: bool) -> None:
    os.environ.update(
        {
            "AUZOLAN_ENV": "local",
            "AUZOLAN_VAR_DIR": str(VAR_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
        }
    )
    if not postgres:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare(*, projects: int, ballots: int, rebuild: bool):
    from django.core.management import call_command
    from django.utils import timezone

    from auzolan.participation.models import Ballot, BallotLine, Budget, Phase, Process, Project
    from tests.organisations.factories import OrganisationFactory

    call_command("migrate", verbosity=0)
    process = Process.objects.filter(slug=SLUG).first()
    if process is not None and not rebuild:
        budget = process.budgets.get()
        if budget.ballots.count() == ballots and budget.projects.count() == projects:
            print(f"Base déjà prête : {projects} projets, {ballots} bulletins.")
            return budget
    if process is not None:
        Ballot.objects.filter(budget__process=process).delete()
        process.delete()
    organisation = OrganisationFactory(name="Commune du banc d'essai", slug=f"bench-{random.randrange(10**9)}")
    now = timezone.now()
    process = Process.objects.create(
        organisation=organisation, slug=SLUG, title="Budget participatif (banc d'essai)", state="published"
    )
    Phase.objects.create(
        process=process, kind="vote", start_at=now - timedelta(days=30), end_at=now - timedelta(days=1)
    )
    budget = Budget.objects.create(process=process, title="Toute la commune", envelope=1_000_000)
    rng = random.Random(5)
    Project.objects.bulk_create(
        [
            Project(budget=budget, title=f"Projet {i}", cost=rng.randrange(5, 150) * 1000, description="")
            for i in range(projects)
        ]
    )
    project_ids = list(budget.projects.values_list("pk", flat=True))
    weights = [1 / (rank + 5) for rank in range(len(project_ids))]  # a few popular projects, a long tail
    started = time.perf_counter()
    chunk = 5000
    for start in range(0, ballots, chunk):
        rows = [
            Ballot(budget=budget, receipt=f"{rng.getrandbits(96):024X}") for _ in range(min(chunk, ballots - start))
        ]
        Ballot.objects.bulk_create(rows)
        rows = list(Ballot.objects.filter(budget=budget).order_by("-pk")[: len(rows)])
        lines = []
        for ballot in rows:
            chosen = set()
            size = rng.randint(3, 8)
            while len(chosen) < size:
                chosen.add(rng.choices(project_ids, weights)[0])
            lines.extend(BallotLine(ballot=ballot, project_id=pid) for pid in chosen)
        BallotLine.objects.bulk_create(lines, batch_size=5000)
    print(f"Données créées en {time.perf_counter() - started:.1f} s ({BallotLine.objects.count()} lignes).")
    return budget


def time_call(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL instead of a bench SQLite file")
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(args.postgres)
    from django.db import connection

    from auzolan.participation import pabulib
    from auzolan.participation.models import Budget
    from auzolan.participation.selectors import budgets as selectors
    from auzolan.participation.services import budgets as services
    from tests.accounts.factories import UserFactory

    budget = prepare(projects=args.projects, ballots=args.ballots, rebuild=args.rebuild)
    actor = UserFactory(is_staff=True, territory_role="agency", email=f"bench-{uuid.uuid4().hex}@example.org")
    rows = []
    for method, runs in (
        (Budget.ResultMethod.GREEDY, args.runs),
        (Budget.ResultMethod.EQUAL_SHARES, max(1, args.runs // 2)),
    ):
        Budget.objects.filter(pk=budget.pk).update(result_method=method)
        budget = Budget.objects.get(pk=budget.pk)
        timings = time_call(lambda b=budget: services.budget_compute_results(actor=actor, budget=b), runs)
        winners = budget.projects.filter(is_winner=True).count()
        rows.append((f"budget_compute_results ({method})", timings, f"{winners} lauréats"))

    def export():
        projects = list(budget.projects.order_by("pk"))
        return pabulib.write(
            meta={"budget": budget.envelope},
            projects=[
                pabulib.PabulibProject(p.pk, p.cost, p.title, p.online_votes, p.paper_votes, p.is_winner)
                for p in projects
            ],
            votes=selectors.ballot_project_lists(budget),
        )

    size = len(export())
    rows.append(("Pabulib export", time_call(export, max(1, args.runs // 2)), f"{size / 1e6:.1f} Mo"))
    Budget.objects.filter(pk=budget.pk).update(result_method=Budget.ResultMethod.GREEDY)
    actor.delete()

    print()
    print(f"Base : {connection.vendor}, {args.projects} projets, {args.ballots} bulletins")
    print(f"{'Mesure':<45} {'min (s)':>8} {'médiane (s)':>12} {'max (s)':>8}  Note")
    for name, timings, note in rows:
        print(f"{name:<45} {min(timings):>8.2f} {statistics.median(timings):>12.2f} {max(timings):>8.2f}  {note}")
    greedy = statistics.median(rows[0][1])
    print()
    print(f"Objectif (issue 5) : résultats <= 2 s — {'atteint' if greedy <= 2 else 'MANQUÉ'} ({greedy:.2f} s).")


if __name__ == "__main__":
    main()
