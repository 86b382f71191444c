import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.audit import MASK, audit_log
from auzolan.core.models import AuditLogEntry
from auzolan.organisations import services
from tests.organisations.factories import OrganisationFactory, World

pytestmark = pytest.mark.django_db


def test_audit_log_records_actor_object_and_organisation(user):
    organisation = OrganisationFactory()
    entry = audit_log(
        actor=user,
        action="organisations.organisation.viewed",
        obj=organisation,
        organisation=organisation,
        data={"n": 1},
    )
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.organisation == organisation
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "organisations.organisation",
        str(organisation.pk),
        organisation.name,
    )
    assert entry.data == {"n": 1}


def test_audit_log_masks_secrets_at_any_depth(user):
    entry = audit_log(
        actor=user,
        action="accounts.user.changed",
        data={
            "password": "hunter2",
            "api_token": "abc",
            "nested": {"secret_key": "s", "name": "Amaia", "list": [{"code": "1234", "role": "admin"}]},
            "name": "Amaia",
        },
    )
    entry.refresh_from_db()
    assert entry.data["password"] == MASK
    assert entry.data["api_token"] == MASK
    assert entry.data["nested"]["secret_key"] == MASK
    assert entry.data["nested"]["name"] == "Amaia"
    assert entry.data["nested"]["list"] == [{"code": MASK, "role": "admin"}]
    assert "hunter2" not in str(entry.data)


def test_anonymous_actor_is_recorded_as_nobody():
    entry = audit_log(actor=AnonymousUser(), action="core.something")
    assert entry.actor is None
    assert entry.object_type == entry.object_id == ""


def test_services_write_the_audit_log():
    world = World()
    admin = world.user("admin")
    services.membership_request(actor=world.user("outsider"), organisation=world.organisation)
    services.membership_decide(actor=admin, membership=world.memberships["pending"], approve=True)
    services.membership_change_role(actor=admin, membership=world.memberships["member"], role="editor")
    services.membership_remove(actor=admin, membership=world.memberships["editor"])
    services.organisation_update(actor=admin, organisation=world.organisation, description="Herri txikia")
    entries = list(AuditLogEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        "organisations.membership.requested",
        "organisations.membership.approved",
        "organisations.membership.role_changed",
        "organisations.membership.removed",
        "organisations.organisation.updated",
    ]
    assert all(e.organisation == world.organisation for e in entries)
    assert entries[0].actor == world.user("outsider")
    assert all(e.actor == admin for e in entries[1:])
