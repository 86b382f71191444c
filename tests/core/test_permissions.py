"""The permission grid of organisations: role × action, and the HTTP side (out of reach is a 404)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse

from auzolan.core.errors import NotFound, PermissionDenied
from auzolan.core.permissions import can, get_object_for, require
from auzolan.organisations.models import Organisation
from tests.organisations.factories import ROLES, World

pytestmark = pytest.mark.django_db

#        anonymous outsider pending member editor admin other_admin operator
GRID = {
    "view_organisation": (1, 1, 1, 1, 1, 1, 1, 1),
    "view_organisation@prospect": (0, 0, 0, 1, 1, 1, 0, 1),
    "change_organisation": (0, 0, 0, 0, 0, 1, 0, 1),
    "view_members": (0, 0, 0, 1, 1, 1, 0, 1),
    "manage_members": (0, 0, 0, 0, 0, 1, 0, 1),
    "request_membership": (0, 1, 0, 0, 0, 0, 1, 1),
    "request_membership@prospect": (0, 0, 0, 0, 0, 0, 0, 0),
    "act_for": (0, 0, 0, 1, 1, 1, 0, 0),
    "publish_for": (0, 0, 0, 0, 1, 1, 0, 0),
    "leave": (0, 0, 1, 1, 1, 1, 0, 0),  # on the person's own membership (or someone else's if they have none)
}

CASES = [
    pytest.param(action, role, bool(expected[index]), id=f"{action}-{role}")
    for action, expected in GRID.items()
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_permission_grid(action, role, expected):
    name, _, variant = action.partition("@")
    world = World(status="prospect" if variant == "prospect" else "member")
    obj = world.organisation
    if name == "leave":
        obj = world.memberships.get(role, world.memberships["member"])
    assert can(world.user(role), f"organisations.{name}", obj) is expected


def test_inactive_user_can_do_nothing():
    world = World()
    admin = world.user("admin")
    admin.is_active = False
    assert not can(admin, "organisations.view_organisation", world.organisation)


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ImproperlyConfigured):
        can(None, "organisations.fly_to_the_moon", None)


def test_require_hides_or_refuses():
    world = World(status="prospect")
    with pytest.raises(NotFound):
        require(world.user("outsider"), "organisations.view_organisation", world.organisation)
    with pytest.raises(PermissionDenied):
        require(world.user("member"), "organisations.change_organisation", world.organisation, hide=False)


def test_get_object_for_missing_and_out_of_reach_look_the_same():
    world = World(status="prospect")
    with pytest.raises(Http404):
        get_object_for(world.user("outsider"), "organisations.view_organisation", Organisation, slug="ustaritz")
    with pytest.raises(Http404):
        get_object_for(world.user("outsider"), "organisations.view_organisation", Organisation, slug="nowhere")
    assert get_object_for(world.user("member"), "organisations.view_organisation", Organisation, slug="ustaritz")


# --- HTTP: out of reach is a 404 ------------------------------------------------------------------------------


HTTP_GRID = [
    # (url name, role, expected status) on the public organisation
    ("organisations:detail", "anonymous", 200),
    ("organisations:edit", "other_admin", 404),
    ("organisations:edit", "member", 404),
    ("organisations:edit", "editor", 404),
    ("organisations:edit", "admin", 200),
    ("organisations:edit", "operator", 200),
    ("organisations:members", "outsider", 404),
    ("organisations:members", "member", 404),
    ("organisations:members", "other_admin", 404),
    ("organisations:members", "admin", 200),
    ("organisations:members", "operator", 200),
]


@pytest.mark.parametrize(("url_name", "role", "status"), HTTP_GRID)
def test_http_permissions(client, url_name, role, status):
    world = World()
    if role != "anonymous":
        client.force_login(world.user(role))
    response = client.get(reverse(url_name, args=[world.organisation.slug]))
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("anonymous", 404), ("outsider", 404), ("pending", 404), ("member", 200)])
def test_prospect_organisation_page(client, role, status):
    world = World(status="prospect")
    if role != "anonymous":
        client.force_login(world.user(role))
    assert client.get(reverse("organisations:detail", args=["ustaritz"])).status_code == status


def test_anonymous_is_sent_to_login_for_pages_that_need_an_account(client):
    World()
    response = client.get(reverse("organisations:edit", args=["ustaritz"]))
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]
