from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "auzolan.participation"
    label = "participation"
    verbose_name = _("Participation citoyenne")

    def ready(self) -> None:
        # Imported here: hooks imports the views, hence models, which need the app registry ready.
        from auzolan.participation import hooks

        hooks.register()
