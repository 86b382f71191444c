"""Following a process or a proposal: permissions, uniqueness, followers_of, RGPD."""

import pytest
from django.db import IntegrityError

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.core.errors import NotFound
from auzolan.participation.models import Follow, Process
from auzolan.participation.services.follows import follow_create, follow_delete, followers_of
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProcessFactory, ProposalFactory
from tests.participation.factories_followup import FollowFactory

pytestmark = pytest.mark.django_db


def test_follow_process_once():
    process = ProcessFactory()
    alice = UserFactory()
    first = follow_create(user=alice, process=process)
    second = follow_create(user=alice, process=process)
    assert first.pk == second.pk
    assert Follow.objects.count() == 1


def test_database_refuses_a_second_follow():
    follow = FollowFactory()
    with pytest.raises(IntegrityError):
        Follow.objects.create(user=follow.user, process=follow.process)


def test_database_refuses_a_second_proposal_follow():
    proposal = ProposalFactory()
    follow = FollowFactory(process=proposal.process, proposal=proposal)
    with pytest.raises(IntegrityError):
        Follow.objects.create(user=follow.user, process=proposal.process, proposal=proposal)


def test_follow_proposal_and_process_are_distinct():
    proposal = ProposalFactory()
    alice = UserFactory()
    follow_create(user=alice, process=proposal.process)
    follow_create(user=alice, process=proposal.process, proposal=proposal)
    assert Follow.objects.filter(user=alice).count() == 2


@pytest.mark.parametrize("state", [Process.State.DRAFT])
def test_cannot_follow_a_draft(state):
    process = ProcessFactory(state=state)
    with pytest.raises(NotFound):
        follow_create(user=UserFactory(), process=process)


def test_cannot_follow_anonymously():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        follow_create(user=AnonymousUser(), process=ProcessFactory())


def test_cannot_follow_hidden_or_foreign_proposal():
    process = ProcessFactory()
    hidden = ProposalFactory(process=process, is_hidden=True)
    foreign = ProposalFactory()
    with pytest.raises(NotFound):
        follow_create(user=UserFactory(), process=process, proposal=hidden)
    with pytest.raises(NotFound):
        follow_create(user=UserFactory(), process=process, proposal=foreign)


def test_unfollow():
    follow = FollowFactory()
    assert follow_delete(user=follow.user, process=follow.process) is True
    assert follow_delete(user=follow.user, process=follow.process) is False
    assert not Follow.objects.exists()


def test_followers_of():
    proposal = ProposalFactory()
    process = proposal.process
    whole, of_proposal, both, inactive = UserFactory(), UserFactory(), UserFactory(), UserFactory(is_active=False)
    FollowFactory(user=whole, process=process)
    FollowFactory(user=of_proposal, process=process, proposal=proposal)
    FollowFactory(user=both, process=process)
    FollowFactory(user=both, process=process, proposal=proposal)
    FollowFactory(user=inactive, process=process)
    FollowFactory(process=ProcessFactory())  # another process
    assert set(followers_of(process=process)) == {whole, both}
    assert set(followers_of(proposal=proposal)) == {of_proposal, both}
    assert list(followers_of(process=process, proposal=proposal)) == sorted(
        [whole, of_proposal, both], key=lambda u: u.pk
    )
    assert list(followers_of()) == []


def test_rgpd_export_and_deletion_of_follows():
    follow = FollowFactory()
    data = user_export_data(user=follow.user)
    assert data["participation_follows"][0]["process"] == follow.process.title
    user_delete(actor=follow.user, user=follow.user)
    assert not Follow.objects.exists()
