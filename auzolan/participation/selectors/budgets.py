"""Reads of participatory budgets: what the budget pages need, joined."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from auzolan.participation.models import AccessCode, Ballot, BallotLine, Budget, Process, Project


def budget_list(process: Process) -> QuerySet[Budget]:
    return (
        Budget.objects.filter(process=process)
        .select_related("district")
        .annotate(
            projects_count=Count("projects", filter=Q(projects__is_feasible=True), distinct=True),
            ballots_count=Count("ballots", distinct=True),
        )
        .order_by("title", "id")
    )


def budget_for(process: Process, pk: int) -> Budget:
    budget = Budget.objects.select_related("district").get(process=process, pk=pk)
    budget.process = process  # keep the prefetched phases
    return budget


def votable_projects(budget: Budget) -> QuerySet[Project]:
    return Project.objects.filter(budget=budget, is_feasible=True).select_related("proposal").order_by("title", "id")


def budget_projects_for_managers(budget: Budget) -> QuerySet[Project]:
    return (
        Project.objects.filter(budget=budget)
        .select_related("proposal")
        .annotate(lines=Count("ballot_lines"))
        .order_by("title", "id")
    )


def ranked_projects(budget: Budget) -> list[Project]:
    """The projects in the order of the computed ranking (unranked ones, not retained at the study, last)."""
    projects = list(Project.objects.filter(budget=budget).select_related("proposal"))
    return sorted(projects, key=lambda p: (p.rank is None, p.rank or 0, p.title, p.pk))


def ballots_count(budget: Budget) -> int:
    return Ballot.objects.filter(budget=budget).count()


def code_batches(process: Process) -> list[dict]:
    """Per batch: how many codes, used, revoked (never the codes themselves: they are not stored in clear)."""
    rows = (
        AccessCode.objects.filter(process=process)
        .values("batch", "district__name")
        .annotate(
            total=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
            revoked=Count("id", filter=Q(is_revoked=True)),
        )
        .order_by("batch", "district__name")
    )
    return list(rows)


def _published_position(key: bytes, receipt: str) -> str:
    return hmac.new(key, receipt.encode(), hashlib.sha256).hexdigest()


def ballot_project_lists(budget: Budget, *, published_order: bool = True) -> list[list[int]]:
    """Each ballot's project ids; in the published, anonymised order unless `published_order` is False (counting
    needs no order: grouping by ballot is enough, and cheaper).

    The published order is a keyed shuffle: ballots sorted by an HMAC of their receipt (keyed with SECRET_KEY and
    the process's secret), stable from one export to the next. Not the receipts' own order: a voter holds and may
    show their receipt, and its value would tell roughly which line of the file is their ballot."""
    lines = BallotLine.objects.filter(ballot__budget=budget).order_by("ballot_id", "project_id")
    if not published_order:
        pairs = lines.values_list("ballot_id", "project_id").iterator(chunk_size=10_000)
        rows = ((ballot_id, "", project_id) for ballot_id, project_id in pairs)
    else:
        rows = lines.values_list("ballot_id", "ballot__receipt", "project_id").iterator(chunk_size=10_000)
    ballots: list[tuple[str, list[int]]] = []
    current = None
    for ballot_id, receipt, project_id in rows:
        if ballot_id != current:
            ballots.append((receipt, []))
            current = ballot_id
        ballots[-1][1].append(project_id)
    if published_order:
        key = (settings.SECRET_KEY + budget.process.secret).encode()
        ballots.sort(key=lambda item: _published_position(key, item[0]))
    return [projects for _receipt, projects in ballots]


def personal_data_ballots(user) -> list[dict]:
    """RGPD export: the person's ballots (their own choices; on account deletion the ballots stay, anonymous)."""
    ballots = Ballot.objects.filter(user=user).select_related("budget__process").prefetch_related("lines__project")
    return [
        {
            "process": ballot.budget.process.title,
            "budget": ballot.budget.title,
            "date": ballot.created_at.isoformat(),
            "receipt": ballot.receipt,
            "projects": sorted(line.project.title for line in ballot.lines.all()),
        }
        for ballot in ballots.order_by("created_at")
    ]


def api_budgets(*, process: Process) -> QuerySet[Budget]:
    """The read API's budgets of a process (participation/api.py), with their projects."""
    projects = Project.objects.select_related("proposal").order_by("title", "pk")
    return (
        Budget.objects.filter(process=process)
        .select_related("district")
        .prefetch_related(Prefetch("projects", queryset=projects))
        .order_by("title", "pk")
    )
