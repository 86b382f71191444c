"""The permission grid of youth: role × action × state → allowed or denied. Expected values are the product rules
written out below (staff manage; the public sees public partnerships, and public actions of a survey whose results
are public; a partner's administrators edit their own partnership's presentation, and nobody else does), not read
from the code under test. The partner's presentation page is checked through HTTP for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from auzolan.core.permissions import can
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.youth.factories import ActionFactory

pytestmark = pytest.mark.django_db

#: partner_admin administers the organisation of the hidden partnership, partner_member is an editor (not an admin)
#: there, other_admin administers the organisation of the public partnership.
ROLES = ("anonymous", "citizen", "partner_member", "partner_admin", "other_admin", "survey_editor", "operator")
EVERYONE = set(ROLES)

#: (action, object) -> roles allowed.
GRID = {
    ("youth.view_partnership", "public"): EVERYONE,
    ("youth.view_partnership", "hidden"): {"operator"},
    ("youth.change_partnership", "public"): {"operator"},
    ("youth.change_partnership", "hidden"): {"operator"},
    ("youth.edit_own_partnership", "hidden"): {"partner_admin"},
    ("youth.edit_own_partnership", "public"): {"other_admin"},
    ("youth.manage", None): {"operator"},
    ("youth.view_action", "action"): EVERYONE,
    ("youth.view_action", "private_action"): {"operator"},
    # a public action of a survey whose results are private: the survey's organisation reads its results
    ("youth.view_action", "action_of_private_survey"): {"survey_editor", "operator"},
    ("youth.change_action", "action"): {"operator"},
}


@pytest.fixture(scope="module")
def objects(world, django_db_blocker):
    """Built inside the module's world transaction (rolled back with it)."""
    with django_db_blocker.unblock():
        private_survey = world["private_survey"]
        users = {
            "anonymous": AnonymousUser(),
            "citizen": UserFactory(),
            "partner_member": MembershipFactory(
                organisation=world["hidden"].organisation, role="editor", state="active"
            ).user,
            "partner_admin": MembershipFactory(
                organisation=world["hidden"].organisation, role="admin", state="active"
            ).user,
            "other_admin": MembershipFactory(
                organisation=world["public"].organisation, role="admin", state="active"
            ).user,
            "survey_editor": MembershipFactory(
                organisation=private_survey.process.organisation, role="editor", state="active"
            ).user,
            "operator": world["operator"],
        }
        return {
            "users": users,
            "public": world["public"],
            "hidden": world["hidden"],
            "action": world["action"],
            "private_action": world["private_action"],
            "action_of_private_survey": ActionFactory(survey=private_survey),
            None: None,
        }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(GRID), ids=lambda case: "-".join(str(part) for part in case))
def test_youth_grid(objects, db, case, role):
    action, kind = case
    user = objects["users"][role]
    user.__dict__.pop("_organisation_roles", None)
    assert can(user, action, objects[kind]) is (role in GRID[case])


#: The partner's presentation page of the hidden partnership, by role: what a GET answers.
PAGE = {
    "anonymous": 302,  # to the login page
    "citizen": 404,
    "partner_member": 404,
    "partner_admin": 200,
    "other_admin": 404,
    "survey_editor": 404,
    "operator": 404,  # staff edit the whole partnership in their own form
}


@pytest.mark.parametrize("role", ROLES)
def test_partner_presentation_page_by_role(objects, client, role):
    user = objects["users"][role]
    if role != "anonymous":
        client.force_login(user)
    response = client.get(reverse("youth:partner_edit", args=[objects["hidden"].organisation.slug]))
    assert response.status_code == PAGE[role]
