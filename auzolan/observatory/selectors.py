"""Reads of the observatory: the current indicators, computed from the platform's own facts, and the monthly history.

Every figure comes from the catalogue, the datastore and the organisations (through their selectors and models, read
only) and, for the roadmap stages and the legal obligation, from the programme provider (`observatory.registry`).
The number of queries does not grow with the number of datasets or organisations (`tests/test_query_counts.py`).

Definitions (also in docs/observatory.md):
- organisations publishing: organisations with at least one published dataset;
- published datasets: datasets in the "published" state;
- SCDL conformity: among the published datasets that declare an SCDL schema, those whose every current tabular file
  has a latest validation report against that schema, finished and valid (the quality score's "schema" criterion);
- bound organisations publishing: among the organisations the programme says are bound by the open data
  obligation, those with at least one published dataset;
- re-uses: re-uses with at least one published link to a published dataset;
- organisations per roadmap stage: the programme's stage of each organisation it follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from auzolan.catalog.models import Dataset, Resource, ReuseLink
from auzolan.datastore import selectors as datastore_selectors
from auzolan.datastore.conformance import is_validatable
from auzolan.datastore.models import ValidationReport
from auzolan.observatory.models import ObservatoryDataset, ObservatorySnapshot
from auzolan.observatory.registry import programme_facts
from auzolan.organisations import selectors as organisation_selectors
from auzolan.organisations.models import Organisation, OrganisationKind, Territory


@dataclass
class OrganisationRow:
    organisation: object
    published: int
    scdl_valid: int
    reuses: int
    facts: dict | None


@dataclass
class CommuneRow:
    commune: object
    organisation: object | None
    facts: dict | None

    @property
    def stage(self) -> int | None:
        return self.facts["stage"] if self.facts else None


@dataclass
class Indicators:
    territory: Territory | None
    organisations_publishing: int
    datasets_published: int
    scdl_declared: int
    scdl_valid: int
    reuses: int
    #: None when no programme provider is registered (the stage figures are then absent).
    bound_total: int | None
    bound_publishing: int | None
    stages: list[dict] | None
    stage_total: int
    organisations: list[OrganisationRow] = field(default_factory=list)
    communes: list[CommuneRow] = field(default_factory=list)

    @property
    def has_programme(self) -> bool:
        return self.stages is not None

    @property
    def scdl_share(self) -> float | None:
        return self.scdl_valid / self.scdl_declared if self.scdl_declared else None

    @property
    def bound_share(self) -> float | None:
        return self.bound_publishing / self.bound_total if self.bound_total else None


def scdl_conformity_by_organisation() -> dict[int, tuple[int, bool]]:
    """Published dataset pk -> (its organisation pk, conformant: see the module's docstring), for every published
    dataset that declares an SCDL schema (three queries: the datasets, their current versions, the latest
    reports)."""
    datasets = {
        pk: (schema_id, organisation_id)
        for pk, schema_id, organisation_id in Dataset.objects.published()
        .filter(schema__is_scdl=True)
        .values_list("pk", "schema_id", "organisation_id")
        .order_by("pk")
    }
    if not datasets:
        return {}
    resources = (
        Resource.objects.filter(dataset_id__in=list(datasets), current_version__isnull=False)
        .select_related("current_version")
        .only("pk", "dataset_id", "current_version__id", "current_version__original_name", "current_version__file")
    )
    versions: dict[int, list] = {pk: [] for pk in datasets}
    for resource in resources:
        if is_validatable(resource.current_version):
            versions[resource.dataset_id].append(resource.current_version.pk)
    reports = datastore_selectors.latest_reports(pk for ids in versions.values() for pk in ids)
    result = {}
    for pk, (schema_id, organisation_id) in datasets.items():
        ids = versions[pk]
        result[pk] = (
            organisation_id,
            bool(ids)
            and all(
                (report := reports.get(version)) is not None
                and report.schema_id == schema_id
                and report.state == ValidationReport.State.DONE
                and report.valid
                for version in ids
            ),
        )
    return result


def scdl_conformity() -> dict[int, bool]:
    """Published dataset pk -> conformant, for every published dataset that declares an SCDL schema."""
    return {pk: ok for pk, (_organisation, ok) in scdl_conformity_by_organisation().items()}


def _published_counts() -> dict[int, int]:
    rows = Dataset.objects.published().values("organisation_id").annotate(n=Count("pk")).order_by()
    return {row["organisation_id"]: row["n"] for row in rows}


def _reuse_counts() -> tuple[int, dict[int, int]]:
    """(re-uses with a published link to a published dataset, the same per organisation of the datasets)."""
    links = ReuseLink.objects.filter(state=ReuseLink.State.PUBLISHED, dataset__state=Dataset.State.PUBLISHED)
    per_organisation = {
        row["dataset__organisation_id"]: row["n"]
        for row in links.values("dataset__organisation_id").annotate(n=Count("reuse_id", distinct=True)).order_by()
    }
    return links.values("reuse_id").distinct().count(), per_organisation


def _stages(facts: dict[int, dict]) -> tuple[list[dict], int]:
    """[{"stage", "label", "count"}] from 0 to the highest stage total, and that total."""
    total = max((item["stage_total"] for item in facts.values()), default=0)
    total = max([total, *(item["stage"] for item in facts.values())])
    labels: dict[int, str] = {}
    counts = dict.fromkeys(range(total + 1), 0)
    for item in facts.values():
        counts[item["stage"]] = counts.get(item["stage"], 0) + 1
        if item["stage_label"]:
            labels.setdefault(item["stage"], item["stage_label"])
    return [{"stage": s, "label": labels.get(s, ""), "count": counts[s]} for s in sorted(counts)], total


def indicators() -> Indicators:
    """The current figures of the territory (a bounded number of queries, whatever the size of the catalogue)."""
    territory = organisation_selectors.territory_current()
    published = _published_counts()
    conformity = scdl_conformity_by_organisation()
    valid_per_organisation: dict[int, int] = {}
    for organisation_id, ok in conformity.values():
        if ok:
            valid_per_organisation[organisation_id] = valid_per_organisation.get(organisation_id, 0) + 1
    reuses, reuses_per_organisation = _reuse_counts()
    facts = programme_facts()
    bound_total = bound_publishing = None
    stages, stage_total = None, 0
    if facts is not None:
        bound = [pk for pk, item in facts.items() if item["bound"]]
        bound_total = len(bound)
        bound_publishing = sum(1 for pk in bound if published.get(pk))
        stages, stage_total = _stages(facts)
    result = Indicators(
        territory=territory,
        organisations_publishing=sum(1 for n in published.values() if n),
        datasets_published=sum(published.values()),
        scdl_declared=len(conformity),
        scdl_valid=sum(1 for _organisation, ok in conformity.values() if ok),
        reuses=reuses,
        bound_total=bound_total,
        bound_publishing=bound_publishing,
        stages=stages,
        stage_total=stage_total,
    )
    if territory is None:
        return result
    organisations = (
        Organisation.objects.public().filter(territory=territory).only("pk", "name", "slug", "kind", "siren")
    )
    result.organisations = [
        OrganisationRow(
            organisation=organisation,
            published=published.get(organisation.pk, 0),
            scdl_valid=valid_per_organisation.get(organisation.pk, 0),
            reuses=reuses_per_organisation.get(organisation.pk, 0),
            facts=facts.get(organisation.pk) if facts is not None else None,
        )
        for organisation in organisations.order_by("name", "pk")
    ]
    for commune in organisation_selectors.territory_communes(territory=territory):
        organisation = next((o for o in commune.member_organisations if o.kind == OrganisationKind.COMMUNE), None)
        item = facts.get(organisation.pk) if (facts is not None and organisation is not None) else None
        result.communes.append(CommuneRow(commune=commune, organisation=organisation, facts=item))
    return result


def snapshot_history() -> QuerySet[ObservatorySnapshot]:
    return ObservatorySnapshot.objects.order_by("month")


def observatory_dataset():
    """The published dataset of the observatory, or None."""
    link = ObservatoryDataset.objects.select_related("dataset").first()
    if link is None or link.dataset is None or link.dataset.state != Dataset.State.PUBLISHED:
        return None
    return link.dataset
