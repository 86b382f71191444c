"""Everything organisations adds to the rest of the platform, in one place: its figures and block on the home page,
its block of "Mon espace", the memberships in a person's data export, and what happens when an account is deleted.

Called once from `OrganisationsConfig.ready`.
"""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.registry import register_dashboard_section, register_home_figures, register_home_section
from auzolan.organisations import selectors, services, views


def register() -> None:
    register_home_figures(selectors.home_figures)
    register_home_section("organisations/_home_members.html", order=10)
    register_dashboard_section("organisations/_dashboard.html", views.dashboard_section, order=10)
    register_export_section("memberships", services.personal_data_memberships)
    register_deletion_hooks(check=services.deletion_check_last_admin, cleanup=services.deletion_cleanup_memberships)
