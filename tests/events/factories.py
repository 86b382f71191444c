import datetime as dt

import factory
from django.utils import timezone

from auzolan.events.models import Event, Question, Quota, Registration, Session, Venue, WaitingListEntry
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

#: A fixed "now" for tests that freeze time (a Monday, after the machine clock: sessions are in the future).
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Médiathèque {n}")
    address = "1 place de la Mairie"
    commune = factory.SubFactory(CommuneFactory)
    accessibility = "Entrée de plain-pied, boucle magnétique à l'accueil."
    step_free = "yes"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Rencontres {n}")
    slug = factory.Sequence(lambda n: f"rencontres-{n}")
    description = "Des **ateliers** pour tous."
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=2))
    state = "published"


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    event = factory.SubFactory(EventFactory)
    name = "Matinée des collégiens"
    capacity = 3


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    format = "workshop"
    venue = factory.LazyAttribute(lambda o: VenueFactory(organisation=o.event.organisation))
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + dt.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    speakers = "Maite Etcheverry"
    capacity = 2


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = "Régime alimentaire"
    kind = "text"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    event = factory.LazyAttribute(lambda o: o.session.event)
    user = factory.SubFactory(UserFactory)
    state = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingListEntry

    session = factory.SubFactory(SessionFactory)
    event = factory.LazyAttribute(lambda o: o.session.event)
    user = factory.SubFactory(UserFactory)


def staff(organisation, role="editor"):
    return MembershipFactory(organisation=organisation, role=role).user
