import factory

from auzolan.notifications.models import Notification, NotificationPreference
from tests.accounts.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "test.something.happened"
    title = factory.Sequence(lambda n: f"Il s'est passé quelque chose {n}")
    body = "Le détail de ce qui s'est passé."
    url = "/participer/"


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    email_frequency = "daily"
