"""Removing an image or an attachment while editing a proposal: service and HTTP (own files only, storage cleaned)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from auzolan.core.errors import ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.models import ProposalAttachment, ProposalImage
from auzolan.participation.services import proposals as services
from tests.participation.factories import process_with_phase

pytestmark = pytest.mark.django_db


def _png(color="blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


def _with_files(user, process, title="Des bancs"):
    return services.proposal_create(
        actor=user,
        process=process,
        title=title,
        body="Texte",
        images=[services.NewImage(SimpleUploadedFile("a.png", _png()), "Un banc bleu")],
        attachments=[services.NewAttachment(SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"), "Plan du quartier")],
    )


def _stored(field) -> bool:
    return field.storage.exists(field.name)


def test_author_removes_image_and_attachment_files_leave_storage(user, django_capture_on_commit_callbacks):
    process = process_with_phase("ideas")
    proposal = _with_files(user, process)
    image, attachment = proposal.images.get(), proposal.attachments.get()
    assert _stored(image.image) and _stored(attachment.file)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_update(
            actor=user,
            proposal=proposal,
            title=proposal.title,
            body=proposal.body,
            remove_images=[image.pk],
            remove_attachments=[attachment.pk],
        )
    assert not ProposalImage.objects.exists() and not ProposalAttachment.objects.exists()
    assert not _stored(image.image) and not _stored(attachment.file)
    entry = AuditLogEntry.objects.filter(action="participation.proposal.updated", object_id=str(proposal.pk)).get()
    assert entry.data == {"removed_images": [image.pk], "removed_attachments": [attachment.pk]}


def test_files_stay_when_the_transaction_is_not_committed(user, django_capture_on_commit_callbacks):
    process = process_with_phase("ideas")
    proposal = _with_files(user, process)
    image = proposal.images.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_update(
            actor=user, proposal=proposal, title=proposal.title, body=proposal.body, remove_images=[image.pk]
        )
    assert len(callbacks) == 1
    assert _stored(image.image)  # deleted only on commit


@pytest.mark.parametrize("field", ["remove_images", "remove_attachments"])
def test_ids_of_another_proposal_are_refused(user, field, django_capture_on_commit_callbacks):
    process = process_with_phase("ideas")
    mine = _with_files(user, process)
    theirs = _with_files(user, process, title="Une autre")
    foreign = theirs.images.get() if field == "remove_images" else theirs.attachments.get()
    own = mine.images.get() if field == "remove_images" else mine.attachments.get()
    for ids in ([foreign.pk], [own.pk, foreign.pk], ["garbage"], [own.pk + 1000]):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
            services.proposal_update(actor=user, proposal=mine, title="Changé", body="x", **{field: ids})
    mine.refresh_from_db()
    assert mine.title == "Des bancs"
    assert mine.images.count() == 1 and mine.attachments.count() == 1
    assert theirs.images.count() == 1 and theirs.attachments.count() == 1
    file = foreign.image if field == "remove_images" else foreign.file
    assert _stored(file)


def test_removing_frees_a_place_under_the_limit(user, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMAGES", 1)
    process = process_with_phase("ideas")
    proposal = _with_files(user, process)
    old = proposal.images.get()
    new = [services.NewImage(SimpleUploadedFile("b.png", _png("red")), "Un banc rouge")]
    with pytest.raises(ValidationError):
        services.proposal_update(actor=user, proposal=proposal, title="t", body="b", images=new)
    new = [services.NewImage(SimpleUploadedFile("b.png", _png("red")), "Un banc rouge")]
    services.proposal_update(actor=user, proposal=proposal, title="t", body="b", images=new, remove_images=[old.pk])
    assert list(proposal.images.values_list("alt_text", flat=True)) == ["Un banc rouge"]


def _edit_url(proposal):
    return reverse("participation:proposal_edit", args=[proposal.process.slug, proposal.pk])


def test_edit_page_offers_delete_checkboxes_and_removes(client, user, django_capture_on_commit_callbacks):
    process = process_with_phase("ideas")
    proposal = _with_files(user, process)
    image, attachment = proposal.images.get(), proposal.attachments.get()
    client.force_login(user)
    content = client.get(_edit_url(proposal)).content.decode()
    assert "Supprimer « Un banc bleu »" in content and "Supprimer « Plan du quartier »" in content
    assert f'name="remove_images" value="{image.pk}"' in content
    data = {"title": "Titre", "body": "Texte", "remove_images": [image.pk], "remove_attachments": [attachment.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit_url(proposal), data)
    assert response.status_code == 302
    assert not proposal.images.exists() and not proposal.attachments.exists()
    assert not _stored(image.image) and not _stored(attachment.file)
    assert 'name="remove_images"' not in client.get(_edit_url(proposal)).content.decode()


def test_edit_page_refuses_ids_of_another_proposal(client, user):
    process = process_with_phase("ideas")
    mine = _with_files(user, process)
    theirs = _with_files(user, process, title="Une autre")
    client.force_login(user)
    for data in (
        {"remove_images": [theirs.images.get().pk]},
        {"remove_attachments": [theirs.attachments.get().pk]},
        {"remove_images": ["<script>"]},
    ):
        response = client.post(_edit_url(mine), {"title": "Changé", "body": "x", **data})
        assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.title == "Des bancs"
    assert ProposalImage.objects.count() == 2 and ProposalAttachment.objects.count() == 2
