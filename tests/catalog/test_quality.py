import datetime

import pytest
from freezegun import freeze_time

from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.quality import quality_report, refresh_quality
from auzolan.catalog.signals import dataset_changed
from tests.catalog.factories import DatasetFactory, ResourceFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory

pytestmark = pytest.mark.django_db

LONG = "Une description assez longue pour dépasser les cent caractères que demande data.gouv.fr, avec du contexte."


def criteria(dataset):
    return {c["key"]: c for c in quality_report(dataset)["criteria"]}


def test_empty_dataset_scores_only_the_licence():
    dataset = DatasetFactory(description="", frequency="UNKNOWN", last_modified=None)
    report = quality_report(dataset)
    ok = {c["key"] for c in report["criteria"] if c["ok"]}
    assert ok == {"license"}
    assert report["score"] == round(1 / 9, 4)
    assert len(report["criteria"]) == 9
    assert all(c["advice"] for c in report["criteria"] if not c["ok"])
    assert all(c["label"] for c in report["criteria"])


def test_other_licence_needs_its_url():
    assert not criteria(DatasetFactory(licence="other", licence_url=""))["license"]["ok"]
    assert criteria(DatasetFactory(licence="other", licence_url="https://exemple.fr/licence"))["license"]["ok"]


def test_temporal_and_spatial_coverage():
    dataset = DatasetFactory(temporal_start=datetime.date(2025, 1, 1))
    assert criteria(dataset)["temporal_coverage"]["ok"]
    assert not criteria(dataset)["spatial"]["ok"]
    dataset.communes.add(CommuneFactory())
    assert criteria(dataset)["spatial"]["ok"]
    assert criteria(DatasetFactory(whole_territory=True))["spatial"]["ok"]


def test_update_frequency_unknown_is_not_set():
    assert not criteria(DatasetFactory(frequency="UNKNOWN"))["update_frequency"]["ok"]
    assert criteria(DatasetFactory(frequency="ANNUAL"))["update_frequency"]["ok"]


def test_update_fulfilled_in_time_depends_on_the_date():
    with freeze_time("2025-01-01 12:00:00"):
        dataset = DatasetFactory(frequency="MONTHLY", last_modified=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with freeze_time("2025-01-31 12:00:00"):  # the next update is due on 1 February (31 days)
        assert criteria(dataset)["update_fulfilled_in_time"]["ok"]
    with freeze_time("2025-02-01 23:00:00"):  # one day of grace
        assert criteria(dataset)["update_fulfilled_in_time"]["ok"]
    with freeze_time("2025-02-02 01:00:00"):
        item = criteria(dataset)["update_fulfilled_in_time"]
        assert not item["ok"] and "retard" in item["advice"]


def test_update_fulfilled_in_time_without_deadline_or_frequency():
    old = datetime.datetime(2010, 1, 1, tzinfo=datetime.UTC)
    assert criteria(DatasetFactory(frequency="IRREG", last_modified=old))["update_fulfilled_in_time"]["ok"]
    assert criteria(DatasetFactory(frequency="CONT", last_modified=old))["update_fulfilled_in_time"]["ok"]
    assert not criteria(DatasetFactory(frequency="UNKNOWN"))["update_fulfilled_in_time"]["ok"]


def test_description_longer_than_100_characters():
    assert not criteria(DatasetFactory(description="x" * 100))["dataset_description_quality"]["ok"]
    assert criteria(DatasetFactory(description="x" * 101))["dataset_description_quality"]["ok"]


def test_resource_criteria_need_resources():
    dataset = DatasetFactory()
    found = criteria(dataset)
    for key in ("has_open_format", "all_resources_available", "resources_documentation"):
        assert not found[key]["ok"]
        assert "ressource" in found[key]["advice"]


def test_open_format():
    dataset = DatasetFactory()
    ResourceFactory(dataset=dataset, format="pdf")
    ResourceFactory(dataset=dataset, format="XLSX")
    assert not criteria(dataset)["has_open_format"]["ok"]
    ResourceFactory(dataset=dataset, format="csv")
    assert criteria(dataset)["has_open_format"]["ok"]


def test_remote_resources_count_as_available():
    dataset = DatasetFactory()
    ResourceFactory(dataset=dataset, kind=Resource.Kind.REMOTE)
    assert criteria(dataset)["all_resources_available"]["ok"]


def test_documentation_resource_or_described_resource():
    dataset = DatasetFactory()
    ResourceFactory(dataset=dataset, description="")
    assert not criteria(dataset)["resources_documentation"]["ok"]
    ResourceFactory(dataset=dataset, kind=Resource.Kind.DOCUMENTATION, format="html")
    assert criteria(dataset)["resources_documentation"]["ok"]
    other = DatasetFactory()
    ResourceFactory(dataset=other, description="Une ligne par subvention attribuée.")
    assert criteria(other)["resources_documentation"]["ok"]


def test_schema_adds_a_tenth_point():
    dataset = DatasetFactory(schema=TableSchemaFactory())
    ResourceFactory(dataset=dataset, format="pdf")
    report = quality_report(dataset)
    item = {c["key"]: c for c in report["criteria"]}["schema"]
    assert len(report["criteria"]) == 10
    # With the datastore installed, conformance comes from the validation reports (tests/datastore/test_conformance).
    assert not item["ok"] and "validé automatiquement" in item["advice"]
    assert report["score"] == round(sum(c["ok"] for c in report["criteria"]) / 10, 4)


def test_perfect_dataset_scores_one():
    dataset = DatasetFactory(
        description=LONG,
        frequency="ANNUAL",
        temporal_start=datetime.date(2025, 1, 1),
        whole_territory=True,
    )
    ResourceFactory(dataset=dataset, format="csv", description="Le fichier des données.")
    assert quality_report(dataset)["score"] == 1.0


def test_refresh_quality_stores_the_score_without_touching_the_revision():
    dataset = DatasetFactory(description=LONG)
    revision, updated_at = dataset.revision, dataset.updated_at
    report = refresh_quality(dataset)
    stored = Dataset.objects.get(pk=dataset.pk)
    assert stored.quality_score == report["score"] == round(2 / 9, 4)
    assert stored.quality["criteria"][0]["key"] == "license"
    assert (stored.revision, stored.updated_at) == (revision, updated_at)


def test_dataset_changed_refreshes_the_score():
    dataset = DatasetFactory(description=LONG)
    dataset_changed.send(sender=Dataset, dataset=dataset)
    assert Dataset.objects.get(pk=dataset.pk).quality_score == round(2 / 9, 4)
