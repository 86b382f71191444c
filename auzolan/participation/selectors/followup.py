"""Reads for the results follow-up pages and the follow buttons."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from auzolan.participation.models import Follow, FollowUp, FollowUpUpdate, Process


def followups_for_process(*, process: Process) -> QuerySet[FollowUp]:
    """The items of a process with their source and their updates (newest first), in two queries."""
    return (
        FollowUp.objects.filter(process=process)
        .select_related("process", "proposal__process", "project__budget")
        .prefetch_related(Prefetch("updates", queryset=FollowUpUpdate.objects.order_by("-date", "-id")))
        .order_by("title", "id")
    )


def followup_summary(*, process: Process) -> dict:
    """For the block on the process page: how many items and how many done, and the latest items touched."""
    items = list(FollowUp.objects.filter(process=process).order_by("-updated_at", "-id")[:3])
    total = FollowUp.objects.filter(process=process).count() if items else 0
    done = FollowUp.objects.filter(process=process, status=FollowUp.Status.DONE).count() if items else 0
    return {"items": items, "total": total, "done": done}


def is_following(*, user, process: Process, proposal=None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, process=process, proposal=proposal).exists()


# --- The read API (participation/api.py) ------------------------------------------------------------------------

#: States visible in the API: a draft is a 404 for everyone.
API_PUBLIC_STATES = (Process.State.PUBLISHED, Process.State.CLOSED, Process.State.ARCHIVED)


def api_processes() -> QuerySet[Process]:
    return Process.objects.filter(state__in=API_PUBLIC_STATES).select_related("organisation")


def api_process_detail(*, slug: str) -> Process | None:
    from django.db.models import Count, Q

    from auzolan.participation.models import Phase

    return (
        api_processes()
        .prefetch_related("communes", "districts", Prefetch("phases", queryset=Phase.objects.order_by("start_at")))
        .annotate(proposals_count=Count("proposals", filter=Q(proposals__is_hidden=False)))
        .filter(slug=slug)
        .first()
    )


def api_visible_proposals(*, process: Process):
    from auzolan.participation.models import Proposal

    return Proposal.objects.filter(process=process, is_hidden=False).select_related("category", "district", "process")


def api_budgets(*, process: Process):
    from auzolan.participation.models import Budget, Project

    projects = Project.objects.select_related("proposal").order_by("title", "pk")
    return (
        Budget.objects.filter(process=process)
        .select_related("district")
        .prefetch_related(Prefetch("projects", queryset=projects))
        .order_by("title", "pk")
    )


def api_followups(*, process: Process) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(process=process)
        .select_related("proposal")
        .prefetch_related(Prefetch("updates", queryset=FollowUpUpdate.objects.order_by("-date", "-id")))
        .order_by("title", "id")
    )
