from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "auzolan.organisations"
    label = "organisations"
    verbose_name = _("Organisations et territoire")

    def ready(self) -> None:
        from auzolan.accounts.services import register_deletion_hooks, register_export_section
        from auzolan.core.registry import register_dashboard_section, register_home_figures, register_home_section
        from auzolan.organisations import selectors, services
        from auzolan.organisations.selectors import home_figures

        register_home_figures(home_figures)
        register_home_section("organisations/_home_members.html", order=10)
        register_export_section("memberships", services.personal_data_memberships)
        register_deletion_hooks(check=services.deletion_check_last_admin, cleanup=services.deletion_cleanup_memberships)
        register_dashboard_section(
            "organisations/_dashboard.html",
            context=lambda request: {
                "memberships": list(selectors.memberships_of(user=request.user)),
                "current": request.organisation,
            },
            order=10,
        )
