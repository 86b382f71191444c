"""The audit log: services call audit_log() inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from auzolan.core.models import AuditLogEntry

SECRET_KEYS = ("password", "secret", "token", "key", "code")
MASK = "***"


def _mask(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: MASK if any(word in str(key).lower() for word in SECRET_KEYS) else _mask(value)
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [_mask(value) for value in data]
    return data


def audit_log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    organisation=None,
    data: dict | None = None,
) -> AuditLogEntry:
    """Record that `actor` did `action` (a dotted code such as "organisations.membership.added") on `obj`."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLogEntry.objects.create(
        actor=actor,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        data=_mask(data or {}),
    )
