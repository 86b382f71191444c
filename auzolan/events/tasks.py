"""Background tasks of events (run by `manage.py db_worker`): the expiry of a waiting-list offer at its deadline,
and the debounced publication of the agenda's open dataset. Cron runs the same work through `manage.py
events_expire_offers` (a safety net when no worker runs) and pages check offers lazily."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from auzolan.events.services import opendata, registrations


@task()
def expire_offers() -> int:
    """Expire the offers past their deadline and offer their seats to the next people."""
    return registrations.offers_expire()


@task()
def publish_agenda() -> str:
    opendata.agenda_publication_started()
    dataset = opendata.agenda_publish()
    return str(dataset.identifier) if dataset is not None else ""


def schedule_offer_expiry(entry) -> None:
    """Run `expire_offers` when the offer made to `entry` ends (plus a minute)."""
    expire_offers.using(run_after=entry.offer_expires_at + dt.timedelta(minutes=1)).enqueue()
