"""One world with every kind of object a URL of the platform can name, built once for the never-500 suites.

`world_fixture` builds it inside a transaction that is rolled back when the module ends (each test then runs in its
own savepoint, as Django's `TestCase.setUpTestData`), with its files in a media folder of its own: loading a table
(DuckDB, Parquet) and validating a file are the expensive parts, done once.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from auzolan.accounts.services import api_token_create
from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, ReuseLink, TableSchema
from auzolan.core.models import Job
from auzolan.datastore import selectors as datastore_selectors
from auzolan.datastore.conformance import run_validation
from auzolan.datastore.ingestion.job import run_table_load
from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource
from auzolan.learning import services as learning_services
from auzolan.learning.models import Attestation
from auzolan.notifications.links import unsubscribe_token
from auzolan.notifications.services import notify
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, ResourceFactory, ReuseFactory, TableSchemaFactory
from tests.learning.factories import AuthorisedEditorFactory, ModuleFactory, PathItemFactory, PieceFactory, quiz
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory, TerritoryFactory
from tests.participation.security_world import build_world as build_participation_world

CSV = (
    "commune;montant;date;nombre;libelle;latitude;longitude\n"
    "Bayonne;1234.5;2024-01-15;10;Équipement sportif;43.49;-1.47\n"
    "Anglet;12.5;2025-02-01;3;école de musique;43.48;-1.52\n"
    "Biarritz;;2023-03-03;7;Culture;43.48;-1.56\n"
)
SCHEMA = {
    "fields": [
        {"name": "commune", "type": "string", "constraints": {"required": True}},
        {"name": "montant", "type": "number"},
        {"name": "date", "type": "date"},
        {"name": "nombre", "type": "integer"},
        {"name": "libelle", "type": "string"},
        {"name": "latitude", "type": "number"},
        {"name": "longitude", "type": "number"},
    ]
}


@dataclass
class World:
    organisation: object
    other_organisation: object
    anonymous: None
    citizen: object
    editor: object
    staff: object
    pending_membership: object
    dataset: object
    draft: object
    resource: object
    remote: object
    version: object
    table: object
    schema: object
    reuse_link: object
    notification: object
    job: object
    export: object
    unsubscribe: str
    commune: object
    participation: object
    harvest_source: object
    harvest_run: object
    api_token: object
    programme: dict
    learning_module: object
    events: dict
    youth: dict
    impact: dict

    def user(self, role: str):
        return {"anonymous": None, "citizen": self.citizen, "editor": self.editor, "staff": self.staff}[role]


def _load_table(resource, actor):
    """What the commit and the worker would do: the catalogue's signal, then the ingestion and the validation."""
    from auzolan.catalog.models import ResourceVersion
    from auzolan.catalog.signals import resource_version_added
    from auzolan.datastore.models import Table, ValidationReport

    resource_version_added.send(sender=ResourceVersion, version=resource.current_version, actor=actor)
    table = Table.objects.filter(resource=resource).latest("created_at")
    run_table_load(table=table)
    version = resource.current_version
    report = ValidationReport.objects.filter(version=version).order_by("-pk").first()
    if report is not None:
        run_validation(report=report)
    return datastore_selectors.current_table(resource)


