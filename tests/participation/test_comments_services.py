"""Comments: threads with bounded depth, positions and their counts, edits with public history, over HTTP too."""

import pytest
from django.urls import reverse

from auzolan.core.errors import PermissionDenied, ValidationError
from auzolan.notifications.models import Notification
from auzolan.participation.models import MAX_COMMENT_DEPTH, Comment, CommentVersion
from auzolan.participation.services import comments as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProposalFactory, process_with_phase
from tests.participation.factories_proposals import CommentFactory

pytestmark = pytest.mark.django_db


def test_comment_on_proposal_counts_and_notifies_author(user):
    proposal = ProposalFactory(process=process_with_phase("debate"))
    comment = services.comment_create(
        actor=user, process=proposal.process, proposal=proposal, body="Bonne idée", position="for"
    )
    proposal.refresh_from_db()
    assert proposal.comments_count == 1 and comment.depth == 0
    assert Notification.objects.get(kind="participation.comment.created").user == proposal.author


def test_comment_on_the_process_itself(user):
    process = process_with_phase("information")
    comment = services.comment_create(actor=user, process=process, body="Quand ?", position="neutral")
    assert comment.proposal is None


def test_replies_are_bounded(user):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    parent = None
    for depth in range(MAX_COMMENT_DEPTH + 1):
        parent = services.comment_create(actor=user, process=process, proposal=proposal, parent=parent, body=f"{depth}")
        assert parent.depth == depth
    with pytest.raises(ValidationError):
        services.comment_create(actor=user, process=process, proposal=proposal, parent=parent, body="trop profond")


def test_reply_must_stay_in_its_discussion(user):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    elsewhere = CommentFactory(proposal=ProposalFactory(process=process))
    with pytest.raises(ValidationError):
        services.comment_create(actor=user, process=process, proposal=proposal, parent=elsewhere, body="x")


@pytest.mark.parametrize("kind", ["vote", "results"])
def test_comment_refused_outside_phase(user, kind):
    process = process_with_phase(kind)
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=user, process=process, body="x")


def test_bad_position_and_empty_body(user):
    process = process_with_phase("debate")
    with pytest.raises(ValidationError):
        services.comment_create(actor=user, process=process, body="x", position="maybe")
    with pytest.raises(ValidationError):
        services.comment_create(actor=user, process=process, body="   ")


def test_edit_keeps_history(user):
    process = process_with_phase("debate")
    comment = services.comment_create(actor=user, process=process, body="Première version", position="for")
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=UserFactory(), comment=comment, body="Pirate")
    services.comment_edit(actor=user, comment=comment, body="Deuxième version", position="against")
    comment.refresh_from_db()
    assert comment.body == "Deuxième version" and comment.position == "against" and comment.edited_at
    assert list(CommentVersion.objects.values_list("body", flat=True)) == ["Première version"]


def test_pages_post_reply_edit_history(client, user):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    response = client.post(
        reverse("participation:proposal_comment", args=[process.slug, proposal.pk]),
        {"c-body": "Je suis pour", "c-position": "for"},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#commentaire-{comment.pk}")
    reply_url = reverse("participation:comment_reply", args=[process.slug, comment.pk])
    assert client.get(reply_url).status_code == 200
    client.post(reply_url, {"c-body": "Moi contre", "c-position": "against"})
    reply = Comment.objects.get(parent=comment)
    assert reply.depth == 1 and reply.position == "against"
    edit_url = reverse("participation:comment_edit", args=[process.slug, comment.pk])
    client.post(edit_url, {"body": "Je reste pour, avec nuance", "position": "for"})
    page = client.get(reverse("participation:proposal_detail", args=[process.slug, proposal.pk])).content.decode()
    assert "Je reste pour, avec nuance" in page and "modifié" in page
    assert "Pour : <strong>1</strong>" in page and "Contre : <strong>1</strong>" in page
    assert "Position : Contre" in page  # the position in words, not only a colour
    history = client.get(reverse("participation:comment_history", args=[process.slug, comment.pk])).content.decode()
    assert "Je suis pour" in history
    client.force_login(UserFactory())
    assert client.get(edit_url).status_code == 404


def test_debate_page_and_login(client, user):
    process = process_with_phase("information")
    debate = reverse("participation:process_debate", args=[process.slug])
    assert client.get(debate).status_code == 200
    assert client.post(debate, {"c-body": "Anonyme"}).status_code == 302
    assert not Comment.objects.exists()
    client.force_login(user)
    client.post(debate, {"c-body": "Sur la démarche", "c-position": "neutral"})
    assert Comment.objects.get().proposal is None
    assert "Sur la démarche" in client.get(debate).content.decode()


def test_comment_honeypot_and_garbage(client, user):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    target = reverse("participation:proposal_comment", args=[process.slug, proposal.pk])
    assert client.post(target, {"c-body": "spam", "c-position": "for", "c-site_web": "x"}).status_code == 400
    assert client.post(target, {"c-body": "x", "c-position": "nope"}).status_code == 400
    assert client.post(target, {"c-body": "", "c-parent": "abc"}).status_code == 400
    assert not Comment.objects.exists()
    bad_reply = reverse("participation:comment_reply", args=[process.slug, 999999])
    assert client.get(bad_reply).status_code == 404


def test_comment_threads_paginate(client):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    for n in range(25):
        CommentFactory(proposal=proposal, body=f"Fil numéro {n:02d}")
    detail = reverse("participation:proposal_detail", args=[process.slug, proposal.pk])
    first = client.get(detail).content.decode()
    assert "Fil numéro 24" in first and "Fil numéro 00" not in first
    second = client.get(detail, {"commentaires": 2}).content.decode()
    assert "Fil numéro 00" in second
