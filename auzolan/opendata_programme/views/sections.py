"""The blocks the programme puts on other apps' pages: "Mon espace" (overdue support actions) and the organisation's
page (its stage in the roadmap and the links to its programme pages, for its members and the agency)."""

from __future__ import annotations

from auzolan.core.permissions import can
from auzolan.opendata_programme import selectors


def dashboard_section(request) -> dict | None:
    """ "Mon espace": overdue actions the person owns or that their organisations (as administrator) must do; for
    the agency, the count of all overdue actions and the link to the programme dashboard."""
    user = request.user
    operator = can(user, "opendata_programme.manage_programme")
    overdue = list(selectors.overdue_actions_for(user)[:20])
    if not overdue and not operator:
        return None
    return {
        "overdue": overdue,
        "operator": operator,
        "all_overdue": selectors.overdue_actions().count() if operator else 0,
    }


def organisation_section(request, organisation) -> dict | None:
    """The organisation's page, for its members and the agency: the stage reached and the next step."""
    if not can(request.user, "opendata_programme.view_roadmap", organisation):
        return None
    road = selectors.roadmap(organisation)
    return {"organisation": organisation, "roadmap": road, "next_step": road.next_step}
