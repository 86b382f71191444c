"""Background task of the observatory (run by `manage.py db_worker`): the monthly snapshot and the publication of
the dataset, enqueued by the back office's "take the snapshot now" action; cron runs the same work through
`manage.py observatory_snapshot` (docs/observatory.md)."""

from __future__ import annotations

from django_tasks import task

from auzolan.observatory import services


@task()
def take_snapshot() -> dict:
    """Take (or update) this month's snapshot and publish the observatory's dataset."""
    snapshot, dataset, message = services.observatory_refresh()
    return {
        "month": snapshot.month.isoformat(),
        "dataset": str(dataset.identifier) if dataset is not None else "",
        "message": message,
    }
