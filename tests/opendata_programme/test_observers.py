"""Each computed step flips when the fact under it changes, and back."""

import datetime

import pytest
from django.utils import timezone

from auzolan.catalog.models import Dataset, ReuseLink
from auzolan.opendata_programme import observers, selectors
from auzolan.opendata_programme.models import RoadmapStep
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, ReuseLinkFactory
from tests.opendata_programme.factories import (
    InventoryLineFactory,
    PilotGroupMemberFactory,
    StepCheckFactory,
    report_for,
    scdl_schema,
    validated_dataset,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _done(organisation, code: str) -> bool:
    road = selectors.roadmap(organisation)
    return next(state for state in road.steps if state.step.code == code).done


def test_the_template_is_seeded_with_the_steps_of_the_issue():
    codes = list(RoadmapStep.objects.order_by("position").values_list("code", flat=True))
    assert codes == [
        "commitment",
        "referents_named",
        "referents_trained",
        "inventory_done",
        "first_dataset",
        "scdl_valid",
        "harvested",
        "first_reuse",
    ]


def test_referents_named_flips_with_both_referents():
    member = PilotGroupMemberFactory()
    organisation = member.organisation
    elected, agent = UserFactory(), UserFactory()
    assert not _done(organisation, "referents_named")
    member.elected_referent = elected
    member.save()
    assert not _done(organisation, "referents_named")  # one of two is not enough
    member.agent_referent = agent
    member.save()
    assert _done(organisation, "referents_named")
    member.elected_referent = None
    member.save()
    assert not _done(organisation, "referents_named")


def test_inventory_done_at_the_threshold():
    organisation = OrganisationFactory()
    lines = InventoryLineFactory.create_batch(2, organisation=organisation)
    assert not _done(organisation, "inventory_done")
    third = InventoryLineFactory(organisation=organisation)
    assert _done(organisation, "inventory_done")
    third.delete()
    assert not _done(organisation, "inventory_done")
    assert len(lines) == 2


def test_first_dataset_published_flips_with_publication():
    organisation = OrganisationFactory()
    dataset = DatasetFactory(organisation=organisation, state=Dataset.State.DRAFT, published_at=None)
    assert not _done(organisation, "first_dataset")
    Dataset.objects.filter(pk=dataset.pk).update(state=Dataset.State.PUBLISHED, published_at=timezone.now())
    assert _done(organisation, "first_dataset")
    Dataset.objects.filter(pk=dataset.pk).update(state=Dataset.State.ARCHIVED)
    assert not _done(organisation, "first_dataset")


def test_scdl_valid_follows_the_latest_validation_report():
    organisation = OrganisationFactory()
    schema = scdl_schema()
    _dataset, version = validated_dataset(organisation, schema, valid=None)
    assert not _done(organisation, "scdl_valid")  # published, not validated
    report_for(version, schema, valid=False)
    assert not _done(organisation, "scdl_valid")
    report_for(version, schema, valid=True)
    assert _done(organisation, "scdl_valid")
    report_for(version, schema, valid=False)  # a later report is invalid again
    assert not _done(organisation, "scdl_valid")


def test_a_dataset_with_a_schema_that_is_not_scdl_does_not_count():
    organisation = OrganisationFactory()
    schema = scdl_schema(name="custom/x", title="Personnalisé")
    schema.is_scdl = False
    schema.save()
    validated_dataset(organisation, schema, valid=True)
    assert not _done(organisation, "scdl_valid")


def test_first_reuse_flips_with_a_published_link():
    organisation = OrganisationFactory()
    link = ReuseLinkFactory(dataset=DatasetFactory(organisation=organisation), state=ReuseLink.State.PENDING)
    assert not _done(organisation, "first_reuse")
    link.state = ReuseLink.State.PUBLISHED
    link.save()
    assert _done(organisation, "first_reuse")
    link.state = ReuseLink.State.REJECTED
    link.save()
    assert not _done(organisation, "first_reuse")


def test_manual_step_is_done_by_a_check_only():
    organisation = OrganisationFactory()
    step = RoadmapStep.objects.get(code="commitment")
    assert not _done(organisation, "commitment")
    check = StepCheckFactory(organisation=organisation, step=step)
    assert _done(organisation, "commitment")
    check.delete()
    assert not _done(organisation, "commitment")


def test_referents_trained_is_manual_until_the_learning_module_registers(monkeypatch):
    monkeypatch.setattr(observers, "_training_observers", [])  # as before the learning app registers its observer
    member = PilotGroupMemberFactory()
    organisation = member.organisation
    member.elected_referent, member.agent_referent = UserFactory(), UserFactory()
    member.save()
    step = RoadmapStep.objects.get(code="referents_trained")
    state = next(s for s in selectors.roadmap(organisation).steps if s.step == step)
    assert not state.computed and not state.done

    trained: dict[int, datetime.date] = {}

    def learning(referents):
        assert referents == {organisation.pk: sorted([member.elected_referent_id, member.agent_referent_id])}
        return trained

    observers.register_training_observer(learning)
    try:
        state = next(s for s in selectors.roadmap(organisation).steps if s.step == step)
        assert state.computed and not state.done
        trained[organisation.pk] = datetime.date(2026, 6, 1)
        state = next(s for s in selectors.roadmap(organisation).steps if s.step == step)
        assert state.done and state.date == datetime.date(2026, 6, 1)
    finally:
        observers.unregister_training_observer(learning)
    assert not _done(organisation, "referents_trained")


def test_next_step_is_the_first_not_done():
    organisation = OrganisationFactory()
    StepCheckFactory(organisation=organisation, step=RoadmapStep.objects.get(code="commitment"))
    road = selectors.roadmap(organisation)
    assert road.next_step.step.code == "referents_named"
    assert road.stage_label == "Engagement"
    assert selectors.roadmap(OrganisationFactory()).stage_label == "Pas commencé"


def test_an_inactive_step_is_not_counted():
    RoadmapStep.objects.filter(code="harvested").update(active=False)
    assert selectors.roadmap(OrganisationFactory()).total == 7


def test_members_of_an_organisation_are_candidates_for_referents():
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation, state="pending")
    assert selectors.referent_candidates(organisation).count() == 1
