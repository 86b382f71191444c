"""The permission grid of youth: role × action × state → allowed or denied. Expected values are the product rules
written out below (staff manage; the public sees public partnerships, and public actions of a survey whose results
are public), not read from the code under test."""

import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.permissions import can
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.youth.factories import ActionFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "partner_admin", "survey_editor", "operator")
EVERYONE = set(ROLES)

#: (action, object) -> roles allowed.
GRID = {
    ("youth.view_partnership", "public"): EVERYONE,
    ("youth.view_partnership", "hidden"): {"operator"},
    ("youth.change_partnership", "public"): {"operator"},
    ("youth.change_partnership", "hidden"): {"operator"},
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
            "partner_admin": MembershipFactory(
                organisation=world["hidden"].organisation, role="admin", state="active"
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
