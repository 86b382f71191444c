import re

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from auzolan.accounts.demo import DEMO_USERS, demo_email
from auzolan.accounts.models import User
from auzolan.core.management.commands.load_demo import summary_lines
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
    names = set(Organisation.objects.filter(kind="commune").values_list("name", flat=True))
    assert {"Commune d'Anglet", "Commune d'Hasparren", "Commune de Bayonne"} <= names, "French elision"
    assert Organisation.objects.get(name="Commune d'Anglet").slug == "commune-de-anglet", "addresses do not change"
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


# What `make run` prints to try the platform: the demo accounts (as long as they exist) and where e-mails land.


@pytest.mark.django_db
def test_summary_lists_each_demo_account_with_its_role_and_what_to_try(settings):
    call_command("load_demo")
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


@pytest.mark.django_db
def test_demo_accounts_are_still_listed_after_a_real_sign_up(capsys):
    call_command("load_demo")
    User.objects.create_user(email="vraie@exemple.fr", password="x" * 12, full_name="Vraie Personne")
    capsys.readouterr()
    call_command("load_demo", skip_if_real=True)  # what make run does next
    assert "réel" in capsys.readouterr().out
    text = "\n".join(summary_lines())
    assert "operateur@demo.auzolan.fr" in text and "elu@demo.auzolan.fr" in text
    assert "vraie@exemple.fr" not in text


@pytest.mark.django_db
def test_no_demo_account_no_list(user):
    assert "demo.auzolan.fr" not in "\n".join(summary_lines())


@pytest.mark.django_db
def test_summary_says_where_local_emails_land(settings, tmp_path):
    settings.EMAIL_BACKEND = "auzolan.core.mail.LocalFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "emails"
    assert any(str(tmp_path / "emails") in line and ".eml" in line for line in summary_lines())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert not any(".eml" in line for line in summary_lines())


def test_readme_tells_where_emails_land_and_what_each_demo_account_can_do():
    readme = (django_settings.BASE_DIR / "README.md").read_text()
    assert "var/emails/" in readme
    for user in DEMO_USERS:
        assert re.search(rf"^\| `{re.escape(demo_email(user[0]))}` \|", readme, re.M), user[0]
