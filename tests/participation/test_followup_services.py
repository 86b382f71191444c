"""Results follow-up services: permissions, sources, validation, updates and their notifications; daily events."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.notifications.models import Notification
from auzolan.participation.models import FollowUp, Process, Proposal
from auzolan.participation.services import followup as services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import PhaseFactory, ProcessFactory, ProposalFactory
from tests.participation.factories_followup import (
    FollowFactory,
    FollowUpFactory,
    FollowUpUpdateFactory,
    PublishedBudgetFactory,
    WinningProjectFactory,
    editor_of,
)

pytestmark = pytest.mark.django_db


def _create(actor, process, **kwargs):
    defaults = {"title": "Bancs à l'ombre", "description": "", "status": "planned", "progress": 0}
    return services.followup_create(actor=actor, process=process, **{**defaults, **kwargs})


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("editor", True), ("admin", True), ("member", False), ("outsider", False), ("operator", True)],
)
def test_create_permission_grid(role, allowed):
    process = ProcessFactory()
    if role == "operator":
        actor = UserFactory(is_staff=True, territory_role="agency")
    elif role == "outsider":
        actor = UserFactory()
    else:
        actor = UserFactory()
        MembershipFactory(organisation=process.organisation, user=actor, role=role)
    if allowed:
        assert _create(actor, process).pk
    else:
        with pytest.raises((PermissionDenied, NotFound)):
            _create(actor, process)
        assert not FollowUp.objects.exists()


def test_create_from_an_accepted_proposal_only():
    process = ProcessFactory()
    editor = editor_of(process)
    accepted = ProposalFactory(process=process, status=Proposal.Status.ACCEPTED)
    rejected = ProposalFactory(process=process, status=Proposal.Status.REJECTED)
    other_process = ProposalFactory(status=Proposal.Status.ACCEPTED)
    followup = _create(editor, process, proposal=accepted)
    assert followup.proposal == accepted
    with pytest.raises(Conflict):
        _create(editor, process, proposal=accepted)
    for proposal in (rejected, other_process):
        with pytest.raises(ValidationError) as error:
            _create(editor, process, proposal=proposal)
        assert error.value.field == "proposal"


def test_create_from_a_winning_project_only():
    process = ProcessFactory()
    editor = editor_of(process)
    winner = WinningProjectFactory(budget=PublishedBudgetFactory(process=process), proposal=None)
    loser = WinningProjectFactory(budget=winner.budget, is_winner=False)
    unpublished = WinningProjectFactory(budget=PublishedBudgetFactory(process=process, results_published_at=None))
    origin = ProposalFactory(process=process, status=Proposal.Status.ACCEPTED)
    from_proposal = WinningProjectFactory(budget=winner.budget, proposal=origin)
    assert _create(editor, process, project=winner).project == winner
    assert _create(editor, process, project=from_proposal).proposal == origin  # its author hears of updates
    for project in (loser, unpublished):
        with pytest.raises(ValidationError):
            _create(editor, process, project=project)
    with pytest.raises(ValidationError):
        _create(editor, process, project=winner, proposal=origin)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"status": "finished"}, "status"),
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"progress": "50"}, "progress"),
        ({"status": "done", "progress": 80}, "progress"),
    ],
)
def test_create_validation(fields, field):
    process = ProcessFactory()
    with pytest.raises(ValidationError) as error:
        _create(editor_of(process), process, **fields)
    assert error.value.field == field


def test_update_add_sets_state_and_notifies_followers_and_author():
    process = ProcessFactory()
    editor = editor_of(process)
    author = UserFactory()
    proposal = ProposalFactory(process=process, author=author, status=Proposal.Status.ACCEPTED)
    followup = _create(editor, process, proposal=proposal)
    process_follower, proposal_follower, both = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(user=process_follower, process=process)
    FollowFactory(user=proposal_follower, process=process, proposal=proposal)
    FollowFactory(user=both, process=process)
    FollowFactory(user=both, process=process, proposal=proposal)
    FollowFactory(process=ProcessFactory())  # follows something else
    today = timezone.localdate()
    services.followup_update_add(
        actor=editor, followup=followup, date=today, text="Les bancs sont commandés.", status="in_progress", progress=30
    )
    followup.refresh_from_db()
    assert (followup.status, followup.progress) == ("in_progress", 30)
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {author.pk, process_follower.pk, proposal_follower.pk, both.pk}
    notification = Notification.objects.first()
    assert notification.kind == "participation.followup.updated"
    assert "30" in notification.title
    assert notification.url.endswith(f"/suivi/#suivi-{followup.pk}")


def test_older_update_does_not_overwrite_the_current_state():
    process = ProcessFactory()
    editor = editor_of(process)
    followup = _create(editor, process)
    today = timezone.localdate()
    services.followup_update_add(
        actor=editor, followup=followup, date=today, text="b", status="in_progress", progress=60
    )
    services.followup_update_add(
        actor=editor, followup=followup, date=today - timedelta(days=30), text="a", status="planned", progress=10
    )
    followup.refresh_from_db()
    assert followup.progress == 60


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"date": "tomorrow"}, "date"),
        ({"status": "nope"}, "status"),
        ({"progress": 200}, "progress"),
    ],
)
def test_update_add_validation(fields, field):
    process = ProcessFactory()
    editor = editor_of(process)
    followup = FollowUpFactory(process=process)
    values = {"date": timezone.localdate(), "text": "ok", "status": "in_progress", "progress": 50, **fields}
    if values["date"] == "tomorrow":
        values["date"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.followup_update_add(actor=editor, followup=followup, **values)
    assert error.value.field == field
    assert not Notification.objects.exists()


def test_update_add_refused_to_a_member():
    process = ProcessFactory()
    member = UserFactory()
    MembershipFactory(organisation=process.organisation, user=member, role="member")
    with pytest.raises((PermissionDenied, NotFound)):
        services.followup_update_add(
            actor=member,
            followup=FollowUpFactory(process=process),
            date=timezone.localdate(),
            text="x",
            status="planned",
            progress=0,
        )


def test_update_delete_restores_previous_state_and_edit_delete():
    process = ProcessFactory()
    editor = editor_of(process)
    followup = FollowUpFactory(process=process)
    FollowUpUpdateFactory(followup=followup, date=timezone.localdate() - timedelta(days=3), progress=20)
    last = FollowUpUpdateFactory(followup=followup, date=timezone.localdate(), progress=70)
    services.followup_update_delete(actor=editor, update=last)
    followup.refresh_from_db()
    assert followup.progress == 20
    services.followup_update(
        actor=editor, followup=followup, title="Nouveau titre", description="d", status="done", progress=100
    )
    followup.refresh_from_db()
    assert (followup.title, followup.status) == ("Nouveau titre", "done")
    services.followup_delete(actor=editor, followup=followup)
    assert not FollowUp.objects.exists()


def test_phase_start_notified_once_by_the_daily_command():
    process = ProcessFactory()
    follower = UserFactory()
    FollowFactory(user=follower, process=process)
    now = timezone.now()
    PhaseFactory(process=process, kind="ideas", start_at=now - timedelta(hours=3), end_at=now + timedelta(days=3))
    PhaseFactory(process=process, kind="vote", start_at=now + timedelta(days=3), end_at=now + timedelta(days=9))
    PhaseFactory(
        process=process, kind="information", start_at=now - timedelta(days=30), end_at=now - timedelta(days=20)
    )
    draft = ProcessFactory(state=Process.State.DRAFT)
    FollowFactory(user=follower, process=draft)  # (a follow kept from before: drafts notify nobody)
    PhaseFactory(process=draft, start_at=now - timedelta(hours=1))
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    notifications = list(Notification.objects.filter(user=follower))
    assert len(notifications) == 1
    assert notifications[0].kind == "participation.phase.started"
    assert len(mail.outbox) == 1  # and it went out in the digest (default preference: daily)
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.filter(user=follower).count() == 1
    assert len(mail.outbox) == 1


def test_results_published_notified_once():
    process = ProcessFactory(results_published_at=timezone.now())
    budget = PublishedBudgetFactory(process=process)
    follower = UserFactory()
    FollowFactory(user=follower, process=process)
    assert services.process_events_notify() == 2
    assert services.process_events_notify() == 0
    # A service that publishes results may notify at once: the daily check then notifies nobody again.
    assert services.notify_results_published(process=process, budget=budget) == 0
    kinds = list(Notification.objects.values_list("kind", flat=True))
    assert kinds == ["participation.results.published"] * 2
