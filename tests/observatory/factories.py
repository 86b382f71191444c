import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.datastore.models import ValidationReport
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


def version(dataset, name="data.csv", *, report: bool | None = None, schema=None):
    """A file resource of `dataset` with a current version named `name`; `report` True/False adds a finished
    validation report (valid or not) against `schema` (the dataset's by default)."""
    resource = Resource.objects.create(dataset=dataset, title=name, kind=Resource.Kind.FILE, format="csv")
    item = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        file=ContentFile(b"id\n1\n", name=name),
        original_name=name,
        size=5,
        sha256="0" * 64,
    )
    resource.current_version = item
    resource.save(update_fields=["current_version"])
    if report is not None:
        ValidationReport.objects.create(
            version=item,
            schema=schema or dataset.schema,
            state=ValidationReport.State.DONE,
            valid=report,
        )
    return item
