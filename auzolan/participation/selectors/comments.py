"""Reads of comments: the threads of a proposal or of the process, with the counts of positions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from auzolan.participation.models import Comment, CommentVersion, Process, Proposal

#: Top-level threads per page of a discussion.
THREADS_PER_PAGE = 20


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)


@dataclass
class Discussion:
    threads: list[Node]
    total: int
    counts: dict[str, int]
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _comments(process: Process, proposal: Proposal | None) -> QuerySet[Comment]:
    qs = Comment.objects.filter(process=process)
    qs = qs.filter(proposal=proposal) if proposal is not None else qs.filter(proposal__isnull=True)
    return (
        qs.select_related("author")
        .only(
            "id",
            "parent_id",
            "depth",
            "body",
            "position",
            "created_at",
            "edited_at",
            "is_hidden",
            "hidden_reason",
            "author__id",
            "author__full_name",
            "author__email",
            "author__deleted_at",
        )
        .order_by("created_at", "id")
    )


def discussion(*, process: Process, proposal: Proposal | None = None, page: int | str | None = 1) -> Discussion:
    """The threads of a discussion (one page of top-level comments, each with all its replies) and its counts.

    One query: all comments of the discussion are read (only the columns shown), the tree is built in Python.
    Counts of positions are over the visible comments.
    """
    comments = list(_comments(process, proposal))
    nodes = {c.pk: Node(c) for c in comments}
    roots: list[Node] = []
    counts = dict.fromkeys(Comment.Position.values, 0)
    for comment in comments:
        if not comment.is_hidden:
            counts[comment.position] += 1
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent else roots).append(node)
    roots.reverse()  # the newest threads first, replies in the order they were written
    pages = max(1, -(-len(roots) // THREADS_PER_PAGE))
    try:
        number = min(max(1, int(page or 1)), pages)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * THREADS_PER_PAGE
    return Discussion(
        threads=roots[start : start + THREADS_PER_PAGE],
        total=len(comments),
        counts=counts,
        page=number,
        pages=pages,
    )


def comment_of(*, process: Process, pk: int) -> Comment:
    """One comment of `process` (Comment.DoesNotExist)."""
    return Comment.objects.select_related("author", "proposal", "process__organisation").get(process=process, pk=pk)


def comment_history(*, comment: Comment) -> list[CommentVersion]:
    return list(CommentVersion.objects.filter(comment=comment).order_by("created_at", "id"))
