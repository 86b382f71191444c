"""Methodology guides: the French guides loaded by load_guides(), public pages, staff editing, XSS."""

import pytest
from django.urls import reverse

from auzolan.core.errors import PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.demo_guides import GUIDES, load_guides
from auzolan.participation.models import Guide
from auzolan.participation.services import guides as services
from tests.accounts.factories import UserFactory
from tests.participation.factories_processes import GuideFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>[clic](javascript:alert(1)) <img src=x onerror=alert(1)>'


def test_load_guides_creates_the_missing_ones_and_keeps_edits(operator):
    assert load_guides() == len(GUIDES) >= 4
    guide = Guide.objects.get(slug="mener-un-budget-participatif")
    assert guide.related_template == "budget" and "## Les étapes" in guide.body
    services.guide_update(actor=operator, guide=guide, title="Budget participatif, pas à pas")
    assert load_guides() == 0
    guide.refresh_from_db()
    assert guide.title == "Budget participatif, pas à pas"


def test_public_pages(client):
    load_guides()
    response = client.get(reverse("participation:guide_list"))
    html = response.content.decode()
    assert response.status_code == 200 and "Choisir la bonne démarche participative" in html
    assert "Écrire un guide" not in html
    response = client.get(reverse("participation:guide_detail", args=["verifier-les-participants-rgpd"]))
    html = response.content.decode()
    assert response.status_code == 200 and "<h2>Demander le minimum</h2>" in html and "Modifier ce guide" not in html
    assert client.get(reverse("participation:guide_detail", args=["inconnu"])).status_code == 404


def test_only_operators_edit(client, operator):
    guide = GuideFactory()
    url = reverse("participation:guide_edit", args=[guide.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Pirate", "body": "x", "position": 0}).status_code == 404
    assert client.get(reverse("participation:guide_create")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.guide_update(actor=UserFactory(), guide=guide, title="Pirate")
    client.force_login(operator)
    assert "Modifier ce guide" in client.get(reverse("participation:guide_detail", args=[guide.slug])).content.decode()
    response = client.post(
        url,
        {"title": "Nouveau titre", "summary": "", "body": "## Texte", "position": "2", "related_template": "idea_box"},
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.title == "Nouveau titre" and guide.related_template == "idea_box" and guide.updated_by == operator
    assert AuditLogEntry.objects.filter(action="participation.guide.updated").exists()
    assert client.post(url, {"title": "", "body": "", "position": "x"}).status_code == 200
    response = client.post(
        reverse("participation:guide_create"), {"title": "Animer une réunion", "body": "Texte", "position": "5"}
    )
    assert response.status_code == 302 and Guide.objects.filter(slug="animer-une-reunion").exists()
    with pytest.raises(ValidationError):
        services.guide_update(actor=operator, guide=guide, body="   ")


def test_xss_in_guide_body_and_title(client, operator):
    guide = services.guide_create(actor=operator, title=XSS[:150], summary=XSS[:250], body=XSS)
    html = client.get(reverse("participation:guide_detail", args=[guide.slug])).content.decode()
    assert "<script>alert" not in html and "<img src=x onerror" not in html and 'href="javascript:' not in html
    html = client.get(reverse("participation:guide_list")).content.decode()
    assert "<script>alert" not in html


def test_guides_linked_from_process_creation(client):
    from tests.organisations.factories import OrganisationFactory
    from tests.participation.factories_processes import editor

    load_guides()
    organisation = OrganisationFactory()
    client.force_login(editor(organisation))
    html = client.get(reverse("participation:process_create", args=[organisation.slug])).content.decode()
    for slug in ("choisir-sa-demarche", "mener-un-budget-participatif", "repondre-aux-propositions"):
        assert reverse("participation:guide_detail", args=[slug]) in html


def test_back_office_saves_through_the_service(client, operator):
    guide = GuideFactory()
    client.force_login(operator)
    url = reverse("admin:participation_guide_change", args=[guide.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Depuis le back office", "summary": "", "body": "Texte", "position": "1", "related_template": ""}
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.title == "Depuis le back office"
    assert AuditLogEntry.objects.filter(action="participation.guide.updated", actor=operator).exists()
