"""Settings come from the environment; production refuses to start without its secrets."""

import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

BASE = settings.BASE_DIR


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DEBUG", "SITE_URL", "PORT", "HOST")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.pop("AUZOLAN_ENV", None)
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=BASE, env=clean, capture_output=True, text=True, timeout=60)


IMPORT_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); print('started')"
)


def test_production_is_the_default_and_refuses_a_missing_secret_key():
    result = run_python(IMPORT_SETTINGS, ALLOWED_HOSTS="auzolan.example.org", EMAIL_URL="smtp://mail.example.org:587")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_missing_allowed_hosts():
    result = run_python(IMPORT_SETTINGS, SECRET_KEY=secrets.token_urlsafe(60), EMAIL_URL="smtp://mail.example.org:587")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_python(
        IMPORT_SETTINGS,
        SECRET_KEY="short",
        ALLOWED_HOSTS="auzolan.example.org",
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert result.returncode != 0
    assert "50 characters" in result.stderr


def test_unknown_environment_is_refused():
    result = run_python(IMPORT_SETTINGS, AUZOLAN_ENV="staging")
    assert result.returncode != 0
    assert "AUZOLAN_ENV" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("AUZOLAN_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "AUZOLAN_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "auzolan.example.org",
            "SITE_URL": "https://auzolan.example.org",
            "EMAIL_URL": "smtp://user:pass@mail.example.org:587",
            "AUZOLAN_VAR_DIR": str(tmp_path),
            # The operator's identity (legal pages): check --deploy warns when it is incomplete.
            "AGENCY_NAME": "Agence numérique du Pays Basque",
            "AGENCY_ADDRESS": "1 place de la Mairie, 64100 Bayonne",
            "AGENCY_SIREN": "123456782",
            "AGENCY_EMAIL": "contact@agence.example.org",
            "AGENCY_PUBLICATION_DIRECTOR": "Maite Etxeberri, présidente",
            "HOSTING_PROVIDER": "Hébergeur Exemple SAS, Paris (France)",
            "ACCESSIBILITY_STATEMENT_DATE": "2026-09-15",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_environment_generates_and_keeps_a_secret_key(tmp_path):
    code = IMPORT_SETTINGS + "; from django.conf import settings; print(settings.SECRET_KEY); print(settings.DEBUG)"
    first = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path))
    second = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = first.stdout.split()[1]
    assert len(key) >= 50 and key == second.stdout.split()[1]
    assert first.stdout.split()[2] == "False"  # DEBUG stays off unless asked for
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_selects_postgresql():
    code = IMPORT_SETTINGS + "; from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_python(code, AUZOLAN_ENV="test", DATABASE_URL="postgres://u@db.example.org:5432/auzolan")
    assert result.stdout.split()[-1] == "django.db.backends.postgresql"


def test_password_hashing_is_argon2_outside_tests():
    code = IMPORT_SETTINGS + "; from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR="/tmp")
    assert result.stdout.split()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_environment_variables_are_documented():
    """Every variable read by config/env.py is listed in docs/environment.md and .env.example."""

    source = (BASE / "config" / "env.py").read_text()
    names = set(re.findall(r'_env\.\w+\("([A-Z_]+)"', source))
    assert names, "no variable found in config/env.py"
    docs = (BASE / "docs" / "environment.md").read_text()
    example = (BASE / ".env.example").read_text()
    assert not {n for n in names if f"`{n}`" not in docs}, "undocumented in docs/environment.md"
    assert not {n for n in names if not re.search(rf"^#?\s*{n}=", example, re.M)}, "missing from .env.example"


# A development machine: `make run` writes AUZOLAN_ENV=local into `.env`, so the documented commands work by hand.

SUBVENTIONS_HEADER = (
    "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,"
    "objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,"
    "dispositifAide\n"
)


def _validate_by_hand(tmp_path, dotenv):
    """`manage.py validate`, as the README documents it, without AUZOLAN_ENV in the environment."""
    data = tmp_path / "subventions.csv"
    data.write_text(SUBVENTIONS_HEADER)
    return subprocess.run(
        [sys.executable, "manage.py", "validate", str(data), "--schema", "data/schemas/scdl/subventions.json"],
        cwd=BASE,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("AUZOLAN_ENV", "SECRET_KEY", "ALLOWED_HOSTS")},
            "AUZOLAN_DOTENV": str(dotenv),
            "AUZOLAN_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_settings_file_commands_refuse_to_start_as_production(tmp_path):
    result = _validate_by_hand(tmp_path, tmp_path / ".env")
    assert result.returncode != 0
    assert "Fichier valide" not in result.stdout
    assert "Production refuses to start" in result.stderr
    assert "make run" in result.stderr, "the message says how a development machine gets its .env"


def test_make_writes_a_local_settings_file_once_and_documented_commands_then_work(tmp_path):
    make = ["make", "--no-print-directory", "-s", "-C", str(tmp_path), "-f", str(BASE / "Makefile"), ".env"]
    subprocess.run(make, check=True, capture_output=True, timeout=60)
    dotenv = tmp_path / ".env"
    assert re.search(r"^AUZOLAN_ENV=local$", dotenv.read_text(), re.M)
    result = _validate_by_hand(tmp_path, dotenv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fichier valide" in result.stdout

    # An existing file is never touched (it may be a production installation's own settings).
    dotenv.write_text("AUZOLAN_ENV=production\n")
    subprocess.run(make, check=True, capture_output=True, timeout=60)
    assert dotenv.read_text() == "AUZOLAN_ENV=production\n"


def test_setup_depends_on_the_local_settings_file():
    makefile = (BASE / "Makefile").read_text()
    assert re.search(r"^setup:.*\s\.env\b", makefile, re.M)
    assert "make run" in (BASE / "docs" / "deployment.md").read_text().split("## One machine")[1].split("##")[0]


def test_production_refuses_a_missing_site_url():
    result = run_python(
        IMPORT_SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="auzolan.example.org",
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr and "started" not in result.stdout


def test_local_site_url_is_the_served_address_unless_configured(tmp_path):
    code = (
        IMPORT_SETTINGS + "; from django.conf import settings; print(settings.SITE_URL, settings.SITE_URL_CONFIGURED)"
    )
    served = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path), PORT="8790")
    assert served.stdout.split()[-2:] == ["http://127.0.0.1:8790", "False"], served.stderr
    everywhere = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path), PORT="8790", HOST="0.0.0.0")  # noqa: S104
    assert everywhere.stdout.split()[-2] == "http://127.0.0.1:8790"
    configured = run_python(
        code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path), PORT="8790", SITE_URL="https://donnees.exemple.fr/"
    )
    assert configured.stdout.split()[-2:] == ["https://donnees.exemple.fr", "True"]
