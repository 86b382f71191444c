"""The facts the observatory shows, and the SCDL coverage matrix: right, and in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from auzolan.opendata_programme import exports, selectors, services
from auzolan.opendata_programme.models import RoadmapStep
from tests.catalog.factories import DatasetFactory
from tests.opendata_programme.factories import (
    PilotGroupFactory,
    PilotGroupMemberFactory,
    StepCheckFactory,
    scdl_schema,
    validated_dataset,
)
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_observatory_facts(operator):
    group = PilotGroupFactory(name="Groupe pilote 2026")
    in_group = PilotGroupMemberFactory(group=group, organisation=OrganisationFactory(population=800)).organisation
    StepCheckFactory(organisation=in_group, step=RoadmapStep.objects.get(code="commitment"))
    DatasetFactory(organisation=in_group)
    bound = OrganisationFactory(population=12000, agents_count=120)
    released = OrganisationFactory(population=12000, agents_count=120)
    services.obligation_override(actor=operator, organisation=released, bound=False, reason="Hors périmètre")
    OrganisationFactory(population=100, agents_count=2)

    facts = selectors.observatory_facts()
    assert set(facts) == {in_group.pk, bound.pk}
    assert facts[in_group.pk] == {
        "stage": 2,
        "stage_total": 8,
        "stage_label": "Premier jeu publié",
        "pilot_group": "Groupe pilote 2026",
        "bound": False,
    }
    assert facts[bound.pk] == {
        "stage": 0,
        "stage_total": 8,
        "stage_label": "Pas commencé",
        "pilot_group": None,
        "bound": True,
    }


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _world(n: int):
    group = PilotGroupFactory()
    schema = scdl_schema()
    for index in range(n):
        organisation = OrganisationFactory(population=5000, agents_count=60)
        PilotGroupMemberFactory(group=group, organisation=organisation)
        validated_dataset(organisation, schema, valid=bool(index % 2))
        StepCheckFactory(organisation=organisation, step=RoadmapStep.objects.get(code="commitment"))


def test_facts_and_matrix_do_not_grow_with_the_organisations():
    _world(2)
    small = (
        _queries(selectors.observatory_facts),
        _queries(selectors.coverage_matrix),
        _queries(selectors.followed_organisations),
    )
    _world(5)
    large = (
        _queries(selectors.observatory_facts),
        _queries(selectors.coverage_matrix),
        _queries(selectors.followed_organisations),
    )
    assert small == large


def test_coverage_cells():
    schema = scdl_schema()
    other = scdl_schema("scdl/budget", "Budget")
    valid_org = OrganisationFactory(population=5000, agents_count=60, name="A")
    validated_dataset(valid_org, schema, valid=True, frequency="ANNUAL", last_modified=timezone.now())
    invalid_org = OrganisationFactory(population=5000, agents_count=60, name="B")
    validated_dataset(invalid_org, schema, valid=False)
    stale_org = OrganisationFactory(population=5000, agents_count=60, name="C")
    validated_dataset(
        stale_org, schema, valid=True, frequency="MONTHLY", last_modified=timezone.now() - datetime.timedelta(days=90)
    )
    unvalidated_org = OrganisationFactory(population=5000, agents_count=60, name="D")
    validated_dataset(unvalidated_org, schema, valid=None)

    schemas, rows = selectors.coverage_matrix()
    assert [s.name for s in schemas] == ["scdl/budget", "scdl/subventions"]
    states = {row.organisation.name: [state for _s, state, _d in row.cells] for row in rows}
    assert states == {
        "A": ["missing", "valid"],
        "B": ["missing", "invalid"],
        "C": ["missing", "outdated"],
        "D": ["missing", "not_validated"],
    }
    assert other in schemas
    text = exports.coverage_csv(schemas, rows, url_of=lambda path: "https://auzolan.test" + path)
    lines = text.splitlines()
    assert lines[0].startswith("organisation,soumise_obligation,scdl/budget,scdl/subventions")
    assert lines[1].startswith("A,oui,absent,publié et valide,,https://auzolan.test/")


def test_coverage_filtered_by_group():
    group = PilotGroupFactory()
    member = PilotGroupMemberFactory(group=group).organisation
    OrganisationFactory(population=5000, agents_count=60)
    _schemas, rows = selectors.coverage_matrix(group=group)
    assert [row.organisation for row in rows] == [member]
