"""Everything events adds to the rest of the platform, in one place: the sections of a person's data export, what
happens when an account is deleted, and the block of "Mon espace". Called once from `EventsConfig.ready`."""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.registry import register_dashboard_section, register_page_section
from auzolan.events.services import personal_data
from auzolan.events.views import sections


def register() -> None:
    # --- A person's data export (RGPD) and account deletion -----------------------------------------------------
    register_export_section("events_registrations", personal_data.personal_data)
    register_deletion_hooks(cleanup=personal_data.deletion_cleanup)

    # --- "Mon espace": the person's next sessions, and the organisers' events ------------------------------------
    register_dashboard_section("events/_dashboard.html", sections.dashboard_section, order=30)

    # --- The programme page "Jeunesse et événements": the next sessions of the agenda ------------------------------
    register_page_section("programme_youth", "events/_programme_section.html", sections.programme_section, order=10)
