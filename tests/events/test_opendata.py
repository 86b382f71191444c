"""The public agenda as an open dataset of the agency: one dataset, one resource, a new version only when the agenda
changed, no personal data; changes of published events schedule one (debounced) publication task."""

import csv
import io

import pytest
from django_tasks_db.models import DBTaskResult

from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.events.services import events as event_services
from auzolan.events.services import opendata
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    agency = OrganisationFactory(kind="agency", name="Agence numérique", slug="agence")
    staff(agency, role="admin")
    return agency


def _rows(resource: Resource) -> list[list[str]]:
    version = ResourceVersion.objects.filter(resource=resource).latest("number")
    with version.file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode("utf-8"))))


def test_agenda_published_then_versioned_only_on_change(agency):
    session = SessionFactory(title="=cmd|' /C calc'!A0", speakers="Maite Etcheverry")
    registration = RegistrationFactory(session=session)
    SessionFactory(event=EventFactory(state="draft"), title="Brouillon")
    dataset = opendata.agenda_publish()
    assert dataset.organisation == agency and dataset.state == Dataset.State.PUBLISHED
    resource = Resource.objects.get(dataset=dataset)
    rows = _rows(resource)
    assert rows[0][:4] == ["identifiant_seance", "evenement", "organisateur", "seance"]
    assert len(rows) == 2 and rows[1][3] == "'=cmd|' /C calc'!A0"  # formula-safe
    assert registration.user.email not in str(rows) and registration.user.full_name not in str(rows)
    assert opendata.agenda_publish() == dataset
    assert ResourceVersion.objects.filter(resource=resource).count() == 1  # unchanged: no new version
    event_services.session_cancel(actor=staff(session.event.organisation), session=session)
    opendata.agenda_publish()
    assert Resource.objects.filter(dataset=dataset).count() == 1
    assert ResourceVersion.objects.filter(resource=resource).count() == 2
    assert _rows(resource)[1][-2] == "annulée"


def test_no_agency_no_publication():
    SessionFactory()
    assert opendata.agenda_publish() is None


def test_changes_of_published_events_schedule_one_debounced_task(django_capture_on_commit_callbacks):
    session = SessionFactory()
    organiser = staff(session.event.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.session_update(actor=organiser, session=session, speakers="Une autre")
        event_services.session_update(actor=organiser, session=session, speakers="Encore une autre")
    tasks = DBTaskResult.objects.filter(task_path="auzolan.events.tasks.publish_agenda")
    assert tasks.count() == 1 and tasks.get().run_after is not None
    draft = SessionFactory(event=EventFactory(state="draft", organisation=session.event.organisation))
    opendata.agenda_publication_started()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.session_update(actor=organiser, session=draft, speakers="X")
    assert tasks.count() == 1  # a draft is not on the agenda
