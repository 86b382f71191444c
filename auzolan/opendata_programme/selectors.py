"""Reads of the open data programme: roadmaps (computed and checked steps), the legal obligation, the SCDL coverage
matrix, inventories, the support follow-up, and the facts the observatory shows. Every function that covers several
organisations runs a fixed number of queries, whatever their number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog.models import Dataset, TableSchema
from auzolan.opendata_programme import observers
from auzolan.opendata_programme.models import (
    ExpectedSchema,
    InventoryLine,
    Meeting,
    ObligationOverride,
    PilotGroup,
    PilotGroupMember,
    RoadmapStep,
    StepCheck,
    SupportAction,
)
from auzolan.organisations.models import Membership, Organisation

#: The default rule (CRPA L.312-1-1, loi pour une République numérique): more than 3,500 inhabitants and at least
#: 50 agents.
POPULATION_THRESHOLD = 3500
AGENTS_THRESHOLD = 50
NOT_STARTED = "Pas commencé"


# --- Legal obligation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    bound: bool
    #: "rule" (population and agents known), "unknown" (one of them missing: not bound, to fill in), "override"
    source: str
    reason: str = ""

    @property
    def to_fill_in(self) -> bool:
        return self.source == "unknown"


def rule_binds(population: int | None, agents_count: int | None) -> bool | None:
    """The default rule; None when a figure is unknown."""
    if population is None or agents_count is None:
        return None
    return population > POPULATION_THRESHOLD and agents_count >= AGENTS_THRESHOLD


def obligation_of(organisation: Organisation, override: ObligationOverride | None) -> Obligation:
    if override is not None:
        return Obligation(bound=override.bound, source="override", reason=override.reason)
    bound = rule_binds(organisation.population, organisation.agents_count)
    if bound is None:
        return Obligation(bound=False, source="unknown")
    return Obligation(bound=bound, source="rule")


def obligation(organisation: Organisation) -> Obligation:
    return obligation_of(organisation, ObligationOverride.objects.filter(organisation=organisation).first())


def override_of(organisation: Organisation) -> ObligationOverride | None:
    return ObligationOverride.objects.filter(organisation=organisation).select_related("set_by").first()


def _rule_q() -> Q:
    return Q(population__gt=POPULATION_THRESHOLD, agents_count__gte=AGENTS_THRESHOLD)


def programme_organisations() -> QuerySet[Organisation]:
    """Organisations the programme follows: bound by the rule, overridden, or in a pilot group."""
    return (
        Organisation.objects.filter(
            _rule_q() | Q(opendata_obligation__isnull=False) | Q(pilot_group_memberships__isnull=False)
        )
        .distinct()
        .select_related("opendata_obligation")
        .order_by("name")
    )


def _override(organisation: Organisation) -> ObligationOverride | None:
    try:
        return organisation.opendata_obligation
    except ObligationOverride.DoesNotExist:
        return None


# --- Roadmaps ------------------------------------------------------------------------------------------------


@dataclass
class StepState:
    step: RoadmapStep
    done: bool
    date: datetime.date | None
    computed: bool  # the platform computes this step (it may also have been checked by the agency)
    check: StepCheck | None


@dataclass
class Roadmap:
    organisation_id: int
    steps: list[StepState] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.steps if state.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def next_step(self) -> StepState | None:
        return next((state for state in self.steps if not state.done), None)

    @property
    def furthest(self) -> StepState | None:
        done = [state for state in self.steps if state.done]
        return done[-1] if done else None

    @property
    def stage_label(self) -> str:
        furthest = self.furthest
        return furthest.step.short_label if furthest else NOT_STARTED


def active_steps() -> list[RoadmapStep]:
    return list(RoadmapStep.objects.filter(active=True).order_by("position", "pk"))


def roadmaps(organisation_ids, *, steps: list[RoadmapStep] | None = None) -> dict[int, Roadmap]:
    """The roadmap of each organisation: one query for the steps, one for the checks, and each observer's own."""
    ids = sorted(set(organisation_ids))
    steps = active_steps() if steps is None else steps
    checks = {
        (check.organisation_id, check.step_id): check
        for check in StepCheck.objects.filter(organisation_id__in=ids, step__in=steps).select_related("checked_by")
    }
    facts = {step.pk: observers.observe(step, ids) for step in steps}
    result = {}
    for org in ids:
        roadmap = Roadmap(org)
        for step in steps:
            check = checks.get((org, step.pk))
            observed = facts[step.pk].get(org)
            dates = [day for day in (observed, check.done_on if check else None) if day]
            roadmap.steps.append(
                StepState(
                    step=step,
                    done=bool(dates),
                    date=min(dates) if dates else None,
                    computed=observers.is_computed(step),
                    check=check,
                )
            )
        result[org] = roadmap
    return result


