import datetime

import factory

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.datastore.models import ValidationReport
from auzolan.opendata_programme.models import (
    InventoryLine,
    Meeting,
    PilotGroup,
    PilotGroupMember,
    StepCheck,
    SupportAction,
)
from tests.catalog.factories import DatasetFactory, TableSchemaFactory
from tests.organisations.factories import OrganisationFactory


class PilotGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotGroup

    name = factory.Sequence(lambda n: f"Groupe pilote {n}")
    start_date = datetime.date(2026, 1, 15)
    goals = "Chaque commune publie un premier jeu SCDL dans l'année."


class PilotGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotGroupMember

    group = factory.SubFactory(PilotGroupFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class InventoryLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InventoryLine

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Jeu envisagé {n}")
    description = "Les données que le service tient à jour chaque mois."
    owner_service = "Service urbanisme"
    theme = "Urbanisme"
    keywords = "urbanisme, permis"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    organisation = factory.SubFactory(OrganisationFactory)
    date = datetime.date(2026, 3, 2)
    participants = "Maire adjointe, DGS, chargée de mission de l'agence"
    decisions = "Publier les subventions avant l'été."


class SupportActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportAction

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_name = "Secrétaire de mairie"
    due_date = datetime.date(2026, 4, 1)


class StepCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepCheck

    done_on = datetime.date(2026, 2, 1)
    evidence_url = "https://exemple.fr/deliberation.pdf"


def scdl_schema(name: str = "scdl/subventions", title: str = "Subventions"):
    return TableSchemaFactory(name=name, title=title, is_scdl=True)


def validated_dataset(organisation, schema, *, valid: bool | None = True, **fields):
    """A published dataset declaring `schema` with one CSV version and (unless valid is None) its latest report."""
    dataset = DatasetFactory(organisation=organisation, schema=schema, **fields)
    resource = Resource.objects.create(dataset=dataset, title="Fichier", kind=Resource.Kind.FILE, format="csv")
    version = ResourceVersion.objects.create(
        resource=resource, number=1, file="x/data.csv", original_name="data.csv", size=10, sha256="0" * 64
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    if valid is not None:
        report_for(version, schema, valid=valid)
    return dataset, version


def report_for(version, schema, *, valid: bool):
    return ValidationReport.objects.create(
        version=version,
        schema=schema,
        schema_name=schema.name,
        state=ValidationReport.State.DONE,
        valid=valid,
        error_count=0 if valid else 3,
        finished_at=datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC),
    )
