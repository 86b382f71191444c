"""Blocks events puts on shared pages."""

from __future__ import annotations

from django.utils import timezone

from auzolan.events.models import Registration


def dashboard_section(request) -> dict | None:
    """ "Mon espace": how many upcoming registrations the person has (hidden when none and nothing to manage)."""
    upcoming = Registration.objects.filter(
        user=request.user, state__in=Registration.HOLDING, event__ends_at__gte=timezone.now()
    ).count()
    return {"upcoming": upcoming}
