"""Writes of the programme: inventory (and the draft dataset made from a line, and its SCDL catalogue export),
referents, checks of steps, pilot groups, meetings, actions and their daily reminder."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auzolan.accounts.services import user_export_data
from auzolan.catalog.models import Dataset
from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.datastore.validation import validate_rows
from auzolan.notifications.models import Notification
from auzolan.opendata_programme import exports, selectors, services
from auzolan.opendata_programme.models import InventoryLine, RoadmapStep, StepCheck
from tests.accounts.factories import UserFactory
from tests.opendata_programme.factories import (
    InventoryLineFactory,
    MeetingFactory,
    PilotGroupFactory,
    PilotGroupMemberFactory,
    SupportActionFactory,
    scdl_schema,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory, _luhn_complete

pytestmark = pytest.mark.django_db


def _editor(organisation, role="editor"):
    return MembershipFactory(organisation=organisation, role=role).user


def test_inventory_line_to_draft_dataset():
    organisation = OrganisationFactory()
    editor = _editor(organisation)
    schema = scdl_schema()
    line = services.inventory_line_save(
        actor=editor,
        organisation=organisation,
        title="Subventions aux associations",
        description="Les subventions votées par le conseil municipal.",
        owner_service="Vie associative",
        keywords="subventions, associations",
        schema=schema,
    )
    dataset = services.inventory_line_to_dataset(actor=editor, line=line)
    line.refresh_from_db()
    assert line.dataset == dataset and line.status == InventoryLine.Status.PREPARING
    assert dataset.state == Dataset.State.DRAFT and dataset.schema == schema and dataset.organisation == organisation
    assert dataset.title == "Subventions aux associations"
    assert AuditLogEntry.objects.filter(action="opendata_programme.inventory_line.dataset_created").exists()
    with pytest.raises(Conflict):
        services.inventory_line_to_dataset(actor=editor, line=line)


def test_inventory_refuses_members_and_other_organisations():
    organisation = OrganisationFactory()
    member = _editor(organisation, role="member")
    stranger = _editor(OrganisationFactory())
    for actor in (member, stranger):
        with pytest.raises(NotFound):
            services.inventory_line_save(
                actor=actor, organisation=organisation, title="x", description="y", owner_service="z"
            )
    line = InventoryLineFactory(organisation=organisation)
    with pytest.raises(NotFound):
        services.inventory_line_to_dataset(actor=stranger, line=line)


def test_abandoned_line_makes_no_dataset():
    organisation = OrganisationFactory()
    line = InventoryLineFactory(organisation=organisation, status=InventoryLine.Status.ABANDONED)
    with pytest.raises(Conflict):
        services.inventory_line_to_dataset(actor=_editor(organisation), line=line)


def test_inventory_export_passes_the_scdl_catalogue_schema():
    organisation = OrganisationFactory(siret=_luhn_complete("2164010260001"), name="Commune de Bayonne")
    editor = _editor(organisation)
    InventoryLineFactory(organisation=organisation, target_date=datetime.date(2026, 9, 1))
    InventoryLineFactory(organisation=organisation, keywords="", theme="")
    InventoryLineFactory(organisation=organisation, status=InventoryLine.Status.ABANDONED)  # not exported
    published = InventoryLineFactory(organisation=organisation)
    dataset = services.inventory_line_to_dataset(actor=editor, line=published)
    Dataset.objects.filter(pk=dataset.pk).update(
        state=Dataset.State.PUBLISHED, published_at=timezone.now(), last_modified=timezone.now(), frequency="ANNUAL"
    )
    text = exports.catalogue_csv(
        organisation, selectors.inventory_for_export(organisation), url_of=lambda path: "https://auzolan.test" + path
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4 and rows[0] == exports.CATALOGUE_FIELDS
    descriptor = json.loads((settings.BASE_DIR / "data/schemas/scdl/catalogue.json").read_text())
    report = validate_rows(rows, descriptor)
    assert report.valid, report.errors
    by_title = {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_title[published.title]["URL"] == "https://auzolan.test" + dataset.get_absolute_url()
    assert by_title[published.title]["FREQ_MAJ"] == "Annuelle"


def test_inventory_export_without_siret_does_not_pass():
    organisation = OrganisationFactory(siret="")
    InventoryLineFactory(organisation=organisation)
    text = exports.catalogue_csv(
        organisation, selectors.inventory_for_export(organisation), url_of=lambda path: "https://auzolan.test" + path
    )
    descriptor = json.loads((settings.BASE_DIR / "data/schemas/scdl/catalogue.json").read_text())
    assert not validate_rows(list(csv.reader(io.StringIO(text))), descriptor).valid


def test_referents_must_be_active_members_and_two_people():
    member = PilotGroupMemberFactory()
    organisation = member.organisation
    admin = _editor(organisation, role="admin")
    agent = _editor(organisation, role="member")
    outsider = UserFactory()
    with pytest.raises(ValidationError):
        services.referents_set(actor=admin, member=member, elected_referent=outsider, agent_referent=agent)
    with pytest.raises(ValidationError):
        services.referents_set(actor=admin, member=member, elected_referent=agent, agent_referent=agent)
    services.referents_set(actor=admin, member=member, elected_referent=admin, agent_referent=agent)
    member.refresh_from_db()
    assert member.referents_named_on == timezone.localdate()
    with pytest.raises(NotFound):
        services.referents_set(actor=agent, member=member, elected_referent=admin, agent_referent=agent)


def test_step_check_needs_evidence_and_is_audited(operator):
    organisation = OrganisationFactory()
    step = RoadmapStep.objects.get(code="commitment")
    with pytest.raises(ValidationError):
        services.step_check(actor=operator, organisation=organisation, step=step, done_on=datetime.date(2026, 1, 5))
    with pytest.raises(ValidationError):
        services.step_check(
            actor=operator,
            organisation=organisation,
            step=step,
            done_on=timezone.localdate() + datetime.timedelta(days=2),
            evidence_url="https://exemple.fr/d.pdf",
        )
    services.step_check(
        actor=operator,
        organisation=organisation,
        step=step,
        done_on=datetime.date(2026, 1, 5),
        evidence_file=SimpleUploadedFile("deliberation.pdf", b"%PDF-1.4 test"),
    )
    assert StepCheck.objects.get(organisation=organisation, step=step).evidence_file
    assert AuditLogEntry.objects.filter(action="opendata_programme.step.checked", organisation=organisation).exists()
    services.step_uncheck(actor=operator, organisation=organisation, step=step)
    assert not StepCheck.objects.exists()
    with pytest.raises(NotFound):
        services.step_check(
            actor=_editor(organisation, role="admin"),
            organisation=organisation,
            step=step,
            done_on=datetime.date(2026, 1, 5),
            evidence_url="https://exemple.fr/d.pdf",
        )


def test_pilot_group_names_are_unique_and_members_once(operator):
    group = services.pilot_group_save(actor=operator, name="Groupe 2026", start_date=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.pilot_group_save(actor=operator, name="groupe  2026", start_date=datetime.date(2026, 1, 1))
    organisation = OrganisationFactory()
    services.pilot_group_add_member(actor=operator, group=group, organisation=organisation)
    with pytest.raises(Conflict):
        services.pilot_group_add_member(actor=operator, group=group, organisation=organisation)
    with pytest.raises(NotFound):
        services.pilot_group_save(actor=UserFactory(), name="Autre", start_date=datetime.date(2026, 1, 1))


def test_step_template_edit_checks_the_observer(operator):
    step = RoadmapStep.objects.get(code="harvested")
    with pytest.raises(ValidationError):
        services.roadmap_step_save(actor=operator, step=step, observer="nope")
    step.refresh_from_db()
    services.roadmap_step_save(actor=operator, step=step, title="Catalogue moissonné", short_label="Moissonné")
    step.refresh_from_db()
    assert step.title == "Catalogue moissonné"


def test_actions_owner_and_done(operator):
    organisation = OrganisationFactory()
    meeting = services.meeting_save(
        actor=operator, organisation=organisation, date=datetime.date(2026, 3, 1), participants="DGS, agence"
    )
    with pytest.raises(ValidationError):
        services.action_create(
            actor=operator, organisation=organisation, meeting=meeting, title="x", due_date=datetime.date(2026, 4, 1)
        )
    with pytest.raises(ValidationError):  # a person outside the organisation and the agency
        services.action_create(
            actor=operator,
            organisation=organisation,
            meeting=meeting,
            title="x",
            owner=UserFactory(),
            due_date=datetime.date(2026, 4, 1),
        )
    owner = _editor(organisation, role="member")
    action = services.action_create(
        actor=operator,
        organisation=organisation,
        meeting=meeting,
        title="Choisir le premier jeu",
        owner=owner,
        due_date=datetime.date(2026, 4, 1),
    )
    other_member = _editor(organisation, role="member")
    with pytest.raises(NotFound):
        services.action_set_done(actor=other_member, action=action, done=True)
    services.action_set_done(actor=owner, action=action, done=True)
    action.refresh_from_db()
    assert action.done and action.done_at


def test_overdue_actions_notified_once():
    organisation = OrganisationFactory()
    admin = _editor(organisation, role="admin")
    owner = _editor(organisation, role="member")
    today = timezone.localdate()
    SupportActionFactory(organisation=organisation, owner=owner, due_date=today - datetime.timedelta(days=3))
    SupportActionFactory(
        organisation=organisation, owner_name="Secrétaire", due_date=today - datetime.timedelta(days=1)
    )
    SupportActionFactory(organisation=organisation, owner=owner, due_date=today)  # not yet overdue
    SupportActionFactory(organisation=organisation, owner=owner, due_date=today - datetime.timedelta(days=9), done=True)
    assert services.overdue_actions_notify() == 2
    assert Notification.objects.filter(user=owner).count() == 1
    assert Notification.objects.filter(user=admin).count() == 1
    assert services.overdue_actions_notify() == 0  # once


def test_overdue_actions_for_a_person():
    organisation = OrganisationFactory()
    admin = _editor(organisation, role="admin")
    owner = _editor(organisation, role="member")
    bystander = _editor(organisation, role="member")
    late = SupportActionFactory(organisation=organisation, owner=owner, due_date=datetime.date(2020, 1, 1))
    assert list(selectors.overdue_actions_for(owner)) == [late]
    assert list(selectors.overdue_actions_for(admin)) == [late]
    assert list(selectors.overdue_actions_for(bystander)) == []
    assert list(selectors.overdue_actions_for(_editor(OrganisationFactory(), role="admin"))) == []


def test_meeting_of_another_organisation_refused_for_an_action(operator):
    meeting = MeetingFactory()
    with pytest.raises(ValidationError):
        services.action_create(
            actor=operator,
            organisation=OrganisationFactory(),
            meeting=meeting,
            title="x",
            owner_name="y",
            due_date=datetime.date(2026, 4, 1),
        )


def test_expected_schemas_seed_is_idempotent():
    scdl_schema("scdl/subventions", "Subventions")
    scdl_schema("scdl/deliberations", "Délibérations")
    assert services.expected_schemas_seed() == 2
    assert services.expected_schemas_seed() == 0
    assert PilotGroupFactory()


def test_personal_data_export_lists_referent_roles_and_actions():
    member = PilotGroupMemberFactory()
    person = _editor(member.organisation, role="admin")
    member.agent_referent = person
    member.save()
    SupportActionFactory(organisation=member.organisation, owner=person, title="Former les agents")
    data = user_export_data(user=person)["opendata_programme"]
    assert data["referent_of"] == [
        {"group": member.group.name, "organisation": member.organisation.name, "role": "agent"}
    ]
    assert data["support_actions"][0]["title"] == "Former les agents"
