import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from auzolan.accounts.models import User
from auzolan.organisations.models import Commune, Membership, Organisation


def snapshot(labels=("accounts", "organisations", "core", "account", "catalog")):
    """Every row of every model of the platform's apps (`labels`), as comparable data."""
    data = {}
    for model in apps.get_models():
        if model._meta.app_label in labels:
            data[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("last_login",)))
                for row in model.objects.values()
            )
    return data


@pytest.mark.django_db
def test_load_demo_builds_the_territory_and_is_idempotent(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "demo-auzolan-2026" in out and "operateur@demo.auzolan.fr" in out
    assert Commune.objects.count() == 158
    assert Organisation.objects.filter(kind="commune").count() == 12
    assert Membership.objects.filter(is_referent=True, role="admin").count() >= 12
    assert User.objects.filter(is_staff=True, is_demo=True).exists()
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first


@pytest.mark.django_db
def test_load_demo_refuses_a_database_with_real_accounts(user):
    with pytest.raises(CommandError, match="compte"):
        call_command("load_demo")
    assert not User.objects.filter(is_demo=True).exists()
    assert Commune.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_skip_if_real_exits_quietly(user, capsys):
    call_command("load_demo", skip_if_real=True)
    assert "réel" in capsys.readouterr().out
    assert not User.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_demo_accounts_can_log_in(client):
    call_command("load_demo")
    response = client.post("/comptes/login/", {"login": "elu@demo.auzolan.fr", "password": "demo-auzolan-2026"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
