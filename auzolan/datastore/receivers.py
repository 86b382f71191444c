"""Reactions of the datastore to the catalogue's signals (connected in hooks.py)."""

from __future__ import annotations

import logging

from django.db import transaction

from auzolan.datastore import services

logger = logging.getLogger(__name__)


def start_ingestion(sender, *, version, actor=None, **kwargs) -> None:
    """A tabular file version was uploaded: load it in the background (the job belongs to the uploader)."""
    services.table_load(version=version, actor=actor)


def start_validation(sender, *, version, actor=None, **kwargs) -> None:
    """A file version was uploaded: validate it in the background when the dataset declares a schema."""
    services.validation_start(version=version, actor=actor)


def revalidate_on_schema_change(sender, *, dataset, **kwargs) -> None:
    """The dataset changed (inside the service's transaction): validate the current versions whose latest report is
    against another schema. A failure here never breaks the catalogue's write (savepoint, logged)."""
    try:
        with transaction.atomic():
            services.dataset_revalidate(dataset=dataset)
    except Exception:
        logger.exception("Validation of dataset %s after a change could not start", dataset.pk)
