"""One permission API for the whole platform: can(actor, action, obj).

Each app declares its rules in `<app>/rules.py` with django-rules predicates
(`rules.add_perm("organisations.change_organisation", is_org_admin | is_operator)`);
those modules are imported at start-up by rules' autodiscovery. Views, the API, templates,
commands and services all ask this module. Deny by default: an action nobody declared is a
programming error, raised loudly, never a silent grant.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404

from auzolan.core.errors import NotFound, PermissionDenied


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """Can `actor` (a user, possibly anonymous) do `action` on `obj`?"""
    if not rules.perm_exists(action):
        raise ImproperlyConfigured(f"Unknown permission {action!r}: declare it in the app's rules.py.")
    # A deactivated account can do nothing; anonymous visitors (whose is_active is False) get the public rules.
    if actor is not None and getattr(actor, "is_authenticated", False) and not getattr(actor, "is_active", True):
        return False
    return bool(rules.has_perm(action, actor, obj))


def require(actor: Any, action: str, obj: Any = None, *, hide: bool = True) -> None:
    """Raise NotFound (hide=True, the default: the object stays invisible) or PermissionDenied."""
    if not can(actor, action, obj):
        raise NotFound("Page introuvable.") if hide else PermissionDenied("Action non autorisée.")


def get_object_for(actor: Any, action: str, queryset: QuerySet | type[Model], **lookup) -> Model:
    """Fetch one object and check the permission; missing and out-of-reach are the same 404."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not can(actor, action, obj):
        raise Http404
    return obj
