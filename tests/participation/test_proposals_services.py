"""Services of proposals: create (place, files, eligibility), edit, withdraw, supports, threshold, answers."""

import io
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from auzolan.core.errors import PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.notifications.models import Notification
from auzolan.participation.models import Follow, Proposal, Support, UserBlock
from auzolan.participation.services import proposals as services
from auzolan.participation.services.moderation import RateLimited
from tests.accounts.factories import UserFactory
from tests.participation.factories import (
    CategoryFactory,
    DistrictFactory,
    ProposalFactory,
    process_with_phase,
)
from tests.participation.factories_proposals import moderator_of

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[-1.5, 43.4], [-1.4, 43.4], [-1.4, 43.5], [-1.5, 43.5], [-1.5, 43.4]]]}


def _create(user, process, **kwargs):
    data = {"title": "Des bancs", "body": "Installer des **bancs**."} | kwargs
    return services.proposal_create(actor=user, process=process, **data)


def test_create_in_ideas_phase(user):
    process = process_with_phase("ideas")
    category = CategoryFactory(process=process)
    proposal = _create(user, process, category=category)
    assert proposal.author == user and proposal.status == Proposal.Status.PUBLISHED
    assert proposal.organisation_id == process.organisation_id
    assert AuditLogEntry.objects.filter(action="participation.proposal.created", object_id=str(proposal.pk)).exists()


@pytest.mark.parametrize("kind", ["information", "debate", "survey", "vote", "results"])
def test_create_refused_when_phase_does_not_allow(user, kind):
    process = process_with_phase(kind)
    with pytest.raises(PermissionDenied):
        _create(user, process)


def test_create_refused_for_blocked_user(user):
    process = process_with_phase("ideas")
    UserBlock.objects.create(organisation=process.organisation, user=user, reason="spam")
    with pytest.raises(PermissionDenied):
        _create(user, process)


def test_category_of_another_process_refused(user):
    process = process_with_phase("ideas")
    with pytest.raises(ValidationError):
        _create(user, process, category=CategoryFactory())


def test_point_inside_district_geometry_sets_district(user):
    process = process_with_phase("ideas")
    district = DistrictFactory(organisation=process.organisation, geometry=SQUARE)
    process.districts.add(district)
    proposal = _create(user, process, latitude="43.45", longitude="-1.45")
    assert proposal.district == district


def test_point_outside_scope_refused(user):
    process = process_with_phase("ideas")
    process.districts.add(DistrictFactory(organisation=process.organisation, geometry=SQUARE))
    with pytest.raises(ValidationError) as error:
        _create(user, process, latitude="43.6", longitude="-1.45")
    assert "périmètre" in error.value.message


def test_point_outside_chosen_district_refused(user):
    process = process_with_phase("ideas")
    district = DistrictFactory(organisation=process.organisation, geometry=SQUARE)
    process.districts.add(district)
    with pytest.raises(ValidationError):
        _create(user, process, district=district, latitude="10", longitude="10")


def test_polygon_with_hole():
    donut = {
        "type": "Polygon",
        "coordinates": [
            [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
            [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
        ],
    }
    assert services.geometry_contains(donut, 2, 2)
    assert not services.geometry_contains(donut, 5, 5)
    assert services.geometry_contains({"type": "MultiPolygon", "coordinates": [donut["coordinates"]]}, 2, 2)
    assert not services.geometry_contains({"type": "Polygon", "coordinates": "garbage"}, 1, 1)


def test_half_a_point_and_invalid_point_refused(user):
    process = process_with_phase("ideas")
    with pytest.raises(ValidationError):
        _create(user, process, latitude="43.4")
    with pytest.raises(ValidationError):
        _create(user, process, latitude="95", longitude="0")
    with pytest.raises(ValidationError):
        _create(user, process, latitude="abc", longitude="0")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (43.0, 29.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "Camera maker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_image_is_stripped_of_exif(user):
    process = process_with_phase("ideas")
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif()
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    proposal = _create(user, process, images=[services.NewImage(upload, "Un banc rouge")])
    image = proposal.images.get()
    with image.image.open("rb") as handle:
        assert not Image.open(handle).getexif()
    assert image.alt_text == "Un banc rouge"


def test_image_without_alt_refused(user):
    process = process_with_phase("ideas")
    upload = SimpleUploadedFile("photo.jpg", _jpeg_with_gps())
    with pytest.raises(ValidationError):
        _create(user, process, images=[services.NewImage(upload, " ")])


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("plan.pdf", b"%PDF-1.7\n...", True),
        ("plan.docx", None, True),
        ("plan.pdf", b"<html><script>alert(1)</script>", False),
        ("plan.exe", b"MZ\x90\x00", False),
        ("plan.docx", b"PK\x03\x04garbage", False),
        ("plan.odt", None, False),
    ],
)
def test_attachments_checked_by_content_and_extension(user, name, content, ok):
    process = process_with_phase("ideas")
    upload = SimpleUploadedFile(name, content if content is not None else _docx())
    attachments = [services.NewAttachment(upload, "Plan")]
    if ok:
        proposal = _create(user, process, attachments=attachments)
        attachment = proposal.attachments.get()
        assert attachment.title == "Plan" and attachment.size == upload.size
    else:
        with pytest.raises(ValidationError):
            _create(user, process, attachments=attachments)


def test_attachment_too_large(user, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 10)
    process = process_with_phase("ideas")
    with pytest.raises(ValidationError):
        _create(
            user, process, attachments=[services.NewAttachment(SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20), "")]
        )


