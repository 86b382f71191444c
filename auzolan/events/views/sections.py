"""Blocks events puts on shared pages."""

from __future__ import annotations

from django.utils import timezone

from auzolan.events import selectors
from auzolan.events.models import Registration


def dashboard_section(request) -> dict | None:
    """ "Mon espace": how many upcoming registrations the person has (hidden when none and nothing to manage)."""
    upcoming = Registration.objects.filter(
        user=request.user, state__in=Registration.HOLDING, event__ends_at__gte=timezone.now()
    ).count()
    return {"upcoming": upcoming}


def programme_section(request, programme) -> dict:
    """The "Jeunesse et événements" programme page: the next sessions of the agenda and the organisers' link."""
    upcoming = list(selectors.agenda_sessions(selectors.AgendaFilters())[:6])
    can_manage = request.user.is_authenticated and (
        request.user.is_staff or selectors.managed_events(request.user, sees_all=False).exists()
    )
    return {"upcoming": upcoming, "can_manage": can_manage}
