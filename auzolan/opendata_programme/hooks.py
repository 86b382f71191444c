"""Everything the open data programme adds to the rest of the platform, in one place: the block of "Mon espace"
(overdue support actions), the block of the organisation's page, the daily check that notifies overdue actions and
the facts the public observatory draws (stages and obligations).
Called once from `OpendataProgrammeConfig.ready`.

The learning module (issue 13) plugs in here the other way round: its own hooks.py calls
`auzolan.opendata_programme.observers.register_training_observer(fn)` (see docs/opendata-programme.md)."""

from __future__ import annotations

from auzolan.accounts.services import register_export_section
from auzolan.core.registry import register_dashboard_section, register_page_section
from auzolan.notifications.registry import register_daily_check
from auzolan.observatory.registry import register_programme_facts
from auzolan.opendata_programme import selectors, services
from auzolan.opendata_programme.views import sections


def register() -> None:
    # --- "Mon espace": overdue support actions (owners, organisation administrators, the agency) ---------------
    register_dashboard_section("opendata_programme/_dashboard.html", sections.dashboard_section, order=30)

    # --- The organisation's page: its stage and links to its programme pages (members and the agency) --------
    register_page_section("organisation_detail", "opendata_programme/_organisation.html", sections.organisation_section)

    # --- RGPD export: the person's referent roles and the support actions they own ---------------------------
    register_export_section("opendata_programme", selectors.personal_data)

    # --- Daily notifications: each overdue action once ---------------------------------------------------------
    register_daily_check("opendata_programme.overdue_actions", services.overdue_actions_notify)

    # --- The public observatory: each organisation's roadmap stage and obligation (map, stage indicators) ------
    register_programme_facts(selectors.observatory_facts)
