"""Local installations (no EMAIL_URL) write each e-mail to a readable file under var/emails/ and say so, with the
link it carries, in the console of `make run`."""

import logging

from django.core import mail
from django.core.mail import EmailMultiAlternatives

from tests.core.test_settings import IMPORT_SETTINGS, run_python

BACKEND = "auzolan.core.mail.LocalFileBackend"


def _send(settings, tmp_path, **kwargs):
    settings.EMAIL_FILE_PATH = tmp_path
    connection = mail.get_connection(BACKEND)
    message = EmailMultiAlternatives(
        subject="[Auzolan] Confirmez votre adresse",
        body="Bonjour,\n\nOuvrez ce lien : http://127.0.0.1:8000/comptes/confirm-email/abc/\n\nÀ bientôt.",
        from_email="Auzolan <ne-pas-repondre@auzolan.localhost>",
        to=["amaia@exemple.eus"],
        connection=connection,
        **kwargs,
    )
    message.attach_alternative("<p>Bonjour, <a href='http://127.0.0.1:8000/x/'>lien</a></p>", "text/html")
    return message.send()


def test_each_email_is_a_readable_file(settings, tmp_path):
    assert _send(settings, tmp_path) == 1
    assert _send(settings, tmp_path) == 1
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2, "one file per e-mail"
    text = files[0].read_text(encoding="utf-8")
    assert "Subject: [Auzolan] Confirmez votre adresse" in text
    assert "To: amaia@exemple.eus" in text
    assert "À bientôt." in text, "the body is readable as it is (not base64)"
    assert "http://127.0.0.1:8000/comptes/confirm-email/abc/" in text
    assert "amaia" in files[0].name


def test_each_email_is_announced_in_the_console_with_its_link(settings, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="auzolan.mail"):
        _send(settings, tmp_path)
    (record,) = [r for r in caplog.records if r.name == "auzolan.mail"]
    line = record.getMessage()
    assert "amaia@exemple.eus" in line
    assert "[Auzolan] Confirmez votre adresse" in line
    assert str(next(tmp_path.glob("*.eml"))) in line
    assert "http://127.0.0.1:8000/comptes/confirm-email/abc/" in line


def test_local_installation_without_email_url_uses_it(tmp_path):
    code = IMPORT_SETTINGS + "; from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    result = run_python(code, AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    backend, path = result.stdout.split()[-2:]
    assert backend == BACKEND
    assert path == str(tmp_path / "emails")
