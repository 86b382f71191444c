"""Results of a participatory budget: pure functions, no database.

Two published rules:

* **Greedy** (Consul's rule, the default). Projects are ranked by their total votes (online ballots + paper ballots).
  Walking down the ranking, a project is accepted if its cost fits in what is left of the envelope; a project that
  does not fit is skipped and the walk goes on, so a cheaper, less-voted project can still be funded. For an
  approval budget with a maximum number of projects, the walk stops once that many projects are accepted.
* **Method of Equal Shares** (Peters & Skowron), cost utilities, as published on equalshares.net. The envelope is
  split equally between the voters; a project is bought when its supporters can pay for it together, each paying at
  most an equal share ρ (less if they have less money left); at each step the project with the lowest price per
  euro of cost (ρ / cost) is bought. The envelope left when no project is affordable any more is completed with the
  greedy rule above. Individual ballots are needed, so paper ballots (counted per project only) cannot take part.

**Tie-break** (the same everywhere: ranking, greedy walk and equal-shares choices): more votes first; at equal votes
the **cheaper** project first; at equal votes and cost the project **entered first** (lower identifier).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class ProjectInput:
    id: int
    cost: int
    votes: int  # total: online + paper


@dataclass(frozen=True)
class ProjectOutcome:
    id: int
    votes: int
    cost: int
    rank: int  # 1-based position in the ranking (unique thanks to the tie-break)
    is_winner: bool
    #: Ranked high enough but its cost did not fit in the money left (or the maximum number of projects was reached).
    skipped: bool


def sort_key(project: ProjectInput) -> tuple[int, int, int]:
    """The published ranking order: votes descending, then cost ascending, then identifier ascending."""
    return (-project.votes, project.cost, project.id)


def rank(projects: Iterable[ProjectInput]) -> list[ProjectInput]:
    return sorted(projects, key=sort_key)


def _outcomes(ranked: Sequence[ProjectInput], winners: set[int]) -> list[ProjectOutcome]:
    outcomes = []
    for position, project in enumerate(ranked, start=1):
        is_winner = project.id in winners
        outcomes.append(
            ProjectOutcome(
                id=project.id,
                votes=project.votes,
                cost=project.cost,
                rank=position,
                is_winner=is_winner,
                skipped=not is_winner and project.votes > 0,
            )
        )
    return outcomes


def _greedy_fill(
    ranked: Sequence[ProjectInput], remaining: int, max_projects: int | None, already: set[int]
) -> tuple[set[int], int]:
    winners = set(already)
    for project in ranked:
        if max_projects is not None and len(winners) >= max_projects:
            break
        if project.id in winners or project.votes <= 0:
            continue
        if project.cost <= remaining:
            winners.add(project.id)
            remaining -= project.cost
    return winners, remaining


def greedy(projects: Iterable[ProjectInput], *, envelope: int, max_projects: int | None = None) -> list[ProjectOutcome]:
    """Consul's greedy rule with the documented tie-break; projects without any vote never win."""
    ranked = rank(projects)
    winners, _remaining = _greedy_fill(ranked, envelope, max_projects, set())
    return _outcomes(ranked, winners)


def equal_shares_winners(
    projects: Iterable[ProjectInput], ballots: Iterable[Iterable[int]], *, envelope: int
) -> list[int]:
    """The projects bought by the Method of Equal Shares (cost utilities), in the order they are bought.

    Exact arithmetic (fractions). Voters whose remaining budgets are equal and who approve the same project are
    handled together, which keeps the computation fast: every voter's money depends only on which of the bought
    projects they approved.
    """
    projects = {p.id: p for p in projects}
    ballots = [frozenset(b) & projects.keys() for b in ballots]
    ballots = [b for b in ballots if b]
    if not ballots or envelope <= 0:
        return []
    share = Fraction(envelope, len(ballots))
    # Each voter belongs to a class (the bought projects they approved); all voters of a class have the same money.
    voter_class = [frozenset()] * len(ballots)
    money: dict[frozenset, Fraction] = {frozenset(): share}
    supporters: dict[int, list[int]] = defaultdict(list)
    for voter, ballot in enumerate(ballots):
        for project_id in ballot:
            supporters[project_id].append(voter)
    bought: list[int] = []
    candidates = {pid for pid, p in projects.items() if p.cost > 0 and supporters.get(pid)}
    # Projects costing nothing but supported are simply bought (they use no money).
    free = sorted((p for pid, p in projects.items() if p.cost == 0 and supporters.get(pid)), key=sort_key)
    bought.extend(p.id for p in free)
    while candidates:
        best = None  # (price per euro, sort key, project id, payment cap)
        for project_id in list(candidates):
            project = projects[project_id]
            groups = Counter(voter_class[v] for v in supporters[project_id])
            total = sum(money[c] * n for c, n in groups.items())
            if total < project.cost:
                candidates.discard(project_id)  # money only decreases: never affordable again
                continue
            # The smallest cap ρ with sum(min(money, ρ)) = cost: pay in full the poorest first.
            levels = sorted((money[c], n) for c, n in groups.items())
            paid = Fraction(0)
            payers = sum(n for _, n in levels)
            cap = None
            for amount, n in levels:
                candidate_cap = (project.cost - paid) / payers
                if candidate_cap <= amount:
                    cap = candidate_cap
                    break
                paid += amount * n
                payers -= n
            if cap is None:  # pragma: no cover - total >= cost guarantees a cap
                continue
            key = (cap / project.cost, sort_key(project))
            if best is None or key < best[0]:
                best = (key, project_id, cap)
        if best is None:
            break
        _key, project_id, cap = best
        candidates.discard(project_id)
        bought.append(project_id)
        moved: dict[frozenset, frozenset] = {}
        for voter in supporters[project_id]:
            old = voter_class[voter]
            new = moved.get(old)
            if new is None:
                new = old | {project_id}
                moved[old] = new
                money[new] = money[old] - min(money[old], cap)
            voter_class[voter] = new
    return bought


def equal_shares(
    projects: Iterable[ProjectInput],
    ballots: Iterable[Iterable[int]],
    *,
    envelope: int,
    max_projects: int | None = None,
) -> list[ProjectOutcome]:
    """Method of Equal Shares, then the envelope left completed greedily; outcomes in the published ranking."""
    projects = list(projects)
    ranked = rank(projects)
    costs = {p.id: p.cost for p in projects}
    bought = equal_shares_winners(projects, ballots, envelope=envelope)
    if max_projects is not None:
        bought = bought[:max_projects]
    spent = sum(costs[pid] for pid in bought)
    winners, _remaining = _greedy_fill(ranked, envelope - spent, max_projects, set(bought))
    return _outcomes(ranked, winners)


def totals(outcomes: Iterable[ProjectOutcome]) -> dict[str, int]:
    outcomes = list(outcomes)
    return {
        "winners": sum(1 for o in outcomes if o.is_winner),
        "spent": sum(o.cost for o in outcomes if o.is_winner),
        "votes": sum(o.votes for o in outcomes),
    }
