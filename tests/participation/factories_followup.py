"""Factories of the follows and results follow-up area."""

import factory
from django.utils import timezone

from auzolan.participation.models import Budget, Follow, FollowUp, FollowUpUpdate, Project
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import ProcessFactory


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    process = factory.SubFactory(ProcessFactory)
    proposal = None


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Réalisation {n}")
    description = "Des travaux sont prévus."
    status = FollowUp.Status.IN_PROGRESS
    progress = 40


class FollowUpUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpUpdate

    followup = factory.SubFactory(FollowUpFactory)
    date = factory.LazyFunction(timezone.localdate)
    text = "Le chantier a commencé."
    status = FollowUp.Status.IN_PROGRESS
    progress = 40


class PublishedBudgetFactory(factory.django.DjangoModelFactory):
    """A budget whose results are published."""

    class Meta:
        model = Budget

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Budget {n}")
    envelope = 100_000
    results_computed_at = factory.LazyFunction(timezone.now)
    results_published_at = factory.LazyFunction(timezone.now)


class WinningProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    budget = factory.SubFactory(PublishedBudgetFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    cost = 10_000
    online_votes = 12
    rank = 1
    is_winner = True


def editor_of(process):
    """A person who may manage `process` (an editor of its organisation)."""
    user = UserFactory()
    MembershipFactory(organisation=process.organisation, user=user, role="editor")
    return user
