"""allauth's pages under /comptes/: sign-up with e-mail verification, sign-in by e-mail, password reset, throttling."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.core import mail
from django.urls import reverse

from auzolan.accounts.models import User
from auzolan.accounts.services import user_delete
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Txakoli-et-Ossau-Iraty-2026"


def _h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def _first_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_use_the_site_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="contenu"' in content  # our base.html
    assert _h1_count(response) == 1
    assert 'class="form"' in content or name == "account_reset_password_done"


@pytest.mark.parametrize("name", ["account_logout", "account_email", "account_change_password"])
def test_manage_pages_use_the_site_layout(user_client, name):
    response = user_client.get(reverse(name))
    assert response.status_code == 200
    assert _h1_count(response) == 1
    assert reverse("accounts:profile") in response.content.decode()  # personal space navigation


def test_login_page_is_in_french(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "Se connecter" in content
    assert "Mot de passe oublié ?" in content
    assert '<label for="id_login"' in content


def test_signup_flow_with_email_verification(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Amaia@Exemple.eus",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "full_name": "Amaia Irigoyen",
            "territory_role": "teacher",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="amaia@exemple.eus")
    assert (user.full_name, user.territory_role) == ("Amaia Irigoyen", "teacher")
    assert AuditLogEntry.objects.filter(actor=user, action="accounts.user.signed_up").exists()
    assert not client.get(reverse("accounts:dashboard")).wsgi_request.user.is_authenticated

    sent = client.get(response.url)
    assert sent.status_code == 200
    assert _h1_count(sent) == 1

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amaia@exemple.eus"] or mail.outbox[0].to == ["Amaia@Exemple.eus"]
    confirm_url = _first_link(mail.outbox[0])
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert _h1_count(page) == 1
    response = client.post(confirm_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert response.wsgi_request.user == user
    assert EmailAddress.objects.get(user=user).verified


def test_signup_requires_full_name_and_role(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "full_name": ""},
    )
    assert response.status_code == 200
    assert {"full_name", "territory_role"} <= set(response.context["form"].errors)
    assert not User.objects.filter(email="x@exemple.fr").exists()


def test_login_by_email(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_login_with_wrong_password_shows_an_error(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not response.wsgi_request.user.is_authenticated


def test_login_of_a_deleted_account_is_refused(client, user):
    email = user.email
    user_delete(actor=user, user=user)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated


def test_password_reset_sends_an_email_and_the_link_works(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    link = _first_link(mail.outbox[0])
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert _h1_count(page) == 1
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert _h1_count(response) == 1
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_of_unknown_address_does_not_reveal_it(client):
    response = client.post(reverse("account_reset_password"), {"email": "personne@nulle-part.fr"})
    assert response.status_code == 302  # same answer as for a known address (ACCOUNT_PREVENT_ENUMERATION)


def test_login_throttling_refuses_even_the_right_password(client, user):
    # settings.ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key": 5 failures per account, then refused.
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "mauvais"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated
    # allauth refuses with a form error (200), not a 429; the 429 comes from the per-IP "login" limit below.
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()


def test_login_flood_from_one_address_gets_429(client, user):
    # allauth's "login" rate limit (30 per minute per IP, its default) answers 429 Too Many Requests.
    statuses = [
        client.post(reverse("account_login"), {"login": f"x{n}@exemple.fr", "password": "x"}).status_code
        for n in range(31)
    ]
    assert statuses[-1] == 429
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_production_hashes_passwords_with_argon2():
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS
    # Tests put MD5 first for speed; outside tests, Argon2 comes first.
    assert settings.PASSWORD_HASHERS.index("django.contrib.auth.hashers.Argon2PasswordHasher") <= 1


def test_argon2_is_available():
    encoded = make_password("motdepasse-long-42", hasher="argon2")
    assert encoded.startswith("argon2")
    assert check_password("motdepasse-long-42", encoded)
    assert Argon2PasswordHasher().algorithm == "argon2"


def test_staff_is_not_special_on_login(client):
    staff = UserFactory(is_staff=True)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302


def test_invalid_confirmation_and_reset_links_explain_what_to_do(client):
    page = client.get(reverse("account_confirm_email", args=["cle-inconnue"]))
    assert page.status_code == 200
    assert _h1_count(page) == 1
    page = client.get("/comptes/password/reset/key/0-cle-inconnue/", follow=True)
    assert page.status_code == 200
    assert _h1_count(page) == 1
    assert reverse("account_reset_password") in page.content.decode()


def test_password_change_page_changes_the_password(user_client, user):
    response = user_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
