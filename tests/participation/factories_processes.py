"""Factories of the processes / verification / guides area."""

import factory

from auzolan.participation.models import CensusList, Guide, Process, Residency
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.participation.factories import ProcessFactory


class DraftProcessFactory(ProcessFactory):
    state = Process.State.DRAFT
    published_at = None


class GuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guide

    slug = factory.Sequence(lambda n: f"guide-{n}")
    title = factory.Sequence(lambda n: f"Guide {n}")
    body = "## Étapes\n\n1. Informer\n2. Écouter"


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    method = Residency.Method.DECLARED
    postal_code = "64100"


class CensusListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CensusList

    organisation = factory.SubFactory(OrganisationFactory)


def member(organisation, role="member"):
    """A person with an active membership of `organisation` in `role`."""
    return MembershipFactory(organisation=organisation, role=role).user


def editor(organisation):
    return member(organisation, "editor")
