"""notify() and its e-mail routing (immediate task, daily digest, none), digests, unsubscribe tokens, pruning, RGPD."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.core.errors import NotFound, ValidationError
from auzolan.notifications import emails, links, services
from auzolan.notifications.models import Notification, NotificationEvent, NotificationPreference
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory, PreferenceFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def _notify(users, **kwargs):
    defaults = {"kind": "test.thing.done", "title": "Une nouvelle", "body": "Le texte.", "url": "/participer/x/"}
    return services.notify(users=users, **{**defaults, **kwargs})


def test_notify_creates_one_row_per_active_person_once():
    alice, bob = UserFactory(), UserFactory()
    inactive = UserFactory(is_active=False)
    rows = _notify([alice, bob, alice, None, inactive])
    assert {n.user_id for n in rows} == {alice.pk, bob.pk}
    assert Notification.objects.count() == 2


def test_notify_once_key_notifies_once():
    alice = UserFactory()
    assert len(_notify([alice], once_key="participation.phase.started:1")) == 1
    assert _notify([alice], once_key="participation.phase.started:1") == []
    assert Notification.objects.count() == 1
    assert NotificationEvent.objects.filter(key="participation.phase.started:1").count() == 1


def test_notify_rolls_back_with_the_callers_transaction():
    alice = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([alice], once_key="k")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not NotificationEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_immediate_preference_sends_by_the_background_task():
    alice = UserFactory()
    PreferenceFactory(user=alice, email_frequency="immediate")
    daily, none = UserFactory(), UserFactory()
    PreferenceFactory(user=none, email_frequency="none")
    _notify([alice, daily, none], title="Votre proposition a une réponse")
    assert mail.outbox == []  # nothing before the worker runs
    run_queued_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "Votre proposition a une réponse" in message.subject
    assert "Votre proposition a une réponse" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Votre proposition a une réponse" in html
    assert "<img" not in html  # no tracking pixel
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/desabonnement/" in message.body
    assert Notification.objects.get(user=alice).emailed_at is not None
    assert Notification.objects.get(user=daily).emailed_at is None
    # The task running again sends nothing more.
    _ids = list(Notification.objects.values_list("pk", flat=True))
    assert services.notifications_send_immediate(notification_ids=_ids) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_immediate_preference_changed_to_none_before_the_task_runs_sends_nothing():
    alice = UserFactory()
    PreferenceFactory(user=alice, email_frequency="immediate")
    _notify([alice])
    NotificationPreference.objects.filter(user=alice).update(email_frequency="none")
    run_queued_tasks()
    assert mail.outbox == []


def test_daily_digest_groups_per_person_and_is_idempotent():
    alice, bob = UserFactory(), UserFactory()  # no preference row: the default is the daily digest
    PreferenceFactory(user=bob, email_frequency="daily")
    immediate, none = UserFactory(), UserFactory()
    PreferenceFactory(user=immediate, email_frequency="immediate")
    PreferenceFactory(user=none, email_frequency="none")
    _notify([alice, bob, immediate, none], title="Première nouvelle")
    _notify([alice], title="Deuxième nouvelle")
    mail.outbox.clear()
    result = services.digests_send()
    assert result == {"people": 2, "notifications": 3}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    alice_mail = next(m for m in mail.outbox if m.to == [alice.email])
    assert "Première nouvelle" in alice_mail.body and "Deuxième nouvelle" in alice_mail.body
    assert "2 notifications" in alice_mail.subject
    assert "List-Unsubscribe" in alice_mail.extra_headers
    # A second run (or the command re-run) sends nothing.
    assert services.digests_send() == {"people": 0, "notifications": 0}
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2
    # "none" never gets an e-mail.
    assert not any(m.to == [none.email] for m in mail.outbox)


def test_digest_skips_backlog_older_than_a_week():
    alice = UserFactory()
    with freeze_time(timezone.now() - timedelta(days=10)):
        _notify([alice], title="Vieille nouvelle")
    assert services.digests_send() == {"people": 0, "notifications": 0}


def test_digest_failure_releases_the_claim(monkeypatch):
    alice = UserFactory()
    _notify([alice])

    def boom(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(emails, "send_digest", boom)
    with pytest.raises(OSError):
        services.digests_send()
    assert Notification.objects.get().emailed_at is None  # retried on the next run
    monkeypatch.undo()
    assert services.digests_send()["people"] == 1


def test_unsubscribe_token_valid_sets_none():
    alice = UserFactory()
    token = links.unsubscribe_token(alice)
    services.unsubscribe(token=token)
    assert NotificationPreference.objects.get(user=alice).email_frequency == "none"
    services.unsubscribe(token=token)  # again: still fine
    assert NotificationPreference.objects.get(user=alice).email_frequency == "none"


def test_unsubscribe_token_tampered_is_refused():
    alice, bob = UserFactory(), UserFactory()
    token = links.unsubscribe_token(alice)
    with pytest.raises(ValidationError):
        services.unsubscribe(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    forged = signing.dumps({"u": bob.pk}, salt="another-salt", compress=True)
    with pytest.raises(ValidationError):
        services.unsubscribe(token=forged)
    with pytest.raises(ValidationError):
        services.unsubscribe(token="not-a-token")
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_token_expired_is_refused():
    alice = UserFactory()
    with freeze_time(timezone.now() - timedelta(seconds=links.UNSUBSCRIBE_MAX_AGE + 60)):
        token = links.unsubscribe_token(alice)
    with pytest.raises(ValidationError) as error:
        services.unsubscribe(token=token)
    assert error.value.code == "expired"


def test_preference_update_validates():
    alice, bob = UserFactory(), UserFactory()
    services.preference_update(actor=alice, user=alice, email_frequency="immediate")
    assert NotificationPreference.objects.get(user=alice).email_frequency == "immediate"
    with pytest.raises(ValidationError):
        services.preference_update(actor=alice, user=alice, email_frequency="hourly")
    with pytest.raises(ValidationError):
        services.preference_update(actor=bob, user=alice, email_frequency="none")


def test_mark_read_only_own():
    alice, bob = UserFactory(), UserFactory()
    notification = NotificationFactory(user=alice)
    with pytest.raises(NotFound):
        services.notification_mark_read(user=bob, notification_id=notification.pk)
    services.notification_mark_read(user=alice, notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_prune_deletes_only_old_read_notifications():
    alice = UserFactory()
    now = timezone.now()
    with freeze_time(now - timedelta(days=100)):
        old_read = NotificationFactory(user=alice, read_at=timezone.now())
        old_unread = NotificationFactory(user=alice)
    recent_read = NotificationFactory(user=alice, read_at=now)
    assert services.notifications_prune(now=now, days=90) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}
    assert not Notification.objects.filter(pk=old_read.pk).exists()


def test_command_prunes_and_rejects_bad_retention():
    with pytest.raises(CommandError):
        call_command("send_notification_digests", "--retention-days", "0")


def test_rgpd_export_and_deletion():
    alice = UserFactory()
    PreferenceFactory(user=alice, email_frequency="immediate")
    NotificationFactory(user=alice, title="Ma notification")
    other = NotificationFactory()
    data = user_export_data(user=alice)
    assert data["notifications"]["email_frequency"] == "immediate"
    assert [n["title"] for n in data["notifications"]["notifications"]] == ["Ma notification"]
    user_delete(actor=alice, user=alice)
    assert not Notification.objects.filter(user=alice).exists()
    assert not NotificationPreference.objects.filter(user=alice).exists()
    assert Notification.objects.filter(pk=other.pk).exists()
