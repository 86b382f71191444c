"""RGPD: a person's participation is in their data export; deleting the account keeps contributions anonymised."""

import pytest

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.participation.models import Comment, Proposal, Residency, Support
from tests.participation.factories import ProposalFactory, process_with_phase

pytestmark = pytest.mark.django_db


def test_export_contains_contributions_and_deletion_anonymises_them(user):
    email, name = user.email, user.full_name
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process, author=user, title="Un banc à l'ombre")
    other = ProposalFactory(process=process)
    Support.objects.create(proposal=other, user=user)
    Comment.objects.create(
        organisation=process.organisation, process=process, proposal=other, author=user, body="Bonne idée"
    )
    Residency.objects.create(organisation=process.organisation, user=user, method="declared", postal_code="64100")
    data = user_export_data(user=user)["participation"]
    assert data["proposals"][0]["title"] == "Un banc à l'ombre"
    assert data["comments"][0]["text"] == "Bonne idée"
    assert data["supports"][0]["proposal"] == other.title
    assert data["residencies"][0]["postal_code"] == "64100"

    user_delete(actor=user, user=user)
    assert not Residency.objects.filter(user=user).exists()
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.author_id == user.pk  # the contribution stays, its author row is anonymised
    user.refresh_from_db()
    assert user.email != email and user.full_name != name and not user.is_active and user.deleted_at is not None
