"""DuckDB connections of the datastore: in-process, offline, bounded in memory.

Extensions are never installed or loaded from the network (`autoinstall_known_extensions` and
`autoload_known_extensions` off): only what is built into the wheel (parquet, json, icu) is available.
"""

from __future__ import annotations

import duckdb
from django.conf import settings

MEMORY_LIMIT = "512MB"


def connect(database: str = ":memory:", *, temp_directory: str | None = None, threads: int | None = None):
    config = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": getattr(settings, "DATASTORE_DUCKDB_MEMORY_LIMIT", MEMORY_LIMIT),
    }
    if temp_directory:
        config["temp_directory"] = temp_directory
    if threads:
        config["threads"] = threads
    return duckdb.connect(database, config=config)


def quote(name: str) -> str:
    """A quoted DuckDB identifier. Only ever used with names from a stored column list, never raw user input."""
    return '"' + name.replace('"', '""') + '"'
