"""The indicators against a known world (tests/observatory/conftest.py: KnownWorld)."""

from __future__ import annotations

import pytest

from auzolan.datastore.models import ValidationReport
from auzolan.observatory import selectors
from tests.catalog.factories import DatasetFactory, ReuseLinkFactory, TableSchemaFactory
from tests.observatory.factories import version

pytestmark = pytest.mark.django_db


def test_the_figures_of_a_known_world(world):
    figures = selectors.indicators()
    assert figures.organisations_publishing == 3  # Bayonne, Anglet, the EPCI (drafts and archives do not count)
    assert figures.datasets_published == 5
    assert figures.scdl_declared == 3  # the custom schema and the draft do not count
    assert figures.scdl_valid == 1
    assert figures.scdl_share == pytest.approx(1 / 3)
    assert figures.reuses == 2  # one re-use linked twice counts once; pending and draft-only links never
    assert figures.has_programme is False
    assert figures.bound_total is None and figures.bound_publishing is None and figures.stages is None


def test_without_any_data_the_figures_are_zero_and_nothing_breaks(db):
    figures = selectors.indicators()
    assert (figures.organisations_publishing, figures.datasets_published, figures.reuses) == (0, 0, 0)
    assert figures.scdl_share is None and figures.territory is None
    assert figures.communes == [] and figures.organisations == []


def test_per_organisation_rows_are_the_public_members_of_the_territory(world):
    rows = {row.organisation.pk: row for row in selectors.indicators().organisations}
    assert world.prospect.pk not in rows
    assert (rows[world.bayonne.pk].published, rows[world.bayonne.pk].scdl_valid) == (3, 1)
    assert rows[world.bayonne.pk].reuses == 1
    assert rows[world.epci.pk].reuses == 1
    assert rows[world.anglet.pk].reuses == 1
    assert rows[world.bayonne.pk].facts is None


def test_each_commune_gets_its_commune_organisation_never_the_epci_nor_a_prospect(world):
    communes = {row.commune.insee_code: row for row in selectors.indicators().communes}
    assert communes["64102"].organisation == world.bayonne
    assert communes["64024"].organisation == world.anglet
    assert communes["64122"].organisation is None
    assert all(row.stage is None for row in communes.values())


@pytest.mark.parametrize(
    ("reports", "conformant"),
    [
        ([True], True),
        ([False], False),
        ([None], False),  # not validated yet: pending is not conformant
        ([True, False], False),  # every tabular file must be valid
        ([True, True], True),
    ],
)
def test_scdl_conformity_needs_every_current_tabular_file_valid(db, reports, conformant):
    dataset = DatasetFactory(schema=TableSchemaFactory(name="scdl/deliberations", is_scdl=True))
    for index, report in enumerate(reports):
        version(dataset, f"f{index}.csv", report=report)
    assert selectors.scdl_conformity() == {dataset.pk: conformant}


def test_the_latest_report_decides_and_it_must_be_against_the_declared_schema(db):
    schema = TableSchemaFactory(name="scdl/marches", is_scdl=True)
    dataset = DatasetFactory(schema=schema)
    item = version(dataset, "m.csv", report=False)
    assert selectors.scdl_conformity()[dataset.pk] is False
    ValidationReport.objects.create(version=item, schema=schema, state=ValidationReport.State.DONE, valid=True)
    assert selectors.scdl_conformity()[dataset.pk] is True
    other = TableSchemaFactory(name="scdl/autre", is_scdl=True)
    ValidationReport.objects.create(version=item, schema=other, state=ValidationReport.State.DONE, valid=True)
    assert selectors.scdl_conformity()[dataset.pk] is False


def test_a_dataset_with_only_non_tabular_files_is_not_conformant(db):
    dataset = DatasetFactory(schema=TableSchemaFactory(name="scdl/budget", is_scdl=True))
    version(dataset, "budget.pdf")
    assert selectors.scdl_conformity() == {dataset.pk: False}


def test_the_programme_provider_gives_stages_and_the_obligation(world, programme):
    programme.update(
        {
            world.bayonne.pk: {"stage": 5, "stage_total": 8, "stage_label": "Premier jeu publié", "bound": True},
            world.anglet.pk: {"stage": 2, "stage_total": 8, "stage_label": "Référents nommés", "bound": True},
            world.prospect.pk: {"stage": 1, "stage_total": 8, "stage_label": "Engagement", "bound": True},
            world.epci.pk: {"stage": 5, "stage_total": 8, "stage_label": "Premier jeu publié", "bound": False},
        }
    )
    figures = selectors.indicators()
    assert figures.has_programme
    assert figures.bound_total == 3
    assert figures.bound_publishing == 2  # the prospect has no published dataset
    assert figures.stage_total == 8
    counts = {item["stage"]: item["count"] for item in figures.stages}
    assert counts == {0: 0, 1: 1, 2: 1, 3: 0, 4: 0, 5: 2, 6: 0, 7: 0, 8: 0}
    assert next(item for item in figures.stages if item["stage"] == 5)["label"] == "Premier jeu publié"
    communes = {row.commune.insee_code: row for row in figures.communes}
    assert communes["64102"].stage == 5
    assert communes["64024"].stage == 2
    assert communes["64122"].stage is None  # the prospect is not shown
    assert figures.bound_share == pytest.approx(2 / 3)


def test_a_bound_organisation_starts_publishing_and_the_figure_moves(world, programme):
    programme[world.anglet.pk] = {"stage": 1, "stage_total": 8, "stage_label": "", "bound": True}
    programme[world.prospect.pk] = {"stage": 0, "stage_total": 8, "stage_label": "", "bound": True}
    assert selectors.indicators().bound_publishing == 1
    DatasetFactory(organisation=world.prospect)
    assert selectors.indicators().bound_publishing == 2


def test_a_reuse_counts_once_its_link_is_published(world):
    link = ReuseLinkFactory(dataset=world.epci_dataset, state="pending")
    assert selectors.indicators().reuses == 2
    link.state = "published"
    link.save()
    assert selectors.indicators().reuses == 3