def roadmap(organisation: Organisation) -> Roadmap:
    return roadmaps([organisation.pk])[organisation.pk]


def step_for_check(pk: int) -> RoadmapStep | None:
    return RoadmapStep.objects.filter(pk=pk, active=True).first()


def observer_choices() -> list[tuple[str, str]]:
    return [("", _("Aucun : validée par l'agence"))] + [(o.code, str(o.label)) for o in observers.OBSERVERS.values()]


# --- Pilot groups --------------------------------------------------------------------------------------------


def pilot_groups() -> QuerySet[PilotGroup]:
    return PilotGroup.objects.annotate(member_count=Count("members")).order_by("-start_date", "name")


def group_members(group: PilotGroup) -> list[PilotGroupMember]:
    return list(
        PilotGroupMember.objects.filter(group=group).select_related(
            "organisation", "elected_referent", "agent_referent"
        )
    )


def membership_in_groups(organisation: Organisation) -> list[PilotGroupMember]:
    return list(
        PilotGroupMember.objects.for_organisation(organisation).select_related(
            "group", "elected_referent", "agent_referent"
        )
    )


def groupable_organisations(group: PilotGroup) -> QuerySet[Organisation]:
    return Organisation.objects.public().exclude(pilot_group_memberships__group=group).order_by("name")


def referent_candidates(organisation: Organisation):
    """Active members of the organisation (the users a referent may be)."""
    return (
        Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )


# --- Inventory -----------------------------------------------------------------------------------------------


def inventory(organisation: Organisation) -> QuerySet[InventoryLine]:
    return InventoryLine.objects.for_organisation(organisation).select_related("schema", "dataset")


def inventory_for_export(organisation: Organisation) -> list[InventoryLine]:
    return list(
        inventory(organisation)
        .exclude(status=InventoryLine.Status.ABANDONED)
        .select_related("dataset")
        .prefetch_related("dataset__resources")
    )


def scdl_schemas() -> list[TableSchema]:
    return list(TableSchema.objects.filter(is_scdl=True).only("pk", "name", "title", "version").order_by("title"))


# --- Support follow-up ---------------------------------------------------------------------------------------


def meetings(organisation: Organisation) -> QuerySet[Meeting]:
    return Meeting.objects.for_organisation(organisation).prefetch_related(
        Prefetch("actions", queryset=SupportAction.objects.select_related("owner"))
    )


def actions(organisation: Organisation) -> QuerySet[SupportAction]:
    return SupportAction.objects.for_organisation(organisation).select_related("owner", "meeting")


def overdue_actions(*, today: datetime.date | None = None) -> QuerySet[SupportAction]:
    today = today or timezone.localdate()
    return (
        SupportAction.objects.filter(done=False, due_date__lt=today)
        .select_related("owner", "organisation")
        .order_by("due_date", "pk")
    )


def overdue_actions_for(user, *, today: datetime.date | None = None) -> QuerySet[SupportAction]:
    """Overdue actions the person owns, or of the organisations the person administers."""
    administered = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    ).values("organisation_id")
    return overdue_actions(today=today).filter(Q(owner=user) | Q(organisation_id__in=administered))


# --- The agency's dashboard ----------------------------------------------------------------------------------


@dataclass
class FollowedOrganisation:
    organisation: Organisation
    obligation: Obligation
    published: int
    roadmap: Roadmap
    expected: list[tuple[ExpectedSchema, str]]  # (expected schema, cell state)
    groups: list[str]


