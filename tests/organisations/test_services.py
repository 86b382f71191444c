import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.core.permissions import can
from auzolan.organisations import services
from auzolan.organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.organisations.factories import (
    CommuneFactory,
    MembershipFactory,
    OrganisationFactory,
    TerritoryFactory,
    World,
)

pytestmark = pytest.mark.django_db

VALID_SIRET = "21640102600017"  # Bayonne's town hall


def actions():
    return list(AuditLogEntry.objects.order_by("id").values_list("action", flat=True))


# --- organisation_create / organisation_update -------------------------------------------------------------


def test_create_organisation(operator):
    communes = [CommuneFactory(population=1000), CommuneFactory(population=500)]
    organisation = services.organisation_create(
        actor=operator, territory=TerritoryFactory(), name=" Commune de Bidart ", kind="commune", communes=communes
    )
    assert organisation.name == "Commune de Bidart"
    assert organisation.slug == "commune-de-bidart"
    assert organisation.population == 1500
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.organisation) == (
        "organisations.organisation.created",
        operator,
        organisation,
    )


def test_create_organisation_makes_unique_slugs(operator):
    first = services.organisation_create(actor=operator, territory=TerritoryFactory(), name="Bidart", kind="commune")
    second = services.organisation_create(actor=operator, territory=TerritoryFactory(), name="Bidart", kind="commune")
    assert (first.slug, second.slug) == ("bidart", "bidart-2")


def test_create_organisation_never_takes_a_reserved_slug(operator):
    organisation = services.organisation_create(
        actor=operator, territory=TerritoryFactory(), name="Agir pour", kind="association"
    )
    assert organisation.slug == "agir-pour-2"


def test_only_operators_create_organisations(user):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=user, territory=TerritoryFactory(), name="Bidart", kind="commune")


def test_create_rejects_unknown_fields(operator):
    with pytest.raises(ValidationError):
        services.organisation_create(
            actor=operator, territory=TerritoryFactory(), name="X", kind="commune", colour="red"
        )


def test_invalid_siret_is_a_field_error(operator):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=operator, territory=TerritoryFactory(), name="Bidart", kind="commune", siret="21640102600018"
        )
    assert error.value.field == "siret"
    assert "clé de contrôle" in error.value.message
    assert not Organisation.objects.exists()


def test_duplicate_siret_is_refused(operator):
    OrganisationFactory(siret=VALID_SIRET)
    with pytest.raises((ValidationError, Conflict)) as error:
        services.organisation_create(
            actor=operator, territory=TerritoryFactory(), name="B", kind="commune", siret=VALID_SIRET
        )
    assert error.value.field in ("siret", None)


def test_admin_updates_own_details():
    world = World()
    admin = world.user("admin")
    services.organisation_update(
        actor=admin, organisation=world.organisation, description="Bonjour", website="https://ustaritz.fr"
    )
    world.organisation.refresh_from_db()
    assert world.organisation.description == "Bonjour"
    entry = AuditLogEntry.objects.get(action="organisations.organisation.updated")
    assert entry.data["changed"]["description"] == ["", "Bonjour"]


def test_admin_may_not_change_the_agency_fields():
    world = World()
    with pytest.raises(ValidationError, match="college"):
        services.organisation_update(actor=world.user("admin"), organisation=world.organisation, college="economy")


def test_staff_change_every_field(operator):
    organisation = OrganisationFactory()
    services.organisation_update(
        actor=operator, organisation=organisation, college="economy", membership_status="suspended"
    )
    organisation.refresh_from_db()
    assert (organisation.college, organisation.membership_status) == ("economy", "suspended")


def test_update_without_change_writes_nothing(operator):
    organisation = OrganisationFactory(name="Same")
    services.organisation_update(actor=operator, organisation=organisation, name="Same")
    assert not AuditLogEntry.objects.exists()


def test_update_refuses_a_member():
    world = World()
    with pytest.raises(NotFound):
        services.organisation_update(actor=world.user("member"), organisation=world.organisation, name="X")


def test_update_invalid_siret():
    world = World()
    with pytest.raises(ValidationError) as error:
        services.organisation_update(actor=world.user("admin"), organisation=world.organisation, siret="123")
    assert error.value.field == "siret"


# --- memberships -------------------------------------------------------------------------------------------


def test_add_member_by_email():
    world = World()
    person = UserFactory(email="amaia@exemple.fr")
    membership = services.membership_add(
        actor=world.user("admin"), organisation=world.organisation, email=" AMAIA@exemple.fr ", role="editor"
    )
    assert (membership.user, membership.role, membership.state) == (person, "editor", "active")
    assert "organisations.membership.added" in actions()


def test_add_unknown_email():
    world = World()
    with pytest.raises(NotFound) as error:
        services.membership_add(
            actor=world.user("admin"), organisation=world.organisation, email="personne@nulle-part.fr"
        )
    assert error.value.field == "email"


def test_add_someone_already_member():
    world = World()
    with pytest.raises(Conflict) as error:
        services.membership_add(
            actor=world.user("admin"), organisation=world.organisation, email=world.user("member").email
        )
    assert error.value.field == "email"


def test_add_someone_pending_activates_them():
    world = World()
    membership = services.membership_add(
        actor=world.user("admin"), organisation=world.organisation, email=world.user("pending").email
    )
    assert membership.state == "active"
    assert Membership.objects.filter(user=world.user("pending")).count() == 1


