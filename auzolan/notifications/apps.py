from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "auzolan.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from auzolan.accounts.services import register_deletion_hooks, register_export_section
        from auzolan.core.registry import register_dashboard_section
        from auzolan.notifications import services, views

        register_export_section("notifications", services.personal_data)
        register_deletion_hooks(cleanup=services.deletion_cleanup)
        register_dashboard_section("notifications/_dashboard.html", views.dashboard_section, order=10)
