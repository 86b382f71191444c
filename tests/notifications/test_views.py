"""The notification pages: list (unread first), mark read, preferences, the no-login unsubscribe page, the header."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auzolan.notifications import links
from auzolan.notifications.models import Notification, NotificationPreference
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_list_requires_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/comptes/" in response["Location"] or "login" in response["Location"]


def test_list_unread_first_and_escaped(user_client, user):
    read = NotificationFactory(user=user, title="Déjà lue", read_at=timezone.now())
    unread = NotificationFactory(user=user, title=XSS)
    NotificationFactory(title="Pas à moi")
    response = user_client.get(reverse("notifications:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Pas à moi" not in content
    assert "<script>alert" not in content and "&lt;script&gt;" in content
    assert list(response.context["notifications"]) == [unread, read]
    assert "1 notification non lue" in content


def test_list_query_count(user_client, user, django_assert_max_num_queries):
    for _ in range(40):
        NotificationFactory(user=user)
    with django_assert_max_num_queries(12):
        response = user_client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["notifications"]) == 30


def test_header_count_is_one_query_per_request(user_client, user):
    NotificationFactory.create_batch(3, user=user)
    with CaptureQueriesContext(connection) as queries:
        response = user_client.get(reverse("notifications:preferences"))
    counts = [q["sql"] for q in queries.captured_queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counts) == 1
    assert '3<span class="visually-hidden"> non lues' in response.content.decode()


def test_header_no_query_for_anonymous(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("account_login"))
    assert not [q for q in queries.captured_queries if 'FROM "notifications_notification"' in q["sql"]]


def test_mark_read_and_all_read(user_client, user):
    first, _second = NotificationFactory.create_batch(2, user=user)
    other = NotificationFactory()
    assert user_client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = user_client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    response = user_client.post(reverse("notifications:read", args=[other.pk]))  # not mine: nothing happens
    other.refresh_from_db()
    assert other.read_at is None
    user_client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(pk=other.pk, read_at__isnull=True).exists()


def test_preferences_page(user_client, user):
    url = reverse("notifications:preferences")
    response = user_client.get(url)
    assert response.status_code == 200
    assert (
        'value="daily" checked' in response.content.decode().replace('checked=""', "checked").replace("\n", " ")
        or response.context["form"].initial["email_frequency"] == "daily"
    )
    assert user_client.post(url, {"email_frequency": "immediate"}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email_frequency == "immediate"
    response = user_client.post(url, {"email_frequency": "<script>"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert NotificationPreference.objects.get(user=user).email_frequency == "immediate"


def test_preferences_linked_from_profile_and_nav(user_client):
    content = user_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:preferences") in content
    assert reverse("notifications:list") in content


def test_unsubscribe_get_confirms_post_unsubscribes_without_login(client):
    alice = UserFactory()
    token = links.unsubscribe_token(alice)
    url = reverse("notifications:unsubscribe", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert not NotificationPreference.objects.filter(user=alice).exists()  # a GET changes nothing
    response = client.post(url)  # no CSRF token, no session: mail clients' one-click POST (RFC 8058)
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=alice).email_frequency == "none"


@pytest.mark.parametrize("token", ["garbage", "a" * 300, "eyJ1IjoxfQ:1abc:def", "%00"])
def test_unsubscribe_bad_tokens_are_400(client, token):
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_dashboard_shows_latest_unread(user_client, user):
    NotificationFactory(user=user, title="Une nouvelle pour moi")
    content = user_client.get(reverse("accounts:dashboard")).content.decode()
    assert "Mes notifications" in content and "Une nouvelle pour moi" in content
