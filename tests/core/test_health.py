from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_health_ok(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_reports_an_unreachable_database(client):
    with mock.patch("auzolan.core.views.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
