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


def api_followups(*, process: Process) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(process=process)
        .select_related("proposal")
        .prefetch_related(Prefetch("updates", queryset=FollowUpUpdate.objects.order_by("-date", "-id")))
        .order_by("title", "id")
    )
