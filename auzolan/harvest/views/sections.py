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
