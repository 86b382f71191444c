"""`load_demo` on a database that is not the demo's (the demo once loaded: test_demo_loaded.py)."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from auzolan.accounts.demo import DEMO_USERS, demo_email
from auzolan.accounts.models import User
from auzolan.core.management.commands.load_demo import summary_lines
from auzolan.organisations.models import Commune


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


# What `make run` prints to try the platform: the demo accounts (as long as they exist) and where e-mails land.


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
