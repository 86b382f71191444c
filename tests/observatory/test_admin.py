"""The back office: snapshots are read only; the action "take this month's snapshot now" enqueues the task."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from auzolan.observatory.models import ObservatorySnapshot
from tests.accounts.factories import UserFactory
from tests.observatory.factories import ObservatorySnapshotFactory
from tests.tasks import run_queued_tasks

URL = "/back-office/observatory/observatorysnapshot/"


@pytest.mark.django_db(transaction=True)
def test_the_action_enqueues_the_snapshot_task(client, world):
    ObservatorySnapshotFactory(month=datetime.date(2025, 1, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(URL).status_code == 200
    assert client.get(URL + "add/").status_code == 403
    pk = ObservatorySnapshot.objects.get().pk
    response = client.post(URL, {"action": "take_snapshot_now", "_selected_action": [pk]})
    assert response.status_code == 302
    assert not ObservatorySnapshot.objects.filter(month=timezone.localdate().replace(day=1)).exists()
    run_queued_tasks()
    assert ObservatorySnapshot.objects.filter(month=timezone.localdate().replace(day=1)).exists()


@pytest.mark.django_db
def test_the_back_office_is_for_staff_only(client, world):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 302  # to the back office's login
