"""The organisation view: its admins see the members who agreed to share their progress (and what they completed), a
count of those who did not, and the "referents trained" step; never another organisation's members, never a
non-consenting person. Role × state permission grid."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auzolan.core.permissions import can
from auzolan.learning import selectors, services
from tests.accounts.factories import UserFactory
from tests.learning.factories import TopicFactory, module_with_pieces, path_of_two_modules
from tests.opendata_programme.factories import PilotGroupMemberFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def complete(user, module, pieces):
    for piece in pieces:
        services.piece_complete(user=user, module=module, piece=piece)


def member(organisation, name, *, role="member", share=None, state="active"):
    user = MembershipFactory(organisation=organisation, role=role, state=state, user__full_name=name).user
    if share is not None:
        services.learner_profile_update(user=user, share_progress_with_organisation=share)
    return user


@pytest.fixture
def world():
    commune, other = OrganisationFactory(name="Ainhoa"), OrganisationFactory(name="Sare")
    admin = member(commune, "Admin Ainhoa", role="admin")
    sharing = member(commune, "Amaia Partage", share=True)
    refusing = member(commune, "Beñat Refus", share=False)
    silent = member(commune, "Céline Silence")  # never chose: default off
    pending = member(commune, "Dani Attente", share=True, state="pending")
    outsider = member(other, "Eneko Voisin", share=True)
    path, modules = path_of_two_modules(title="Premiers pas")
    for user in (sharing, refusing, silent, pending, outsider):
        complete(user, *modules[0])
    complete(sharing, *modules[1])
    return {
        "commune": commune,
        "other": other,
        "admin": admin,
        "sharing": sharing,
        "refusing": refusing,
        "silent": silent,
        "path": path,
        "modules": modules,
    }


def test_only_consenting_members_of_the_organisation(world):
    training = selectors.organisation_training(world["commune"], referent_ids=[])
    assert [m.user for m in training.shared] == [world["sharing"]]
    assert [p.module for p in training.shared[0].modules] == [world["modules"][1][0], world["modules"][0][0]]
    assert [path for path, _day in training.shared[0].paths] == [world["path"]]
    assert training.not_sharing == 3  # the admin, the one who refused, the one who never chose (pending: not a member)
    assert training.referents == 0 and training.referents_trained_on is None


def test_page_for_admins_without_names_of_others(client, world):
    url = reverse("learning:organisation_training", args=[world["commune"].slug])
    client.force_login(world["admin"])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "Amaia Partage" in content and "Premiers pas" in content
    for hidden in ("Beñat Refus", "Céline Silence", "Dani Attente", "Eneko Voisin"):
        assert hidden not in content
    assert "3 membres n'ont pas choisi" in content
    assert url in client.get(reverse("learning:my_training")).content.decode()
    # the person withdraws their consent: gone from the page at once
    services.learner_profile_update(user=world["sharing"], share_progress_with_organisation=False)
    assert "Amaia Partage" not in client.get(url).content.decode()
    assert client.get(reverse("learning:organisation_training", args=[world["other"].slug])).status_code == 404
    assert client.get(reverse("learning:organisation_training", args=["nexiste-pas"])).status_code == 404


def test_referents_trained_state(client, world):
    referents = PilotGroupMemberFactory(organisation=world["commune"])
    referents.elected_referent, referents.agent_referent = world["sharing"], world["refusing"]
    referents.save()
    client.force_login(world["admin"])
    url = reverse("learning:organisation_training", args=[world["commune"].slug])
    assert "Étape à faire : vos 2 référents" in client.get(url).content.decode()
    module, pieces = module_with_pieces(1, topic=TopicFactory(slug="open-data"))
    complete(world["sharing"], module, pieces)
    complete(world["refusing"], module, pieces)
    training = selectors.organisation_training(
        world["commune"], referent_ids=[world["sharing"].pk, world["refusing"].pk]
    )
    assert training.referents == 2 and training.referents_trained_on is not None
    assert "Étape faite" in client.get(url).content.decode()


ROLES = ["anonymous", "citizen", "member", "editor", "admin", "pending_admin", "other_admin", "staff"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", ["member", "prospect", "former"])
def test_permission_grid(role, status):
    organisation = OrganisationFactory(membership_status=status)
    other = OrganisationFactory()
    users = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "editor": MembershipFactory(organisation=organisation, role="editor").user,
        "admin": MembershipFactory(organisation=organisation, role="admin").user,
        "pending_admin": MembershipFactory(organisation=organisation, role="admin", state="pending").user,
        "other_admin": MembershipFactory(organisation=other, role="admin").user,
        "staff": UserFactory(is_staff=True),
    }
    assert can(users[role], "learning.view_organisation_training", organisation) is (role == "admin")


def test_queries_do_not_grow_with_members(client):
    organisation = OrganisationFactory()
    admin = member(organisation, "Admin", role="admin")
    client.force_login(admin)
    url = reverse("learning:organisation_training", args=[organisation.slug])
    _path, modules = path_of_two_modules()

    def queries(count):
        for n in range(count):
            user = member(organisation, f"Membre {n}", share=True)
            for module, pieces in modules:
                complete(user, module, pieces)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(1) == queries(4)
