"""The blocks the programme puts on other apps' pages: "Mon espace" (overdue support actions, the organisation's
programme page)."""

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
