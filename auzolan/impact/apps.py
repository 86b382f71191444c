from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "auzolan.impact"
    label = "impact"
    verbose_name = _("Expérimentations et mesure d'impact")

    def ready(self) -> None:
        # Imported here: hooks imports the views, hence models, which need the app registry ready.
        from auzolan.impact import hooks

        hooks.register()
