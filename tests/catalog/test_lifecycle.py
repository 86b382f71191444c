"""The dataset lifecycle is one table (catalog.lifecycle), read by the service, the publish pages and the audit log."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from auzolan.catalog import lifecycle, services
from auzolan.catalog.models import Dataset
from auzolan.core.errors import ValidationError
from auzolan.core.models import AuditLogEntry
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory

State = Dataset.State


def test_the_table_names_each_move_once():
    names = [t.name for t in lifecycle.TRANSITIONS]
    assert names == ["publish", "unpublish", "archive", "restore"]
    pairs = [(source, t.target) for t in lifecycle.TRANSITIONS for source in t.sources]
    assert len(pairs) == len(set(pairs))
    assert {t.audit_verb for t in lifecycle.TRANSITIONS} == {"published", "unpublished", "archived", "restored"}


def test_moves_of_each_state():
    assert [t.name for t in lifecycle.transitions_from(State.DRAFT)] == ["publish"]
    assert [t.name for t in lifecycle.transitions_from("published")] == ["unpublish", "archive"]
    assert [t.name for t in lifecycle.transitions_from(State.ARCHIVED)] == ["restore"]
    assert lifecycle.transition_between("archived", "published").name == "restore"
    assert lifecycle.transition_between("draft", "archived") is None
    assert lifecycle.transition_between("draft", "nowhere") is None


@pytest.mark.django_db
def test_the_service_follows_the_table_and_logs_its_verb():
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="draft")
    for target, verb in (("published", "published"), ("archived", "archived"), ("published", "restored")):
        dataset = services.dataset_transition(actor=editor, dataset=dataset, to=target)
        assert dataset.state == target
        assert AuditLogEntry.objects.filter(action=f"catalog.dataset.{verb}", object_id=str(dataset.pk)).exists()
    with pytest.raises(ValidationError) as refused:
        services.dataset_transition(actor=editor, dataset=dataset, to="draft" if dataset.state == "archived" else "x")
    assert refused.value.code == "illegal-transition"
    assert {f"catalog.dataset.{t.audit_verb}" for t in lifecycle.TRANSITIONS} <= set(services.REVISION_ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("transition", lifecycle.TRANSITIONS, ids=lambda t: t.name)
def test_the_publish_pages_offer_the_table_and_say_its_message(client, transition):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state=transition.sources[0])
    client.force_login(editor)
    url = reverse("catalog:dataset_transition", args=[dataset.slug])
    edit = client.get(reverse("catalog:dataset_edit", args=[dataset.slug])).content.decode()
    assert f"{url}?to={transition.target}" in edit and str(transition.label) in edit
    confirm = client.get(url, {"to": transition.target})
    assert confirm.status_code == 200 and str(transition.label) in confirm.content.decode()
    response = client.post(url, {"to": transition.target}, follow=True)
    assert escape(str(transition.message)) in response.content.decode()
    assert Dataset.objects.get(pk=dataset.pk).state == transition.target
