"""Counters stay exact under parallel requests (PostgreSQL only: SQLite serialises writers).

Supports of many people at once (supports_count, the threshold crossed and notified once), reports of many people
at once (reports_count, hidden once), the same person following in several tabs, supports added and removed in
a burst by the same person.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from auzolan.core.audit import AuditLogEntry
from auzolan.notifications.models import Notification
from auzolan.participation.models import Follow, Process, Proposal, Report, Support
from auzolan.participation.services import follows as follow_services
from auzolan.participation.services import moderation
from auzolan.participation.services import proposals as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProposalFactory, process_with_phase

PARALLEL = 6

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _in_parallel(work, count=PARALLEL) -> list:
    barrier = threading.Barrier(count)
    outcomes, lock = [], threading.Lock()

    def worker(index):
        try:
            barrier.wait(timeout=10)
            result = work(index)
        except Exception as error:
            result = error
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _fresh(proposal) -> Proposal:
    return Proposal.objects.select_related("process__organisation", "author").get(pk=proposal.pk)


def test_supports_of_many_people_at_once_are_all_counted_and_the_threshold_notified_once():
    process = process_with_phase("ideas", support_threshold=3)
    proposal = ProposalFactory(process=process)
    people = UserFactory.create_batch(PARALLEL)
    outcomes = _in_parallel(lambda i: services.support_add(actor=people[i], proposal=_fresh(proposal)))
    assert outcomes == [True] * PARALLEL, outcomes
    proposal.refresh_from_db()
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == PARALLEL
    assert proposal.status == Proposal.Status.UNDER_STUDY
    assert Notification.objects.filter(kind="participation.proposal.threshold_reached").count() == 1
    assert AuditLogEntry.objects.filter(action="participation.proposal.threshold_reached").count() == 1


def test_support_burst_of_one_person_keeps_the_counter_equal_to_the_rows():
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    user = UserFactory()

    def click(index):
        if index % 2:
            return services.support_remove(actor=user, proposal=_fresh(proposal))
        return services.support_add(actor=user, proposal=_fresh(proposal))

    outcomes = _in_parallel(click)
    assert all(isinstance(o, bool) for o in outcomes), outcomes
    proposal.refresh_from_db()
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() <= 1


def test_reports_of_many_people_at_once_are_all_counted_and_hide_once():
    process = process_with_phase("ideas")
    Process.objects.filter(pk=process.pk).update(reports_before_hiding=3)
    proposal = ProposalFactory(process=process)
    people = UserFactory.create_batch(PARALLEL)
    outcomes = _in_parallel(
        lambda i: moderation.report_create(actor=people[i], target=_fresh(proposal), reason=Report.Reason.SPAM)
    )
    assert all(isinstance(o, Report) for o in outcomes), outcomes
    proposal.refresh_from_db()
    assert proposal.reports_count == Report.objects.filter(proposal=proposal).count() == PARALLEL
    assert proposal.is_hidden
    assert AuditLogEntry.objects.filter(action="participation.proposal.hidden").count() == 1


def test_same_report_from_several_tabs_is_one_report():
    proposal = ProposalFactory(process=process_with_phase("ideas"))
    user = UserFactory()
    outcomes = _in_parallel(
        lambda i: moderation.report_create(actor=user, target=_fresh(proposal), reason=Report.Reason.SPAM)
    )
    assert sum(isinstance(o, Report) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, Report | moderation.Conflict) for o in outcomes), outcomes
    proposal.refresh_from_db()
    assert proposal.reports_count == 1 == Report.objects.filter(proposal=proposal).count()


def test_following_from_several_tabs_keeps_one_follow():
    process = process_with_phase("ideas")
    user = UserFactory()
    outcomes = _in_parallel(lambda i: follow_services.follow_create(user=user, process=process))
    assert all(isinstance(o, Follow) for o in outcomes), outcomes
    assert Follow.objects.filter(user=user, process=process).count() == 1
