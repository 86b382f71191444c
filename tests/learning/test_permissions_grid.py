"""Role × action grid of learning's permissions, per module state and owner."""

import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.permissions import can
from tests.accounts.factories import UserFactory
from tests.learning.factories import AuthorisedEditorFactory, ModuleFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "staff", "partner_editor", "partner_member", "unauthorised_editor", "other_partner"]


@pytest.fixture
def world():
    partner = OrganisationFactory()
    AuthorisedEditorFactory(organisation=partner)
    unauthorised = OrganisationFactory()
    other = OrganisationFactory()
    AuthorisedEditorFactory(organisation=other)
    users = {"anonymous": AnonymousUser(), "citizen": UserFactory(), "staff": UserFactory(is_staff=True)}
    users["partner_editor"] = MembershipFactory(organisation=partner, role="editor").user
    users["partner_member"] = MembershipFactory(organisation=partner, role="member").user
    users["unauthorised_editor"] = MembershipFactory(organisation=unauthorised, role="admin").user
    users["other_partner"] = MembershipFactory(organisation=other, role="admin").user
    return {"users": users, "partner": partner}


# (action, state, owned by the partner) -> roles allowed
GRID = {
    ("learning.view_module", "published", False): set(ROLES),
    ("learning.view_module", "draft", False): {"staff"},
    ("learning.view_module", "draft", True): {"staff", "partner_editor"},
    ("learning.view_module", "archived", True): {"staff", "partner_editor"},
    ("learning.take_module", "published", False): set(ROLES) - {"anonymous"},
    ("learning.take_module", "draft", True): set(),
    ("learning.change_module", "published", False): {"staff"},
    ("learning.change_module", "published", True): {"staff", "partner_editor"},
    ("learning.change_module", "draft", True): {"staff", "partner_editor"},
    ("learning.view_feedback", "published", True): {"staff", "partner_editor"},
    ("learning.view_feedback", "published", False): {"staff"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "state", "owned"), list(GRID), ids=lambda v: str(v))
def test_module_grid(world, role, action, state, owned):
    module = ModuleFactory(state=state, organisation=world["partner"] if owned else None)
    assert can(world["users"][role], action, module) is (role in GRID[(action, state, owned)])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("learning.add_module", {"staff", "partner_editor", "other_partner"}),
        ("learning.authorise_editors", {"staff"}),
    ],
)
def test_global_grid(world, role, action, allowed):
    assert can(world["users"][role], action) is (role in allowed)
