"""Factories of the participatory budgets area."""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from auzolan.participation.models import AccessCode, Ballot, BallotLine, Budget, Project
from tests.participation.factories import PhaseFactory, ProcessFactory


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Budget {n}")
    envelope = 100_000


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    budget = factory.SubFactory(BudgetFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    description = "Des bancs et des arbres."
    cost = 10_000


def ballot(budget, projects, *, user=None, access_code=None) -> Ballot:
    """A ballot written directly (for results tests; the vote itself is tested through ballot_submit)."""
    row = Ballot.objects.create(
        budget=budget, user=user, access_code=access_code, receipt=secrets.token_hex(10).upper()
    )
    BallotLine.objects.bulk_create([BallotLine(ballot=row, project=p) for p in projects])
    return row


def vote_process(verification="account", **kwargs):
    """A published process whose active phase is a vote phase."""
    process = ProcessFactory(**kwargs)
    PhaseFactory(process=process, kind="vote", verification=verification)
    return process


def closed_vote_process(**kwargs):
    """A published process whose vote phase is over (results phase now)."""
    process = ProcessFactory(**kwargs)
    now = timezone.now()
    PhaseFactory(process=process, kind="vote", start_at=now - timedelta(days=20), end_at=now - timedelta(days=2))
    PhaseFactory(process=process, kind="results", start_at=now - timedelta(days=2), end_at=now + timedelta(days=30))
    return process


def future_vote_process(**kwargs):
    """A published process in its ideas phase, the vote to come."""
    process = ProcessFactory(**kwargs)
    now = timezone.now()
    PhaseFactory(process=process, kind="ideas", start_at=now - timedelta(days=5), end_at=now + timedelta(days=5))
    PhaseFactory(process=process, kind="vote", start_at=now + timedelta(days=5), end_at=now + timedelta(days=20))
    return process


class AccessCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessCode

    process = factory.SubFactory(ProcessFactory)
    code_hash = factory.Sequence(lambda n: f"{n:064x}")
