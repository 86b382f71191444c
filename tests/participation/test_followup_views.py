"""Results follow-up pages: public page, management (create, edit, updates, delete), XSS, permissions, queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from auzolan.notifications.models import Notification
from auzolan.participation.models import FollowUp, FollowUpUpdate, Process, Proposal
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProcessFactory, ProposalFactory
from tests.participation.factories_followup import (
    FollowFactory,
    FollowUpFactory,
    FollowUpUpdateFactory,
    PublishedBudgetFactory,
    WinningProjectFactory,
    editor_of,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>[lien](javascript:alert(1))'


def _public(process):
    return reverse("participation:followup_public", args=[process.slug])


def _manage(process):
    return reverse("participation:followup_manage", args=[process.slug])


def test_public_page_shows_items_progress_and_timeline(client):
    process = ProcessFactory()
    item = FollowUpFactory(process=process, title="Piste cyclable", progress=40)
    FollowUpUpdateFactory(followup=item, text="Étude terminée.", progress=40)
    response = client.get(_public(process))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Piste cyclable" in content and "Étude terminée." in content
    assert 'max="100" value="40"' in content
    assert "avancement : 40 %" in content  # as text too, not only the bar


def test_public_page_draft_is_404(client):
    process = ProcessFactory(state=Process.State.DRAFT)
    assert client.get(_public(process)).status_code == 404
    assert client.get("/participer/nothing-here/suivi/").status_code == 404


def test_public_page_query_count(client, django_assert_max_num_queries):
    process = ProcessFactory()
    for _ in range(15):
        item = FollowUpFactory(process=process, proposal=ProposalFactory(process=process, status="accepted"))
        FollowUpUpdateFactory.create_batch(3, followup=item)
    with django_assert_max_num_queries(12):
        response = client.get(_public(process))
    assert response.status_code == 200


def test_xss_in_followup_texts_is_neutralised(client):
    process = ProcessFactory()
    item = FollowUpFactory(process=process, title=XSS, description=XSS)
    FollowUpUpdateFactory(followup=item, text=XSS)
    for url in (_public(process), process.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content
        assert "onerror=alert" not in content.replace("&lt;img src=x onerror=alert(1)&gt;", "")
        assert 'href="javascript:' not in content


def test_xss_in_management_pages(client):
    process = ProcessFactory()
    editor = editor_of(process)
    client.force_login(editor)
    item = FollowUpFactory(process=process, title=XSS, description=XSS)
    FollowUpUpdateFactory(followup=item, text=XSS)
    for url in (_manage(process), reverse("participation:followup_edit", args=[process.slug, item.pk])):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
def test_management_is_404_without_rights(client, role):
    from tests.organisations.factories import MembershipFactory

    process = ProcessFactory()
    item = FollowUpFactory(process=process)
    if role != "anonymous":
        user = UserFactory()
        if role == "member":
            MembershipFactory(organisation=process.organisation, user=user, role="member")
        client.force_login(user)
    for url in (_manage(process), reverse("participation:followup_edit", args=[process.slug, item.pk])):
        response = client.get(url)
        assert response.status_code in (302, 404) if role == "anonymous" else response.status_code == 404
    response = client.post(reverse("participation:followup_delete", args=[process.slug, item.pk]))
    assert response.status_code in (302, 404)
    assert FollowUp.objects.filter(pk=item.pk).exists()


def test_create_edit_update_delete_through_pages(client):
    process = ProcessFactory()
    editor = editor_of(process)
    client.force_login(editor)
    author = UserFactory()
    proposal = ProposalFactory(process=process, author=author, status=Proposal.Status.ACCEPTED)
    ProposalFactory(process=process, title="Pas retenue", status=Proposal.Status.REJECTED)
    project = WinningProjectFactory(budget=PublishedBudgetFactory(process=process), title="Aire de jeux")
    page = client.get(_manage(process)).content.decode()
    assert proposal.title in page and "Aire de jeux" in page and "Pas retenue" not in page
    response = client.post(
        _manage(process),
        {
            "source": f"proposal:{proposal.pk}",
            "title": "Bancs",
            "description": "",
            "status": "planned",
            "progress": "0",
            "submission": "6f1c1c84-1c1b-4f57-9f66-6f6a35c0c0a1",
        },
    )
    followup = FollowUp.objects.get()
    assert response.status_code == 302
    assert followup.proposal == proposal
    # The same submission again (double click) creates nothing.
    client.post(
        _manage(process),
        {
            "source": "",
            "title": "Bancs",
            "status": "planned",
            "progress": "0",
            "submission": "6f1c1c84-1c1b-4f57-9f66-6f6a35c0c0a1",
        },
    )
    assert FollowUp.objects.count() == 1
    response = client.post(
        _manage(process), {"source": f"project:{project.pk}", "title": "Jeux", "status": "planned", "progress": "0"}
    )
    assert FollowUp.objects.filter(project=project).exists()
    edit_url = reverse("participation:followup_edit", args=[process.slug, followup.pk])
    response = client.post(
        edit_url,
        {
            "action": "update",
            "update-date": timezone.localdate().isoformat(),
            "update-text": "Commande passée.",
            "update-status": "in_progress",
            "update-progress": "25",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.progress == 25
    assert Notification.objects.filter(user=author, kind="participation.followup.updated").exists()
    response = client.post(
        edit_url,
        {
            "action": "edit",
            "item-title": "Bancs et arbres",
            "item-description": "",
            "item-status": "in_progress",
            "item-progress": "30",
        },
    )
    followup.refresh_from_db()
    assert followup.title == "Bancs et arbres"
    update = FollowUpUpdate.objects.get()
    client.post(reverse("participation:followup_update_delete", args=[process.slug, followup.pk, update.pk]))
    assert not FollowUpUpdate.objects.exists()
    client.post(reverse("participation:followup_delete", args=[process.slug, followup.pk]))
    assert not FollowUp.objects.filter(pk=followup.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"source": "proposal:999999", "title": "x", "status": "planned", "progress": "0"},
        {"source": "garbage", "title": "x", "status": "planned", "progress": "0"},
        {"source": "", "title": "", "status": "planned", "progress": "0"},
        {"source": "", "title": "x", "status": "planned", "progress": "abc"},
        {"source": "", "title": "x", "status": "done", "progress": "50"},
        {"source": "", "title": "x", "status": "<b>", "progress": "500"},
    ],
)
def test_create_with_garbage_is_a_form_error(client, data):
    process = ProcessFactory()
    client.force_login(editor_of(process))
    response = client.post(_manage(process), data)
    assert response.status_code == 200
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {
            "action": "update",
            "update-date": "2999-01-01",
            "update-text": "x",
            "update-status": "planned",
            "update-progress": "1",
        },
        {
            "action": "update",
            "update-date": "not a date",
            "update-text": "x",
            "update-status": "planned",
            "update-progress": "1",
        },
        {
            "action": "update",
            "update-date": "2024-01-01",
            "update-text": "",
            "update-status": "planned",
            "update-progress": "1",
        },
        {"action": "edit", "item-title": "", "item-status": "planned", "item-progress": "1"},
        {"action": "whatever"},
    ],
)
def test_edit_with_garbage_is_not_a_500(client, data):
    process = ProcessFactory()
    client.force_login(editor_of(process))
    item = FollowUpFactory(process=process)
    response = client.post(reverse("participation:followup_edit", args=[process.slug, item.pk]), data)
    assert response.status_code == 200
    assert not FollowUpUpdate.objects.exists()


def test_followup_block_on_the_process_page(client):
    process = ProcessFactory()
    FollowUpFactory(process=process, title="Éclairage du parc", status="done", progress=100)
    content = client.get(process.get_absolute_url()).content.decode()
    assert "Suivi des réalisations" in content and "Éclairage du parc" in content
    assert "Réalisé : 1 sur 1 projet suivi." in content


def test_followup_block_hidden_when_empty_for_visitors(client):
    process = ProcessFactory()
    assert "Suivi des réalisations" not in client.get(process.get_absolute_url()).content.decode()
    client.force_login(editor_of(process))
    assert _manage(process) in client.get(process.get_absolute_url()).content.decode()


def test_follower_is_notified_through_the_page(client):
    process = ProcessFactory()
    follower = UserFactory()
    FollowFactory(user=follower, process=process)
    client.force_login(editor_of(process))
    item = FollowUpFactory(process=process)
    client.post(
        reverse("participation:followup_edit", args=[process.slug, item.pk]),
        {
            "action": "update",
            "update-date": timezone.localdate().isoformat(),
            "update-text": "Fini",
            "update-status": "done",
            "update-progress": "100",
        },
    )
    assert Notification.objects.filter(user=follower).count() == 1
