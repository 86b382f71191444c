"""Attestations: issued once every module of a published path is completed, with frozen facts; the PDF (holder only);
the public verification page, which rejects a forged or altered code or PDF, a random identifier, a revoked
attestation and one whose account was deleted."""

import base64
import hashlib
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.core.errors import NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.core.permissions import can
from auzolan.learning import attestation_document, services
from auzolan.learning.attestation_document import Verdict
from auzolan.learning.models import Attestation
from tests.accounts.factories import UserFactory
from tests.learning.factories import framework_with_competences, path_of_two_modules

pytestmark = pytest.mark.django_db


def complete(user, module, pieces):
    for piece in pieces:
        services.piece_complete(user=user, module=module, piece=piece)


@pytest.fixture
def world():
    _framework, c11, c12 = framework_with_competences()
    path, modules = path_of_two_modules(competences=(c12, c11))
    learner = UserFactory(full_name="Maïté Etxeberria-Muñoz")
    for module, pieces in modules:
        complete(learner, module, pieces)
    return {"path": path, "learner": learner, "modules": modules}


@pytest.fixture
def attestation(world):
    return services.attestation_issue(user=world["learner"], path=world["path"])


def tamper(code: str, **changes) -> str:
    """The same signature over altered facts (what a forger without the key can do)."""
    payload, signature = code.split(":", 1)
    facts = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    facts.update(changes)
    raw = json.dumps(facts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + ":" + signature


# --- Issue ------------------------------------------------------------------------------------------------------------
def test_issue_needs_every_module_completed(world):
    half = UserFactory()
    module, pieces = world["modules"][0]
    complete(half, module, pieces)
    with pytest.raises(ValidationError):
        services.attestation_issue(user=half, path=world["path"])
    assert not Attestation.objects.filter(user=half).exists()


def test_issue_freezes_the_facts_and_is_idempotent(world, attestation):
    assert attestation.holder_name == "Maïté Etxeberria-Muñoz"
    assert attestation.path_title == "Élu·e et numérique"
    assert [c["code"] for c in attestation.competences] == ["1.1", "1.2"]
    assert attestation.minutes == 20  # the declared duration: two modules of 10 minutes
    assert attestation.completed_on is not None and len(attestation.public_id) >= 22
    assert services.attestation_issue(user=world["learner"], path=world["path"]) == attestation
    world["path"].title = "Renommé"
    world["path"].save()
    attestation.refresh_from_db()
    assert attestation.path_title == "Élu·e et numérique"
    assert AuditLogEntry.objects.filter(action="learning.attestation.issued").count() == 1


def test_issue_refused_for_an_unpublished_path_or_anonymous(world):
    with pytest.raises(PermissionDenied):
        services.attestation_issue(user=AnonymousUser(), path=world["path"])
    world["path"].published = False
    world["path"].save()
    with pytest.raises(NotFound):
        services.attestation_issue(user=world["learner"], path=world["path"])


def test_path_page_offers_then_links_the_attestation(client, world):
    client.force_login(world["learner"])
    page = client.get(world["path"].get_absolute_url()).content.decode()
    assert "Obtenir mon attestation" in page
    issue = reverse("learning:attestation_issue", kwargs={"path_slug": world["path"].slug})
    assert client.post(issue).status_code == 302
    assert client.post(issue).status_code == 302  # a double click issues once
    attestation = Attestation.objects.get(user=world["learner"])
    page = client.get(world["path"].get_absolute_url()).content.decode()
    assert reverse("learning:attestation_pdf", args=[attestation.public_id]) in page
    assert attestation.public_id in client.get(reverse("learning:my_training")).content.decode()
    other = UserFactory()
    client.force_login(other)
    client.post(issue)
    assert not Attestation.objects.filter(user=other).exists()


# --- PDF --------------------------------------------------------------------------------------------------------------
def test_pdf_for_the_holder_only(client, world, attestation):
    url = reverse("learning:attestation_pdf", args=[attestation.public_id])
    assert client.get(url).status_code == 302  # login first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(world["learner"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF") and b"/FontFile2" in content  # the embedded TrueType font
    assert attestation_document.code_in_pdf(content) == attestation_document.code_for(attestation)


# --- Verification -----------------------------------------------------------------------------------------------------
def verify(client, attestation, **data):
    return client.post(reverse("learning:attestation_verify", args=[attestation.public_id]), data)


def test_verification_page_is_public_and_shows_the_stored_facts(client, attestation):
    page = client.get(attestation.get_absolute_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert "Maïté Etxeberria-Muñoz" in content and "Élu·e et numérique" in content and "1.2 — Évaluer" in content
    assert client.get(reverse("learning:attestation_verify", args=["x" * 22])).status_code == 404
    assert client.get(reverse("learning:attestation_verify", args=["x" * 40])).status_code == 404


def test_genuine_code_and_pdf_accepted(client, world, attestation):
    code = attestation_document.code_for(attestation)
    response = verify(client, attestation, code=code)
    assert response.status_code == 200 and 'data-verdict="valid"' in response.content.decode()
    client.force_login(world["learner"])
    pdf = client.get(reverse("learning:attestation_pdf", args=[attestation.public_id])).content
    upload = SimpleUploadedFile("attestation.pdf", pdf, content_type="application/pdf")
    assert 'data-verdict="valid"' in verify(client, attestation, document=upload).content.decode()


@pytest.mark.parametrize(
    "changes",
    [{"name": "Jean Dupont"}, {"date": "2020-01-01"}, {"path": "Parcours expert"}, {"minutes": 999}],
    ids=["name", "date", "path", "minutes"],
)
def test_altered_code_rejected(client, attestation, changes):
    altered = tamper(attestation_document.code_for(attestation), **changes)
    assert attestation_document.verify_code(attestation, altered) == Verdict.ALTERED
    response = verify(client, attestation, code=altered)
    assert response.status_code == 400 and 'data-verdict="altered"' in response.content.decode()


def test_forged_truncated_foreign_and_altered_pdf_rejected(client, world, attestation):
    code = attestation_document.code_for(attestation)
    with override_settings(SECRET_KEY="a-forger-s-own-key-" * 3):
        forged = attestation_document.code_for(attestation)
    assert attestation_document.verify_code(attestation, forged) == Verdict.ALTERED
    assert attestation_document.verify_code(attestation, code[:-3]) == Verdict.ALTERED
    assert attestation_document.verify_code(attestation, "n'importe quoi") == Verdict.ALTERED
    second_learner = UserFactory()
    for module, pieces in world["modules"]:
        complete(second_learner, module, pieces)
    foreign = services.attestation_issue(user=second_learner, path=world["path"])
    assert attestation_document.verify_code(attestation, attestation_document.code_for(foreign)) == Verdict.OTHER
    client.force_login(world["learner"])
    pdf = client.get(reverse("learning:attestation_pdf", args=[attestation.public_id])).content
    altered_pdf = pdf.replace(code.encode(), tamper(code, name="Jean Dupont").encode())
    assert altered_pdf != pdf
    upload = SimpleUploadedFile("attestation.pdf", altered_pdf, content_type="application/pdf")
    assert 'data-verdict="altered"' in verify(client, attestation, document=upload).content.decode()
    not_pdf = SimpleUploadedFile("attestation.pdf", b"hello", content_type="application/pdf")
    assert verify(client, attestation, document=not_pdf).status_code == 400
    assert verify(client, attestation).status_code == 400  # nothing given
    assert signing.Signer(salt=attestation_document.SALT).unsign_object(code)["id"] == attestation.public_id
    assert attestation_document.code_for(attestation) == code  # deterministic: the PDF can be generated again


def test_revoked_attestation_rejected(client, attestation):
    with pytest.raises(PermissionDenied):
        services.attestation_revoke(actor=UserFactory(), attestation=attestation)
    services.attestation_revoke(actor=UserFactory(is_staff=True), attestation=attestation, reason="Erreur")
    page = client.get(attestation.get_absolute_url()).content.decode()
    assert "révoquée" in page
    response = verify(client, attestation, code=attestation_document.code_for(attestation))
    assert response.status_code == 400 and 'data-verdict="revoked"' in response.content.decode()


# --- Personal data ----------------------------------------------------------------------------------------------------
def test_export_and_account_deletion(client, world, attestation):
    exported = user_export_data(user=world["learner"])["learning"]["attestations"]
    assert exported[0]["id"] == attestation.public_id and exported[0]["path"] == "Élu·e et numérique"
    code = attestation_document.code_for(attestation)
    user_delete(actor=world["learner"], user=world["learner"])
    attestation.refresh_from_db()
    assert attestation.user_id is None and attestation.holder_name == "" and attestation.erased_at is not None
    page = client.get(attestation.get_absolute_url())
    assert page.status_code == 410 and "n'existe plus" in page.content.decode()
    assert "Maïté" not in page.content.decode()
    assert 'data-verdict="erased"' in verify(client, attestation, code=code).content.decode()


# --- Permissions grid -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["live", "revoked", "erased"])
@pytest.mark.parametrize("role", ["anonymous", "holder", "other", "staff"])
def test_attestation_permission_grid(world, attestation, role, state):
    users = {
        "anonymous": AnonymousUser(),
        "holder": world["learner"],
        "other": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    if state == "revoked":
        services.attestation_revoke(actor=users["staff"], attestation=attestation)
    if state == "erased":
        services.deletion_cleanup(world["learner"])
    attestation.refresh_from_db()
    download = role == "holder" and state != "erased"
    assert can(users[role], "learning.download_attestation", attestation) is download
    assert can(users[role], "learning.revoke_attestation", attestation) is (role == "staff")


# --- Open Badges 2.0 (hosted) -----------------------------------------------------------------------------------------
def test_open_badges_hosted_assertion(client, world, attestation):
    url = reverse("learning:badge_assertion", args=[attestation.public_id])
    assertion = client.get(url).json()
    assert assertion["type"] == "Assertion" and assertion["verification"] == {"type": "hosted"}
    assert assertion["id"].endswith(url)
    recipient = assertion["recipient"]
    expected = hashlib.sha256((world["learner"].email.lower() + recipient["salt"]).encode()).hexdigest()
    assert recipient["hashed"] is True and recipient["identity"] == f"sha256${expected}"
    assert world["learner"].email not in json.dumps(assertion)
    badge = client.get(assertion["badge"].split("testserver")[-1]).json()
    assert badge["type"] == "BadgeClass" and badge["name"] == "Élu·e et numérique"
    assert [a["targetCode"] for a in badge["alignment"]] == ["1.1", "1.2"]
    issuer = client.get(badge["issuer"].split("testserver")[-1]).json()
    assert issuer["type"] == "Issuer" and issuer["id"] == badge["issuer"]
    image = client.get(badge["image"].split("testserver")[-1])
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert client.get(reverse("learning:badge_assertion", args=["x" * 22])).status_code == 404
    services.attestation_revoke(actor=UserFactory(is_staff=True), attestation=attestation, reason="Erreur")
    revoked = client.get(url)
    assert revoked.status_code == 410 and revoked.json()["revoked"] is True


def test_open_badges_gone_after_account_deletion(client, world, attestation):
    user_delete(actor=world["learner"], user=world["learner"])
    gone = client.get(reverse("learning:badge_assertion", args=[attestation.public_id]))
    assert gone.status_code == 410 and gone.json()["revoked"] is True
    attestation.refresh_from_db()
    assert attestation.badge_identity == "" and attestation.badge_salt == ""


def test_two_requests_at_once_issue_one(world, attestation, monkeypatch):
    """The second request read "no attestation yet" before the first one committed: the unique constraint refuses its
    row and it returns the first one."""
    real = services.selectors.live_attestation
    calls = []

    def stale_once(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services.selectors, "live_attestation", stale_once)
    assert services.attestation_issue(user=world["learner"], path=world["path"]) == attestation
    assert Attestation.objects.filter(user=world["learner"]).count() == 1 and len(calls) == 2
