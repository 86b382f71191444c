"""Process lifecycle services: templates, phases (dates, overlaps, freeze), state machine, districts, categories."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from freezegun import freeze_time

from auzolan.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation import phases as phase_types
from auzolan.participation.models import Phase, Process, ProcessTransition
from auzolan.participation.services import processes as services
from tests.organisations.factories import CommuneFactory, OrganisationFactory
from tests.participation.factories import DistrictFactory, PhaseFactory, ProcessFactory
from tests.participation.factories_processes import DraftProcessFactory, editor, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def actor(organisation):
    return editor(organisation)


@pytest.mark.parametrize(
    "template, kinds",
    [
        ("idea_box", ["information", "ideas", "debate", "results"]),
        ("consultation", ["information", "survey", "results"]),
        ("budget", ["information", "ideas", "review", "vote", "results"]),
        ("custom", []),
    ],
)
def test_create_from_template_lays_phases_end_to_end(organisation, actor, template, kinds):
    process = services.process_create(
        actor=actor, organisation=organisation, template=template, title="Ma démarche", starts_on=date(2030, 3, 1)
    )
    assert process.state == Process.State.DRAFT
    phases = list(process.phases.order_by("start_at"))
    assert [p.kind for p in phases] == kinds
    for before, after in pairwise(phases):
        assert before.end_at == after.start_at
    if phases:
        assert timezone.localtime(phases[0].start_at).date() == date(2030, 3, 1)
    assert AuditLogEntry.objects.filter(action="participation.process.created", object_id=str(process.pk)).exists()


def test_budget_template_votes_with_declared_residency_and_review_has_no_action(organisation, actor):
    process = services.process_create(actor=actor, organisation=organisation, template="budget", title="BP")
    vote = process.phases.get(kind="vote")
    assert vote.verification == "residency_declared"
    review = process.phases.get(kind="review")
    assert not any(phase_types.phase_allows(review, action) for action in phase_types.ACTIONS)


def test_create_refuses_outsiders_unknown_template_and_foreign_scope(organisation, actor):
    with pytest.raises(PermissionDenied):
        services.process_create(actor=member(organisation), organisation=organisation, title="X")
    with pytest.raises(ValidationError):
        services.process_create(actor=actor, organisation=organisation, template="nope", title="X")
    with pytest.raises(ValidationError):
        services.process_create(actor=actor, organisation=organisation, title="   ")
    with pytest.raises(ValidationError, match="commune"):
        services.process_create(actor=actor, organisation=organisation, title="X", communes=[CommuneFactory()])
    with pytest.raises(ValidationError, match="quartier"):
        services.process_create(actor=actor, organisation=organisation, title="X", districts=[DistrictFactory()])


def test_slugs_are_unique_and_never_reserved(organisation, actor):
    first = services.process_create(actor=actor, organisation=organisation, title="Budget 2030")
    second = services.process_create(actor=actor, organisation=organisation, title="Budget 2030")
    reserved = services.process_create(actor=actor, organisation=organisation, title="Guides")
    assert first.slug == "budget-2030" and second.slug == "budget-2030-2"
    assert reserved.slug not in services.RESERVED_SLUGS


def test_state_machine_with_log_and_audit(organisation, actor):
    process = services.process_create(actor=actor, organisation=organisation, template="idea_box", title="Idées")
    with pytest.raises(Conflict):
        services.process_close(actor=actor, process=process)
    with pytest.raises(Conflict):
        services.process_archive(actor=actor, process=process)
    process = services.process_publish(actor=actor, process=process)
    assert process.state == "published" and process.published_at is not None
    with pytest.raises(Conflict):
        services.process_publish(actor=actor, process=process)
    process = services.process_close(actor=actor, process=process)
    process = services.process_reopen(actor=actor, process=process)
    process = services.process_close(actor=actor, process=process)
    process = services.process_archive(actor=actor, process=process)
    assert process.state == "archived"
    with pytest.raises(Conflict):
        services.process_reopen(actor=actor, process=process)
    log = list(ProcessTransition.objects.filter(process=process).values_list("from_state", "to_state"))
    assert log == [
        ("draft", "published"),
        ("published", "closed"),
        ("closed", "published"),
        ("published", "closed"),
        ("closed", "archived"),
    ]
    actions = set(AuditLogEntry.objects.filter(object_id=str(process.pk)).values_list("action", flat=True))
    assert {
        "participation.process.published",
        "participation.process.closed",
        "participation.process.archived",
    } <= actions


def test_publishing_needs_a_phase_and_a_manager(organisation, actor):
    process = services.process_create(actor=actor, organisation=organisation, template="custom", title="Vide")
    with pytest.raises(ValidationError, match="phase"):
        services.process_publish(actor=actor, process=process)
    PhaseFactory(process=process)
    with pytest.raises(NotFound):
        services.process_publish(actor=member(organisation), process=process)
    with pytest.raises(NotFound):
        services.process_publish(actor=editor(OrganisationFactory()), process=process)


def test_phase_dates_and_overlaps(organisation, actor):
    process = DraftProcessFactory(organisation=organisation)
    start = timezone.now() + timedelta(days=10)
    first = services.phase_add(
        actor=actor, process=process, kind="ideas", start_at=start, end_at=start + timedelta(days=10)
    )
    with pytest.raises(ValidationError, match="après son début"):
        services.phase_add(actor=actor, process=process, kind="vote", start_at=start, end_at=start)
    with pytest.raises(ValidationError, match="chevauchent"):
        services.phase_add(
            actor=actor,
            process=process,
            kind="vote",
            start_at=start + timedelta(days=5),
            end_at=start + timedelta(days=20),
        )
    with pytest.raises(ValidationError, match="inconnu"):
        services.phase_add(
            actor=actor,
            process=process,
            kind="dance",
            start_at=start + timedelta(days=30),
            end_at=start + timedelta(days=40),
        )
    # Touching is fine (a phase ends when the next starts).
    services.phase_add(
        actor=actor, process=process, kind="vote", start_at=first.end_at, end_at=first.end_at + timedelta(days=5)
    )
    # Moving the first phase onto the second is refused too.
    with pytest.raises(ValidationError, match="chevauchent"):
        services.phase_update(actor=actor, phase=first, end_at=first.end_at + timedelta(days=1))


def test_started_phase_of_a_published_process_is_frozen(organisation, actor):
    process = ProcessFactory(organisation=organisation)
    vote = PhaseFactory(process=process, kind="vote", verification="residency_census")
    with pytest.raises(Conflict, match="vérification"):
        services.phase_update(actor=actor, phase=vote, verification="account")
    with pytest.raises(Conflict, match="type"):
        services.phase_update(actor=actor, phase=vote, kind="ideas")
    with pytest.raises(Conflict, match="début"):
        services.phase_update(actor=actor, phase=vote, start_at=vote.start_at - timedelta(days=1))
    with pytest.raises(Conflict):
        services.phase_delete(actor=actor, phase=vote)
    with pytest.raises(ValidationError, match="passé"):
        services.phase_update(actor=actor, phase=vote, end_at=timezone.now() - timedelta(hours=1))
    # Its end can still be extended, and its text edited.
    services.phase_update(actor=actor, phase=vote, end_at=vote.end_at + timedelta(days=3), title="Vote final")
    vote.refresh_from_db()
    assert vote.title == "Vote final" and vote.verification == "residency_census"
    # A phase that has not started yet can still change.
    later = PhaseFactory(process=process, kind="results", start_at=vote.end_at, end_at=vote.end_at + timedelta(days=10))
    services.phase_update(actor=actor, phase=later, verification="residency_declared")
    services.phase_delete(actor=actor, phase=later)
    assert not Phase.objects.filter(pk=later.pk).exists()


def test_past_phase_is_frozen_but_a_draft_is_free(organisation, actor):
    process = ProcessFactory(organisation=organisation)
    with freeze_time(timezone.now() - timedelta(days=60)):
        past = PhaseFactory(process=process, kind="vote")
    with pytest.raises(Conflict):
        services.phase_update(actor=actor, phase=past, verification="code")
    draft = DraftProcessFactory(organisation=organisation)
    running = PhaseFactory(process=draft, kind="vote")
    services.phase_update(actor=actor, phase=running, verification="code")


def test_published_process_cannot_get_a_phase_in_the_past(organisation, actor):
    process = ProcessFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="passé"):
        services.phase_add(
            actor=actor,
            process=process,
            kind="ideas",
            start_at=timezone.now() - timedelta(days=1),
            end_at=timezone.now() + timedelta(days=1),
        )


def test_update_process_fields(organisation, actor):
    process = DraftProcessFactory(organisation=organisation)
    services.process_update(actor=actor, process=process, title="Nouveau titre", support_threshold=50)
    process.refresh_from_db()
    assert process.title == "Nouveau titre" and process.support_threshold == 50
    with pytest.raises(ApplicationError):
        services.process_update(actor=actor, process=process, title="")
    with pytest.raises(NotFound):
        services.process_update(actor=member(organisation), process=process, title="Pirate")


def test_districts_and_categories(organisation, actor):
    district = services.district_create(
        actor=actor, organisation=organisation, name="Petit Bayonne", postal_codes="64100; 64100"
    )
    assert district.slug == "petit-bayonne" and district.postal_codes == "64100"
    with pytest.raises(Conflict):
        services.district_create(actor=actor, organisation=organisation, name="petit bayonne")
    with pytest.raises(ValidationError, match="code postal"):
        services.district_create(actor=actor, organisation=organisation, name="Autre", postal_codes="641")
    with pytest.raises(PermissionDenied):
        services.district_create(actor=member(organisation), organisation=organisation, name="X")
    services.district_update(actor=actor, district=district, name="Grand Bayonne", postal_codes="")
    district.refresh_from_db()
    assert district.name == "Grand Bayonne"
    process = DraftProcessFactory(organisation=organisation)
    category = services.category_create(actor=actor, process=process, name="Mobilités")
    with pytest.raises(Conflict):
        services.category_create(actor=actor, process=process, name="mobilités")
    services.category_delete(actor=actor, category=category)
    services.district_delete(actor=actor, district=district)
    assert not process.categories.exists()


SQUARE = [[-1.48, 43.48], [-1.46, 43.48], [-1.46, 43.50], [-1.48, 43.50], [-1.48, 43.48]]


@pytest.mark.parametrize(
    "outline",
    [
        {"type": "Point", "coordinates": [-1.47, 43.49]},
        {"type": "Polygon", "coordinates": [SQUARE[:3]]},  # not enough positions
        {"type": "Polygon", "coordinates": [[*SQUARE[:-1], [-1.0, 43.0]]]},  # not closed
        {"type": "Polygon", "coordinates": [[[-1.48, 95.0], *SQUARE[1:-1], [-1.48, 95.0]]]},  # latitude out of range
        {"type": "Polygon", "coordinates": [[["a", "b"], *SQUARE[1:-1], ["a", "b"]]]},
        {"type": "Polygon", "coordinates": "nope"},
        "garbage",
    ],
)
def test_district_outline_is_checked(organisation, actor, outline):
    with pytest.raises(ValidationError, match="polygone"):
        services.district_create(actor=actor, organisation=organisation, name="Centre", geometry=outline)


def test_district_outline_is_kept_changed_or_removed(organisation, actor):
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    district = services.district_create(actor=actor, organisation=organisation, name="Centre", geometry=feature)
    assert district.geometry == {"type": "Polygon", "coordinates": [SQUARE]}
    services.district_update(actor=actor, district=district, name="Centre-ville")
    district.refresh_from_db()
    assert district.geometry == {"type": "Polygon", "coordinates": [SQUARE]}
    services.district_update(actor=actor, district=district, name="Centre-ville", geometry=None)
    district.refresh_from_db()
    assert district.geometry is None
