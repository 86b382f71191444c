"""Everything notifications adds to the rest of the platform, in one place: its block of "Mon espace", the
notifications in a person's data export, and their deletion with the account.

Called once from `NotificationsConfig.ready`.
"""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.registry import register_dashboard_section
from auzolan.notifications import services, views


def register() -> None:
    register_dashboard_section("notifications/_dashboard.html", views.dashboard_section, order=10)
    register_export_section("notifications", services.personal_data)
    register_deletion_hooks(cleanup=services.deletion_cleanup)
