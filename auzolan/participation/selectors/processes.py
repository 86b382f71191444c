"""Reads for process pages: the public list, one process with its phases, the organisation's management screens."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from auzolan.organisations.models import Membership, Organisation
from auzolan.participation.models import Category, District, Phase, Process

#: Public list filter on the calendar ("en cours", "à venir", "terminées").
PERIODS = ("current", "upcoming", "finished")


def public_process_list(*, theme: str = "", organisation: str = "", period: str = "", at=None) -> QuerySet[Process]:
    """Published and closed processes, with their organisation and their phases prefetched; filters are optional."""
    at = at or timezone.now()
    queryset = (
        Process.objects.published()
        .select_related("organisation")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("start_at", "id")))
        .annotate(first_start=Min("phases__start_at"), last_end=Max("phases__end_at"))
    )
    if theme:
        queryset = queryset.filter(theme=theme)
    if organisation:
        queryset = queryset.filter(organisation__slug=organisation)
    running = Q(state=Process.State.PUBLISHED, first_start__lte=at, last_end__gt=at)
    if period == "current":
        queryset = queryset.filter(running)
    elif period == "upcoming":
        queryset = queryset.filter(state=Process.State.PUBLISHED, first_start__gt=at)
    elif period == "finished":
        queryset = queryset.filter(Q(state=Process.State.CLOSED) | Q(last_end__lte=at))
    return queryset.order_by("-published_at", "-pk")


def organisations_with_processes():
    return Organisation.objects.filter(
        Exists(Process.objects.published().filter(organisation=OuterRef("pk")))
    ).order_by("name")


def process_detail_queryset() -> QuerySet[Process]:
    return Process.objects.select_related("organisation").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("start_at", "id")),
        "communes",
        "districts",
    )


def manage_process_queryset() -> QuerySet[Process]:
    return process_detail_queryset().prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name"))
    )


def manageable_organisations(*, user):
    """The organisations whose processes a person manages (editors and administrators; all for agency staff)."""
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__state=Membership.State.ACTIVE,
        memberships__role__in=[Membership.Role.ADMIN, Membership.Role.EDITOR],
    ).order_by("name")


def organisation_process_list(*, organisation) -> QuerySet[Process]:
    return (
        Process.objects.for_organisation(organisation)
        .annotate(phase_count=Count("phases"), first_start=Min("phases__start_at"), last_end=Max("phases__end_at"))
        .order_by("-created_at", "-pk")
    )


def organisation_districts(*, organisation) -> QuerySet[District]:
    return District.objects.for_organisation(organisation).select_related("commune").order_by("name")


def published_figures() -> dict:
    at = timezone.now()
    return Process.objects.published().aggregate(
        total=Count("pk", distinct=True),
        running=Count(
            "pk",
            distinct=True,
            filter=Q(state=Process.State.PUBLISHED, phases__start_at__lte=at, phases__end_at__gt=at),
        ),
    )


# --- The read API (participation/api.py) ------------------------------------------------------------------------

#: States visible in the API: a draft is a 404 for everyone.
API_PUBLIC_STATES = (Process.State.PUBLISHED, Process.State.CLOSED, Process.State.ARCHIVED)


def api_processes() -> QuerySet[Process]:
    return Process.objects.filter(state__in=API_PUBLIC_STATES).select_related("organisation")


def api_process_detail(*, slug: str) -> Process | None:
    return (
        api_processes()
        .prefetch_related("communes", "districts", Prefetch("phases", queryset=Phase.objects.order_by("start_at")))
        .annotate(proposals_count=Count("proposals", filter=Q(proposals__is_hidden=False)))
        .filter(slug=slug)
        .first()
    )
