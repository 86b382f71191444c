"""The permission grid of events: role × action × state → allowed or denied. Expected values are the product rules
written out below, not read from the code under test."""

import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.permissions import can
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, staff
from tests.never500.world import world_fixture

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "owner", "member", "editor", "admin", "other_admin", "operator")

#: (action, object, event state) -> roles allowed.
GRID = {
    ("events.view_event", "event", "published"): set(ROLES),
    ("events.view_event", "event", "cancelled"): set(ROLES),
    ("events.view_event", "event", "draft"): {"member", "editor", "admin", "operator"},
    ("events.create_event", "organisation", "draft"): {"editor", "admin", "operator"},
    ("events.change_event", "event", "published"): {"editor", "admin", "operator"},
    ("events.change_event", "event", "draft"): {"editor", "admin", "operator"},
    ("events.manage_registrations", "event", "published"): {"editor", "admin", "operator"},
    ("events.check_in", "event", "published"): {"member", "editor", "admin", "operator"},
    ("events.register", "event", "published"): {
        "citizen",
        "owner",
        "member",
        "editor",
        "admin",
        "other_admin",
        "operator",
    },
    ("events.register", "event", "draft"): set(),
    ("events.register", "event", "cancelled"): set(),
    ("events.view_registration", "registration", "published"): {"owner"},
    ("events.cancel_registration", "registration", "published"): {"owner"},
    ("events.give_feedback", "registration", "published"): set(),  # confirmed, not attended
    ("events.give_feedback", "attended", "published"): {"owner"},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def build():
        events = {state: EventFactory(state=state) for state in ("published", "cancelled", "draft")}
        organisation = EventFactory(state="draft").organisation
        for event in events.values():
            event.organisation = organisation
            event.save()
        owner = UserFactory()
        session = SessionFactory(event=events["published"])
        users = {
            "anonymous": AnonymousUser(),
            "citizen": UserFactory(),
            "owner": owner,
            "member": staff(organisation, "member"),
            "editor": staff(organisation, "editor"),
            "admin": staff(organisation, "admin"),
            "other_admin": staff(EventFactory().organisation, "admin"),
            "operator": UserFactory(is_staff=True),
        }
        objects = {
            "registration": RegistrationFactory(session=session, user=owner),
            "attended": RegistrationFactory(
                session=SessionFactory(event=events["published"]), user=owner, state="attended"
            ),
        }
        return {"events": events, "organisation": organisation, "users": users, "objects": objects}

    yield from world_fixture(django_db_setup, django_db_blocker, build=build)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(GRID), ids=lambda case: "-".join(case))
def test_events_grid(world, db, case, role):
    action, kind, state = case
    if kind == "event":
        obj = world["events"][state]
    elif kind == "organisation":
        obj = world["organisation"]
    else:
        obj = world["objects"][kind]
    user = world["users"][role]
    user.__dict__.pop("_organisation_roles", None)
    assert can(user, action, obj) is (role in GRID[case])
