"""Reads of harvesting: the sources a person may see, their runs and records."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery

from auzolan.core.permissions import can
from auzolan.harvest.models import HarvestRecord, HarvestRun, HarvestSource
from auzolan.organisations.models import Membership, Organisation


def visible_sources(user) -> QuerySet[HarvestSource]:
    """Every source for agency staff; the sources of the organisations where `user` is an editor otherwise; each
    with its last run's state and message (one query)."""
    sources = HarvestSource.objects.select_related("organisation")
    if not can(user, "harvest.view_all_sources"):
        organisations = Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE, role__in=("admin", "editor")
        ).values("organisation_id")
        sources = sources.filter(organisation_id__in=organisations)
    last = HarvestRun.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-pk")
    return sources.annotate(
        last_state=Subquery(last.values("state")[:1]),
        last_dry_run=Subquery(last.values("dry_run")[:1]),
        last_message=Subquery(last.values("message")[:1]),
    ).order_by("organisation__name", "name", "pk")


def source_runs(source: HarvestSource, *, limit: int = 30) -> list[HarvestRun]:
    runs = HarvestRun.objects.filter(source=source).select_related("started_by").order_by("-created_at", "-pk")
    return list(runs[:limit])


def source_record_counts(source: HarvestSource) -> dict[str, int]:
    counts = dict.fromkeys(HarvestRecord.State.values, 0)
    rows = HarvestRecord.objects.filter(source=source).values("state").annotate(n=Count("pk")).order_by()
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def dataset_harvest_record(dataset) -> HarvestRecord | None:
    return HarvestRecord.objects.filter(dataset=dataset).select_related("source").first()


def organisations_for_sources(user):
    """The organisations `user` may add a source to: where they are an editor; every one for agency staff."""
    organisations = Organisation.objects.order_by("name")
    if can(user, "harvest.view_all_sources"):
        return organisations
    return organisations.filter(
        memberships__user=user,
        memberships__state=Membership.State.ACTIVE,
        memberships__role__in=("admin", "editor"),
    )
