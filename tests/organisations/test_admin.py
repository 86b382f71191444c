import pytest
from django.urls import reverse

from auzolan.core.audit import audit_log
from auzolan.core.models import AuditLogEntry
from auzolan.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "organisations_territory",
        "organisations_commune",
        "organisations_organisation",
        "organisations_membership",
        "core_auditlogentry",
        "core_job",
    ],
)
def test_changelists(superuser_client, name):
    CommuneFactory()
    MembershipFactory()
    audit_log(actor=None, action="test.action")
    response = superuser_client.get(reverse(f"admin:{name}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_organisation_change_page(superuser_client):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    response = superuser_client.get(reverse("admin:organisations_organisation_change", args=[organisation.pk]))
    assert response.status_code == 200


def test_organisation_created_in_admin_is_audit_logged(superuser_client):
    territory = TerritoryFactory()
    data = {
        "territory": territory.pk,
        "name": "Lycée Cassin",
        "slug": "lycee-cassin",
        "kind": "school",
        "college": "education",
        "membership_status": "member",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(reverse("admin:organisations_organisation_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="lycee-cassin")
    entry = AuditLogEntry.objects.get(action="organisations.organisation.created")
    assert entry.organisation == organisation
    assert entry.data["source"] == "admin"


def test_audit_log_is_read_only(superuser_client):
    entry = audit_log(actor=None, action="test.action")
    assert superuser_client.get(reverse("admin:core_auditlogentry_add")).status_code == 403
    assert (
        superuser_client.post(reverse("admin:core_auditlogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()
    response = superuser_client.get(reverse("admin:core_auditlogentry_change", args=[entry.pk]))
    assert response.status_code == 200  # viewable, not editable


def test_admin_is_for_staff_only(user_client):
    response = user_client.get(reverse("admin:core_auditlogentry_changelist"))
    assert response.status_code == 302
