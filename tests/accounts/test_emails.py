"""The account e-mails are the platform's own, in French, text and HTML, naming the platform; confirming the address
logs the person in (in the browser where they signed up, even hours later)."""

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from auzolan.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Txakoli-et-Ossau-Iraty-2026"
ENGLISH_OR_DEFAULT = ("Hello", "Thank you", "Merci d'utiliser", "Bonjour de la part", "example.com")


def _signup(client, email="amaia@exemple.eus"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Amaia Irigoyen",
            "territory_role": "citizen",
        },
    )


def _html(message) -> str:
    alternatives = [content for content, kind in message.alternatives if kind == "text/html"]
    assert len(alternatives) == 1, "an HTML alternative"
    return alternatives[0]


def _link(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", text).group(1)


def assert_platform_mail(message, subject: str) -> None:
    assert message.subject == f"[{settings.PLATFORM_NAME}] {subject}"
    assert settings.PLATFORM_NAME in message.body
    assert message.body.startswith("Bonjour,")
    for text in ENGLISH_OR_DEFAULT:
        assert text not in message.body and text not in message.subject, text
    html = _html(message)
    assert '<html lang="fr">' in html
    assert settings.PLATFORM_NAME in html
    assert "<script" not in html and "http-equiv" not in html


def test_verification_email_is_the_platforms_own(client):
    _signup(client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert_platform_mail(message, "Confirmez votre adresse pour activer votre compte")
    assert "Vous venez de créer un compte sur Auzolan avec l'adresse amaia@exemple.eus." in message.body
    assert "Le lien est valable 3 jours." in message.body
    link = _link(message.body)
    assert "/comptes/confirm-email/" in link
    assert f'href="http://testserver{link}"' in _html(message)


def test_password_reset_email_is_the_platforms_own(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    message = mail.outbox[-1]
    assert_platform_mail(message, "Choisir un nouveau mot de passe")
    assert "/comptes/password/reset/key/" in _link(message.body)


def test_signup_with_a_known_address_sends_the_already_exists_email(client, user):
    response = _signup(client, email=user.email)
    assert response.status_code == 302  # same answer as a new address (no enumeration)
    message = mail.outbox[-1]
    assert_platform_mail(message, "Vous avez déjà un compte")
    assert "/comptes/login/" in message.body and "/comptes/password/reset/" in message.body


def test_reset_for_an_unknown_address_sends_the_unknown_account_email(client):
    client.post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})
    message = mail.outbox[-1]
    assert_platform_mail(message, "Aucun compte avec cette adresse")
    assert "/comptes/signup/" in message.body


def test_confirming_hours_later_in_the_same_browser_logs_the_person_in(client):
    _signup(client)
    link = _link(mail.outbox[0].body)
    later = time.time() + 3 * 60 * 60
    with mock.patch("time.time", return_value=later):
        response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert response.wsgi_request.user.email == "amaia@exemple.eus"


def test_confirming_in_another_browser_verifies_and_asks_to_log_in(client):
    _signup(client)
    link = _link(mail.outbox[0].body)
    other = Client()
    response = other.post(link, follow=True)
    assert EmailAddress.objects.get(email="amaia@exemple.eus").verified
    assert not response.wsgi_request.user.is_authenticated  # the link alone is not a password
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "amaia@exemple.eus" in response.content.decode()  # "vous avez confirmé …" message
    login = other.post(reverse("account_login"), {"login": "amaia@exemple.eus", "password": PASSWORD})
    assert login.status_code == 302
    assert User.objects.get(email="amaia@exemple.eus").last_login is not None
