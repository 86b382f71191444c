"""What the open data programme tells the observatory about each organisation (the roadmap stage, the pilot group,
the legal obligation).

The programme app registers one provider from its own `hooks.py`: `register_programme_facts(provider)`, where
`provider()` returns `{organisation pk: {"stage": int, "stage_total": int, "stage_label": str,
"pilot_group": str | None, "bound": bool}}` for the organisations it follows (bound by the open data obligation or
in a pilot group). While no provider is registered, `programme_facts()` is None and the observatory says that the
stage figures are not available — it never invents them.
"""

from __future__ import annotations

from collections.abc import Callable

ProgrammeFacts = dict[int, dict]

_provider: Callable[[], ProgrammeFacts] | None = None


def register_programme_facts(provider: Callable[[], ProgrammeFacts] | None) -> None:
    """Register the provider (the last one wins; None removes it)."""
    global _provider
    _provider = provider


def current_provider() -> Callable[[], ProgrammeFacts] | None:
    return _provider


def programme_facts() -> ProgrammeFacts | None:
    """The facts per organisation pk, or None when no programme is registered."""
    if _provider is None:
        return None
    facts = {}
    for pk, item in (_provider() or {}).items():
        facts[int(pk)] = {
            "stage": int(item.get("stage") or 0),
            "stage_total": int(item.get("stage_total") or 0),
            "stage_label": str(item.get("stage_label") or ""),
            "pilot_group": item.get("pilot_group") or None,
            "bound": bool(item.get("bound")),
        }
    return facts
