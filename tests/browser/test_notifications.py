"""The notification pages checked with axe-core in a real browser: list, preferences, unsubscribe."""

import pytest

from auzolan.notifications.links import unsubscribe_token
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_notification_list(page, live_server, login):
    user = login(UserFactory())
    NotificationFactory.create_batch(2, user=user, title="La phase « Vote » commence")
    NotificationFactory(user=user, title="Votre proposition a une réponse", read_at="2026-01-01T10:00:00Z")
    visit(page, live_server, "/moi/notifications/")
    assert page.locator("h1").count() == 1
    assert "2 notifications non lues" in page.content()
    assert_no_blocking_violations(page)
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.wait_for_load_state()
    assert "Toutes vos notifications sont marquées comme lues." in page.content()
    assert_no_blocking_violations(page)


def test_empty_notification_list(page, live_server, login):
    login(UserFactory())
    visit(page, live_server, "/moi/notifications/")
    assert_no_blocking_violations(page)


def test_preferences(page, live_server, login):
    login(UserFactory())
    visit(page, live_server, "/moi/notifications/preferences/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
    page.get_by_label("Tout de suite, un courriel par notification").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Vos préférences de notification sont enregistrées." in page.content()
    assert_no_blocking_violations(page)


def test_unsubscribe_pages(page, live_server):
    user = UserFactory()
    visit(page, live_server, f"/notifications/desabonnement/{unsubscribe_token(user)}/")
    assert_no_blocking_violations(page)
    page.get_by_role("button", name="Ne plus recevoir de courriels").click()
    page.wait_for_load_state()
    assert "vous ne recevrez plus de courriels" in page.content()
    assert_no_blocking_violations(page)
    visit(page, live_server, "/notifications/desabonnement/faux-jeton/", expected_status=400)
    assert_no_blocking_violations(page)
