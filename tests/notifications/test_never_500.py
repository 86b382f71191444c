"""Never a 500 on the notification pages, whatever the address or the form holds."""

from __future__ import annotations

import pytest

from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

GARBAGE = ["", "abc", "-1", "99999999999999999999999", "a\x00b", "<script>", "x" * 20_000, "2026-02-30"]


@pytest.mark.parametrize("logged_in", [False, True])
def test_notification_pages_never_answer_500(client, logged_in):
    notification = NotificationFactory()
    if logged_in:
        client.force_login(notification.user)
    paths = [
        "/moi/notifications/",
        f"/moi/notifications/{notification.pk}/lue/",
        "/moi/notifications/999999999/lue/",
        f"/moi/notifications/{10**30}/lue/",
        "/moi/notifications/tout-lu/",
        "/moi/notifications/preferences/",
        "/notifications/desabonnement/abc/",
        "/notifications/desabonnement/" + "x" * 3000 + "/",
        "/notifications/desabonnement/eyJ1IjoxfQ:1abc:def/",
    ]
    keys = ["page", "email_frequency", "next"]
    for path in paths:
        for value in GARBAGE:
            assert client.get(path, dict.fromkeys(keys, value)).status_code < 500, (path, value[:20])
            assert client.post(path, dict.fromkeys(keys, value)).status_code < 500, (path, value[:20])
        assert client.get(path + "?page=%ff%fe").status_code < 500
        assert client.post(path, {k: ["1", "2"] for k in keys}).status_code < 500
        response = client.post(path, b"email_frequency=%ff", content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500


def test_marking_someone_elses_notification_read_changes_nothing(client):
    mine, theirs = NotificationFactory(), NotificationFactory()
    client.force_login(mine.user)
    client.post(f"/moi/notifications/{theirs.pk}/lue/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert theirs.title not in client.get("/moi/notifications/").content.decode()
