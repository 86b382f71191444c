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


def _scope(process: Process, proposal: Proposal | None) -> QuerySet[Comment]:
    qs = Comment.objects.filter(process=process)
    return qs.filter(proposal=proposal) if proposal is not None else qs.filter(proposal__isnull=True)


def _full(ids) -> dict[int, Comment]:
    qs = (
        Comment.objects.filter(pk__in=list(ids))
        .select_related("author")
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
    )
    return {c.pk: c for c in qs}


def discussion(*, process: Process, proposal: Proposal | None = None, page: int | str | None = 1) -> Discussion:
    """The threads of a discussion (one page of top-level comments, each with all its replies) and its counts.

    Two queries: the shape of the whole discussion (ids, parents, positions: no text), then the full rows of the
    comments on the page only. Counts of positions are over the visible comments.
    """
    shape = list(
        _scope(process, proposal).order_by("created_at", "id").values_list("id", "parent_id", "position", "is_hidden")
    )
    children: dict[int | None, list[int]] = {}
    counts = dict.fromkeys(Comment.Position.values, 0)
    for pk, parent_id, position, is_hidden in shape:
        if not is_hidden and position in counts:
            counts[position] += 1
        children.setdefault(parent_id, []).append(pk)
    roots = list(reversed(children.get(None, [])))  # the newest threads first, replies in the order written
    pages = max(1, -(-len(roots) // THREADS_PER_PAGE))
    try:
        number = min(max(1, int(page or 1)), pages)
    except (TypeError, ValueError, OverflowError):
        number = 1
    start = (number - 1) * THREADS_PER_PAGE
    shown_roots = roots[start : start + THREADS_PER_PAGE]
    wanted, stack = [], list(shown_roots)
    while stack:
        pk = stack.pop()
        wanted.append(pk)
        stack.extend(children.get(pk, []))
    rows = _full(wanted) if wanted else {}

    def node(pk: int) -> Node:
        return Node(rows[pk], [node(child) for child in children.get(pk, []) if child in rows])

    return Discussion(
        threads=[node(pk) for pk in shown_roots if pk in rows],
        total=len(shape),
        counts=counts,
        page=number,
        pages=pages,
    )


def comment_of(*, process: Process, pk: int) -> Comment:
    """One comment of `process` (Comment.DoesNotExist)."""
    return Comment.objects.select_related("author", "proposal", "process__organisation").get(process=process, pk=pk)


def comment_history(*, comment: Comment) -> list[CommentVersion]:
    return list(CommentVersion.objects.filter(comment=comment).order_by("created_at", "id"))
