"""Reactions of the datastore to the catalogue's signals (connected in DatastoreConfig.ready)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def start_ingestion(sender, *, version, actor=None, **kwargs) -> None:
    """A tabular file version was uploaded: load it in the background (the job belongs to the uploader)."""
    from auzolan.datastore.ingestion import table_load

    table_load(version=version, actor=actor)
