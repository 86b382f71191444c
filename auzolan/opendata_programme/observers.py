"""The computed steps of the roadmap: one observer per fact the platform can see.

An observer takes the organisations' pks and returns, for each organisation where the fact holds, the date it
became true (organisations where it does not hold are absent). It runs a fixed number of queries whatever the number
of organisations, so that the programme dashboard and the observatory stay bounded. A step names its observer by
code (`RoadmapStep.observer`); `OBSERVERS` lists the codes the template may use.

"Referents trained" is observed by the learning module when it exists: it calls `register_training_observer(fn)`
from its hooks.py, where `fn(referents: dict[int, list[int]]) -> dict[int, date]` receives, per organisation pk, the
pks of its named referents (élu and agent) and returns the organisations whose referents have all completed their
training, with the date of the last completion. While nobody registered, the step is checked by the agency.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import Dataset, Resource, ReuseLink
from auzolan.catalog.quality import update_fulfilled_in_time
from auzolan.datastore import selectors as datastore_selectors
from auzolan.datastore.models import ValidationReport
from auzolan.opendata_programme.models import InventoryLine, PilotGroupMember, RoadmapStep

Facts = dict[int, datetime.date]
TrainingObserver = Callable[[dict[int, list[int]]], Facts]

_training_observers: list[TrainingObserver] = []


def register_training_observer(fn: TrainingObserver) -> None:
    """Called by the learning app's hooks.py: from then on, "referents trained" is computed by `fn` (the last one
    registered decides)."""
    if fn not in _training_observers:
        _training_observers.append(fn)


def unregister_training_observer(fn: TrainingObserver) -> None:
    """For tests: forget an observer registered with `register_training_observer`."""
    if fn in _training_observers:
        _training_observers.remove(fn)


def training_observed() -> bool:
    return bool(_training_observers)


def _date(value) -> datetime.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime.datetime) else value


def _earliest(pairs: Iterable[tuple[int, object]]) -> Facts:
    facts: Facts = {}
    for organisation_id, value in pairs:
        day = _date(value)
        if day is not None and (organisation_id not in facts or day < facts[organisation_id]):
            facts[organisation_id] = day
    return facts


# --- The observers -------------------------------------------------------------------------------------------


def referents_named(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """Both referents (élu and agent) are named in a pilot group."""
    members = PilotGroupMember.objects.filter(
        organisation_id__in=organisation_ids, elected_referent__isnull=False, agent_referent__isnull=False
    ).values_list("organisation_id", "referents_named_on", "updated_at")
    return _earliest((org, named_on or updated) for org, named_on, updated in members)


def referents_trained(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """The learning module says the named referents completed their training (see `register_training_observer`)."""
    if not _training_observers:
        return {}
    referents: dict[int, list[int]] = {}
    members = PilotGroupMember.objects.filter(organisation_id__in=organisation_ids).values_list(
        "organisation_id", "elected_referent_id", "agent_referent_id"
    )
    for org, elected, agent in members:
        referents.setdefault(org, []).extend(pk for pk in (elected, agent) if pk)
    referents = {org: sorted(set(pks)) for org, pks in referents.items() if pks}
    if not referents:
        return {}
    found = _training_observers[-1](referents)
    return {org: _date(day) for org, day in found.items() if org in referents and day is not None}


def inventory_done(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """The inventory holds at least `step.threshold` lines (the date: when the threshold-th line was written)."""
    threshold = max(step.threshold, 1)
    lines = (
        InventoryLine.objects.filter(organisation_id__in=organisation_ids)
        .order_by("organisation_id", "created_at", "pk")
        .values_list("organisation_id", "created_at")
    )
    counts: dict[int, int] = {}
    facts: Facts = {}
    for org, created in lines:
        counts[org] = counts.get(org, 0) + 1
        if counts[org] == threshold:
            facts[org] = _date(created)
    return facts


def first_dataset_published(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """At least one dataset of the organisation is published."""
    rows = (
        Dataset.objects.published()
        .filter(organisation_id__in=organisation_ids)
        .values("organisation_id")
        .annotate(first=Min("published_at"))
        .values_list("organisation_id", "first")
    )
    return _earliest(rows)


def scdl_dataset_valid(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """A published dataset declares an SCDL schema and the latest validation of each of its current tabular files
    against that schema is valid (the datastore's reports)."""
    statuses = scdl_statuses(organisation_ids)
    return _earliest(
        (status.organisation_id, status.valid_since)
        for status in statuses
        if status.state in (CellState.VALID, CellState.OUTDATED)
    )


def first_reuse(organisation_ids: list[int], step: RoadmapStep) -> Facts:
    """A published re-use is linked to one of the organisation's published datasets."""
    rows = ReuseLink.objects.filter(
        state=ReuseLink.State.PUBLISHED,
        dataset__organisation_id__in=organisation_ids,
        dataset__state=Dataset.State.PUBLISHED,
    ).values_list("dataset__organisation_id", "moderated_at", "reuse__created_at")
    return _earliest((org, moderated or created) for org, moderated, created in rows)


@dataclass(frozen=True)
class Observer:
    code: str
    label: str
    fn: Callable[[list[int], RoadmapStep], Facts]


OBSERVERS: dict[str, Observer] = {
    observer.code: observer
    for observer in (
        Observer("referents_named", _("Référents désignés dans un groupe pilote"), referents_named),
        Observer("referents_trained", _("Référents formés (module de formation)"), referents_trained),
        Observer("inventory_done", _("Inventaire d'au moins « seuil » lignes"), inventory_done),
        Observer("first_dataset_published", _("Un jeu de données publié"), first_dataset_published),
        Observer("scdl_dataset_valid", _("Un jeu SCDL publié et valide"), scdl_dataset_valid),
        Observer("first_reuse", _("Une réutilisation publiée"), first_reuse),
    )
}


def is_computed(step: RoadmapStep) -> bool:
    """Does the platform compute this step now? ("referents trained" only once the learning module registered.)"""
    if step.observer not in OBSERVERS:
        return False
    return step.observer != "referents_trained" or training_observed()


def observe(step: RoadmapStep, organisation_ids: list[int]) -> Facts:
    if not is_computed(step) or not organisation_ids:
        return {}
    return OBSERVERS[step.observer].fn(list(organisation_ids), step)


# --- SCDL datasets and their validation ----------------------------------------------------------------------


class CellState:
    VALID = "valid"
    OUTDATED = "outdated"
    NOT_VALIDATED = "not_validated"
    INVALID = "invalid"
    MISSING = "missing"


#: The best state wins when an organisation publishes several datasets of one schema.
STATE_RANK = {
    CellState.VALID: 0,
    CellState.OUTDATED: 1,
    CellState.NOT_VALIDATED: 2,
    CellState.INVALID: 3,
    CellState.MISSING: 4,
}


@dataclass(frozen=True)
class ScdlStatus:
    organisation_id: int
    schema_id: int
    dataset: Dataset
    state: str
    valid_since: datetime.date | None


def _outdated(dataset: Dataset, now: datetime.datetime) -> bool:
    # The catalogue's quality rule: the same deadline as its "updated in time" criterion.
    return dataset.frequency not in ("", "UNKNOWN") and not update_fulfilled_in_time(dataset, now=now)


def scdl_statuses(organisation_ids: list[int], *, now: datetime.datetime | None = None) -> list[ScdlStatus]:
    """The published datasets of these organisations that declare an SCDL schema, each with its state (three
    queries: datasets, their resources, the latest reports of their current versions)."""
    now = now or timezone.now()
    datasets = list(
        Dataset.objects.published()
        .filter(organisation_id__in=organisation_ids, schema__is_scdl=True)
        .only(
            "pk",
            "slug",
            "title",
            "organisation_id",
            "schema_id",
            "frequency",
            "last_modified",
            "published_at",
            "created_at",
        )
    )
    if not datasets:
        return []
    resources: dict[int, list[int]] = {}
    for dataset_id, version_id in Resource.objects.filter(
        dataset_id__in=[d.pk for d in datasets], current_version__isnull=False
    ).values_list("dataset_id", "current_version_id"):
        resources.setdefault(dataset_id, []).append(version_id)
    reports = datastore_selectors.latest_reports(v for versions in resources.values() for v in versions)
    statuses = []
    for dataset in datasets:
        latest = [reports.get(version) for version in resources.get(dataset.pk, [])]
        latest = [r for r in latest if r is not None and r.schema_id == dataset.schema_id and r.is_finished]
        if not latest:
            state, since = CellState.NOT_VALIDATED, None
        elif any(r.state == ValidationReport.State.FAILED or not r.valid for r in latest):
            state, since = CellState.INVALID, None
        else:
            since = max(_date(r.finished_at or r.created_at) for r in latest)
            state = CellState.OUTDATED if _outdated(dataset, now) else CellState.VALID
        statuses.append(ScdlStatus(dataset.organisation_id, dataset.schema_id, dataset, state, since))
    return statuses
