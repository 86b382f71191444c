"""Reads of moderation: the queue of a process (reported or hidden content) and the blocked people."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from auzolan.participation.models import Comment, Process, Proposal, Report, UserBlock


def _open_reports():
    return Prefetch(
        "reports",
        Report.objects.filter(resolved_at__isnull=True).select_related("reporter").order_by("created_at"),
        to_attr="open_reports",
    )


def moderation_queue(*, process: Process) -> dict:
    """Content of `process` with open reports or hidden, most reported first; the organisation's blocks."""
    flagged = Q(reports_count__gt=0) | Q(is_hidden=True)
    proposals = (
        Proposal.objects.filter(process=process)
        .filter(flagged)
        .select_related("author")
        .prefetch_related(_open_reports())
        .order_by("-reports_count", "-updated_at")
    )
    comments = (
        Comment.objects.filter(process=process)
        .filter(flagged)
        .select_related("author", "proposal")
        .prefetch_related(_open_reports())
        .order_by("-reports_count", "-updated_at")
    )
    blocks = UserBlock.objects.filter(organisation_id=process.organisation_id).select_related("user", "blocked_by")
    return {"proposals": list(proposals), "comments": list(comments), "blocks": list(blocks)}


def pending_count(*, process: Process) -> int:
    return (
        Proposal.objects.filter(process=process, reports_count__gt=0).count()
        + Comment.objects.filter(process=process, reports_count__gt=0).count()
    )
