"""The demo, loaded once for the module (tests/demo_world.py): the territory, the accounts, what `make run` prints,
and loading it again changes nothing in any app (the suite's one second load: the other apps' demo tests rely on it)."""

import pytest
from django.core.management import call_command

from auzolan.accounts.models import User
from auzolan.core.management.commands.load_demo import summary_lines
from auzolan.organisations.models import Commune, Membership, Organisation
from tests.demo_world import demo_fixture, media_and_cache_fixture, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]  # one worker: one load (tests/demo_world.py)

demo = demo_fixture()
_media_and_cache = media_and_cache_fixture()

#: Every app with demo data: a second load must leave each row as it was.
DEMO_APPS = (
    "accounts",
    "organisations",
    "core",
    "account",
    "catalog",
    "participation",
    "notifications",
    "opendata_programme",
    "observatory",
)


def test_load_demo_builds_the_territory_and_is_idempotent(demo):
    assert "demo-auzolan-2026" in demo and "operateur@demo.auzolan.fr" in demo
    assert Commune.objects.count() == 158
    assert Organisation.objects.filter(kind="commune").count() == 12
    assert Membership.objects.filter(is_referent=True, role="admin").count() >= 12
    assert User.objects.filter(is_staff=True, is_demo=True).exists()
    names = set(Organisation.objects.filter(kind="commune").values_list("name", flat=True))
    assert {"Commune d'Anglet", "Commune d'Hasparren", "Commune de Bayonne"} <= names, "French elision"
    assert Organisation.objects.get(name="Commune d'Anglet").slug == "commune-de-anglet", "addresses do not change"
    first = snapshot(DEMO_APPS)
    call_command("load_demo")
    assert snapshot(DEMO_APPS) == first


def test_demo_accounts_can_log_in(client):
    response = client.post("/comptes/login/", {"login": "elu@demo.auzolan.fr", "password": "demo-auzolan-2026"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


# What `make run` prints to try the platform: the demo accounts (as long as they exist).


def test_summary_lists_each_demo_account_with_its_role_and_what_to_try():
    text = "\n".join(summary_lines())
    assert "demo-auzolan-2026" in text
    for email, role, hint in [
        ("operateur@demo.auzolan.fr", "Équipe de l'agence", "/back-office/"),
        ("elu@demo.auzolan.fr", "Élu ou élue", "/participer/gerer/"),
        ("agent@demo.auzolan.fr", "Agent d'une collectivité", "/publier/"),
        ("habitant@demo.auzolan.fr", "Habitant ou habitante", "/participer/"),
    ]:
        (line,) = [line for line in text.splitlines() if email in line]
        assert role in line and hint in line, line


def test_demo_accounts_are_still_listed_after_a_real_sign_up(capsys):
    User.objects.create_user(email="vraie@exemple.fr", password="x" * 12, full_name="Vraie Personne")
    capsys.readouterr()
    call_command("load_demo", skip_if_real=True)  # what make run does next
    assert "réel" in capsys.readouterr().out
    text = "\n".join(summary_lines())
    assert "operateur@demo.auzolan.fr" in text and "elu@demo.auzolan.fr" in text
    assert "vraie@exemple.fr" not in text
