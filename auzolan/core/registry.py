"""What each module contributes to the shared pages (home page figures, dashboard blocks).

Apps register in their AppConfig.ready(); core never imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str = ""


_home_figures: list[Callable[[], list[Figure]]] = []
_home_sections: list[tuple[int, str]] = []


def register_home_figures(provider: Callable[[], list[Figure]]) -> None:
    """`provider()` returns the figures this module shows on the home page."""
    if provider not in _home_figures:
        _home_figures.append(provider)


def register_home_section(template_name: str, *, order: int = 50) -> None:
    """A template included on the home page; it gets the home page's context."""
    if (order, template_name) not in _home_sections:
        _home_sections.append((order, template_name))


def home_figures() -> list[Figure]:
    return [figure for provider in _home_figures for figure in provider()]


def home_sections() -> list[str]:
    return [name for _, name in sorted(_home_sections)]


@dataclass(frozen=True)
class DashboardSection:
    template_name: str
    context: Callable  # (request) -> dict, merged into the section's context
    order: int = 50


_dashboard_sections: list[DashboardSection] = []


def register_dashboard_section(template_name: str, context: Callable, *, order: int = 50) -> None:
    """A block of the personal dashboard ("Mon espace"), rendered with `context(request)` (None hides it)."""
    if all(s.template_name != template_name for s in _dashboard_sections):
        _dashboard_sections.append(DashboardSection(template_name, context, order))


def dashboard_sections(request) -> list[tuple[str, dict]]:
    """The dashboard blocks to show; a provider returning None hides its block."""
    result = []
    for section in sorted(_dashboard_sections, key=lambda s: s.order):
        context = section.context(request)
        if context is not None:
            result.append((section.template_name, context))
    return result


@dataclass(frozen=True)
class PageSection:
    template_name: str
    context: Callable  # (request, obj) -> dict, or None to show nothing
    order: int = 50


_page_sections: dict[str, list[PageSection]] = {}


def register_page_section(slot: str, template_name: str, context: Callable, *, order: int = 50) -> None:
    """A block that a higher app adds to a lower app's page (slot "organisation_detail", "territory"...).

    The template receives `section`, the dict returned by `context(request, obj)`; a None return hides it.
    """
    sections = _page_sections.setdefault(slot, [])
    if all(s.template_name != template_name for s in sections):
        sections.append(PageSection(template_name, context, order))


def page_sections(slot: str, request, obj=None) -> list[tuple[str, dict]]:
    result = []
    for section in sorted(_page_sections.get(slot, []), key=lambda s: s.order):
        context = section.context(request, obj)
        if context is not None:
            result.append((section.template_name, context))
    return result
