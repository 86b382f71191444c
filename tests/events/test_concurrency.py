"""The last seat under concurrency: several people ask for it at the same moment, exactly one gets it, the others
go to the waiting list — and a shared quota holds across sessions the same way.

Threads with their own database connections, released together by a barrier, on the database the tests run on:
on PostgreSQL the session's row is locked (select_for_update) and the others wait; on SQLite the transaction takes
the write lock at BEGIN IMMEDIATE (the shared-cache in-memory test database answers "locked" at once, and the
service retries the whole transaction, see `services.registrations._serialised`).
"""

import threading

import pytest
from django.db import connection

from auzolan.events.models import Registration, WaitingListEntry
from auzolan.events.services import registrations as services
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, QuotaFactory, SessionFactory

PARALLEL = 4


def run_parallel(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait(timeout=10)
            result = call()
            outcome = "seat" if isinstance(result, Registration) else "waiting"
        except Exception as error:  # any failure is an outcome the assertion shows
            outcome = f"error:{error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_last_seat_goes_to_exactly_one_of_simultaneous_requests():
    session = SessionFactory(capacity=1)
    users = [UserFactory() for _ in range(PARALLEL)]
    outcomes = run_parallel(
        [
            lambda user=user: services.registration_create(actor=user, event=session.event, session=session)
            for user in users
        ]
    )
    assert sorted(outcomes) == ["seat"] + ["waiting"] * (PARALLEL - 1), outcomes
    assert Registration.objects.filter(session=session).count() == 1
    assert WaitingListEntry.objects.filter(session=session, state="waiting").count() == PARALLEL - 1


@pytest.mark.django_db(transaction=True)
def test_last_seat_of_a_shared_quota_across_two_sessions():
    event = EventFactory()
    quota = QuotaFactory(event=event, capacity=1)
    sessions = [SessionFactory(event=event, capacity=10, quota=quota) for _ in range(2)]
    users = [UserFactory() for _ in range(PARALLEL)]
    outcomes = run_parallel(
        [
            lambda user=user, n=n: services.registration_create(actor=user, event=event, session=sessions[n % 2])
            for n, user in enumerate(users)
        ]
    )
    assert sorted(outcomes) == ["seat"] + ["waiting"] * (PARALLEL - 1), outcomes
    assert Registration.objects.filter(event=event).count() == 1
