"""Personal API tokens: shown once, stored hashed, expiring, revocable, noted when used; the "Jetons d'API" page;
the authentication every API shares (accounts.api_auth); RGPD export and account deletion."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from auzolan.accounts import selectors, services
from auzolan.accounts.api_auth import authenticate_request, token_from_request
from auzolan.accounts.models import ApiToken
from auzolan.core import ratelimit
from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/moi/jetons-api/"


@pytest.fixture
def person():
    return UserFactory()


def test_create_returns_the_clear_token_once_and_stores_only_its_hash(person):
    token, raw = services.api_token_create(actor=person, name="  Script   de publication ", lifetime_days=90)
    assert re.fullmatch(r"auz_[A-Za-z0-9]{40}", raw)
    token.refresh_from_db()
    assert token.name == "Script de publication"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[4:12] and token.display_prefix == f"auz_{raw[4:12]}…"
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get(pk=token.pk))
    assert raw not in stored and raw[4:] not in stored
    assert abs((token.expires_at - timezone.now()) - timedelta(days=90)) < timedelta(minutes=1)
    entry = AuditLogEntry.objects.get(action="accounts.api_token.created")
    assert entry.actor == person and raw not in str(entry.data)
    assert selectors.api_token_for(raw).user == person


@pytest.mark.parametrize("days", [30, 90, 365])
def test_lifetimes(person, days):
    token, _raw = services.api_token_create(actor=person, name="t", lifetime_days=days)
    assert (token.expires_at - token.created_at).days == days


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("", 90, "name"), ("   ", 90, "name"), ("x" * 101, 90, "name"), ("t", 7, "lifetime_days")],
)
def test_create_refuses(person, name, days, field):
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=person, name=name, lifetime_days=days)
    assert error.value.field == field


def test_a_person_holds_a_bounded_number_of_usable_tokens(person):
    for index in range(services.MAX_API_TOKENS):
        token, _raw = services.api_token_create(actor=person, name=f"t{index}", lifetime_days=30)
    with pytest.raises(Conflict):
        services.api_token_create(actor=person, name="de trop", lifetime_days=30)
    services.api_token_revoke(actor=person, token=token)
    services.api_token_create(actor=person, name="à la place", lifetime_days=30)


def test_unusable_tokens_are_not_recognised(person):
    token, raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    assert selectors.api_token_for(raw) is not None
    assert selectors.api_token_for(raw[:-1] + ("a" if raw[-1] != "a" else "b")) is None  # same prefix, wrong secret
    assert selectors.api_token_for(raw + "x") is None
    assert selectors.api_token_for("") is None
    assert selectors.api_token_for(raw, now=token.expires_at + timedelta(seconds=1)) is None  # expired
    person.is_active = False
    person.save()
    assert selectors.api_token_for(raw) is None  # inactive account
    person.is_active = True
    person.save()
    services.api_token_revoke(actor=person, token=token)
    assert selectors.api_token_for(raw) is None  # revoked
    assert AuditLogEntry.objects.filter(action="accounts.api_token.revoked").count() == 1
    services.api_token_revoke(actor=person, token=token)  # twice: nothing more
    assert AuditLogEntry.objects.filter(action="accounts.api_token.revoked").count() == 1


def test_only_the_owner_revokes(person):
    token, _raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=UserFactory(), token=token)


def test_last_use_is_written_at_most_once_a_minute(person, django_assert_num_queries):
    token, _raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    now = timezone.now()
    services.api_token_touch(token=token, now=now)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    with django_assert_num_queries(0):
        services.api_token_touch(token=token, now=now + timedelta(seconds=30))
    stale = ApiToken.objects.get(pk=token.pk)  # another process that read the row before
    stale.last_used_at = now - timedelta(minutes=5)
    services.api_token_touch(token=stale, now=now + timedelta(seconds=30))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now  # the conditional UPDATE wrote nothing
    services.api_token_touch(token=token, now=now + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now + timedelta(seconds=61)


@pytest.mark.parametrize(
    ("headers", "found"),
    [
        ({"HTTP_AUTHORIZATION": "Bearer RAW"}, True),
        ({"HTTP_AUTHORIZATION": "bearer RAW"}, True),
        ({"HTTP_AUTHORIZATION": "Token RAW"}, True),
        ({"HTTP_AUTHORIZATION": "RAW"}, True),
        ({"HTTP_X_CKAN_API_KEY": "RAW"}, True),
        ({"HTTP_AUTHORIZATION": "Basic RAW"}, False),
        ({}, False),
    ],
)
def test_authenticate_request_reads_every_form_clients_send(person, headers, found):
    _token, raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    request = RequestFactory().get("/api/v1/datasets", **{k: v.replace("RAW", raw) for k, v in headers.items()})
    assert (token_from_request(request) == raw) is found
    assert (authenticate_request(request) == person) is found
    if found:
        assert request.user == person and request.api_token.user == person
        assert ApiToken.objects.get(user=person).last_used_at is not None


def test_api_with_a_token_reads_as_its_owner_and_refuses_a_bad_token(client, person):
    _token, raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    assert client.get("/api/v1/datasets", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    response = client.get("/api/v1/datasets", HTTP_AUTHORIZATION="Bearer auz_" + "x" * 40)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid-token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/datasets").status_code == 200  # no token: anonymous reads


def test_export_lists_tokens_and_deletion_removes_them(person):
    token, raw = services.api_token_create(actor=person, name="Script", lifetime_days=30)
    data = services.user_export_data(user=person)
    assert data["api_tokens"] == [
        {
            "name": "Script",
            "prefix": token.display_prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": None,
            "expires_at": token.expires_at.isoformat(),
            "revoked_at": None,
        }
    ]
    assert raw not in str(data)
    services.user_delete(actor=person, user=person)
    assert not ApiToken.objects.filter(user=person).exists()


# --- The page ------------------------------------------------------------------------------------------------


def test_page_needs_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_page_creates_shows_once_lists_and_revokes(client, person):
    client.force_login(person)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Vous n'avez pas encore de jeton." in page.content.decode()
    assert 'value="90" selected' in page.content.decode()  # 90 days unless chosen otherwise
    submission = page.context["form"]["submission"].initial
    response = client.post(PAGE, {"name": "Logiciel SIG", "lifetime_days": "365", "submission": submission})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=person)
    raw = response.context["raw_token"]
    html = response.content.decode()
    assert raw in html and selectors.api_token_for(raw) == token
    assert (token.expires_at - token.created_at).days == 365
    # The same form sent again (a double click) creates nothing and never shows the token again.
    again = client.post(PAGE, {"name": "Logiciel SIG", "lifetime_days": "365", "submission": submission})
    assert again.status_code == 302 and ApiToken.objects.filter(user=person).count() == 1
    listing = client.get(PAGE).content.decode()
    assert raw not in listing and token.display_prefix in listing and "Logiciel SIG" in listing
    assert "curl" in listing and "Authorization: Bearer" in listing
    revoke = client.post(f"/moi/jetons-api/{token.pk}/revoquer/")
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Révoqué le" in client.get(PAGE).content.decode()


def test_page_refuses_a_bad_form(client, person):
    client.force_login(person)
    response = client.post(PAGE, {"name": "", "lifetime_days": "7"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "lifetime_days"}
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token(client, person):
    token, _raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    client.force_login(UserFactory())
    assert client.post(f"/moi/jetons-api/{token.pk}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_counts_as_its_account_unless_the_limit_counts_tokens_apart(person):
    token, raw = services.api_token_create(actor=person, name="t", lifetime_days=30)
    request = RequestFactory().get("/api/v1/sql", HTTP_AUTHORIZATION=f"Bearer {raw}")
    authenticate_request(request)
    assert ratelimit.requester(request) == f"user:{person.pk}"  # the SQL and export limits of the account
    assert ratelimit.requester(request, tokens=True) == f"token:{token.pk}"
    assert ratelimit.address(request) == "ip:127.0.0.1"


def test_agency_staff_revoke_a_leaked_token_in_the_back_office(client, person):
    token, _raw = services.api_token_create(actor=person, name="Fuite", lifetime_days=30)
    staff = UserFactory(is_staff=True, is_superuser=True, territory_role="agency")
    client.force_login(staff)
    listing = client.get("/back-office/accounts/apitoken/")
    assert listing.status_code == 200 and "Fuite" in listing.content.decode()
    assert token.key_hash not in listing.content.decode()
    response = client.post(
        "/back-office/accounts/apitoken/", {"action": "revoke_api_tokens", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLogEntry.objects.get(action="accounts.api_token.revoked").actor == staff
