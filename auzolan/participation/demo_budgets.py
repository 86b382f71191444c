"""Demo data of the budgets area: a participatory budget with district budgets, projects, ballots and results.

Called by the demo loader (`load_demo`) with a published participatory-budget process whose vote phase is over,
an editor of its organisation as `actor`, the organisation's districts and a few citizens. Everything goes through
the services, replaying the past with their `at` argument: budgets and projects are set up before the vote, ballots
are cast during the vote phase (residency declared first when the phase asks for it), then results are computed and
published.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

from auzolan.core.errors import ApplicationError
from auzolan.participation.models import Budget, Process, Residency, VerificationLevel
from auzolan.participation.services import budgets as services
from auzolan.participation.services import verification

PROJECTS = [
    ("Des bancs et de l'ombre sur la place", 18_000, "Six bancs et quatre arbres d'alignement autour de la fontaine."),
    ("Un jardin partagé derrière l'école", 35_000, "Des bacs, un récupérateur d'eau et un abri à outils."),
    ("Une piste cyclable vers la gare", 90_000, "Huit cents mètres séparés de la chaussée, éclairés."),
    ("Des jeux pour les tout-petits", 42_000, "Une aire de jeux clôturée pour les moins de six ans."),
    ("Une boîte à livres et un abri", 6_000, "Une ancienne cabine téléphonique transformée en bibliothèque libre."),
    (
        "Des toilettes publiques accessibles",
        55_000,
        "Des toilettes nettoyées automatiquement, accessibles en fauteuil.",
    ),
]


def load_demo_budgets(*, actor, process: Process, districts=(), voters=(), seed: int = 5) -> list[Budget]:
    existing = list(process.budgets.all())
    if existing:
        return existing
    vote = min((p for p in process.phases.all() if p.kind == "vote"), key=lambda p: p.start_at)
    before_vote = vote.start_at - timedelta(days=1)
    rng = random.Random(seed)
    budgets = []
    for district in list(districts) or [None]:
        name = district.name if district else process.organisation.name
        budget = services.budget_create(
            actor=actor,
            process=process,
            title=f"Budget participatif — {name}",
            description="Choisissez les projets que la commune réalisera l'an prochain.",
            district=district,
            envelope=150_000,
            min_share_percent=30,
            at=before_vote,
        )
        for title, cost, description in PROJECTS:
            services.project_create(
                actor=actor, budget=budget, title=title, cost=cost, description=description, at=before_vote
            )
        budgets.append(budget)
    asks_residency = vote.verification in (VerificationLevel.RESIDENCY_DECLARED, VerificationLevel.RESIDENCY_CENSUS)
    span = (vote.end_at - vote.start_at) / 2
    for number, user in enumerate(voters):
        if asks_residency and not Residency.objects.filter(user=user, organisation=process.organisation).exists():
            _declare(user, process, budgets[number % len(budgets)].district)
        at = vote.start_at + span * rng.random()
        allowed = services.allowed_budgets(process, user=user, at=at)
        if not allowed:
            continue
        budget = allowed[0]
        projects = list(budget.projects.all())
        rng.shuffle(projects)
        chosen, total = [], 0
        for project in projects:
            if total + project.cost <= budget.envelope:
                chosen.append(project.pk)
                total += project.cost
        try:
            services.ballot_submit(budget=budget, project_ids=chosen, user=user, at=at)
        except ApplicationError:
            continue  # not eligible (blocked, census needed…): the demo goes on without this ballot
    for budget in budgets:
        services.budget_compute_results(actor=actor, budget=budget)
        services.budget_publish_results(actor=actor, budget=budget)
    return budgets


def _declare(user, process: Process, district) -> None:
    codes = [c for c in (district.postal_codes.split(",") if district else []) if c]
    with contextlib.suppress(ApplicationError):
        verification.residency_declare(
            user=user, process=process, postal_code=codes[0] if codes else "64100", district=district, certified=True
        )
