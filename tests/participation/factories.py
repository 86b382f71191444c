"""Shared participation factories. Area-specific factories live in tests/participation/factories_<area>.py."""

from datetime import timedelta

import factory
from django.utils import timezone

from auzolan.participation.models import Category, District, Phase, Process, Proposal
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    """A published process; add phases with PhaseFactory (or use `with_phase`)."""

    class Meta:
        model = Process

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"demarche-{n}")
    title = factory.Sequence(lambda n: f"Démarche {n}")
    summary = "Une démarche pour associer les habitants."
    state = Process.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PhaseFactory(factory.django.DjangoModelFactory):
    """A phase active now (from yesterday to in 30 days) unless dates are given."""

    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    kind = "ideas"
    start_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    end_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


def process_with_phase(kind: str = "ideas", **kwargs) -> Process:
    """A published process whose active phase is of `kind` (verification=kwargs.pop('verification', 'account'))."""
    verification = kwargs.pop("verification", "account")
    process = ProcessFactory(**kwargs)
    PhaseFactory(process=process, kind=kind, verification=verification)
    return process


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Catégorie {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    process = factory.SubFactory(ProcessFactory)
    organisation = factory.SelfAttribute("process.organisation")
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    body = "Installer des bancs à l'ombre près de l'école."
