"""What the observatory adds to other apps' pages (registered in `observatory.hooks`)."""

from __future__ import annotations

from auzolan.observatory import selectors


def programme_section(request, programme) -> dict:
    """The open data programme page: the latest snapshot's headline figures and the link to the observatory."""
    return {"latest": selectors.snapshot_history().last()}
