"""Moderation: reports (once per person), hiding at the process's threshold, the queue, hide/restore/block, audit."""

import pytest
from django.urls import reverse

from auzolan.core.errors import Conflict, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.eligibility import eligibility
from auzolan.participation.models import Report, UserBlock
from auzolan.participation.services import moderation as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProposalFactory, process_with_phase
from tests.participation.factories_proposals import CommentFactory, moderator_of

pytestmark = pytest.mark.django_db


def test_reports_hide_at_threshold_and_not_before():
    process = process_with_phase("ideas", reports_before_hiding=3)
    proposal = ProposalFactory(process=process)
    for _ in range(2):
        services.report_create(actor=UserFactory(), target=proposal, reason="spam")
    proposal.refresh_from_db()
    assert not proposal.is_hidden and proposal.reports_count == 2
    services.report_create(actor=UserFactory(), target=proposal, reason="offensive")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.reports_count == 3
    assert AuditLogEntry.objects.filter(action="participation.proposal.hidden").exists()


def test_same_person_reports_once(user):
    comment = CommentFactory(proposal=ProposalFactory(process=process_with_phase("ideas", reports_before_hiding=2)))
    services.report_create(actor=user, target=comment, reason="spam")
    with pytest.raises(Conflict):
        services.report_create(actor=user, target=comment, reason="spam")
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.reports_count == 1 and Report.objects.count() == 1


def test_cannot_report_own_content_and_bad_reason(user):
    proposal = ProposalFactory(process=process_with_phase("ideas"), author=user)
    with pytest.raises(PermissionDenied):
        services.report_create(actor=user, target=proposal, reason="spam")
    with pytest.raises(ValidationError):
        services.report_create(actor=UserFactory(), target=proposal, reason="because")


def test_moderator_restores_then_new_reports_count_afresh():
    process = process_with_phase("ideas", reports_before_hiding=2)
    comment = CommentFactory(proposal=ProposalFactory(process=process))
    for _ in range(2):
        services.report_create(actor=UserFactory(), target=comment, reason="spam")
    comment.refresh_from_db()
    assert comment.is_hidden
    moderator = moderator_of(process)
    services.content_restore(actor=moderator, target=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.reports_count == 0
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    services.report_create(actor=UserFactory(), target=comment, reason="spam")
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.reports_count == 1


def test_hide_needs_reason_and_block_is_enforced():
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    moderator = moderator_of(process)
    with pytest.raises(ValidationError):
        services.content_hide(actor=moderator, target=proposal, reason=" ")
    services.content_hide(actor=moderator, target=proposal, reason="Propos injurieux")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Propos injurieux"
    with pytest.raises(ValidationError):
        services.user_block(actor=moderator, organisation=process.organisation, user=proposal.author, reason="")
    services.user_block(actor=moderator, organisation=process.organisation, user=proposal.author, reason="Spam répété")
    with pytest.raises(Conflict):
        services.user_block(actor=moderator, organisation=process.organisation, user=proposal.author, reason="Encore")
    author = type(proposal.author).objects.get(pk=proposal.author_id)
    assert eligibility(author, process, "propose").reason == "blocked"
    assert AuditLogEntry.objects.filter(action="participation.user.blocked").exists()
    block = UserBlock.objects.get()
    services.user_unblock(actor=moderator, block=block)
    assert AuditLogEntry.objects.filter(action="participation.user.unblocked").exists()


def _report(client, process, kind, pk, reason="spam"):
    return client.post(reverse("participation:report", args=[process.slug, kind, pk]), {"reason": reason})


def test_threshold_over_http_n_minus_1_visible_n_hidden_moderator_unhides(client):
    process = process_with_phase("ideas", reports_before_hiding=3)
    proposal = ProposalFactory(process=process, title="Titre signalé", body="Texte signalé")
    detail = reverse("participation:proposal_detail", args=[process.slug, proposal.pk])
    for _ in range(2):
        client.force_login(UserFactory())
        assert _report(client, process, "proposition", proposal.pk).status_code == 302
    client.logout()
    page = client.get(detail).content.decode()
    assert "Texte signalé" in page and "Contenu masqué" not in page
    client.force_login(UserFactory())
    _report(client, process, "proposition", proposal.pk)
    client.logout()
    page = client.get(detail).content.decode()
    assert "Texte signalé" not in page and "Contenu masqué par la modération" in page
    assert (
        "Titre signalé" not in client.get(reverse("participation:proposal_list", args=[process.slug])).content.decode()
    )
    moderator = moderator_of(process)
    client.force_login(moderator)
    queue = reverse("participation:moderation_queue", args=[process.slug])
    assert "Titre signalé" in client.get(queue).content.decode()
    client.post(
        reverse("participation:moderate", args=[process.slug, "proposition", proposal.pk]), {"action": "restore"}
    )
    client.logout()
    assert "Texte signalé" in client.get(detail).content.decode()


def test_queue_is_for_moderators_only(client, user):
    process = process_with_phase("ideas")
    queue = reverse("participation:moderation_queue", args=[process.slug])
    assert client.get(queue).status_code == 302  # login
    client.force_login(user)
    assert client.get(queue).status_code == 404
    proposal = ProposalFactory(process=process)
    action = reverse("participation:moderate", args=[process.slug, "proposition", proposal.pk])
    assert client.post(action, {"action": "hide", "reason": "x"}).status_code == 404
    proposal.refresh_from_db()
    assert not proposal.is_hidden
    client.force_login(moderator_of(process))
    assert client.get(queue).status_code == 200
    assert client.post(reverse("participation:moderate", args=[process.slug, "autre", 1]), {}).status_code == 404


def test_moderator_hides_comment_and_blocks_author_with_public_reasons(client):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    comment = CommentFactory(proposal=proposal, body="Insulte")
    client.force_login(moderator_of(process))
    base = reverse("participation:moderate", args=[process.slug, "commentaire", comment.pk])
    client.post(base, {"action": "hide", "reason": "Propos insultants"})
    client.post(base, {"action": "block", "reason": "Insultes répétées"})
    client.logout()
    page = client.get(reverse("participation:proposal_detail", args=[process.slug, proposal.pk])).content.decode()
    assert "Contenu masqué par la modération : Propos insultants" in page
    assert "Insulte<" not in page
    assert "Participation suspendue par la modération : Insultes répétées" in page
    block = UserBlock.objects.get()
    client.force_login(moderator_of(process))
    client.post(reverse("participation:unblock", args=[process.slug, block.pk]))
    assert not UserBlock.objects.exists()


def test_report_page_garbage(client, user):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    url = reverse("participation:report", args=[process.slug, "proposition", proposal.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "nope"}).status_code == 400
    assert client.post(url, {"reason": "other", "details": "x" * 600}).status_code == 400
    assert client.get(reverse("participation:report", args=[process.slug, "proposition", 999999])).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 302
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 400 and "déjà signalé" in response.content.decode()


def test_a_hidden_proposal_hides_its_discussion_except_for_moderators(client):
    from tests.participation.factories_proposals import CommentFactory

    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process, is_hidden=True, hidden_reason="Propos injurieux")
    CommentFactory(process=process, proposal=proposal, body="Un commentaire sous la proposition masquée")
    detail = reverse("participation:proposal_detail", args=[process.slug, proposal.pk])
    page = client.get(detail).content.decode()
    assert "Propos injurieux" in page
    assert "Un commentaire sous la proposition masquée" not in page
    client.force_login(moderator_of(process))
    assert "Un commentaire sous la proposition masquée" in client.get(detail).content.decode()
