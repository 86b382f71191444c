import datetime

import factory

from auzolan.catalog.models import Dataset, Keyword, Resource, Reuse, ReuseLink, TableSchema
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory


class TableSchemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableSchema
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"test/schema-{n}")
    title = factory.Sequence(lambda n: f"Schéma {n}")
    version = "1.0.0"
    descriptor = factory.LazyFunction(lambda: {"fields": [{"name": "id", "type": "integer"}]})


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"mot {n}")
    slug = factory.Sequence(lambda n: f"mot-{n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Jeu de données {n}")
    slug = factory.Sequence(lambda n: f"jeu-de-donnees-{n}")
    description = "Un jeu de données de test, décrit avec assez de mots pour être compris par un réutilisateur."
    state = Dataset.State.PUBLISHED
    published_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
    last_modified = factory.SelfAttribute("published_at")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    title = factory.Sequence(lambda n: f"Ressource {n}")
    kind = Resource.Kind.REMOTE
    url = factory.Sequence(lambda n: f"https://exemple.fr/fichier-{n}.csv")
    format = "csv"


class ReuseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reuse

    title = factory.Sequence(lambda n: f"Réutilisation {n}")
    description = "Une carte interactive des équipements."
    kind = Reuse.Kind.VISUALISATION
    url = factory.Sequence(lambda n: f"https://exemple.fr/reutilisation-{n}")
    submitted_by = factory.SubFactory(UserFactory)


class ReuseLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReuseLink

    reuse = factory.SubFactory(ReuseFactory)
    dataset = factory.SubFactory(DatasetFactory)
