"""The process lifecycle as one table: the service follows it (sources, target, audit verb), the management page
shows its buttons and messages."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation import lifecycle
from auzolan.participation.models import Process, ProcessTransition
from auzolan.participation.services import processes as services
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.participation.factories import PhaseFactory, ProcessFactory
from tests.participation.factories_processes import editor

pytestmark = pytest.mark.django_db

State = Process.State


def _process(state: str, **kwargs) -> Process:
    process = ProcessFactory(state=state, **kwargs)
    PhaseFactory(process=process)
    return process


@pytest.mark.parametrize(
    ("state", "results", "names"),
    [
        (State.DRAFT, False, ["publish"]),
        (State.PUBLISHED, False, ["close", "publish_results"]),
        (State.PUBLISHED, True, ["close"]),
        (State.CLOSED, False, ["reopen", "archive", "publish_results"]),
        (State.CLOSED, True, ["reopen", "archive"]),
        (State.ARCHIVED, False, []),
    ],
)
def test_the_buttons_follow_the_table(state, results, names):
    process = Process(state=state, results_published_at=timezone.now() if results else None)
    assert [t.name for t in lifecycle.available_transitions(process)] == names


def test_the_table_is_consistent():
    names = [t.name for t in lifecycle.TRANSITIONS]
    assert len(names) == len(set(names))
    for transition in lifecycle.TRANSITIONS:
        assert transition.sources and set(transition.sources) <= set(State.values)
        assert transition.target is None or transition.target in State.values
        assert transition.target not in transition.sources
        assert str(transition.label) and str(transition.message) and transition.audit_verb
        assert lifecycle.transition_named(transition.name) is transition
    assert lifecycle.transition_named("rm -rf") is None


@pytest.mark.parametrize("transition", lifecycle.TRANSITIONS, ids=lambda t: t.name)
def test_the_service_moves_to_the_target_and_writes_the_audit_verb(transition, monkeypatch):
    monkeypatch.setattr(services.opendata, "process_open_data_schedule", lambda **kwargs: None)
    process = _process(transition.sources[0])
    actor = editor(process.organisation)
    process = services.process_transition(actor=actor, process=process, name=transition.name)
    assert process.state == (transition.target or transition.sources[0])
    assert AuditLogEntry.objects.filter(
        object_id=str(process.pk), action=f"participation.process.{transition.audit_verb}"
    ).exists()
    logged = ProcessTransition.objects.filter(process=process).exists()
    assert logged is (transition.target is not None)
    if transition.target is None:
        assert process.results_published_at is not None


@pytest.mark.parametrize(
    ("state", "name", "code"),
    [
        (State.DRAFT, "reopen", "invalid-transition"),
        (State.DRAFT, "close", "invalid-transition"),
        (State.DRAFT, "publish_results", "draft"),
        (State.PUBLISHED, "publish", "same-state"),
        (State.CLOSED, "publish", "invalid-transition"),
        (State.ARCHIVED, "reopen", "invalid-transition"),
        (State.ARCHIVED, "publish_results", "invalid-transition"),
    ],
)
def test_the_service_refuses_what_the_table_does_not_allow(state, name, code):
    process = _process(state)
    with pytest.raises(Conflict) as refused:
        services.process_transition(actor=editor(process.organisation), process=process, name=name)
    assert refused.value.code == code
    process.refresh_from_db()
    assert process.state == state and not ProcessTransition.objects.filter(process=process).exists()


def test_an_unknown_transition_is_refused():
    process = _process(State.DRAFT)
    with pytest.raises(ValidationError):
        services.process_transition(actor=editor(process.organisation), process=process, name="rm -rf")


def test_the_results_are_announced_once(monkeypatch):
    monkeypatch.setattr(services.opendata, "process_open_data_schedule", lambda **kwargs: None)
    process = _process(State.PUBLISHED)
    actor = editor(process.organisation)
    services.process_publish_results(actor=actor, process=process)
    with pytest.raises(Conflict) as refused:
        services.process_publish_results(actor=actor, process=process)
    assert refused.value.code == "already-published"


def test_the_management_page_shows_the_buttons_and_the_message_of_the_table(client):
    process = _process(State.CLOSED)
    client.force_login(editor(process.organisation))
    manage = reverse("participation:process_manage", args=[process.organisation.slug, process.slug])
    html = client.get(manage).content.decode()
    for transition in lifecycle.TRANSITIONS:
        shown = transition in lifecycle.available_transitions(process)
        assert (f'name="transition" value="{transition.name}"' in html) is shown, transition.name
        assert (escape(str(transition.label)) in html) is shown, transition.name
    response = client.post(manage + "etat/", {"transition": "archive"}, follow=True)
    assert escape(str(lifecycle.transition_named("archive").message)) in response.content.decode()
    process.refresh_from_db()
    assert process.state == State.ARCHIVED
    response = client.post(manage + "etat/", {"transition": "reopen"}, follow=True)
    assert "Impossible de passer" in response.content.decode()
    response = client.post(manage + "etat/", {"transition": "rm -rf"}, follow=True)
    assert "Action inconnue." in response.content.decode()


def test_a_process_is_managed_only_under_its_own_organisation(client):
    process = _process(State.DRAFT)
    other = OrganisationFactory()
    user = editor(process.organisation)
    MembershipFactory(organisation=other, user=user, role="editor")  # manages both organisations
    client.force_login(user)
    right = reverse("participation:process_manage", args=[process.organisation.slug, process.slug])
    assert client.get(right).status_code == 200
    assert client.get(reverse("participation:process_manage", args=[other.slug, process.slug])).status_code == 404
