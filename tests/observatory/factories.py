import datetime

import factory
from django.utils import timezone

from auzolan.observatory.models import ObservatorySnapshot


class ObservatorySnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservatorySnapshot
        django_get_or_create = ("month",)

    month = factory.Sequence(lambda n: datetime.date(2024 + n // 12, n % 12 + 1, 1))
    organisations_publishing = 3
    datasets_published = 12
    scdl_declared = 4
    scdl_valid = 3
    reuses = 2
    taken_at = factory.LazyFunction(timezone.now)
