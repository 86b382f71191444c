"""The permission grid of participation: phase kind × action × role × verification level → allowed or denied.

Expected values come from the tables below (the product rules written out), not from the code under test.
"""

import pytest

from auzolan.core.permissions import can
from auzolan.participation.models import Process, Residency, UserBlock
from tests.accounts.factories import UserFactory
from tests.participation.factories import PhaseFactory, ProcessFactory
from tests.participation.factories_processes import DraftProcessFactory, ResidencyFactory, member

pytestmark = pytest.mark.django_db

ACTIONS = ("propose", "comment", "support", "answer", "vote")
#: What each phase kind lets participants do (the product rules).
PHASE_ACTIONS = {
    "information": {"comment"},
    "ideas": {"propose", "comment", "support"},
    "debate": {"comment", "support"},
    "survey": {"answer", "comment"},
    "vote": {"vote"},
    "review": set(),
    "results": set(),
}
ROLES = ("anonymous", "citizen", "blocked", "org_member", "org_editor", "operator")
#: (verification level of the phase, residency the person has) → does the person meet the level?
VERIFICATION_CASES = {
    "account": ("account", None, True),
    "declared_without_residency": ("residency_declared", None, False),
    "declared_with_residency": ("residency_declared", "declared", True),
    "census_with_declared_residency": ("residency_census", "declared", False),
    "census_with_census_residency": ("residency_census", "census", True),
    "code": ("code", "census", False),  # codes are used without an account, never through an account's rights
}


def _person(role: str, organisation):
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    if role == "operator":
        return UserFactory(is_staff=True)
    if role in ("org_member", "org_editor"):
        return member(organisation, "member" if role == "org_member" else "editor")
    user = UserFactory()
    if role == "blocked":
        UserBlock.objects.create(organisation=organisation, user=user, reason="Propos injurieux")
    return user


@pytest.mark.parametrize("case", list(VERIFICATION_CASES))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(PHASE_ACTIONS))
def test_participation_grid(kind, role, case):
    level, residency, meets = VERIFICATION_CASES[case]
    process = ProcessFactory()
    PhaseFactory(process=process, kind=kind, verification=level)
    user = _person(role, process.organisation)
    if residency and role != "anonymous":
        ResidencyFactory(organisation=process.organisation, user=user, method=residency)
    for action in ACTIONS:
        expected = action in PHASE_ACTIONS[kind] and role not in ("anonymous", "blocked") and meets
        assert can(user, f"participation.{action}", process) is expected, (kind, role, case, action)


@pytest.mark.parametrize("state", ["draft", "closed", "archived"])
@pytest.mark.parametrize("role", ROLES)
def test_nobody_participates_outside_a_published_process(state, role):
    process = ProcessFactory(state=state)
    PhaseFactory(process=process, kind="ideas")
    user = _person(role, process.organisation)
    for action in ACTIONS:
        assert not can(user, f"participation.{action}", process)


def test_residency_of_another_organisation_does_not_count():
    process = ProcessFactory()
    PhaseFactory(process=process, kind="vote", verification="residency_declared")
    user = UserFactory()
    ResidencyFactory(user=user, method=Residency.Method.CENSUS)
    assert not can(user, "participation.vote", process)


def test_deactivated_account_can_do_nothing():
    process = ProcessFactory()
    PhaseFactory(process=process, kind="ideas")
    user = UserFactory(is_active=False)
    assert not any(can(user, f"participation.{action}", process) for action in ACTIONS)


def test_no_active_phase_means_no_action():
    process = ProcessFactory()
    user = UserFactory()
    assert not any(can(user, f"participation.{action}", process) for action in ACTIONS)


#: Managing processes: role × process state → (view, change). create_process is asked on the organisation.
MANAGE_GRID = {
    "anonymous": {
        "draft": (False, False),
        "published": (True, False),
        "closed": (True, False),
        "archived": (True, False),
    },
    "citizen": {
        "draft": (False, False),
        "published": (True, False),
        "closed": (True, False),
        "archived": (True, False),
    },
    "org_member": {
        "draft": (True, False),
        "published": (True, False),
        "closed": (True, False),
        "archived": (True, False),
    },
    "org_editor": {"draft": (True, True), "published": (True, True), "closed": (True, True), "archived": (True, True)},
    "operator": {"draft": (True, True), "published": (True, True), "closed": (True, True), "archived": (True, True)},
}
CREATE = {"anonymous": False, "citizen": False, "org_member": False, "org_editor": True, "operator": True}


@pytest.mark.parametrize("state", ["draft", "published", "closed", "archived"])
@pytest.mark.parametrize("role", list(MANAGE_GRID))
def test_management_grid(role, state):
    process = DraftProcessFactory(state=state) if state == "draft" else ProcessFactory(state=state)
    user = _person(role, process.organisation)
    view, change = MANAGE_GRID[role][state]
    assert can(user, "participation.view_process", process) is view
    assert can(user, "participation.change_process", process) is change
    assert can(user, "participation.create_process", process.organisation) is CREATE[role]
    assert can(user, "participation.manage_census", process.organisation) is CREATE[role]
    # An editor of another organisation has no rights on this one.
    outsider = member(ProcessFactory().organisation, "editor")
    assert not can(outsider, "participation.change_process", process)
    assert can(outsider, "participation.view_process", process) is (state != Process.State.DRAFT)


@pytest.mark.parametrize("role", list(CREATE))
def test_guides_grid(role):
    from tests.participation.factories_processes import GuideFactory

    guide = GuideFactory()
    user = _person(role, ProcessFactory().organisation)
    assert can(user, "participation.view_guide", guide)
    assert can(user, "participation.change_guide", guide) is (role == "operator")
