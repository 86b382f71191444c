import factory

from auzolan.harvest.models import HarvestSource
from tests.organisations.factories import OrganisationFactory


class HarvestSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HarvestSource

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Portail {n}")
    kind = HarvestSource.Kind.CKAN
    url = "https://data.exemple.fr"
    created_by = None
