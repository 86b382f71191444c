"""The block youth adds to the programme page "Jeunesse et événements" (registered in hooks.py)."""

from __future__ import annotations

from auzolan.youth import selectors


def programme_section(request, programme) -> dict:
    return selectors.programme_figures()
