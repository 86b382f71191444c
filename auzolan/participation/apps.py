from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "auzolan.participation"
    label = "participation"
    verbose_name = _("Participation citoyenne")

    def ready(self) -> None:
        from auzolan.accounts.services import register_deletion_hooks, register_export_section
        from auzolan.participation import (
            personal_data,
            phases,  # noqa: F401  (registers the phase types)
        )
        from auzolan.participation.views import (
            budgets,
            comments,
            followup,
            guides,
            moderation,
            processes,
            proposals,
            surveys,
            verification,
        )

        register_export_section("participation", personal_data.personal_data)
        register_deletion_hooks(cleanup=personal_data.deletion_cleanup)

        # Each area adds its blocks to shared pages (process page, home, dashboard) in its own register().
        for area in (processes, proposals, comments, moderation, surveys, budgets, verification, followup, guides):
            register = getattr(area, "register", None)
            if register is not None:
                register()
