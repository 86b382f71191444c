"""What a process keeps of tables between requests — their text index's lexicon and postings (`textindex.Postings`),
their sort orders (`sortorder.SortOrder`) — within a memory budget (`DATASTORE_MEMORY_CACHE_MB` per process): the
least recently used go first. A table never changes once ready (a new version or reload is a new table with new
files), so an entry is never stale: keys name the table's file. Thread-safe; a fork starts empty. Knows no model."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

from django.conf import settings

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
_state = {"pid": os.getpid(), "bytes": 0}


def budget() -> int:
    return int(getattr(settings, "DATASTORE_MEMORY_CACHE_MB", 128)) * 1024 * 1024


def _reset_after_fork() -> None:
    if _state["pid"] != os.getpid():
        _entries.clear()
        _state.update(pid=os.getpid(), bytes=0)


def get(key: tuple):
    with _lock:
        _reset_after_fork()
        entry = _entries.get(key)
        if entry is None:
            return None
        _entries.move_to_end(key)
        return entry[0]


def put(key: tuple, value, nbytes: int) -> None:
    """Keep `value` (about `nbytes` of memory) unless it alone is over the budget; older entries leave for it."""
    limit = budget()
    with _lock:
        _reset_after_fork()
        if nbytes > limit:
            return
        previous = _entries.pop(key, None)
        if previous is not None:
            _state["bytes"] -= previous[1]
        while _entries and _state["bytes"] + nbytes > limit:
            _old, (_value, size) = _entries.popitem(last=False)
            _state["bytes"] -= size
        _entries[key] = (value, nbytes)
        _state["bytes"] += nbytes


def clear() -> None:
    with _lock:
        _entries.clear()
        _state["bytes"] = 0


def size() -> int:
    with _lock:
        return _state["bytes"]
