"""Factories of the proposals, comments and moderation area."""

import factory

from auzolan.participation.models import Comment, Report
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import ProposalFactory


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    process = factory.SelfAttribute("proposal.process")
    organisation = factory.SelfAttribute("process.organisation")
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Commentaire {n}")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    proposal = factory.SubFactory(ProposalFactory)
    process = factory.SelfAttribute("proposal.process")
    organisation = factory.SelfAttribute("process.organisation")
    reporter = factory.SubFactory(UserFactory)
    reason = Report.Reason.SPAM


def moderator_of(process):
    """A user who is an editor of the process's organisation (so one of its moderators)."""
    user = UserFactory()
    MembershipFactory(organisation=process.organisation, user=user, role="editor")
    return user