def test_add_with_unknown_role():
    world = World()
    with pytest.raises(ValidationError) as error:
        services.membership_add(
            actor=world.user("admin"), organisation=world.organisation, email=UserFactory().email, role="king"
        )
    assert error.value.field == "role"


def test_add_needs_manage_members():
    world = World()
    with pytest.raises(NotFound):
        services.membership_add(actor=world.user("editor"), organisation=world.organisation, email=UserFactory().email)


def test_request_membership():
    world = World()
    outsider = world.user("outsider")
    membership = services.membership_request(actor=outsider, organisation=world.organisation)
    assert (membership.state, membership.role) == ("pending", "member")
    assert actions() == ["organisations.membership.requested"]


def test_request_twice_is_a_conflict():
    world = World()
    services.membership_request(actor=world.user("outsider"), organisation=world.organisation)
    with pytest.raises(Conflict):
        services.membership_request(actor=world.user("outsider"), organisation=world.organisation)


def test_double_request_race_is_a_conflict(monkeypatch):
    """Two clicks pass the checks at the same time; the database's unique constraint decides."""
    world = World()
    create = Membership.objects.create

    def racing_create(**kwargs):
        create(**kwargs)  # the other request wins the race
        return create(**kwargs)

    monkeypatch.setattr(Membership.objects, "create", racing_create)
    with pytest.raises(Conflict):
        services.membership_request(actor=world.user("outsider"), organisation=world.organisation)


def test_request_a_prospect_organisation_is_not_found():
    world = World(status="prospect")
    with pytest.raises(NotFound):
        services.membership_request(actor=world.user("outsider"), organisation=world.organisation)


def test_anonymous_cannot_request():
    world = World()
    with pytest.raises(PermissionDenied):
        services.membership_request(actor=AnonymousUser(), organisation=world.organisation)


def test_accept_request():
    world = World()
    membership = services.membership_decide(
        actor=world.user("admin"), membership=world.memberships["pending"], approve=True
    )
    assert membership.state == "active"
    assert "organisations.membership.approved" in actions()


def test_refuse_request_deletes_it():
    world = World()
    assert (
        services.membership_decide(actor=world.user("admin"), membership=world.memberships["pending"], approve=False)
        is None
    )
    assert not Membership.objects.filter(user=world.user("pending")).exists()
    assert "organisations.membership.refused" in actions()


def test_decide_twice_is_a_conflict():
    world = World()
    with pytest.raises(Conflict):
        services.membership_decide(actor=world.user("admin"), membership=world.memberships["member"], approve=True)


def test_decide_needs_manage_members():
    world = World()
    with pytest.raises(NotFound):
        services.membership_decide(
            actor=world.user("other_admin"), membership=world.memberships["pending"], approve=True
        )


def test_change_role():
    world = World()
    admin = world.user("admin")
    services.membership_change_role(actor=admin, membership=world.memberships["member"], role="editor")
    assert Membership.objects.get(pk=world.memberships["member"].pk).role == "editor"
    entry = AuditLogEntry.objects.get(action="organisations.membership.role_changed")
    assert entry.data["from"] == "member" and entry.data["to"] == "editor"


def test_last_admin_cannot_be_demoted():
    world = World()
    with pytest.raises(ValidationError) as error:
        services.membership_change_role(actor=world.user("admin"), membership=world.memberships["admin"], role="member")
    assert error.value.code == "last-admin"
    assert Membership.objects.get(pk=world.memberships["admin"].pk).role == "admin"


def test_admin_can_step_down_once_another_admin_exists():
    world = World()
    admin = world.user("admin")
    services.membership_change_role(actor=admin, membership=world.memberships["editor"], role="admin")
    services.membership_change_role(actor=admin, membership=world.memberships["admin"], role="member")
    assert Membership.objects.get(pk=world.memberships["admin"].pk).role == "member"


def test_change_role_unknown_role():
    world = World()
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=world.user("admin"), membership=world.memberships["member"], role="king")


def test_remove_member():
    world = World()
    services.membership_remove(actor=world.user("admin"), membership=world.memberships["member"])
    assert not Membership.objects.filter(pk=world.memberships["member"].pk).exists()
    assert "organisations.membership.removed" in actions()


def test_last_admin_cannot_be_removed_nor_leave():
    world = World()
    with pytest.raises(ValidationError):
        services.membership_remove(actor=world.user("admin"), membership=world.memberships["admin"])
    with pytest.raises(ValidationError):
        services.membership_remove(actor=world.user("operator"), membership=world.memberships["admin"])
    assert Membership.objects.filter(pk=world.memberships["admin"].pk).exists()


def test_member_leaves_and_loses_rights_at_once():
    world = World()
    member = world.user("member")
    assert can(member, "organisations.act_for", world.organisation)
    services.membership_remove(actor=member, membership=world.memberships["member"])
    assert not can(member, "organisations.act_for", world.organisation)


def test_an_outsider_cannot_remove_someone():
    world = World()
    with pytest.raises(NotFound):
        services.membership_remove(actor=world.user("other_admin"), membership=world.memberships["member"])


def test_deletion_check_last_admin():
    world = World()
    with pytest.raises(ValidationError):
        services.deletion_check_last_admin(world.user("admin"))
    services.deletion_check_last_admin(world.user("member"))


def test_personal_data_memberships():
    membership = MembershipFactory(role="editor")
    data = services.personal_data_memberships(membership.user)
    assert data[0]["organisation"] == membership.organisation.name
    assert data[0]["role"] == "editor"
