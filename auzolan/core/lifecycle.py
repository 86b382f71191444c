"""A lifecycle is one table of transitions (`<app>/lifecycle.py`: datasets, processes), read by the service that makes
the move and by the pages that show its buttons. This is the shape of one entry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """A button of a lifecycle: from one of `sources` to `target` (None: the state stays, e.g. announcing a process's
    results), its `label`, the success `message`, the audit code `<app>.<entity>.<audit_verb>`, and the permission
    the service requires ("" when the service checks one of its own)."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    label: str
    message: str
    audit_verb: str
    permission: str = ""
