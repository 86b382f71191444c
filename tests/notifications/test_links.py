"""The addresses e-mails carry (notifications.links): absolute links and the unsubscribe token."""

import pytest
from django.test import override_settings

from auzolan.core.errors import ValidationError
from auzolan.notifications import links
from tests.accounts.factories import UserFactory


@override_settings(SITE_URL="https://participer.exemple.fr")
def test_absolute_url_puts_paths_on_the_platform_and_keeps_the_rest():
    assert links.absolute_url("/notifications/") == "https://participer.exemple.fr/notifications/"
    assert links.absolute_url("https://ailleurs.exemple/page") == "https://ailleurs.exemple/page"
    assert links.absolute_url("") == ""


@pytest.mark.django_db
def test_unsubscribe_token_reads_back_its_person_only_while_active():
    alice = UserFactory()
    token = links.unsubscribe_token(alice)
    assert links.user_from_unsubscribe_token(token) == alice
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        links.user_from_unsubscribe_token(token)
    assert refused.value.code == "bad-token"
