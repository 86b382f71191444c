"""HTTP tests of every page of the programme, and the permission grid: agency staff / organisation administrator /
organisation member / member of another organisation / anonymous visitor × each page and action. Out of reach is a
404 (another organisation never learns that a meeting or an inventory line exists)."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog.models import Dataset
from auzolan.opendata_programme.models import (
    InventoryLine,
    ObligationOverride,
    PilotGroup,
    PilotGroupMember,
    RoadmapStep,
    StepCheck,
    SupportAction,
)
from tests.accounts.factories import UserFactory
from tests.opendata_programme.factories import (
    InventoryLineFactory,
    MeetingFactory,
    PilotGroupMemberFactory,
    StepCheckFactory,
    SupportActionFactory,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ["staff", "admin", "member", "other", "anonymous"]


@dataclass
class World:
    organisation: object
    member: object
    line: object
    meeting: object
    action: object
    step: object
    users: dict


@pytest.fixture
def world():
    organisation = OrganisationFactory(population=5000, agents_count=60)
    other = OrganisationFactory()
    users = {
        "staff": UserFactory(is_staff=True),
        "admin": MembershipFactory(organisation=organisation, role="admin").user,
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "other": MembershipFactory(organisation=other, role="admin").user,
        "anonymous": None,
    }
    member = PilotGroupMemberFactory(organisation=organisation)
    step = RoadmapStep.objects.get(code="commitment")
    check = StepCheckFactory(organisation=organisation, step=step)
    check.evidence_file.save("deliberation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    meeting = MeetingFactory(organisation=organisation)
    return World(
        organisation=organisation,
        member=member,
        line=InventoryLineFactory(organisation=organisation),
        meeting=meeting,
        action=SupportActionFactory(organisation=organisation, meeting=meeting),
        step=step,
        users=users,
    )


def _client(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _urls(world) -> dict[str, str]:
    slug = world.organisation.slug
    group = world.member.group_id
    return {
        "dashboard": reverse("opendata_programme:dashboard"),
        "group_create": reverse("opendata_programme:group_create"),
        "group_detail": reverse("opendata_programme:group_detail", args=[group]),
        "group_edit": reverse("opendata_programme:group_edit", args=[group]),
        "steps": reverse("opendata_programme:steps"),
        "step_edit": reverse("opendata_programme:step_edit", args=[world.step.pk]),
        "coverage": reverse("opendata_programme:coverage"),
        "coverage_csv": reverse("opendata_programme:coverage_csv"),
        "roadmap": reverse("opendata_programme:roadmap", args=[slug]),
        "step_check": reverse("opendata_programme:step_check", args=[slug, world.step.pk]),
        "step_evidence": reverse("opendata_programme:step_evidence", args=[slug, world.step.pk]),
        "obligation": reverse("opendata_programme:obligation", args=[slug]),
        "referents": reverse("opendata_programme:referents", args=[slug, world.member.pk]),
        "inventory": reverse("opendata_programme:inventory", args=[slug]),
        "inventory_csv": reverse("opendata_programme:inventory_csv", args=[slug]),
        "line_create": reverse("opendata_programme:line_create", args=[slug]),
        "line_edit": reverse("opendata_programme:line_edit", args=[slug, world.line.pk]),
        "support": reverse("opendata_programme:support", args=[slug]),
        "meeting_create": reverse("opendata_programme:meeting_create", args=[slug]),
        "meeting_detail": reverse("opendata_programme:meeting_detail", args=[slug, world.meeting.pk]),
        "meeting_edit": reverse("opendata_programme:meeting_edit", args=[slug, world.meeting.pk]),
        "action_create": reverse("opendata_programme:action_create", args=[slug, world.meeting.pk]),
    }


STAFF = {"staff"}
MEMBERS = {"staff", "admin", "member"}
ADMINS = {"staff", "admin"}
PAGES = {
    "dashboard": STAFF,
    "group_create": STAFF,
    "group_detail": STAFF,
    "group_edit": STAFF,
    "steps": STAFF,
    "step_edit": STAFF,
    "coverage": STAFF,
    "coverage_csv": STAFF,
    "roadmap": MEMBERS,
    "step_check": STAFF,
    "step_evidence": MEMBERS,
    "obligation": STAFF,
    "referents": ADMINS,
    "inventory": MEMBERS,
    "inventory_csv": MEMBERS,
    "line_create": ADMINS,
    "line_edit": ADMINS,
    "support": MEMBERS,
    "meeting_create": STAFF,
    "meeting_detail": MEMBERS,
    "meeting_edit": STAFF,
    "action_create": STAFF,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_grid(client, world, page, role):
    response = _client(client, world, role).get(_urls(world)[page])
    if role == "anonymous":
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    elif role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_another_organisation_never_sees_meetings_or_inventory(client, world):
    """Even through an address of its own organisation with another organisation's meeting or line."""
    other = MembershipFactory(role="admin")
    client.force_login(other.user)
    slug = other.organisation.slug
    for url in (
        reverse("opendata_programme:meeting_detail", args=[slug, world.meeting.pk]),
        reverse("opendata_programme:line_edit", args=[slug, world.line.pk]),
        reverse("opendata_programme:meeting_edit", args=[slug, world.meeting.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("opendata_programme:line_to_dataset", args=[slug, world.line.pk])).status_code == 404
    assert client.post(reverse("opendata_programme:action_done", args=[slug, world.action.pk])).status_code == 404
    page = client.get(reverse("opendata_programme:support", args=[slug]))
    assert world.meeting.decisions not in page.content.decode()
    assert world.action.title not in page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_line_to_dataset_grid(client, world, role):
    response = _client(client, world, role).post(
        reverse("opendata_programme:line_to_dataset", args=[world.organisation.slug, world.line.pk])
    )
    world.line.refresh_from_db()
    if role in ADMINS:
        assert response.status_code == 302 and world.line.dataset_id
        assert response["Location"] == reverse("catalog:dataset_edit", kwargs={"slug": world.line.dataset.slug})
        assert world.line.dataset.state == Dataset.State.DRAFT
    else:
        assert response.status_code in (302, 404) and world.line.dataset_id is None


@pytest.mark.parametrize("role", ROLES)
def test_line_delete_grid(client, world, role):
    _client(client, world, role).post(
        reverse("opendata_programme:line_delete", args=[world.organisation.slug, world.line.pk])
    )
    assert InventoryLine.objects.filter(pk=world.line.pk).exists() is (role not in ADMINS)


@pytest.mark.parametrize("role", ROLES)
def test_action_done_grid(client, world, role):
    _client(client, world, role).post(
        reverse("opendata_programme:action_done", args=[world.organisation.slug, world.action.pk]), {"done": "1"}
    )
    assert SupportAction.objects.get(pk=world.action.pk).done is (role in ADMINS)


@pytest.mark.parametrize("role", ROLES)
def test_step_uncheck_grid(client, world, role):
    _client(client, world, role).post(
        reverse("opendata_programme:step_uncheck", args=[world.organisation.slug, world.step.pk])
    )
    assert StepCheck.objects.filter(organisation=world.organisation).exists() is (role not in STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_group_member_remove_grid(client, world, role):
    _client(client, world, role).post(
        reverse("opendata_programme:group_member_remove", args=[world.member.group_id, world.member.pk])
    )
    assert PilotGroupMember.objects.filter(pk=world.member.pk).exists() is (role not in STAFF)


def test_owner_marks_own_action_done(client, world):
    owner = world.users["member"]
    SupportAction.objects.filter(pk=world.action.pk).update(owner=owner)
    client.force_login(owner)
    response = client.post(
        reverse("opendata_programme:action_done", args=[world.organisation.slug, world.action.pk]), {"done": "1"}
    )
    assert response.status_code == 302
    assert SupportAction.objects.get(pk=world.action.pk).done


def test_forms_create_things(client, world):
    client.force_login(world.users["staff"])
    slug = world.organisation.slug
    response = client.post(
        reverse("opendata_programme:group_create"),
        {"name": "Groupe 2027", "start_date": "2027-01-10", "goals": "Tout publier"},
    )
    group = PilotGroup.objects.get(name="Groupe 2027")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    response = client.post(group.get_absolute_url(), {"organisation": world.organisation.pk})
    assert response.status_code == 302 and group.members.count() == 1
    response = client.post(
        reverse("opendata_programme:meeting_create", args=[slug]),
        {"date": "2026-05-02", "participants": "Maire, agence", "decisions": "Ouvrir le budget"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("opendata_programme:action_create", args=[slug, world.meeting.pk]),
        {"title": "Envoyer le budget", "owner_name": "DGS", "due_date": "2026-06-01"},
    )
    assert response.status_code == 302 and SupportAction.objects.filter(title="Envoyer le budget").exists()
    response = client.post(
        reverse("opendata_programme:obligation", args=[slug]), {"decision": "not_bound", "reason": "Fusion"}
    )
    assert response.status_code == 302 and not ObligationOverride.objects.get(organisation=world.organisation).bound
    response = client.post(
        reverse("opendata_programme:step_check", args=[slug, RoadmapStep.objects.get(code="harvested").pk]),
        {"done_on": "2026-05-01", "evidence_url": "https://www.data.gouv.fr/fr/organizations/commune-x/"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("opendata_programme:step_edit", args=[world.step.pk]),
        {
            "title": "Engagement signé",
            "short_label": "Engagée",
            "help_text": "",
            "evidence_hint": "",
            "observer": "",
            "threshold": "1",
            "link": "",
            "position": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302 and RoadmapStep.objects.get(pk=world.step.pk).title == "Engagement signé"


def test_inventory_form_and_errors(client, world):
    client.force_login(world.users["admin"])
    url = reverse("opendata_programme:line_create", args=[world.organisation.slug])
    assert client.post(url, {"title": ""}).status_code == 400
    response = client.post(
        url,
        {
            "title": "Menus de la cantine",
            "description": "Les menus servis à l'école.",
            "owner_service": "Restauration scolaire",
            "priority": "high",
            "personal_data_risk": "none",
            "status": "identified",
        },
    )
    assert response.status_code == 302
    assert InventoryLine.objects.filter(organisation=world.organisation, title="Menus de la cantine").exists()


def test_referents_form(client, world):
    client.force_login(world.users["admin"])
    url = reverse("opendata_programme:referents", args=[world.organisation.slug, world.member.pk])
    response = client.post(
        url, {"elected_referent": world.users["admin"].pk, "agent_referent": world.users["member"].pk}
    )
    assert response.status_code == 302
    outsider = world.users["other"]
    assert client.post(url, {"elected_referent": outsider.pk}).status_code == 400


def test_roadmap_shows_next_step_with_its_link(client, world):
    client.force_login(world.users["member"])
    page = client.get(reverse("opendata_programme:roadmap", args=[world.organisation.slug])).content.decode()
    assert "Référents désignés (un élu, un agent)" in page  # the step after the checked commitment
    assert "#referents" in page
    assert "soumise" in page


def test_dashboard_block_lists_overdue_actions(client, world):
    SupportAction.objects.filter(pk=world.action.pk).update(due_date=datetime.date(2020, 1, 1))
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert world.action.title in page
    client.force_login(world.users["other"])
    assert world.action.title not in client.get(reverse("accounts:dashboard")).content.decode()


def test_inventory_csv_download(client, world):
    client.force_login(world.users["member"])
    response = client.get(reverse("opendata_programme:inventory_csv", args=[world.organisation.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("COLL_NOM,COLL_SIRET,ID")


def test_organisation_page_links_to_the_programme_for_members_only(client, world):
    url = world.organisation.get_absolute_url()
    roadmap = reverse("opendata_programme:roadmap", args=[world.organisation.slug])
    client.force_login(world.users["member"])
    assert roadmap in client.get(url).content.decode()
    client.force_login(world.users["other"])
    assert roadmap not in client.get(url).content.decode()


def test_step_check_with_a_document_then_download(client, world):
    client.force_login(world.users["staff"])
    step = RoadmapStep.objects.get(code="referents_trained")
    url = reverse("opendata_programme:step_check", args=[world.organisation.slug, step.pk])
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4 attestation", content_type="application/pdf")
    response = client.post(url, {"done_on": "2026-03-10", "evidence_file": document})
    assert response.status_code == 302
    client.force_login(world.users["member"])
    download = client.get(reverse("opendata_programme:step_evidence", args=[world.organisation.slug, step.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 attestation"
    client.force_login(world.users["other"])
    assert (
        client.get(reverse("opendata_programme:step_evidence", args=[world.organisation.slug, step.pk])).status_code
        == 404
    )


def test_step_check_refuses_an_executable(client, world):
    client.force_login(world.users["staff"])
    step = RoadmapStep.objects.get(code="referents_trained")
    url = reverse("opendata_programme:step_check", args=[world.organisation.slug, step.pk])
    response = client.post(url, {"done_on": "2026-03-10", "evidence_file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 400
    assert not StepCheck.objects.filter(step=step).exists()


def test_coverage_csv_follows_the_filters(client, world):
    client.force_login(world.users["staff"])
    other_group_member = PilotGroupMemberFactory()
    url = reverse("opendata_programme:coverage_csv")
    body = client.get(url, {"groupe": world.member.group_id}).content.decode()
    assert world.organisation.name in body and other_group_member.organisation.name not in body