def followed_organisations(*, only_bound: bool = False) -> list[FollowedOrganisation]:
    """Each organisation the programme follows, with its obligation, published datasets, roadmap stage and the SCDL
    datasets expected from it (bounded number of queries)."""
    organisations = list(programme_organisations())
    ids = [o.pk for o in organisations]
    published = dict(
        Dataset.objects.published()
        .filter(organisation_id__in=ids)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    expected_by_kind: dict[str, list[ExpectedSchema]] = {}
    for expected in ExpectedSchema.objects.select_related("schema"):
        expected_by_kind.setdefault(expected.kind, []).append(expected)
    cells = best_cells(ids)
    groups: dict[int, list[str]] = {}
    for org, name in PilotGroupMember.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "group__name"
    ):
        groups.setdefault(org, []).append(name)
    maps = roadmaps(ids)
    rows = []
    for organisation in organisations:
        duty = obligation_of(organisation, _override(organisation))
        if only_bound and not duty.bound:
            continue
        expected = [
            (item, cells.get((organisation.pk, item.schema_id), (observers.CellState.MISSING, None))[0])
            for item in expected_by_kind.get(organisation.kind, [])
        ]
        rows.append(
            FollowedOrganisation(
                organisation=organisation,
                obligation=duty,
                published=published.get(organisation.pk, 0),
                roadmap=maps[organisation.pk],
                expected=expected,
                groups=groups.get(organisation.pk, []),
            )
        )
    return rows


# --- SCDL coverage -------------------------------------------------------------------------------------------


def best_cells(organisation_ids) -> dict[tuple[int, int], tuple[str, Dataset | None]]:
    """(organisation pk, schema pk) → (state, the dataset shown) for the best published dataset of each pair."""
    cells: dict[tuple[int, int], tuple[str, Dataset | None]] = {}
    for status in observers.scdl_statuses(list(organisation_ids)):
        key = (status.organisation_id, status.schema_id)
        current = cells.get(key)
        if current is None or observers.STATE_RANK[status.state] < observers.STATE_RANK[current[0]]:
            cells[key] = (status.state, status.dataset)
    return cells


@dataclass
class CoverageRow:
    organisation: Organisation
    bound: bool
    cells: list[tuple[TableSchema, str, Dataset | None]]


def coverage_matrix(
    *, group: PilotGroup | None = None, bound_only: bool = False
) -> tuple[list[TableSchema], list[CoverageRow]]:
    """Organisations (pilot group members and bound organisations) × SCDL schemas."""
    organisations = programme_organisations()
    if group is not None:
        organisations = organisations.filter(pilot_group_memberships__group=group)
    organisations = list(organisations)
    schemas = scdl_schemas()
    cells = best_cells([o.pk for o in organisations])
    rows = []
    for organisation in organisations:
        bound = obligation_of(organisation, _override(organisation)).bound
        if bound_only and not bound:
            continue
        row = []
        for schema in schemas:
            state, dataset = cells.get((organisation.pk, schema.pk), (observers.CellState.MISSING, None))
            row.append((schema, state, dataset))
        rows.append(CoverageRow(organisation, bound, row))
    return schemas, rows


# --- For the observatory -------------------------------------------------------------------------------------


def observatory_facts() -> dict[int, dict]:
    """organisation pk → {"stage", "stage_total", "stage_label", "pilot_group", "bound"} for every organisation that
    is bound or in a pilot group (a fixed number of queries)."""
    organisations = list(programme_organisations())
    ids = [o.pk for o in organisations]
    groups: dict[int, str] = {}
    for org, name in (
        PilotGroupMember.objects.filter(organisation_id__in=ids)
        .order_by("group__start_date", "group__pk")
        .values_list("organisation_id", "group__name")
    ):
        groups[org] = name  # the latest group wins
    maps = roadmaps(ids)
    facts = {}
    for organisation in organisations:
        bound = obligation_of(organisation, _override(organisation)).bound
        group = groups.get(organisation.pk)
        if not bound and group is None:
            continue  # an override to "not bound" of an organisation in no group
        roadmap = maps[organisation.pk]
        facts[organisation.pk] = {
            "stage": roadmap.done_count,
            "stage_total": roadmap.total,
            "stage_label": roadmap.stage_label,
            "pilot_group": group,
            "bound": bound,
        }
    return facts


# --- Personal data (RGPD export) -----------------------------------------------------------------------------


def personal_data(user) -> dict:
    """What the programme holds about a person: the groups where they are a referent, the actions they own."""
    referent = PilotGroupMember.objects.filter(Q(elected_referent=user) | Q(agent_referent=user)).select_related(
        "group", "organisation"
    )
    return {
        "referent_of": [
            {
                "group": member.group.name,
                "organisation": member.organisation.name,
                "role": "elected" if member.elected_referent_id == user.pk else "agent",
            }
            for member in referent
        ],
        "support_actions": [
            {"title": action.title, "due_date": action.due_date.isoformat(), "done": action.done}
            for action in SupportAction.objects.filter(owner=user).order_by("due_date", "pk")
        ],
    }