def build_world() -> World:
    territory = TerritoryFactory()
    commune = CommuneFactory(territory=territory, insee_code="64102", name="Bayonne")
    organisation = OrganisationFactory(territory=territory, slug="n5-org", name="Commune de test")
    organisation.communes.add(commune)
    other = OrganisationFactory(territory=territory, slug="n5-autre")
    editor = UserFactory()
    MembershipFactory(organisation=organisation, user=editor, role="admin")
    citizen = UserFactory()
    pending = MembershipFactory(organisation=organisation, user=UserFactory(), role="member", state="pending")
    staff = UserFactory(is_staff=True, is_superuser=True, territory_role="agency")

    schema = TableSchemaFactory(name="n5/schema", organisation=organisation, descriptor=SCHEMA)
    dataset = DatasetFactory(organisation=organisation, slug="n5-jeu", state=Dataset.State.PUBLISHED, schema=schema)
    dataset.communes.add(commune)
    draft = DatasetFactory(organisation=organisation, slug="n5-brouillon", state=Dataset.State.DRAFT)
    resource = catalog_services.resource_add(
        actor=editor,
        dataset=dataset,
        kind="file",
        title="Subventions",
        file=SimpleUploadedFile("subventions.csv", CSV.encode()),
    )
    remote = ResourceFactory(dataset=dataset)
    table = _load_table(resource, editor)
    assert table is not None, "the world's table did not load"
    version = resource.current_version
    assert datastore_selectors.latest_report(version) is not None, "the world's version was not validated"

    reuse = ReuseFactory(submitted_by=citizen)
    reuse_link = ReuseLink.objects.create(reuse=reuse, dataset=dataset)
    (notification,) = notify(users=[editor], kind="test", title="Notification de test", url="/moi/")
    notify(users=[citizen], kind="test", title="Notification de test", url="/moi/")
    job = Job.objects.create(owner=editor, kind="test", label="Tâche de test", state=Job.State.SUCCEEDED)
    from auzolan.datastore.models import TableExport

    export = TableExport.objects.create(
        table=table, format="xlsx", fingerprint="n5", filename="n5.xlsx", rows=table.row_count, columns=3
    )

    participation = build_participation_world("n5")
    harvest_source = HarvestSource.objects.create(
        organisation=organisation, name="Portail n5", kind="ckan", url="https://data.exemple.fr", created_by=editor
    )
    harvest_run = HarvestRun.objects.create(
        source=harvest_source,
        state=HarvestRun.State.SUCCEEDED,
        dry_run=True,
        found=2,
        created=1,
        failed=1,
        errors=[{"remote_id": "n5", "title": "", "message": "Jeu de données sans titre."}],
        preview={"created": ["Budget n5"], "updated": [], "archived": []},
    )
    HarvestRecord.objects.create(  # the dataset page shows where it comes from
        source=harvest_source, remote_id="n5", dataset=dataset, hash="0" * 64, remote_url="https://data.exemple.fr/d/n5"
    )
    programme = _programme_world(organisation, editor)
    # learning: a published module of the organisation (authorised to write modules), a text piece and a quiz
    # (questions "single", "multiple", "tf"), in a path; the citizen started it
    AuthorisedEditorFactory(organisation=organisation)
    learning_module = ModuleFactory(slug="n5-module", organisation=organisation)
    text_piece = PieceFactory(module=learning_module, key="texte", position=1)
    quiz(learning_module, key="quiz", max_attempts=3)
    learning_path = PathItemFactory(  # the editor's organisation owns the path: its editors' pages are reached
        path__slug="n5-parcours", path__organisation=organisation, module=learning_module
    ).path
    learning_services.piece_complete(user=citizen, module=learning_module, piece=text_piece)
    Attestation.objects.create(  # the editor's attestation of the path (its PDF, verification page, badge)
        public_id="n5-attestation", user=editor, path=learning_path, holder_name="N5", path_title=learning_path.title
    )
    events = _events_world(organisation, editor, commune)
    impact = _impact_world(organisation, editor)
    return World(
        organisation=organisation,
        other_organisation=other,
        anonymous=None,
        citizen=citizen,
        editor=editor,
        staff=staff,
        pending_membership=pending,
        dataset=dataset,
        draft=draft,
        resource=resource,
        remote=remote,
        version=version,
        table=table,
        schema=TableSchema.objects.get(pk=schema.pk),
        reuse_link=reuse_link,
        notification=notification,
        job=job,
        export=export,
        unsubscribe=unsubscribe_token(editor),
        commune=commune,
        participation=participation,
        harvest_source=harvest_source,
        harvest_run=harvest_run,
        api_token=api_token_create(actor=editor, name="Script de publication", lifetime_days=90)[0],
        programme=programme,
        learning_module=learning_module,
        events=events,
        youth=_youth_world(organisation),
        impact=impact,
    )


