"""The back office's participation pages open (found by tests/never500/test_back_office.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.participation.factories import ProcessFactory


@pytest.mark.django_db
def test_a_process_opens_in_the_back_office(client):
    """Its read-only inline of state transitions listed the non-editable `at`: FieldError, a 500 on every process
    (for those who may see the transitions: a superuser)."""
    process = ProcessFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, territory_role="agency"))
    response = client.get(reverse("admin:participation_process_change", args=[process.pk]))
    assert response.status_code == 200
