"""The blocks harvesting puts on other apps' pages."""

from __future__ import annotations

from auzolan.core.permissions import can
from auzolan.harvest import selectors


def dataset_origin(request, dataset) -> dict | None:
    """The dataset page of a harvested dataset: where it comes from (its page on the member's portal), and for the
    people who manage the source, a link to it."""
    record = selectors.dataset_harvest_record(dataset)
    if record is None:
        return None
    return {
        "record": record,
        "source": record.source,
        "can_manage": can(request.user, "harvest.view_source", record.source),
    }


def dashboard_section(request) -> dict | None:
    """ "Mon espace" of an editor (or agency staff): the harvest sources, and how many failed at their last run."""
    if not selectors.organisations_for_sources(request.user).exists():
        return None
    sources = list(selectors.visible_sources(request.user).values_list("last_state", flat=True))
    return {"sources": len(sources), "failed": sum(1 for state in sources if state == "failed")}