def _programme_world(organisation, editor) -> dict:
    """The open data programme's objects (issue 12): a pilot group with the organisation, a checked step, an
    inventory line, a meeting and an action."""
    from auzolan.opendata_programme.models import RoadmapStep
    from auzolan.opendata_programme.services import roadmap_template_seed
    from tests.opendata_programme.factories import (
        InventoryLineFactory,
        MeetingFactory,
        PilotGroupMemberFactory,
        StepCheckFactory,
        SupportActionFactory,
    )

    roadmap_template_seed()  # a transactional test may have flushed the migration's steps
    member = PilotGroupMemberFactory(organisation=organisation, elected_referent=editor)
    step = RoadmapStep.objects.get(code="commitment")
    StepCheckFactory(organisation=organisation, step=step)
    meeting = MeetingFactory(organisation=organisation)
    return {
        "group": member.group_id,
        "member": member.pk,
        "step": step.pk,
        "line": InventoryLineFactory(organisation=organisation).pk,
        "meeting": meeting.pk,
        "action": SupportActionFactory(organisation=organisation, meeting=meeting, owner=editor).pk,
    }


def _events_world(organisation, editor, commune) -> dict:
    """The events' objects (issue 14): a published event with a session, the editor's attended registration, an
    offered place on a waiting list and a calendar address."""
    from auzolan.events.models import CalendarFeed
    from tests.events.factories import (
        EventFactory,
        RegistrationFactory,
        SessionFactory,
        VenueFactory,
        WaitingListEntryFactory,
    )

    event = EventFactory(organisation=organisation, slug="n5-rencontres")
    venue = VenueFactory(organisation=organisation, commune=commune)
    session = SessionFactory(event=event, venue=venue)
    registration = RegistrationFactory(session=session, user=editor, state="attended")
    entry = WaitingListEntryFactory(
        session=SessionFactory(event=event, venue=venue),
        user=editor,
        state="offered",
        offer_expires_at=timezone.now() + timedelta(days=2),
    )
    feed = CalendarFeed.objects.create(user=editor)
    return {
        "slug": event.slug,
        "uid": session.uid,
        "registration": registration.pk,
        "entry": entry.pk,
        "session": session.pk,
        "token": feed.token,
    }


def _youth_world(organisation) -> dict:
    """Youth's objects (issue 14): the organisation's public partnership and an action after a youth survey."""
    from tests.youth.factories import ActionFactory, PartnershipFactory

    partnership = PartnershipFactory(organisation=organisation)
    return {"slug": organisation.slug, "pk": partnership.pk, "action": ActionFactory().pk}


def world_fixture(django_db_setup, django_db_blocker, build=build_world):
    """Generator for a module- or package-scoped fixture: `build()`'s world, with its own media folder, rolled back at
    the end (each test runs in a savepoint of its own: request `db`)."""
    media = tempfile.mkdtemp(prefix="auzolan-never500-")
    settings_override = override_settings(MEDIA_ROOT=media)
    settings_override.enable()
    try:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        settings_override.disable()
        shutil.rmtree(media, ignore_errors=True)


def _impact_world(organisation, editor) -> dict:
    """The impact objects (issue 14): an experiment of the organisation with published results, a cohort the editor
    teaches with codes, pre and post waves and a decision."""
    from auzolan.impact import services as impact_services
    from tests.impact.factories import small_experiment

    experiment = small_experiment(actor=editor, organisation=organisation, slug="n5-experience")
    cohort = impact_services.cohort_add(
        actor=editor, experiment=experiment, name="4e A", kind="intervention", teacher=editor
    )
    impact_services.codes_generate(actor=editor, cohort=cohort, count=5)
    decision = impact_services.decision_record(actor=editor, experiment=experiment, outcome="adapt", rationale="R")
    impact_services.results_set_public(actor=editor, experiment=experiment, public=True)
    return {
        "slug": experiment.slug,
        "cohort": cohort.pk,
        "wave": experiment.waves.get(kind="pre").pk,
        "item": experiment.instrument.items.first().pk,
        "decision": decision.pk,
    }