def test_rate_limit_for_new_accounts(user, monkeypatch):
    process = process_with_phase("ideas")
    from auzolan.participation.services import moderation

    monkeypatch.setattr(moderation, "PER_MINUTE", 1000)

    for _ in range(moderation.NEW_ACCOUNT_PER_HOUR):
        moderation.rate_limit_record(user=user)
    with pytest.raises(RateLimited) as error:
        _create(user, process)
    assert "24 heures" in error.value.message
    assert error.value.status == 429


def test_rate_limit_per_minute_for_everyone(user):
    from django.utils import timezone

    from auzolan.participation.services import moderation

    user.date_joined = timezone.now() - timedelta(days=30)
    user.save()
    process = process_with_phase("ideas")
    for _ in range(moderation.PER_MINUTE):
        moderation.rate_limit_record(user=user)
    with pytest.raises(RateLimited) as error:
        _create(user, process)
    assert "minute" in error.value.message


def test_edit_and_withdraw_by_author_only(user):
    process = process_with_phase("ideas")
    proposal = _create(user, process)
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=other, proposal=proposal, title="x", body="y")
    services.proposal_update(actor=user, proposal=proposal, title="Nouveau titre", body="Nouveau texte")
    proposal.refresh_from_db()
    assert proposal.title == "Nouveau titre"
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(actor=other, proposal=proposal)
    services.proposal_withdraw(actor=user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=user, proposal=proposal, title="x", body="y")


def test_edit_refused_once_phase_is_over(user):
    process = process_with_phase("ideas")
    proposal = _create(user, process)
    process.phases.update(kind="debate")
    proposal = Proposal.objects.get(pk=proposal.pk)
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=user, proposal=proposal, title="x", body="y")


def test_support_once_and_unsupport(user):
    proposal = ProposalFactory(process=process_with_phase("debate"))
    assert services.support_add(actor=user, proposal=proposal) is True
    assert services.support_add(actor=user, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 and Support.objects.count() == 1
    assert services.support_remove(actor=user, proposal=proposal) is True
    assert services.support_remove(actor=user, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.supports_count == 0


def test_support_refused_in_information_phase_and_on_withdrawn(user):
    proposal = ProposalFactory(process=process_with_phase("information"))
    with pytest.raises(PermissionDenied):
        services.support_add(actor=user, proposal=proposal)
    proposal = ProposalFactory(process=process_with_phase("ideas"), status=Proposal.Status.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        services.support_add(actor=user, proposal=proposal)


def test_threshold_moves_to_under_study_and_notifies_author():
    process = process_with_phase("ideas", support_threshold=3)
    proposal = ProposalFactory(process=process)
    for _n in range(2):
        services.support_add(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert not Notification.objects.filter(kind="participation.proposal.threshold_reached").exists()
    services.support_add(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_STUDY
    notification = Notification.objects.get(kind="participation.proposal.threshold_reached")
    assert notification.user == proposal.author
    services.support_add(actor=UserFactory(), proposal=proposal)  # no second notification
    assert Notification.objects.filter(kind="participation.proposal.threshold_reached").count() == 1


def test_answer_notifies_author_and_followers():
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    follower, process_follower, unrelated = UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(user=follower, process=process, proposal=proposal)
    Follow.objects.create(user=process_follower, process=process)
    moderator = moderator_of(process)
    services.proposal_answer(actor=moderator, proposal=proposal, status="accepted", answer="Nous le ferons en 2027.")
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.answered_by == moderator and proposal.answered_at
    notified = set(Notification.objects.filter(kind="participation.proposal.answered").values_list("user", flat=True))
    assert notified == {proposal.author_id, follower.pk, process_follower.pk}
    assert unrelated.pk not in notified
    assert AuditLogEntry.objects.filter(action="participation.proposal.answered").exists()


def test_rejection_needs_reasons():
    proposal = ProposalFactory(process=process_with_phase("ideas"))
    with pytest.raises(ValidationError) as error:
        services.proposal_answer(actor=moderator_of(proposal.process), proposal=proposal, status="rejected", answer="")
    assert "pourquoi" in error.value.message
    with pytest.raises(ValidationError):
        services.proposal_answer(
            actor=moderator_of(proposal.process), proposal=proposal, status="withdrawn", answer="x"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_make_one_support():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency of supports is tested on PostgreSQL (SQLite serialises writers).")
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    user = UserFactory()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def click():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            p = Proposal.objects.select_related("process").get(pk=proposal.pk)
            results.append(services.support_add(actor=user, proposal=p))
        except Exception as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [False] * 5 + [True]
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1
