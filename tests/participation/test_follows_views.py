"""The follow buttons: POST with CSRF, login required, the block on the process page, next URL checked."""

import pytest
from django.test import Client
from django.urls import reverse

from auzolan.participation.models import Follow, Process
from tests.participation.factories import ProcessFactory, ProposalFactory
from tests.participation.factories_followup import FollowFactory

pytestmark = pytest.mark.django_db


def test_follow_and_unfollow_process(user_client, user):
    process = ProcessFactory()
    url = reverse("participation:follow_process", args=[process.slug])
    assert user_client.get(url).status_code == 405
    response = user_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == process.get_absolute_url()
    assert Follow.objects.filter(user=user, process=process, proposal=None).exists()
    user_client.post(url)  # twice: still one
    assert Follow.objects.filter(user=user).count() == 1
    user_client.post(reverse("participation:unfollow_process", args=[process.slug]))
    assert not Follow.objects.exists()


def test_follow_requires_login(client):
    process = ProcessFactory()
    response = client.post(reverse("participation:follow_process", args=[process.slug]))
    assert (response.status_code == 302 and "login" in response["Location"]) or "connexion" in response["Location"]
    assert not Follow.objects.exists()


def test_follow_requires_csrf(user):
    process = ProcessFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("participation:follow_process", args=[process.slug])).status_code == 403
    assert not Follow.objects.exists()


def test_draft_process_is_404(user_client):
    process = ProcessFactory(state=Process.State.DRAFT)
    assert user_client.post(reverse("participation:follow_process", args=[process.slug])).status_code == 404
    assert user_client.post(reverse("participation:follow_process", args=["nope"])).status_code == 404


def test_follow_proposal(user_client, user):
    proposal = ProposalFactory()
    url = reverse("participation:follow_proposal", args=[proposal.process.slug, proposal.pk])
    response = user_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == proposal.get_absolute_url()  # off-site next ignored
    assert Follow.objects.filter(user=user, proposal=proposal).exists()
    user_client.post(reverse("participation:unfollow_proposal", args=[proposal.process.slug, proposal.pk]))
    assert not Follow.objects.exists()


def test_follow_hidden_or_foreign_proposal_404(user_client):
    hidden = ProposalFactory(is_hidden=True)
    other = ProposalFactory()
    assert (
        user_client.post(reverse("participation:follow_proposal", args=[hidden.process.slug, hidden.pk])).status_code
        == 404
    )
    assert (
        user_client.post(reverse("participation:follow_proposal", args=[hidden.process.slug, other.pk])).status_code
        == 404
    )


def test_next_on_site_is_followed(user_client):
    process = ProcessFactory()
    response = user_client.post(
        reverse("participation:follow_process", args=[process.slug]), {"next": f"/participer/{process.slug}/suivi/"}
    )
    assert response["Location"] == f"/participer/{process.slug}/suivi/"


def test_block_on_the_process_page(user_client, user):
    process = ProcessFactory()
    content = Client().get(process.get_absolute_url()).content.decode()
    assert "Suivre cette démarche" in content and "Connectez-vous pour suivre cette démarche" in content
    content = user_client.get(process.get_absolute_url()).content.decode()
    assert reverse("participation:follow_process", args=[process.slug]) in content
    FollowFactory(user=user, process=process)
    content = user_client.get(process.get_absolute_url()).content.decode()
    assert "Ne plus suivre cette démarche" in content
    assert reverse("participation:unfollow_process", args=[process.slug]) in content
