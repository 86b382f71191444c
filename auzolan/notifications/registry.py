"""Daily checks that higher apps register: each looks for events that happened since its last run (a phase that
started, results published) and notifies people, idempotently (notify(once_key=...)).

`manage.py send_notification_digests` runs them before sending the digests, so that the day's events are in them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_daily_checks: list[tuple[str, Callable[[datetime], int]]] = []


def register_daily_check(name: str, check: Callable[[datetime], int]) -> None:
    """`check(now)` notifies what happened and returns how many events it notified."""
    if all(existing != name for existing, _check in _daily_checks):
        _daily_checks.append((name, check))


def daily_checks() -> list[tuple[str, Callable[[datetime], int]]]:
    return list(_daily_checks)
