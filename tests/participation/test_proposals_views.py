"""Pages of proposals over HTTP: list (filters, sorts, pagination, queries), page, create/edit/withdraw, supports,
answers, attachments, map and its data, permissions per phase, garbage input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.participation.models import Proposal, ProposalAttachment, Support
from auzolan.participation.services import proposals as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import (
    CategoryFactory,
    DistrictFactory,
    ProcessFactory,
    ProposalFactory,
    process_with_phase,
)
from tests.participation.factories_proposals import CommentFactory, moderator_of

pytestmark = pytest.mark.django_db


def url(name, process, *args):
    return reverse(f"participation:{name}", args=[process.slug, *args])


def test_list_is_public_with_filters_and_sorts(client):
    process = process_with_phase("ideas")
    category = CategoryFactory(process=process, name="Mobilités")
    district = DistrictFactory(organisation=process.organisation, name="Centre")
    a = ProposalFactory(process=process, title="Pistes cyclables", category=category, supports_count=5)
    b = ProposalFactory(process=process, title="Bancs", district=district, supports_count=9)
    ProposalFactory(process=process, title="Zorglub caché", is_hidden=True)
    ProposalFactory(process=process, title="Zorglub retiré", status=Proposal.Status.WITHDRAWN)
    response = client.get(url("proposal_list", process))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Pistes cyclables" in content and "Bancs" in content
    assert "Zorglub caché" not in content and "Zorglub retiré" not in content
    content = client.get(url("proposal_list", process), {"categorie": category.pk}).content.decode()
    assert "Pistes cyclables" in content and "Bancs" not in content
    content = client.get(url("proposal_list", process), {"quartier": district.pk}).content.decode()
    assert "Bancs" in content and "Pistes cyclables" not in content
    content = client.get(url("proposal_list", process), {"tri": "supports"}).content.decode()
    assert content.index("Bancs") < content.index("Pistes cyclables")
    content = client.get(url("proposal_list", process), {"statut": "withdrawn"}).content.decode()
    assert "Zorglub retiré" in content and "Bancs" not in content
    assert a and b


@pytest.mark.parametrize(
    "params",
    [
        {"categorie": "abc"},
        {"quartier": "999999"},
        {"statut": "<script>"},
        {"tri": "id; DROP TABLE"},
        {"page": "-1"},
        {"page": "x" * 500},
        {"commentaires": "abc"},
    ],
)
def test_list_garbage_parameters_never_fail(client, params):
    process = process_with_phase("ideas")
    ProposalFactory(process=process)
    assert client.get(url("proposal_list", process), params).status_code == 200
    assert client.get(url("proposal_map", process), params).status_code == 200
    assert client.get(url("proposal_map_data", process), params).status_code == 200


def test_random_order_is_stable_per_session_and_paginates_everything(client):
    process = process_with_phase("ideas")
    proposals = [ProposalFactory(process=process, title=f"Idée {n:02d}") for n in range(45)]
    seen = []
    for page in (1, 2, 3):
        response = client.get(url("proposal_list", process), {"tri": "random", "page": page})
        seen += [p.pk for p in response.context["proposals"]]
    assert sorted(seen) == sorted(p.pk for p in proposals)  # every proposal once over the pages
    again = [p.pk for p in client.get(url("proposal_list", process), {"tri": "random"}).context["proposals"]]
    assert again == seen[:20]
    assert seen[:20] != [p.pk for p in sorted(proposals, key=lambda p: p.pk)][:20]


def test_draft_process_proposals_are_404(client):
    process = ProcessFactory(state="draft")
    proposal = ProposalFactory(process=process)
    assert client.get(url("proposal_list", process)).status_code == 404
    assert client.get(url("proposal_detail", process, proposal.pk)).status_code == 404


def test_proposal_of_another_process_is_404(client):
    process = process_with_phase("ideas")
    other = ProposalFactory()
    assert client.get(url("proposal_detail", process, other.pk)).status_code == 404


def test_list_query_count(client, django_assert_max_num_queries):
    process = process_with_phase("ideas")
    CategoryFactory(process=process)
    for n in range(30):
        ProposalFactory(process=process, category=CategoryFactory(process=process), supports_count=n)
    user = UserFactory()
    Support.objects.create(proposal=Proposal.objects.first(), user=user)
    client.force_login(user)
    with django_assert_max_num_queries(17):
        response = client.get(url("proposal_list", process), {"tri": "random"})
    assert response.status_code == 200


def test_detail_query_count(client, django_assert_max_num_queries):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    for _ in range(20):
        parent = CommentFactory(proposal=proposal)
        CommentFactory(proposal=proposal, parent=parent, depth=1)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(22):
        response = client.get(url("proposal_detail", process, proposal.pk))
    assert response.status_code == 200
    assert response.context["discussion"].total == 40


def test_create_proposal_through_the_form(client, user):
    process = process_with_phase("ideas")
    client.force_login(user)
    page = client.get(url("proposal_create", process))
    assert page.status_code == 200
    assert 'tabindex="-1"' in page.content.decode() and 'aria-hidden="true"' in page.content.decode()
    response = client.post(url("proposal_create", process), {"title": "Des arbres", "body": "Planter des arbres."})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.author == user


def test_double_submission_creates_one_proposal(client, user):
    process = process_with_phase("ideas")
    client.force_login(user)
    data = {"title": "Des arbres", "body": "Planter.", "submission": "6f1c1f7e-4d6c-4b8a-9a57-2a7d6d9c0b1e"}
    client.post(url("proposal_create", process), data)
    client.post(url("proposal_create", process), data)
    assert Proposal.objects.count() == 1


def test_honeypot_refuses_quietly(client, user):
    process = process_with_phase("ideas")
    client.force_login(user)
    response = client.post(
        url("proposal_create", process), {"title": "Casino", "body": "Gagnez", "site_web": "http://spam.example"}
    )
    assert response.status_code == 400
    assert "pas pu être enregistrée" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_honeypot_refusal_does_not_spend_the_submission_token(client, user):
    process = process_with_phase("ideas")
    client.force_login(user)
    data = {"title": "Des arbres", "body": "Planter.", "submission": "0b6f3c1e-58f4-4a1d-9f0e-3a7b2c1d4e5f"}
    assert client.post(url("proposal_create", process), {**data, "site_web": "x"}).status_code == 400
    response = client.post(url("proposal_create", process), data)
    assert response.status_code == 302 and Proposal.objects.count() == 1


def test_rate_limited_form_answers_429(client, user, monkeypatch):
    from auzolan.participation.services import moderation

    monkeypatch.setattr(moderation, "PER_MINUTE", 1)
    process = process_with_phase("ideas")
    client.force_login(user)
    client.post(url("proposal_create", process), {"title": "Un", "body": "Un."})
    response = client.post(url("proposal_create", process), {"title": "Deux", "body": "Deux."})
    assert response.status_code == 429
    assert "trop vite" in response.content.decode()
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [("ideas", 200), ("information", 403), ("debate", 403), ("vote", 403), ("results", 403)],
)
def test_create_page_follows_the_phase(client, user, kind, status):
    process = process_with_phase(kind)
    client.force_login(user)
    assert client.get(url("proposal_create", process)).status_code == status


def test_create_needs_login_and_residency_when_asked(client, user):
    process = process_with_phase("ideas", verification="residency_declared")
    assert client.get(url("proposal_create", process)).status_code == 302
    client.force_login(user)
    response = client.get(url("proposal_create", process))
    assert response.status_code == 403
    assert "déclarez votre résidence" in response.content.decode()


def test_edit_and_withdraw_pages(client, user):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process, author=user)
    other = UserFactory()
    client.force_login(other)
    assert client.get(url("proposal_edit", process, proposal.pk)).status_code == 404
    assert client.post(url("proposal_withdraw", process, proposal.pk)).status_code == 404
    client.force_login(user)
    assert client.get(url("proposal_edit", process, proposal.pk)).status_code == 200
    response = client.post(url("proposal_edit", process, proposal.pk), {"title": "Titre revu", "body": "Texte revu"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Titre revu"
    assert client.get(url("proposal_withdraw", process, proposal.pk)).status_code == 200
    client.post(url("proposal_withdraw", process, proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert "Retirée par son auteur" in client.get(url("proposal_detail", process, proposal.pk)).content.decode()


def test_support_and_unsupport_through_http(client, user):
    process = process_with_phase("debate")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    client.post(url("proposal_support", process, proposal.pk))
    client.post(url("proposal_support", process, proposal.pk))
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    content = client.get(url("proposal_detail", process, proposal.pk)).content.decode()
    assert "Retirer mon soutien" in content
    client.post(url("proposal_support", process, proposal.pk), {"action": "remove"})
    proposal.refresh_from_db()
    assert proposal.supports_count == 0


def test_support_refused_outside_phase(client, user):
    process = process_with_phase("vote")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    response = client.post(url("proposal_support", process, proposal.pk), follow=True)
    assert "ne permet pas" in response.content.decode()
    assert not Support.objects.exists()


def test_support_redirect_ignores_foreign_next(client, user):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    response = client.post(url("proposal_support", process, proposal.pk), {"next": "https://evil.example/"})
    assert response["Location"] == proposal.get_absolute_url()


def test_answer_page_for_organisation_editors_only(client, user):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    client.force_login(user)
    assert client.get(url("proposal_answer", process, proposal.pk)).status_code == 404
    client.force_login(moderator_of(process))
    assert client.get(url("proposal_answer", process, proposal.pk)).status_code == 200
    response = client.post(url("proposal_answer", process, proposal.pk), {"status": "rejected", "answer": ""})
    assert response.status_code == 400
    response = client.post(
        url("proposal_answer", process, proposal.pk), {"status": "rejected", "answer": "Trop coûteux."}
    )
    assert response.status_code == 302
    content = client.get(url("proposal_detail", process, proposal.pk)).content.decode()
    assert "Réponse de l&#x27;organisation" in content or "Réponse de l'organisation" in content
    assert "Trop coûteux." in content and "Non retenue" in content


def test_attachment_is_downloaded_as_attachment(client, user):
    process = process_with_phase("ideas")
    proposal = services.proposal_create(
        actor=user,
        process=process,
        title="Plan",
        body="Voir le plan.",
        attachments=[services.NewAttachment(SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"), "Plan du quartier")],
    )
    attachment = ProposalAttachment.objects.get()
    response = client.get(url("proposal_attachment", process, proposal.pk, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "plan-du-quartier.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(url("proposal_attachment", process, proposal.pk, attachment.pk + 99)).status_code == 404


def test_form_with_image_and_bad_files(client, user):
    from PIL import Image

    process = process_with_phase("ideas")
    client.force_login(user)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG")
    data = {"title": "Avec image", "body": "Texte", "image": SimpleUploadedFile("a.png", out.getvalue())}
    response = client.post(url("proposal_create", process), data)
    assert response.status_code == 400  # no description of the image
    assert "texte alternatif" in response.content.decode()
    data = {
        "title": "Avec image",
        "body": "Texte",
        "image": SimpleUploadedFile("a.png", b"not an image"),
        "image_alt": "x",
    }
    response = client.post(url("proposal_create", process), data)
    assert response.status_code == 400
    out.seek(0)
    data = {
        "title": "Avec image",
        "body": "Texte",
        "image": SimpleUploadedFile("a.png", out.read()),
        "image_alt": "Bleu",
    }
    assert client.post(url("proposal_create", process), data).status_code == 302
    assert Proposal.objects.get().images.count() == 1


def test_garbage_form_input_is_400_not_500(client, user):
    process = process_with_phase("ideas")
    CategoryFactory(process=process)
    client.force_login(user)
    for data in (
        {},
        {"title": "x" * 1000, "body": "y"},
        {"title": "ok", "body": "ok", "latitude": "abc", "longitude": "1"},
        {"title": "ok", "body": "ok", "latitude": "1e400", "longitude": "1"},
        {"title": "ok", "body": "ok", "category": "999"},
        {"title": "\x00", "body": "\x00"},
    ):
        assert client.post(url("proposal_create", process), data).status_code == 400


def test_map_page_and_geojson(client):
    process = process_with_phase("ideas")
    ProposalFactory(process=process, title="Située", latitude="43.48", longitude="-1.47")
    ProposalFactory(process=process, title="Sans lieu")
    ProposalFactory(process=process, title="Zorglub caché", latitude="43.4", longitude="-1.4", is_hidden=True)
    response = client.get(url("proposal_map", process))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Située" in content and "Sans lieu" not in content and "Zorglub caché" not in content
    assert "<caption" in content and 'id="proposal-map"' in content
    data = client.get(url("proposal_map_data", process)).json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["label"] for f in data["features"]] == ["Située"]
    assert data["features"][0]["geometry"]["coordinates"] == [-1.47, 43.48]
    assert "author" not in str(data)


def test_process_page_shows_proposals_section(client):
    process = process_with_phase("ideas")
    ProposalFactory(process=process, title="Une idée en vue")
    response = client.get(process.get_absolute_url())
    assert response.status_code == 200
    assert "Une idée en vue" in response.content.decode()
